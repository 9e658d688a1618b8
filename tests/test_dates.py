"""Tests for briefgen.extract.dates: finding, resolving, picking and parsing dates.

Every sentence here is invented for the tests.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.errors import ConfigError
from briefgen.extract import dates
from briefgen.extract.dates import DateMention, find_dates, parse_date, pick_date
from briefgen.models import is_partial_date

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    """(mention text, value) pairs, the shape most tests compare."""
    return [(m.text, m.value) for m in find_dates(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The treaty was signed in June 2019 in Minsk.", [("June 2019", "2019-06")]),
        ("Talks opened on 23 January 2018.", [("23 January 2018", "2018-01-23")]),
        ("Talks opened on the 3rd of March, 2011.", [("3rd of March, 2011", "2011-03-03")]),
        ("The memo is dated 2018-01-23.", [("2018-01-23", "2018-01-23")]),
        ("Ministers met in 2016.", [("2016", "2016")]),
        # text glued from HTML blocks: the year runs into the next word
        ("Gazette, 14 March 2009Read more", [("14 March 2009", "2009-03-14")]),
        ("Ministers met on February 4, 2016.", [("February 4, 2016", "2016-02-04")]),
        ("Ministers met on Feb. 4, 2016.", [("Feb. 4, 2016", "2016-02-04")]),
        ("Ministers met on Sept 14th 2012.", [("Sept 14th 2012", "2012-09-14")]),
        ("Ministers met on 4 Feb 2016.", [("4 Feb 2016", "2016-02-04")]),
        ("It opened in August of 2004.", [("August of 2004", "2004-08")]),
        ("It opened in October, 1998.", [("October, 1998", "1998-10")]),
        ("The summit ran 21-23 April 2015.", [("21-23 April 2015", "2015-04-21")]),
        ("The summit ran April 21–23, 2015.", [("April 21–23, 2015", "2015-04-21")]),
        ("It was Wednesday, 9 May 2007.", [("Wednesday, 9 May 2007", "2007-05-09")]),
        ("Growth slowed in mid-2014.", [("2014", "2014")]),
        ("The 2016 elections were close.", [("2016", "2016")]),
        ("Filed 14/02/2013 in Lima.", [("14/02/2013", "2013-02-14")]),
        ("Filed 02/14/2013 in Lima.", [("02/14/2013", "2013-02-14")]),
        ("Filed 2013/02/14 in Lima.", [("2013/02/14", "2013-02-14")]),
        # day and month cannot be told apart: only the year is certain
        ("Filed 03/04/2013 in Lima.", [("03/04/2013", "2013")]),
        ("The plan dates from 2018-05.", [("2018-05", "2018-05")]),
    ],
)
def test_dates_explicit_forms(text, expected):
    assert found(text) == expected
    assert all(not m.relative for m in find_dates(text))


@pytest.mark.parametrize(
    ("text", "precision"),
    [("in 1999", "year"), ("in May 1999", "month"), ("on 2 May 1999", "day")],
)
def test_dates_precision_matches_value(text, precision):
    (mention,) = find_dates(text)
    assert mention.precision == precision
    assert len(mention.value) == {"year": 4, "month": 7, "day": 10}[precision]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Exports rose this year.", "2017-08-02", [("this year", "2017")]),
        ("Exports rose last year.", "2017-08-02", [("last year", "2016")]),
        ("Last year exports rose.", "2017-08-02", [("Last year", "2016")]),
        ("“Last year was hard,” he said.", "2017-08-02", [("Last year", "2016")]),
        ("Exports will rise next year.", "2017", [("next year", "2018")]),
        ("Exports rose earlier this year.", "2017-08", [("earlier this year", "2017")]),
        ("Exports fell last month.", "2017-08-02", [("last month", "2017-07")]),
        ("Exports fell last month.", "2017-01-15", [("last month", "2016-12")]),
        ("Exports fell this month.", "2017-01", [("this month", "2017-01")]),
        ("The envoy arrived yesterday.", "2017-03-01", [("yesterday", "2017-02-28")]),
        ("The envoy arrived yesterday.", "2016-03-01", [("yesterday", "2016-02-29")]),
        ("The envoy arrived yesterday.", "2017-03", [("yesterday", "2017-03")]),
        ("The envoy arrived last week.", "2017-03-03", [("last week", "2017-02")]),
        ("The envoy arrived last week.", "2017-03", [("last week", "2017-03")]),
        ("The envoy arrived two years ago.", "2017-03-03", [("two years ago", "2015")]),
        ("The envoy arrived 3 months ago.", "2017-03-03", [("3 months ago", "2016-12")]),
        ("The envoy arrived in December.", "2017-03-03", [("December", "2016-12")]),
        ("The envoy arrived in February.", "2017-03-03", [("February", "2017-02")]),
        ("The envoy arrived in March.", "2017-03-03", [("March", "2017-03")]),
        ("The envoy arrived in mid-July.", "2017-09-03", [("July", "2017-07")]),
        ("Ships docked in June of this year.", "2019-12-21", [("June of this year", "2019-06")]),
        ("Ships docked in June of last year.", "2019-12-21", [("June of last year", "2018-06")]),
        ("Ships docked in June last year.", "2019-12-21", [("June last year", "2018-06")]),
        ("Ships docked last December.", "2019-03-21", [("last December", "2018-12")]),
        ("Ships docked last December.", "2019-12-21", [("last December", "2018-12")]),
        ("Ships will dock next March.", "2019-02-21", [("next March", "2019-03")]),
        ("Ships will dock next March.", "2019-05-21", [("next March", "2020-03")]),
        ("Ships docked on 5 June last year.", "2019-12-21", [("5 June last year", "2018-06-05")]),
        ("He spoke on Monday.", "2019-03-13", [("Monday", "2019-03-11")]),
        ("He spoke last Wednesday.", "2019-03-13", [("last Wednesday", "2019-03-06")]),
        ("He spoke next Friday.", "2019-03-13", [("next Friday", "2019-03-15")]),
        ("The ministry said Tuesday it agreed.", "2019-03-13", [("Tuesday", "2019-03-12")]),
        ("Tuesday's vote was close.", "2019-03-13", [("Tuesday", "2019-03-12")]),
        ("They met last weekend.", "2019-03-13", [("last weekend", "2019-03")]),
    ],
)
def test_dates_relative_resolved_against_publication(text, published, expected):
    mentions = find_dates(text, published=published)
    assert [(m.text, m.value) for m in mentions] == expected
    assert all(m.relative for m in mentions)


@pytest.mark.parametrize(
    "text",
    [
        "Exports fell last month.",
        "Exports rose this year.",
        "The envoy arrived in December.",
        "The envoy arrived yesterday.",
        "He spoke on Monday.",
        "Ships docked in June of last year.",
    ],
)
def test_dates_relative_without_publication_gives_nothing(text):
    assert find_dates(text) == []


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Exports fell last month.", "2017"),
        ("He spoke on Monday.", "2017-05"),
        ("The envoy arrived yesterday.", "2017"),
    ],
)
def test_dates_relative_too_fine_for_publication_gives_nothing(text, published):
    assert find_dates(text, published=published) == []


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (2017, [("last year", "2016"), ("in 2011", "2011")]),
        (dt.date(2017, 8, 2), [("last year", "2016"), ("in 2011", "2011")]),
        ("2017-02-30", [("in 2011", "2011")]),
        ("sometime", [("in 2011", "2011")]),
    ],
)
def test_dates_publication_date_forms(published, expected, caplog):
    text = "Exports rose last year, as in 2011."
    with caplog.at_level(logging.WARNING, logger="briefgen.extract"):
        for _ in range(3):
            got = [(m.text, m.value) for m in find_dates(text, published=published)]
    assert got == [(t.removeprefix("in "), v) for t, v in expected]
    warnings = [r for r in caplog.records if "publication date" in r.getMessage()]
    assert len(warnings) <= 1  # once per value, not once per sentence


@pytest.mark.parametrize(
    "text",
    [
        "The minister recently travelled to Quito.",
        "Relations are now warmer than in the past.",
        "Trade boomed in the 1990s.",
        "Trade boomed in the 1990's.",
        "Trade boomed in the early 2000s.",
        "Their ties date from the nineteenth century and the 20th century.",
        "The port handles ships every day.",
        "She may visit and they march on.",
        "The last year of his term was calm.",
        "Over the past year exports doubled.",
        "Results of Super Tuesday and Good Friday.",
        "The man sat down; the last sat first.",
        "He wrote for Russia Today and Diario Hoy.",
    ],
)
def test_dates_no_date_in_text_gives_none(text):
    assert find_dates(text, published="2019-12-21") == []


@pytest.mark.parametrize(
    "text",
    [
        "Moscow sent 2000 troops.",
        "The pipeline runs 1900 km to the coast.",
        "Some 2050 soldiers took part.",
        "About 1999 delegates attended.",
        "The loan was $1,500 million.",
        "It cost $2018 per unit.",
        "The deal is worth €2019.",
        "A 2000-strong contingent arrived.",
        "See pp 362–384 and pp. 1850-1870.",
        "Output reached 2010 barrels a day.",
        "Turnout was 1875 votes.",
        "The plan raised output by 1900 percent.",
        "UN Resolution 2019 was adopted.",
        "Flight 1876 landed at 1900 GMT.",
        "Between 1900 and 2000 people marched.",
        "The fine was USD 2000 and R$ 1900.",
        "Call +7 495 2021 0000 for details.",
        "It happened 2000 years ago.",
        "The jets flew at 1,850 metres.",
        "Read it at https://example.org/archive/2019/05/12/story.html today.",
    ],
)
def test_dates_quantities_are_not_years(text):
    assert [m for m in find_dates(text) if not m.relative] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smith, J. Oil and Power. Journal of Things 12, no. 6 (2004): 52.", [("2004", "2004")]),
        ("Perez, A. 'Old Friends.' Review (March 1967): 11-19.", [("March 1967", "1967-03")]),
        ("Ivanova, M. Arms Sales, pp. 362–384 (2011).", [("2011", "2011")]),
        ("Lee, K. (2009) Fleet Visits. London: Press, 2010.", [("2009", "2009"), ("2010", "2010")]),
    ],
)
def test_dates_citation_years(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices fell in 2008-2009.", [("2008", "2008"), ("2009", "2009")]),
        ("Prices fell in 2008–09.", [("2008", "2008"), ("09", "2009")]),
        ("The 2019/20 budget.", [("2019", "2019"), ("20", "2020")]),
        ("Between 2006 and 2008 trade grew.", [("2006", "2006"), ("2008", "2008")]),
        ("From 2006 to 2008 trade grew.", [("2006", "2006"), ("2008", "2008")]),
        (
            "From March 2006 to June 2008 trade grew.",
            [("March 2006", "2006-03"), ("June 2008", "2008-06")],
        ),
    ],
)
def test_dates_ranges_give_both_ends(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "context_year", "published", "expected"),
    [
        ("Bombers landed on December 10.", 2008, "2019-05-01", "2008-12-10"),
        ("Bombers landed on December 10.", None, "2019-05-01", "2018-12-10"),
        ("Bombers landed on April 10.", None, "2019-05-01", "2019-04-10"),
        ("Bombers landed on May 10.", None, "2019-05-01", "2018-05-10"),
        ("Bombers landed on 10 May.", None, "2019-05", "2019-05-10"),
        ("Bombers landed on 10 May.", None, "2019", "2019-05-10"),
        ("On Tuesday, October 29, talks began.", None, "2019-11-02", "2019-10-29"),
        ("On Tuesday, October 29, talks began.", 2013, "2019-11-02", "2013-10-29"),
        ("Bombers landed in December.", 2008, "2019-05-01", "2008-12"),
    ],
)
def test_dates_day_month_without_year(text, context_year, published, expected):
    (mention,) = find_dates(text, published=published, context_year=context_year)
    assert mention.value == expected
    assert mention.relative


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An August agreement set the terms.", [("August", "2019-08")]),
        ("Chile's October referendum passed.", [("October", "2019-10")]),
        ("Their July visit was short.", [("July", "2019-07")]),
        ("The June talks stalled.", [("June", "2019-06")]),
        # "May" and "March" are also words: they need a cue
        ("The March on the capital began.", []),
        ("The May elections were delayed.", []),
        # a name, not a month: no determiner or no lower-case noun after it
        ("June Okafor wrote the report.", []),
        ("The August Hotel hosted them.", []),
    ],
)
def test_dates_month_used_as_adjective(text, expected):
    assert found(text, published="2019-12-21") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The summit ran 30 June–2 July 2011.",
            [("30 June", "2011-06-30"), ("2 July 2011", "2011-07-02")],
        ),
        (
            "The summit ran June 30-July 2, 2011.",
            [("June 30", "2011-06-30"), ("July 2, 2011", "2011-07-02")],
        ),
        (
            "Trade rose between June and August 2008.",
            [("June", "2008-06"), ("August 2008", "2008-08")],
        ),
    ],
)
def test_dates_range_start_takes_the_year_of_its_end(text, expected):
    assert found(text, published="2020-03-01") == expected


def test_dates_day_month_without_any_reference_gives_nothing():
    assert find_dates("Bombers landed on December 10.") == []


def test_dates_explicit_year_becomes_context_for_what_follows():
    text = (
        "In 2008, two bombers flew to the Caribbean. On 10 December they landed; "
        "the following year a squadron came. In March, talks resumed."
    )
    assert found(text, published="2019-05-01") == [
        ("2008", "2008"),
        ("10 December", "2008-12-10"),
        ("the following year", "2009"),
        ("March", "2009-03"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "As Ortiz (1997) notes, the envoy came on 4 June.",
            [("1997", "1997"), ("4 June", "2019-06-04")],
        ),
        (
            "A report (Ortiz 1997, p. 12) says the envoy came on 4 June.",
            [("1997", "1997"), ("4 June", "2019-06-04")],
        ),
        (
            "Sanctions have applied since 2014; the envoy came on 4 June.",
            [("2014", "2014"), ("4 June", "2019-06-04")],
        ),
        (
            "Output should double by 2030. The envoy came on 4 June.",
            [("2030", "2030"), ("4 June", "2019-06-04")],
        ),
        (
            "In 2008 the envoy came.\n\nOn 4 June he left.",
            [("2008", "2008"), ("4 June", "2019-06-04")],
        ),
    ],
)
def test_dates_years_that_do_not_set_the_context(text, expected):
    assert found(text, published="2019-08-01") == expected


def test_dates_context_phrase_needs_a_context():
    assert find_dates("The following year a squadron came.", published="2019") == []
    assert found("The following year a squadron came.", context_year=2004) == [
        ("The following year", "2005")
    ]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "El 23 de enero de 2018 llegó el ministro.",
            None,
            [("23 de enero de 2018", "2018-01-23")],
        ),
        ("Firmaron en junio de 2019.", None, [("junio de 2019", "2019-06")]),
        ("Firmaron en junio del 2019.", None, [("junio del 2019", "2019-06")]),
        ("Firmaron en 2016 un acuerdo.", None, [("2016", "2016")]),
        ("Firmaron el año pasado.", "2020-03-04", [("el año pasado", "2019")]),
        ("Firmaron el mes pasado.", "2020-03-04", [("el mes pasado", "2020-02")]),
        ("Firmaron ayer.", "2020-03-04", [("ayer", "2020-03-03")]),
        ("Firmaron hace dos años.", "2020-03-04", [("hace dos años", "2018")]),
        ("Firmaron en diciembre.", "2020-03-04", [("diciembre", "2019-12")]),
        ("Firmaron en junio del año pasado.", "2020-03-04", [("junio del año pasado", "2019-06")]),
        ("Llegaron unos 2000 soldados.", None, []),
        ("En la década de 1990 y en los años 1980 hubo crisis.", None, []),
        ("A finales del año pasado firmaron.", "2020-03-04", [("año pasado", "2019")]),
        ("Marcharon en la Plaza de Mayo.", "2020-03-04", []),
        ("Firmaron el 14/02/2013.", None, [("14/02/2013", "2013-02-14")]),
    ],
)
def test_dates_spanish(text, published, expected):
    assert found(text, published=published, language="es") == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Em 23 de janeiro de 2018 chegou.", None, [("23 de janeiro de 2018", "2018-01-23")]),
        ("Assinaram em março de 2019.", None, [("março de 2019", "2019-03")]),
        ("Assinaram no ano passado.", "2020-03-04", [("ano passado", "2019")]),
        ("Assinaram ontem.", "2020-03-04", [("ontem", "2020-03-03")]),
        ("Assinaram na segunda-feira.", "2020-03-04", [("segunda-feira", "2020-03-02")]),
        ("Chegaram cerca de 2000 soldados.", None, []),
    ],
)
def test_dates_portuguese(text, published, expected):
    assert found(text, published=published, language="pt") == expected


@pytest.mark.parametrize(
    ("text", "published", "language", "expected"),
    [
        # a future clause looks ahead: the coming date, not last year's
        ("The envoy will open the fair on May 20.", "2021-05-03", "en", "2021-05-20"),
        ("The cargo is expected to arrive in October.", "2021-05-03", "en", "2021-10"),
        ("The cargo arrived in October.", "2021-05-03", "en", "2020-10"),
        ("The drills are due to start on January 9.", "2021-11-20", "en", "2022-01-09"),
        ("The ministers will meet on Friday.", "2021-05-03", "en", "2021-05-07"),
        ("The ministers met on Friday.", "2021-05-03", "en", "2021-04-30"),
        ("La ministra inaugurará la feria el 20 de mayo.", "2021-05-03", "es", "2021-05-20"),
        ("La ministra inauguró la feria el 20 de mayo.", "2021-05-03", "es", "2020-05-20"),
        ("Los técnicos llegarán el jueves.", "2021-05-03", "es", "2021-05-06"),
        ("Os técnicos chegarão em novembro.", "2021-05-03", "pt", "2021-11"),
        ("Os técnicos chegaram em novembro.", "2021-05-03", "pt", "2020-11"),
    ],
)
def test_dates_future_clause_looks_ahead(text, published, language, expected):
    (mention,) = find_dates(text, published=published, language=language)
    assert mention.value == expected


@pytest.mark.parametrize(
    ("text", "published", "language", "expected"),
    [
        # a weekday with its day of the month, Brazilian style
        ("A fragata atracou nesta terça-feira (8) no porto.", "2021-06-08", "pt", "2021-06-08"),
        ("O ministro chegou na sexta-feira, 4, a Lima.", "2021-06-08", "pt", "2021-06-04"),
        ("O ministro chega na sexta-feira, dia 11, a Lima.", "2021-06-08", "pt", "2021-06-11"),
        ("El buque zarpó el lunes 7 rumbo al sur.", "2021-06-09", "es", "2021-06-07"),
        # the modifier after the name
        ("El buque zarpó el lunes pasado.", "2021-06-09", "es", "2021-06-07"),
        ("O navio partiu na segunda-feira passada.", "2021-06-09", "pt", "2021-06-07"),
        # a weekday after a capitalised name is still a weekday ...
        ("The daily Izvestia Tuesday quoted an aide.", "2021-06-10", "en", "2021-06-08"),
        ("At Tuesday's briefing the aide spoke.", "2021-06-10", "en", "2021-06-08"),
    ],
)
def test_dates_weekday_forms(text, published, language, expected):
    (mention,) = find_dates(text, published=published, language=language)
    assert mention.value == expected


@pytest.mark.parametrize(
    "text",
    [
        "Super Tuesday results came in.",  # ... unless it is part of a name
        "On Good Friday the streets were quiet.",
    ],
)
def test_dates_weekday_in_a_name_is_not_a_date(text):
    assert find_dates(text, published="2021-06-10") == []


def test_dates_weekday_day_is_not_a_quantity():
    (mention,) = find_dates(
        "Na segunda-feira 12 navios chegaram.", published="2021-06-10", language="pt"
    )
    assert mention.text == "segunda-feira"


@pytest.mark.parametrize(
    ("text", "published", "language", "expected"),
    [
        ("Los días 3 y 4 de marzo habrá reuniones.", "2022-02-20", "es", "2022-03-03"),
        ("Talks are set for June 8 and 9 in Quito.", "2022-05-20", "en", "2022-06-08"),
        ("The fair ran 8 to 10 June 2019.", None, "en", "2019-06-08"),
    ],
)
def test_dates_day_range_dates_by_its_start(text, published, language, expected):
    (mention,) = find_dates(text, published=published, language=language)
    assert mention.value == expected


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # the most precise date in the trigger's clause wins
        ("In 2014, on 3 May 2014, the frigate docked.", "docked", "2014-05-03"),
        # nearest when equally precise
        ("Announced in 2010, the deal was signed in 2012.", "signed", "2012"),
        # another clause only when the trigger's clause has none
        ("The deal was signed; it took effect in 2013.", "signed", "2013"),
        ("In 2011 ties grew, while the deal was signed in 2013.", "signed", "2013"),
        ("In 2011 ties grew, while the deal was signed in 2013.", "grew", "2011"),
        # a range dates by its start
        ("Between 2006 and 2008, Moscow sold jets to Quito.", "sold", "2006"),
        ("Moscow sold jets to Quito in 2006-2008.", "sold", "2006"),
        ("Moscow sold jets to Quito from March 2006 to June 2008.", "sold", "2006-03"),
        # abbreviations do not end the sentence
        ("Jets flew to the U.S. coast in 2018.", "flew", "2018"),
        ("Gen. Ortiz said the frigate docked in 2015.", "docked", "2015"),
    ],
)
def test_dates_pick_date_prefers_same_clause(text, trigger, expected):
    mentions = find_dates(text)
    chosen = pick_date(mentions, text.index(trigger), text=text)
    assert chosen is not None and chosen.value == expected


def test_dates_pick_date_never_crosses_sentences():
    text = "The envoy met ministers in 2015. The frigate docked at the port."
    mentions = find_dates(text)
    assert pick_date(mentions, text.index("docked"), text=text) is None


@pytest.mark.parametrize(
    ("values", "anchor", "expected"),
    [
        ([], 5, None),
        ([(0, 4, "2011", "year"), (30, 38, "2012-04", "month")], 10, "2012-04"),
        ([(0, 4, "2011", "year"), (30, 34, "2012", "year")], 10, "2011"),
        ([(0, 4, "2011", "year"), (30, 34, "2012", "year")], 29, "2012"),
        ([(0, 4, "2011", "year"), (5, 9, "2013", "year")], 9, "2011"),  # "2011-2013"
    ],
)
def test_dates_pick_date_without_text(values, anchor, expected):
    mentions = [DateMention(s, e, "x" * (e - s), v, False, p) for s, e, v, p in values]
    chosen = pick_date(mentions, anchor)
    assert (chosen.value if chosen else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("December 21, 2019", "2019-12-21"),
        ("21 Dec 2019", "2019-12-21"),
        ("2019-12-21", "2019-12-21"),
        ("2019-12", "2019-12"),
        ("2019", "2019"),
        ("  2019 ", "2019"),
        ("2019-12-21T10:00:00Z", "2019-12-21"),
        ("2019-12-21 10:00:00+03:00", "2019-12-21"),
        ("Saturday, December 21, 2019", "2019-12-21"),
        ("Dec 21, 2019 10:00 AM", "2019-12-21"),
        ("December 2019", "2019-12"),
        ("21/12/2019", "2019-12-21"),
        ("2019-02-30", None),
        ("1066", None),
        ("last month", None),
        ("hello", None),
        ("", None),
        ("Posted by staff in 2019", None),
        ("2019 and 2020", None),
    ],
)
def test_dates_parse_date(value, expected):
    assert parse_date(value) == expected


def test_dates_parse_date_spanish():
    assert parse_date("21 de diciembre de 2019", language="es") == "2019-12-21"


def test_dates_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError, match="xx/dates.yaml"):
        find_dates("in 2019", language="xx")


def test_dates_malformed_lexicon_names_the_file(tmp_path, monkeypatch):
    bad = tmp_path / "dates.yaml"
    bad.write_text("months:\n  13: {names: [Smarch]}\n", encoding="utf-8")
    monkeypatch.setattr(dates, "_lexicon_path", lambda language: bad)
    dates._grammar.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"zz/dates\.yaml: malformed"):
            find_dates("in 2019", language="zz")
    finally:
        dates._grammar.cache_clear()


_ALPHABET = st.sampled_from(
    list("0123456789 -–/.,()$%")
    + [
        "June ",
        "May ",
        "de ",
        "of ",
        "last ",
        "year",
        " 2019",
        "December 5",
        " in ",
        "yesterday",
        "Tuesday, ",
        "the following year",
        "1990s",
        "pp. ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=80), st.lists(_ALPHABET, max_size=25).map("".join)),
    published=st.sampled_from([None, "2019", "2019-03", "2019-03-01", "2020-02-29"]),
    context_year=st.sampled_from([None, 1999, 2100]),
    language=st.sampled_from(["en", "es", "pt"]),
)
def test_dates_find_dates_never_raises_and_spans_are_exact(text, published, context_year, language):
    mentions = find_dates(text, published=published, context_year=context_year, language=language)
    previous_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert is_partial_date(m.value)
        assert len(m.value) == {"year": 4, "month": 7, "day": 10}[m.precision]
        assert 1800 <= int(m.value[:4]) <= 2100
        assert m.start >= previous_end
        previous_end = m.end


def test_dates_real_corpus_mentions_are_well_formed():
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip(f"sample corpus not found at {CORPUS}")
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        mentions = find_dates(text, published="2019-12-21")
        total += len(mentions)
        for m in mentions:
            assert text[m.start : m.end] == m.text
            assert is_partial_date(m.value)
    assert total > 0


# --- report dates, speech dates, the document's frame ----------------------------------


@pytest.mark.parametrize(
    ("text", "published", "language", "trigger", "expected"),
    [
        # the date of the statement does not date the event it reports
        (
            "The envoy will tour Peru next month, the ministry said on Monday.",
            "2022-03-09",
            "en",
            "tour",
            "2022-04",
        ),
        (
            "El canciller visitará Quito la semana próxima, informó hoy el ministerio.",
            "2022-03-09",
            "es",
            "visitará",
            "2022-03",
        ),
        (
            "O ministro visitará Lima no próximo mês, disse nesta terça-feira o porta-voz.",
            "2022-03-09",
            "pt",
            "visitará",
            "2022-04",
        ),
        # ... and a day reckoned from the publication goes even when it is the only date:
        # it dates the news ("has asked …, the Post reported Friday"), not the event
        (
            "The envoy toured Peru, the ministry said on Monday.",
            "2022-03-09",
            "en",
            "toured",
            None,
        ),
        # an explicit date after a report verb, alone, may be the event itself
        (
            "Gazprom announced in January 2019 that it would invest in Bolivia.",
            "2022-03-09",
            "en",
            "invest",
            "2019-01",
        ),
    ],
)
def test_dates_pick_date_skips_the_report_date(text, published, language, trigger, expected):
    mentions = find_dates(text, published=published, language=language)
    picked = pick_date(mentions, text.index(trigger), text=text, language=language)
    assert (picked.value if picked else None) == expected


@pytest.mark.parametrize(
    ("text", "published", "language", "expected"),
    [
        # the future a statement speaks of is reckoned from the day it was made
        (
            "The ships will sail on Friday, the admiral said on Tuesday.",
            "2022-03-13",
            "en",
            [("Friday", "2022-03-11"), ("Tuesday", "2022-03-08")],
        ),
        (
            "«Los buques zarparán el viernes», dijo el pasado martes el almirante.",
            "2022-03-13",
            "es",
            [("viernes", "2022-03-11"), ("el pasado martes", "2022-03-08")],
        ),
    ],
)
def test_dates_future_reckoned_from_the_statement(text, published, language, expected):
    assert found(text, published=published, language=language) == expected


def _doc_and_facts(
    text: str, spans: list[tuple[str, str, str | None]], kind="news", published="2022-03-09"
):
    from briefgen.models import Document, Fact

    doc = Document(id="d", path="d.txt", text=text, published=published, kind=kind, language="en")
    facts = []
    for phrase, country, date in spans:
        start = text.index(phrase)
        facts.append(
            Fact(
                id=phrase,
                country=country,
                category="diplomatic_visit",
                date=date,
                title=phrase,
                evidence=[doc.quote(start, start + len(phrase))],
            )
        )
    return doc, facts


FRAME_TEXT = (
    "Minister flies to Quito for border talks\n\n"
    "The minister landed in Quito on Tuesday. She placed flowers at a memorial. "
    "Her hosts recalled the treaty of 1998. Later the delegation visited Lima."
)


def test_dates_frame_continues_the_dated_event_of_the_country():
    doc, facts = _doc_and_facts(
        FRAME_TEXT,
        [
            ("Minister flies to Quito", "EC", None),
            ("landed in Quito", "EC", "2022-03-08"),
            ("placed flowers", "EC", None),
            ("visited Lima", "PE", None),
        ],
    )
    by_id = {f.id: f.date for f in dates.frame_dates(facts, doc)}
    assert by_id == {
        "Minister flies to Quito": "2022-03-08",  # the headline takes the body's date
        "landed in Quito": "2022-03-08",
        "placed flowers": "2022-03-08",  # continues the landing
        "visited Lima": None,  # another country: nothing links it to Tuesday
    }


def test_dates_frame_never_carries_background_history():
    doc, facts = _doc_and_facts(
        FRAME_TEXT,
        [
            ("treaty of 1998", "EC", "1998"),
            ("visited Lima", "EC", None),
        ],
    )
    assert [f.date for f in dates.frame_dates(facts, doc)] == ["1998", None]


@pytest.mark.parametrize(("kind", "published"), [("opinion", "2022-03-09"), ("news", None)])
def test_dates_frame_needs_a_dated_report(kind, published):
    doc, facts = _doc_and_facts(
        FRAME_TEXT,
        [
            ("landed in Quito", "EC", "2022-03-08"),
            ("placed flowers", "EC", None),
        ],
        kind=kind,
        published=published,
    )
    assert [f.date for f in dates.frame_dates(facts, doc)] == ["2022-03-08", None]


def test_dates_frame_headline_takes_the_finer_body_date():
    text = (
        "Envoy to tour the Andes next week\n\n"
        "The envoy will tour the Andes next week. On 14 March he will be in La Paz."
    )
    doc, facts = _doc_and_facts(
        text,
        [
            ("Envoy to tour the Andes", "BO", "2022-03"),
            ("be in La Paz", "BO", "2022-03-14"),
        ],
    )
    assert [f.date for f in dates.frame_dates(facts, doc)] == ["2022-03-14", "2022-03-14"]


def test_dates_frame_lede_takes_the_first_later_date_of_its_country():
    text = (
        "Navy to send frigates to Havana\n\n"
        "Russia will send two frigates to Cuba. The ministry said they sail on 11 March. "
        "In 1998 the countries signed a treaty. Peru was not mentioned."
    )
    doc, facts = _doc_and_facts(
        text,
        [
            ("Russia will send two frigates", "CU", None),  # the lede
            ("sail on 11 March", "CU", "2022-03-11"),
            ("Peru was not mentioned", "PE", None),  # no date of its own country
        ],
    )
    assert [f.date for f in dates.frame_dates(facts, doc)] == ["2022-03-11"] * 2 + [None]


def test_dates_frame_lede_never_takes_background_history():
    text = "Russia will send two frigates to Cuba. In 1998 the countries signed a treaty."
    doc, facts = _doc_and_facts(
        text, [("Russia will send two frigates", "CU", None), ("In 1998", "CU", "1998")]
    )
    assert [f.date for f in dates.frame_dates(facts, doc)] == [None, "1998"]


def test_dates_frame_headline_found_below_a_site_banner_by_the_title():
    text = (
        "Support our journalism\nSubscribe today\nMenu\nNews\n\n"
        "Envoy To Land In La Paz This Month\n\n"
        "Talks are planned. The envoy lands in La Paz on 14 March."
    )
    doc, facts = _doc_and_facts(
        text,
        [("Envoy To Land In La Paz", "BO", "2022-03"), ("lands in La Paz", "BO", "2022-03-14")],
    )
    doc.title = "Envoy to land in La Paz this month"
    assert [f.date for f in dates.frame_dates(facts, doc)] == ["2022-03-14"] * 2


@pytest.mark.parametrize(
    ("text", "language", "until", "shared"),
    [
        ("from July 17 to 23, 2014", "en", "2014-07-23", "2014-07"),
        ("on 17-23 July 2014", "en", "2014-07-23", "2014-07"),
        ("del 17 al 23 de julio de 2014", "es", "2014-07-23", "2014-07"),
        ("de 17 a 23 de julho de 2014", "pt", "2014-07-23", "2014-07"),
        ("on 17 July 2014", "en", None, "2014-07-17"),
    ],
)
def test_dates_day_range_keeps_its_end(text, language, until, shared):
    (mention,) = dates.find_dates(text, published="2014-07-10", language=language)
    assert (mention.until, mention.shared) == (until, shared)


def test_dates_range_across_months_shares_the_year():
    text = "He toured from 31 May to 6 June 2013."
    picked = dates.pick_date(dates.find_dates(text, language="en"), 3, text=text)
    assert (picked.value, picked.until, picked.shared) == ("2013-05-31", "2013-06-06", "2013")


def test_dates_last_week_on_a_paper_dated_by_month_is_that_month():
    assert found("Llegó la semana pasada.", published="2017-03", language="es") == [
        ("la semana pasada", "2017-03")
    ]


@pytest.mark.parametrize(
    "language, text, phrase",
    [
        ("en", "The next day, the minister flew on.", "The next day"),
        ("es", "Al día siguiente, el canciller viajó a Caracas.", "Al día siguiente"),
        ("pt", "No dia seguinte, o chanceler viajou a Caracas.", "No dia seguinte"),
    ],
)
def test_dates_the_next_day_counts_from_the_event_told_before(language, text, phrase):
    found = find_dates(text, published="2024-02-14", language=language, context_date="2024-02-19")
    assert [(m.text, m.value) for m in found] == [(phrase, "2024-02-20")]
    # with no dated event before it, "the next day" is no date
    assert find_dates(text, published="2024-02-14", language=language) == []
