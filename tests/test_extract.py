"""Tests for briefgen.extract: invented sentences for every rule, invented articles with
their expected facts, and the sample corpus (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen import categories
from briefgen.errors import ConfigError
from briefgen.extract import extract_corpus, extract_facts, load_lexicon
from briefgen.extract.layout import is_hard_wrapped, split_blocks
from briefgen.models import Document, Region, is_partial_date

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
LEXICONS = FIXTURES / "lexicons"


def facts_of(text: str, published: str | None = "2016-06-15", **kw) -> list:
    return extract_facts(Document(id="t", text=text, published=published, **kw))


def triples(text: str, published: str | None = "2016-06-15") -> set[tuple]:
    return {(f.country, f.category, f.date) for f in facts_of(text, published)}


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "In June 2019 Russian warships docked in Havana.",
            ("CU", "military_cooperation", "2019-06"),
        ),
        (
            "On 23 January 2018 Rosneft signed an oil exploration deal with Ecopetrol.",
            ("CO", "energy_deal", "2018-01-23"),
        ),
        (
            "On 2014-11-05 Russia delivered ten Mi-17 helicopters to Ecuador.",
            ("EC", "military_cooperation", "2014-11-05"),
        ),
        (
            "In 2016, Gazprom acquired a stake in a Bolivian gas field.",
            ("BO", "energy_deal", "2016"),
        ),
        (
            "Bolivia's leader Evo Morales visited Moscow on October 8, 2012.",
            ("BO", "diplomatic_visit", "2012-10-08"),
        ),
        ("RUSSIA SELLS FIGHTER JETS TO PERU IN 2009", ("PE", "military_cooperation", "2009")),
    ],
)
def test_extract_explicit_date_forms(text, expected):
    assert expected in triples(text)


def test_extract_one_range_for_several_countries_dates_each_within_the_month():
    # a tour's range dates its first stop, not the others: each stop is within the month
    several = "Lavrov will visit Cuba, Peru and Chile from 17 to 23 August 2016."
    assert triples(several) == {(cc, "diplomatic_visit", "2016-08") for cc in ("CU", "PE", "CL")}
    one = "Lavrov will visit Cuba from 17 to 23 August 2016."
    assert triples(one) == {("CU", "diplomatic_visit", "2016-08-17")}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Last month Russian warships docked in Havana.",
            ("CU", "military_cooperation", "2016-05"),
        ),
        (
            "This year Rosatom signed a deal to build a research reactor in Bolivia.",
            ("BO", "energy_deal", "2016"),
        ),
        (
            "In March a Russian delegation arrived in Managua to discuss arms purchases.",
            ("NI", "military_cooperation", "2016-03"),
        ),
    ],
)
def test_extract_relative_dates_resolve_against_publication(text, expected):
    assert expected in triples(text, published="2016-06-15")


def test_extract_undated_fact_has_no_date():
    # the publication date is never a default
    found = triples("Russia sold fighter jets to Uruguay.", published="2016-06-15")
    assert found == {("UY", "military_cooperation", None)}


def test_extract_partial_date_takes_the_paragraph_year():
    text = (
        "In 2011 Russian bombers landed in Caracas. On December 10 a Russian frigate "
        "also docked in La Guaira."
    )
    dates = {f.date for f in facts_of(text, published="2014")}
    assert dates == {"2011", "2011-12-10"}


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    "text, expected",
    [
        # leaders map to their country only inside their terms of office
        ("In 2012, President Morales visited Moscow.", {("BO", "diplomatic_visit", "2012")}),
        ("In 2023, Morales travelled to Moscow and met Putin.", set()),
        ("In 2015 Correa held talks with Lavrov in Moscow.", {("EC", "diplomatic_visit", "2015")}),
        ("In 2020 Correa held talks with Lavrov in Moscow.", set()),
        # the same surname, two countries, told apart by the years
        (
            "In 2005 President Ricardo Maduro received a Russian delegation.",
            {("HN", "diplomatic_visit", "2005")},
        ),
    ],
)
def test_extract_leaders_by_term_of_office(text, expected):
    assert triples(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Russia sold fighter jets to Venezuela and Peru in 2009.",
            {("VE", "military_cooperation", "2009"), ("PE", "military_cooperation", "2009")},
        ),
        (
            "Unlike Brazil, Venezuela bought Russian tanks in 2010.",
            {("VE", "military_cooperation", "2010")},
        ),
        (
            "Chile, like Argentina, signed a nuclear cooperation agreement with Rosatom in 2012.",
            {("CL", "energy_deal", "2012")},
        ),
        (
            "Rosneft signed a gas exploration agreement with YPFB in 2014.",
            {("BO", "energy_deal", "2014")},
        ),
    ],
)
def test_extract_multi_country_sentences_keep_the_parties(text, expected):
    assert triples(text) == expected


def test_extract_section_heading_gives_the_country():
    text = (
        "Paraguay\n\nThe government has courted Moscow for years. "
        "In 2013 Rosatom signed a uranium exploration agreement there.\n"
    )
    assert triples(text) == {("PY", "energy_deal", "2013")}


def test_extract_paragraph_country_carries_to_the_next_sentence():
    text = (
        "Ecuador's president flew to Moscow in March 2015. There he signed a contract "
        "for six Russian helicopters."
    )
    found = triples(text)
    assert ("EC", "diplomatic_visit", "2015-03") in found
    assert ("EC", "military_cooperation", None) in found


def test_extract_both_countries_points_back_to_each():
    text = (
        "Sergey Lavrov toured Ecuador and Uruguay in 2010. Lavrov signed nuclear "
        "cooperation agreements with both countries."
    )
    found = {(c, cat) for c, cat, _ in triples(text)}
    assert {("EC", "energy_deal"), ("UY", "energy_deal")} <= found


@pytest.mark.parametrize(
    "text, expected",
    [
        # people of both sides signing together met
        (
            "In May 2012, Paraguay's ambassador and his Russian counterpart signed a memorandum on "
            "police training.",
            {("PY", "diplomatic_visit", "2012-05"), ("PY", "military_cooperation", "2012-05")},
        ),
        # a visitor "in Russia", an official of the power "in" a country's capital: a trip
        ("‘Chile's Minister in Russia to Sell Salmon’", {("CL", "diplomatic_visit", None)}),
        (
            "In 2014 Putin in Buenos Aires: a nuclear accord is signed.",
            {("AR", "diplomatic_visit", "2014"), ("AR", "energy_deal", "2014")},
        ),
        # a leader at home is no visit
        ("In 2014 President Mujica in Montevideo praised Russian wheat.", set()),
    ],
)
def test_extract_visits_without_a_visit_word(text, expected):
    assert triples(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("In 2016 Russia gained access to Latin American ports.", set()),
        (
            "Uruguay was one of the few Latin American nations that bought Russian "
            "helicopters, in 2011.",
            {("UY", "military_cooperation", "2011")},
        ),
    ],
)
def test_extract_region_names_are_no_country(text, expected):
    assert triples(text) == expected


def test_extract_region_wide_claim_is_not_a_fact():
    text = (
        "Bolivia\n\nRussia and China compete for military and energy contracts all over "
        "Latin America.\n"
    )
    assert triples(text) == set()


# --------------------------------------------------------------------------- what counts


def test_extract_denied_claim_is_still_a_fact():
    text = "Russian officials deny that the radar station built in Guatemala is used for espionage."
    assert triples(text) == {("GT", "military_cooperation", None)}


@pytest.mark.parametrize(
    "text",
    [
        "Russia could sell warships to Chile if relations improve.",
        "Will Russia sell warships to Chile?",
        "Potentially, Moscow would be happy to build a naval base in Colombia.",
        "Some experts see an opportunity for Russian oil investment in Guyana.",
    ],
)
def test_extract_opinion_and_hypotheses_are_not_facts(text):
    assert triples(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "In 1985 the Soviet Union delivered helicopters to Peru.",
        "Soviet advisers trained Cuban pilots at Cienfuegos.",
        # a leader whose every term ended before 1992 places the undated event in that era
        "Peru's president Juan Velasco Alvarado bought Russian tanks for his army.",
    ],
)
def test_extract_soviet_era_is_excluded(text):
    assert triples(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Venezuela's oil production collapsed after 2015, while Russia watched.",
        "According to a Russian think tank, Brazil is the region's largest economy.",
        "Russian tourists flocked to Cuban beaches in 2019.",
        "Bolivia holds the world's largest lithium reserves, and Russian firms have noticed.",
        # "Gazprom-Bank" is a bank, not Gazprom; a port is no military matter
        "In 2018 Gazprom-Bank financed a port terminal in Uruguay.",
    ],
)
def test_extract_no_event_no_fact(text):
    assert triples(text) == set()


def test_extract_other_outside_power_is_not_the_power():
    assert triples("Washington sold helicopters to Colombia in 2012.") == set()


def test_extract_negated_event_is_not_a_fact():
    assert triples("No Russian warships have ever docked in Uruguay.") == set()


def test_extract_one_fact_per_event_in_a_list():
    text = (
        "In 2014 Russia delivered tanks to Nicaragua; it also sold two patrol boats to "
        "the Nicaraguan navy."
    )
    facts = facts_of(text)
    assert [f.country for f in facts] == ["NI", "NI"]
    assert facts[0].quote.text.endswith("to Nicaragua")
    assert facts[1].quote.text.startswith("it also sold two patrol boats")


def test_extract_list_of_equipment_is_one_event():
    text = "In 2014 Russia supplied armoured vehicles, aircraft and rocket launchers to Nicaragua."
    assert len(facts_of(text)) == 1


def test_extract_endnotes_take_their_citation_date():
    text = (
        "Notes\n\n  1. 1.\n    ‘Russia, Paraguay Sign Energy Accord’, TASS, 4 May 2011.\n"
        "  2. 2.\n    ‘Russia, Paraguay Sign Energy Accord’, TASS.\n"
    )
    facts = facts_of(text, published="2012")
    assert [(f.country, f.category, f.date) for f in facts] == [
        ("PY", "energy_deal", "2011-05-04"),
        ("PY", "energy_deal", "2011-05-04"),
    ]


def test_extract_caption_rendered_twice_gives_two_facts():
    caption = "Two Russian bombers on the runway near Caracas, Venezuela, on March 3, 2017."
    text = f"{caption}\n{caption} | Source\n\nMore text follows here.\n"
    facts = facts_of(text)
    assert [(f.country, f.date) for f in facts] == [("VE", "2017-03-03")] * 2
    assert facts[0].quote.start != facts[1].quote.start


# --------------------------------------------------------------------------- the output


def test_extract_fact_shape():
    text = "Bolivian President Evo Morales met Vladimir Putin in Moscow on 16 February 2009."
    (fact,) = facts_of(text)
    assert fact.id.startswith("f-")
    assert fact.category in categories.names() and fact.country == "BO"
    assert is_partial_date(fact.date)
    assert fact.title == "Evo Morales meets Vladimir Putin"
    assert fact.actors == ["Evo Morales", "Vladimir Putin"]
    assert fact.quote.text == text[fact.quote.start : fact.quote.end]
    assert fact.to_json()["quote"] == fact.quote.text


@pytest.mark.parametrize(
    "text, actors",
    [
        (
            "In 2015 Ecuadorian Foreign Minister Ana María Torres met Sergey Lavrov in Moscow.",
            ["Sergey Lavrov", "Ana María Torres"],
        ),
        (
            "In 2019 the frigate Admiral Gorshkov docked in Havana with Rosneft tankers.",
            ["Rosneft"],
        ),
    ],
)
def test_extract_actors(text, actors):
    (fact, *_rest) = facts_of(text)
    assert fact.actors == actors


def test_extract_is_deterministic():
    text = "In 2014 Russia delivered tanks to Nicaragua."
    assert [f.id for f in facts_of(text)] == [f.id for f in facts_of(text)]


def test_extract_skips_boilerplate_regions():
    text = "Russian warships docked in Havana in 2019.\nRussian warships docked in Havana in 2019."
    half = text.index("\n") + 1
    regions = [Region("body", 0, half), Region("boilerplate", half, len(text))]
    facts = facts_of(text, regions=regions)
    assert len(facts) == 1 and facts[0].quote.start == 0


def test_extract_hard_wrapped_text_joins_lines():
    lines = [
        "In 2016 the government of Nicaragua agreed",
        "to buy fifty Russian-made tanks for its army,",
        "a purchase that surprised its neighbours",
        "and worried the United States a great",
        "deal, since the country is very poor and",
        "its whole yearly budget is smaller",
        "than the value of the order itself, which",
        "observers found remarkable in the end.",
    ]
    text = "\n".join(lines) + "\n"
    assert is_hard_wrapped(text)
    doc = Document(id="t", text=text, published="2018")
    assert len(split_blocks(doc)) == 1
    (fact,) = extract_facts(doc)
    assert (fact.country, fact.category, fact.date) == ("NI", "military_cooperation", "2016")
    assert "\n" in fact.quote.text


def test_extract_names_broken_across_wrapped_lines_still_match():
    lines = [
        "Analysts note that Russian warships",
        "docked in several Latin",
        "American ports in 2015, while the",
        "Russian Federation kept quiet about",
        "its plans for the region as a whole",
        "and for Cuba in particular, as observers",
        "in Washington and elsewhere keep",
        "pointing out in their reports.",
    ]
    doc = Document(id="t", text="\n".join(lines) + "\n", published="2018")
    assert extract_facts(doc) == []  # "Latin\nAmerican ports" is the region, no country


@pytest.mark.parametrize(
    "name", ["andes_news", "central_america_commentary", "southern_cone_paper"]
)
def test_extract_invented_articles(name):
    spec = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    doc = Document(id=name, text=text, published=spec["document"]["published"])
    facts = extract_facts(doc)
    unmatched = list(facts)
    for want in spec["expected"]:
        hit = next(
            (
                f
                for f in unmatched
                if (f.country, f.category, f.date)
                == (want["country"], want["category"], want["date"])
                and want["quote"] in f.quote.text
            ),
            None,
        )
        assert hit is not None, f"{name}: expected {want}, got {[f.to_json() for f in unmatched]}"
        unmatched.remove(hit)
    assert not unmatched, f"{name}: unexpected {[f.to_json() for f in unmatched]}"
    for f in facts:
        assert text[f.quote.start : f.quote.end] == f.quote.text


# --------------------------------------------------------------------------- lexicons


def test_extract_power_is_configuration():
    lexicon = load_lexicon(power="china", root=LEXICONS)
    doc = Document(
        id="t",
        text="In 2019 NORINCO sold armoured vehicles to Ecuador. "
        "In 2019 Russia sold helicopters to Peru.",
        published="2020",
    )
    found = {(f.country, f.category) for f in extract_facts(doc, lexicon)}
    assert found == {("EC", "military_cooperation")}


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"power": "atlantis", "root": LEXICONS / "broken"}, "atlantis.yaml:"),
        ({"power": "nowhere"}, "nowhere.yaml: lexicon not found"),
        ({"region": "atlantis_sea", "root": LEXICONS / "broken"}, "countries[0].code"),
        ({"region": "atlantis_sea", "root": LEXICONS / "broken"}, "leaders[0].terms[0]"),
    ],
)
def test_extract_bad_lexicon_is_a_clear_error(kwargs, fragment):
    with pytest.raises(ConfigError) as err:
        load_lexicon(**kwargs)
    assert fragment in err.value.format_message()


def test_extract_region_lexicon_shape():
    data = yaml.safe_load(
        (
            Path(__file__).parents[1] / "briefgen" / "lexicons" / "regions" / "latin_america.yaml"
        ).read_text(encoding="utf-8")
    )
    codes = [c["code"] for c in data["countries"]]
    assert len(codes) == len(set(codes)) >= 30
    assert {"VE", "CU", "NI", "BO", "BR", "MX", "AR"} <= set(codes)


def test_extract_corpus_warns_about_a_language_without_a_pack(caplog):
    # never a silent English fallback: the document and its language are named
    docs = [
        Document(id="a", text="In 2014 Russia delivered tanks to Nicaragua.", language="xx"),
        Document(id="b", text="In 2014 Russia delivered tanks to Nicaragua."),
    ]
    with caplog.at_level("WARNING", logger="briefgen"):
        facts = list(extract_corpus(iter(docs)))
    assert [f.quote.doc for f in facts] == ["b"]
    (record,) = [r for r in caplog.records if "'xx'" in r.getMessage()]
    assert record.getMessage().startswith("a: ") and "xx/extract.yaml" in record.getMessage()


# --------------------------------------------------------------------------- sample corpus


def test_extract_sample_corpus(shared_corpus):
    from briefgen.ingest import load_corpus

    docs = {d.id: d for d in load_corpus(shared_corpus)}
    facts = list(extract_corpus(docs.values()))
    assert len(facts) > 50
    assert len({f.id for f in facts}) == len(facts)
    for f in facts:
        q = f.quote
        assert docs[q.doc].text[q.start : q.end] == q.text
        assert f.date is None or (is_partial_date(f.date) and int(f.date[:4]) >= 1992)
    assert {f.category for f in facts} == set(categories.names())


# --------------------------------------------------------------------------- robustness

WORDS = [
    "Russia",
    "Russian",
    "Venezuela",
    "Cuban",
    "Putin",
    "Maduro",
    "visited",
    "sold",
    "tanks",
    "oil",
    "deal",
    "signed",
    "in",
    "2019",
    "June",
    "last",
    "month",
    "the",
    "and",
    "not",
    "could",
    "“",
    "”",
    ";",
    ",",
    ".",
    "?",
    "\n",
    "\n\n",
    "  ",
    "‘Title’",
    "Lula",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sampled_from([None, "2015", "2020-03-01"]))
def test_extract_any_text_gives_verbatim_quotes(words, published):
    text = " ".join(words)
    for fact in facts_of(text, published=published):
        q = fact.quote
        assert text[q.start : q.end] == q.text and q.text.strip() == q.text
        assert fact.date is None or is_partial_date(fact.date)


# --------------------------------------------------------------------------- languages
# Invented sentences in Spanish and Portuguese: the same rules, read through each
# language's pack, with lemmas doing the work of inflection.


def triples_in(language: str, text: str, published: str | None = "2016-06-15") -> set[tuple]:
    doc = Document(id="t", text=text, published=published, language=language)
    return {(f.country, f.category, f.date) for f in extract_facts(doc)}


@pytest.mark.parametrize(
    "language, text, expected",
    [
        # every form of the verb reaches the pack's dictionary form
        ("es", "El canciller ruso visitó Paraguay en 2013.", ("PY", "diplomatic_visit", "2013")),
        (
            "es",
            "El ministro ruso de Exteriores visitará Ecuador en 2017.",
            ("EC", "diplomatic_visit", "2017"),
        ),
        ("pt", "O chanceler russo visitou o Uruguai em 2012.", ("UY", "diplomatic_visit", "2012")),
        (
            "pt",
            "Os dois ministros russos visitaram a Guatemala em 2011.",
            ("GT", "diplomatic_visit", "2011"),
        ),
        (
            "en",
            "Russia's foreign minister is visiting Honduras in 2016.",
            ("HN", "diplomatic_visit", "2016"),
        ),
        # the three categories in Spanish and Portuguese
        (
            "es",
            "En 2015 Rusia vendió diez helicópteros a Perú.",
            ("PE", "military_cooperation", "2015"),
        ),
        (
            "es",
            "En 2014 Gazprom firmó un contrato de exploración de gas con Bolivia.",
            ("BO", "energy_deal", "2014"),
        ),
        (
            "pt",
            "Em 2019 a Rosatom assinou um acordo para construir uma usina nuclear na Bolívia.",
            ("BO", "energy_deal", "2019"),
        ),
        (
            "pt",
            "Em 2013 a Rússia entregou tanques ao exército da Nicarágua.",
            ("NI", "military_cooperation", "2013"),
        ),
    ],
)
def test_extract_language_packs_match_every_inflection(language, text, expected):
    assert expected in triples_in(language, text)


@pytest.mark.parametrize(
    "language, text",
    [
        # a conditional is a hypothesis; a negation cancels; a question asks
        ("es", "Rusia podría vender fragatas a Chile si mejoran las relaciones."),
        ("es", "Ningún buque de guerra ruso ha atracado nunca en Uruguay."),
        ("pt", "A Rússia poderia vender fragatas ao Chile."),
        ("pt", "A Rússia venderá fragatas ao Chile?"),
        ("es", "Washington vendió helicópteros a Colombia en 2012."),
        ("pt", "Os Estados Unidos venderam helicópteros à Colômbia em 2012."),
    ],
)
def test_extract_language_packs_keep_what_does_not_count(language, text):
    assert triples_in(language, text) == set()


def test_extract_detects_spanish_and_portuguese_at_ingest(tmp_path):
    from briefgen.ingest import load_corpus
    from briefgen.ingest.language import detect_language

    es = (
        "El gobierno anunció que la delegación llegará a la capital la semana próxima, "
        "según informó la cancillería, y que los ministros firmarán varios acuerdos."
    )
    pt = (
        "O governo anunciou que a delegação chegará à capital na próxima semana, segundo "
        "informou o ministério, e que os ministros assinarão vários acordos."
    )
    en = (
        "The government said that the delegation would arrive in the capital next week "
        "and that the ministers were expected to sign several agreements."
    )
    fr = (
        "Le gouvernement a annoncé que la délégation arrivera dans la capitale la semaine "
        "prochaine et que les ministres signeront plusieurs accords."
    )
    assert [detect_language(t) for t in (es, pt, en, fr)] == ["es", "pt", "en", "fr"]
    assert detect_language("") == "en"
    for name, text in (("a_es", es), ("b_pt", pt)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    docs = load_corpus(tmp_path, cache_dir=False)
    assert [d.language for d in docs] == ["es", "pt"]


# --------------------------------------------------------------------------- tours and lists


@pytest.mark.parametrize(
    "language, text, countries",
    [
        (
            "en",
            "In 2017 Lavrov visited Bolivia, Chile, Uruguay and Paraguay.",
            {"BO", "CL", "UY", "PY"},
        ),
        (
            "en",
            "In 2012 Medvedev toured Ecuador and Peru, then ended the trip in Colombia.",
            {"EC", "PE", "CO"},
        ),
        ("es", "El canciller ruso visitará Argentina, Brasil y Chile en 2026.", {"AR", "BR", "CL"}),
        (
            "pt",
            "Em 2021 o chanceler russo visitou a Argentina, o Chile e o Peru.",
            {"AR", "CL", "PE"},
        ),
    ],
)
def test_extract_tour_gives_one_visit_per_stop(language, text, countries):
    found = triples_in(language, text)
    assert {c for c, cat, _ in found if cat == "diplomatic_visit"} == countries


def test_extract_list_of_actions_gives_each_item():
    text = (
        "In 2015 Russia sold tanks to Bolivia, sent military instructors and built a "
        "radar station there."
    )
    facts = facts_of(text)
    assert [(f.country, f.category) for f in facts] == [("BO", "military_cooperation")] * 3
    assert facts[1].quote.text.startswith("sent military instructors")


# --------------------------------------------------------------------------- reference


@pytest.mark.parametrize(
    "language, text, expected",
    [
        # the trip goes on: a pronoun and a travel word take the visit to its next stop
        (
            "en",
            "In May 2016 Lavrov arrived in Quito for talks. He then flew to Lima.",
            {("EC", "diplomatic_visit", "2016-05"), ("PE", "diplomatic_visit", "2016-05")},
        ),
        # a later sentence about the same event carries its country and date
        (
            "en",
            "In March 2015 two Russian frigates docked in Cartagena. The frigates stayed "
            "for a week and their crews held drills with the local navy.",
            {("CO", "military_cooperation", "2015-03")},
        ),
        (
            "es",
            "En marzo de 2015 dos fragatas rusas atracaron en Cartagena. Las fragatas "
            "permanecieron una semana en el puerto.",
            {("CO", "military_cooperation", "2015-03")},
        ),
        (
            "pt",
            "Em março de 2015 duas fragatas russas atracaram em Cartagena. As fragatas "
            "ficaram uma semana no porto.",
            {("CO", "military_cooperation", "2015-03")},
        ),
        # "the South American nation" is the country being told about, not the region
        (
            "en",
            "In 2018 Rosneft signed an oil deal with Ecuador. The South American nation "
            "will repay the loan with crude.",
            {("EC", "energy_deal", "2018")},
        ),
    ],
)
def test_extract_reference_across_sentences(language, text, expected):
    assert triples_in(language, text) == expected


def test_extract_continuation_counts_each_mention():
    text = (
        "In March 2015 two Russian frigates docked in Cartagena. The frigates stayed for "
        "a week and their crews held drills with the local navy."
    )
    assert len(facts_of(text)) == 2


def test_extract_habit_does_not_take_the_event_date():
    text = (
        "In July 2014 Russia delivered two helicopters to Peru. Peru has bought Russian "
        "weapons for decades."
    )
    assert triples(text) == {
        ("PE", "military_cooperation", "2014-07"),
        ("PE", "military_cooperation", None),
    }


# --------------------------------------------------------------------------- attribution


@pytest.mark.parametrize(
    "language, text, expected",
    [
        # two countries of the region among themselves: not the power's engagement
        (
            "en",
            "Russia has courted Caracas for years.\n\nIn 2019 Venezuela shipped oil to Cuba.\n",
            set(),
        ),
        (
            "es",
            "Rusia corteja a Caracas desde hace años.\n\nEn 2019 Venezuela envió petróleo a "
            "Cuba.\n",
            set(),
        ),
        # a country passed through is no partner
        (
            "en",
            "In 2013 Russian warships docked in Havana after transiting the Panama Canal.",
            {("CU", "military_cooperation", "2013")},
        ),
        (
            "pt",
            "Em 2013, navios de guerra russos atracaram em Havana depois de atravessar o "
            "Canal do Panamá.",
            {("CU", "military_cooperation", "2013")},
        ),
        # cities, ports and plants name their country (the gazetteer's cities too)
        (
            "en",
            "In 2018 Russian warships docked in Cumaná.",
            {("VE", "military_cooperation", "2018")},
        ),
        ("en", "In 2011 Rosatom opened a plant in Campinas.", {("BR", "energy_deal", "2011")}),
        ("es", "En 2011 Rosatom abrió una planta en Campinas.", {("BR", "energy_deal", "2011")}),
    ],
)
def test_extract_attribution_needs_both_parties(language, text, expected):
    assert triples_in(language, text) == expected


def test_extract_gazetteer_keeps_only_safe_names():
    from briefgen.extract.gazetteer import cities_of

    cities = cities_of(frozenset({"VE", "BR", "CO", "MX"}))
    assert cities["Cumaná"] == "VE" and cities["Campinas"] == "BR"
    assert "Barcelona" not in cities  # Spain's, though Venezuela has one too
    assert "Americana" not in cities  # a word as well as a town


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    "language, text, expected",
    [
        # a port call or a bomber deployment is military cooperation, not a visit
        (
            "en",
            "In 2019 two Russian bombers landed in Caracas and were welcomed by officials.",
            {("VE", "military_cooperation", "2019")},
        ),
        (
            "es",
            "En 2019 dos bombarderos rusos aterrizaron en Caracas y fueron recibidos por "
            "funcionarios.",
            {("VE", "military_cooperation", "2019")},
        ),
        (
            "pt",
            "Em 2019 dois bombardeiros russos pousaram em Caracas.",
            {("VE", "military_cooperation", "2019")},
        ),
        # ... and a visit too when officials meet
        (
            "en",
            "In 2019 Shoigu arrived in Havana with two frigates and held talks with Cuban leaders.",
            {("CU", "military_cooperation", "2019"), ("CU", "diplomatic_visit", "2019")},
        ),
    ],
)
def test_extract_port_call_is_military_unless_officials_meet(language, text, expected):
    assert triples_in(language, text) == expected


# --------------------------------------------------------------------------- round four


def quotes(text: str, published: str | None = "2021-03-15") -> list[tuple[str, str, str]]:
    return [(f.country, f.category, f.quote.text) for f in facts_of(text, published)]


def test_extract_a_purpose_clause_is_no_second_event():
    # "to acquire" is what the payment is for; "Harbor Energy" is a name, not a domain word
    text = (
        "Rosneft has agreed to pay $90 million and further costs to acquire a stake in two "
        "Peruvian blocks from Harbor Energy."
    )
    assert quotes(text) == [("PE", "energy_deal", text)]


def test_extract_a_denied_plan_is_a_disputed_event():
    text = "Sergei Lavrov denied on Monday Russia plans to open a listening post in Nicaragua."
    assert [(c, k) for c, k, _ in quotes(text)] == [("NI", "military_cooperation")]
    # without the denial the plan is a conjecture
    assert quotes("Russia plans to open a listening post in Nicaragua.") == []


def test_extract_a_caption_naming_a_party_does_not_go_on_about_the_deal():
    text = (
        "In March 2021 Rosneft signed an oil exploration deal with Peru.\n\n"
        "File photo: Rosneft\n\n"
        "The deal will make Rosneft the largest foreign producer in the country."
    )
    found = quotes(text)
    assert ("PE", "energy_deal", "File photo: Rosneft") not in found
    assert any(q.startswith("The deal will make") for _, _, q in found)


def test_extract_a_place_named_after_a_country_is_that_country():
    # "the Gulf of Mexico" is no name of Mexico, but it is not the region either
    text = (
        "In March 2021 Lukoil bought a stake in an oil field offshore Mexico.\n\n"
        "The acquisition will turn Lukoil into a producer in the Gulf of Mexico."
    )
    assert [c for c, _, q in quotes(text) if q.startswith("The acquisition")] == ["MX"]
    assert quotes("Russian warships patrol the waters of Latin America.") == []


def test_extract_the_power_official_and_a_host_leader_go_on_about_the_visit():
    text = (
        "Vladimir Putin arrived in Managua on 12 July 2014 for talks.\n\n"
        "Daniel Ortega assured Putin that Nicaragua backed him."
    )
    found = {(c, k, q[:13]) for c, k, q in quotes(text, "2014-07-13")}
    assert ("NI", "diplomatic_visit", "Daniel Ortega") in found


def test_extract_a_capital_inside_another_name_names_no_country():
    text = (
        "In March 2021 Rosneft signed an oil deal with Venezuela.\n\n"
        "Rosneft will develop two gas fields of the Mariscal Sucre project off the coast."
    )
    found = [c for c, _, q in quotes(text) if q.startswith("Rosneft will")]
    assert found == ["VE"]  # the frame's country, not Bolivia (whose capital is Sucre)


def test_extract_a_sentence_stating_one_event_goes_on_about_another():
    text = (
        "In March 2021 Rosatom signed a deal with Bolivia to build a nuclear reactor.\n\n"
        "The nuclear deal was signed ahead of a visit by Bolivia's president to Moscow."
    )
    found = {(c, k) for c, k, q in quotes(text) if q.startswith("The nuclear deal")}
    assert found == {("BO", "energy_deal"), ("BO", "diplomatic_visit")}


def test_extract_titles_do_not_open_with_the_date():
    # the date has its own column; "In April 2021 Rosneft signed…" is titled from "Rosneft"
    found = facts_of("On 3 May 2019 Rosneft signed an oil exploration deal with Peru.")
    assert [f.title for f in found] == ["Rosneft signed an oil exploration deal with Peru"]


def test_extract_the_next_day_follows_the_last_event_dated_to_the_day():
    text = (
        "On 19 February 2024 Lavrov visited Cuba.\n\n"
        "The next day, Lavrov visited Venezuela for talks with Maduro."
    )
    assert {(f.country, f.date) for f in facts_of(text, "2024-02-22")} == {
        ("CU", "2024-02-19"),
        ("VE", "2024-02-20"),
    }
