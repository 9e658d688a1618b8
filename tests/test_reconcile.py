"""Tests for briefgen.reconcile: events, credibility and the three kinds of disagreement.

Fixtures are small invented multi-document corpora under tests/fixtures/reconcile/, with
their own region and power lexicons, so these tests do not move when the packaged
lexicons grow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from briefgen.errors import ConfigError
from briefgen.models import Claim, Disagreement, Document, Event, Fact, Quote, stable_id
from briefgen.reconcile import (
    Reconciliation,
    find_disagreements,
    grade_credibility,
    load_lexicon,
    merge_events,
    reconcile,
)
from briefgen.reconcile.sentences import find_countries, split_sentences

FIXTURES = Path(__file__).parent / "fixtures" / "reconcile"
CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon("en", str(FIXTURES / "lexicons"))


def build(data: dict) -> tuple[list[Fact], list[Document]]:
    """Documents and Facts from a fixture mapping; quotes are located in the text."""
    docs = [
        Document(
            id=d["id"],
            text=d["text"],
            publisher=d.get("publisher"),
            reliability=d.get("reliability", "F"),
            published=d.get("published"),
        )
        for d in data["documents"]
    ]
    by_id = {d.id: d for d in docs}
    facts = []
    for i, f in enumerate(data.get("facts") or []):
        text = by_id[f["doc"]].text
        start = text.index(f["quote"])
        quote = Quote(f["doc"], f["quote"], start, start + len(f["quote"]))
        facts.append(
            Fact(
                id=f"f{i}-{f['doc']}",
                country=f["country"],
                category=f["category"],
                date=f.get("date"),
                title=f["title"],
                actors=f.get("actors") or [],
                evidence=[quote],
            )
        )
    return facts, docs


def scenario(name: str) -> dict:
    return yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))


def run(name: str, lexicon) -> tuple[list[Fact], list[Document], Reconciliation]:
    facts, docs = build(scenario(name))
    return facts, docs, reconcile(facts, docs, lexicon=lexicon)


def kinds(disagreements: list[Disagreement]) -> list[tuple[str, str]]:
    return sorted((d.country, d.kind) for d in disagreements)


# --- events ----------------------------------------------------------------------------


def test_reconcile_merges_differently_worded_mentions(lexicon):
    facts, _, result = run("same_event", lexicon)
    assert len(result.events) == 1
    event = result.events[0]
    assert (event.country, event.category, event.date) == ("UY", "military_cooperation", "2020-11")
    assert event.date_range is None  # 2020 and 2020-11 do not differ
    assert (event.sources, event.publishers, event.reliability) == (2, 2, "B")
    assert event.credibility == 1
    assert {q.doc for q in event.evidence} == {"e_river_plate_news", "f_southern_cone_weekly"}
    assert all(f.event == event.id for f in facts)


@pytest.mark.parametrize(
    "name,country,events",
    [("near_miss", "PE", 2), ("near_miss", "EC", 2), ("value_conflict", "PE", 1)],
)
def test_reconcile_event_count(lexicon, name, country, events):
    _, _, result = run(name, lexicon)
    assert len([e for e in result.events if e.country == country]) == events


def test_reconcile_event_ids_are_stable_when_evidence_arrives(lexicon):
    data = scenario("same_event")
    facts, docs = build(data)
    first = reconcile(facts, docs, lexicon=lexicon).events
    again = reconcile(*build(data), lexicon=lexicon).events
    assert [e.id for e in first] == [e.id for e in again]
    more = {
        "documents": data["documents"] + data["later"]["documents"],
        "facts": data["facts"] + data["later"]["facts"],
    }
    grown = reconcile(*build(more), lexicon=lexicon).events
    assert [e.id for e in grown] == [e.id for e in first]
    assert grown[0].sources == 3
    # the id hashes the anchor: the earliest published document's mention
    anchor = facts[0].quote
    assert first[0].id == stable_id("e", "UY", "military_cooperation", anchor.doc, anchor.start)


def test_reconcile_known_ids_survive_an_earlier_article(lexicon):
    data = scenario("same_event")
    first = reconcile(*build(data), lexicon=lexicon).events
    older = dict(data["later"]["documents"][0], published="2020-11")  # now the anchor
    more = {
        "documents": data["documents"] + [older],
        "facts": data["facts"] + data["later"]["facts"],
    }
    without = reconcile(*build(more), lexicon=lexicon).events
    kept = reconcile(*build(more), lexicon=lexicon, known=first).events
    assert without[0].id != first[0].id
    assert kept[0].id == first[0].id


def test_reconcile_date_range_when_sources_differ(lexicon):
    _, _, result = run("value_conflict", lexicon)
    event = next(e for e in result.events if e.country == "PE")
    assert event.date_range == ("2014", "2016")
    assert event.date == "2014"  # equal support: the more reliable source's year
    assert (event.publishers, event.credibility) == (2, 3)


# --- credibility -----------------------------------------------------------------------


def _event(publishers: int, reliability: str, text: str = "Russia sold radars.") -> Event:
    quotes = [Quote(f"doc{i}", text, 0, len(text)) for i in range(publishers)]
    return Event(
        id="e-x",
        country="PE",
        category="military_cooperation",
        title="t",
        evidence=quotes,
        publishers=publishers,
        sources=publishers,
        reliability=reliability,
    )


def _dispute(kind: str) -> Disagreement:
    claims = [Claim(Quote("doc0", "x", 0, 5), "p"), Claim(Quote("other", "y", 0, 5), "q")]
    return Disagreement("PE", "t", kind, claims)


@pytest.mark.parametrize(
    "publishers,reliability,text,kind,expected",
    [
        (2, "C", "Russia sold radars.", None, 1),
        (2, "C", "Russia sold radars.", "value_conflict", 3),
        (1, "A", "Russia sold radars.", None, 2),
        (1, "C", "Russia sold radars.", None, 3),
        (1, "F", "Russia sold radars.", None, 6),
        (1, "B", "Russia reportedly sold radars.", None, 4),
        (1, "B", "Russia sold radars.", "reported_dispute", 4),
        (1, "B", "Russia allegedly sold radars.", "reported_dispute", 5),
    ],
)
def test_reconcile_credibility_grades(lexicon, publishers, reliability, text, kind, expected):
    disagreements = [_dispute(kind)] if kind else []
    event = _event(publishers, reliability, text)
    assert grade_credibility(event, disagreements, lexicon) == expected


def test_reconcile_same_publisher_is_not_corroboration(lexicon):
    data = scenario("same_event")
    for d in data["documents"]:
        d["publisher"] = "One Wire Service"
    result = reconcile(*build(data), lexicon=lexicon)
    event = result.events[0]
    assert (event.sources, event.publishers) == (2, 1)
    assert event.credibility != 1


# --- disagreements ---------------------------------------------------------------------


def test_reconcile_value_conflicts(lexicon):
    _, _, result = run("value_conflict", lexicon)
    conflicts = [d for d in result.disagreements if d.kind == "value_conflict"]
    assert len(conflicts) == 2, [d.topic for d in conflicts]
    dates = next(d for d in conflicts if d.topic.startswith("Date of"))
    assert sorted(c.position for c in dates.claims) == ["dated 2014", "dated 2016"]
    milestone = next(d for d in conflicts if "return to power" in d.topic)
    assert milestone.country == "PE"
    # the lost bid of 1990 is not a return to power
    assert sorted(c.position for c in milestone.claims) == [
        "return to power in 2006",
        "return to power in 2007",
    ]


def test_reconcile_quantity_conflict(lexicon):
    _, _, result = run("quantity_conflict", lexicon)
    assert len(result.events) == 1
    assert result.events[0].sources == 2
    (conflict,) = result.disagreements
    assert (conflict.country, conflict.kind) == ("EC", "value_conflict")
    assert sorted(c.position for c in conflict.claims) == ["12 (helicopter)", "18 (helicopter)"]


def test_reconcile_near_misses_are_not_conflicts(lexicon):
    _, _, result = run("near_miss", lexicon)
    assert result.disagreements == []


def test_reconcile_reported_disputes(lexicon):
    _, docs, result = run("reported_dispute", lexicon)
    disputes = [d for d in result.disagreements if d.kind == "reported_dispute"]
    assert kinds(disputes) == [
        ("BO", "reported_dispute"),
        ("EC", "reported_dispute"),
        ("PY", "reported_dispute"),
    ]
    ecuador = next(d for d in disputes if d.country == "EC")
    assert [(c.quote.doc, c.position) for c in ecuador.claims] == [
        ("n_defence_weekly", "denied by spokesman"),
        ("m_coastal_gazette", "reported"),
    ]
    paraguay = next(d for d in disputes if d.country == "PY")
    positions = [c.position for c in paraguay.claims]
    assert "denied by officials" in positions[:2]
    # the other document reporting the centre is part of the dispute
    assert "i_altiplano_wire" in {c.quote.doc for c in paraguay.claims}
    bolivia = next(d for d in disputes if d.country == "BO")
    assert [c.position for c in bolivia.claims] == ["reported", "denied by exporter"]
    assert bolivia.claims[0].quote.text.startswith("A La Paz weekly wrote")
    # a disputed event is graded down even though two publishers report it
    centre = next(e for e in result.events if e.country == "PY")
    assert (centre.publishers, centre.credibility) == (2, 3)
    texts = {d.id: d.text for d in docs}
    for d in disputes:
        for c in d.claims:
            assert texts[c.quote.doc][c.quote.start : c.quote.end] == c.quote.text


def test_reconcile_assessment_conflicts(lexicon):
    _, _, result = run("assessment_conflict", lexicon)
    found = {(d.country, d.topic): d for d in result.disagreements}
    assert sorted(found) == [
        ("EC", "Motives of the engagement: economic or political"),
        ("PE", "Interventionist or not"),
    ]
    ecuador = found[("EC", "Motives of the engagement: economic or political")]
    assert sorted(c.position for c in ecuador.claims) == ["economic", "political"]
    assert all(d.kind == "assessment_conflict" for d in found.values())


@pytest.mark.parametrize(
    "text,side",
    [
        ("Moscow's stance here is more ideological than commercial.", "political"),
        ("The partnership is chiefly a matter of commerce and profit.", "economic"),
        ("The deal is more than just investment: it is a geopolitical wager.", "political"),
        ("Moscow's interest is commercial rather than ideological.", "economic"),
        ("Moscow's interest is not only commercial but also ideological.", None),
    ],
)
def test_reconcile_assessment_sides(lexicon, text, side):
    doc = Document(id="x", text=text)
    found = find_disagreements([], [], [doc, Document(id="y", text="")], lexicon)
    assert found == []  # one sentence is never a conflict
    from briefgen.reconcile.disagreements import _side_votes

    motive = next(q for q in lexicon.questions if q.key == "motive")
    votes = _side_votes(text, motive, lexicon)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    winner = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
    assert winner == side


def test_reconcile_disagreement_json_shape(lexicon):
    _, _, result = run("reported_dispute", lexicon)
    payload = json.loads(json.dumps([d.to_json() for d in result.disagreements]))
    for d in payload:
        assert set(d) == {"id", "country", "topic", "kind", "claims"}
        assert len(d["claims"]) >= 2
        for c in d["claims"]:
            assert set(c) == {"doc", "quote", "start", "end", "position"}


def test_reconcile_merge_events_without_dates_keeps_items_apart(lexicon):
    text = (
        "Russia sold Mi-35 helicopters to Peru. Russia also trained Peruvian pilots "
        "in Moscow. Peru bought Russian rifles."
    )
    doc = Document(id="m", text=text, publisher="P", reliability="B")
    facts = []
    for i, sentence in enumerate(text.split(". ")):
        start = text.index(sentence)
        facts.append(
            Fact(
                id=f"f{i}",
                country="PE",
                category="military_cooperation",
                date=None,
                title=sentence,
                evidence=[doc.quote(start, start + len(sentence))],
            )
        )
    events = merge_events(facts, [doc], lexicon=lexicon)
    assert len(events) == 3


@pytest.mark.parametrize(
    "publisher,expected",
    [("Andes Monitor", "andes monitor"), ("ANDES  monitor!", "andes monitor"), (None, "doc:x")],
)
def test_reconcile_publisher_of(publisher, expected):
    from briefgen.reconcile.events import publisher_of

    assert publisher_of(Document(id="x", text="", publisher=publisher), "x") == expected


# --- sentences and lexicon -------------------------------------------------------------


@pytest.mark.parametrize(
    "text,count",
    [
        ("The U.S. Navy watched. Russia sailed on.", 2),
        ("First line of a wrapped\nsentence that goes on. Second one.", 2),
        ("Heading\n\nBody text here.", 2),
    ],
)
def test_reconcile_split_sentences(lexicon, text, count):
    sentences = split_sentences(Document(id="s", text=text), lexicon)
    assert len(sentences) == count
    for s in sentences:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "text,codes",
    [
        ("Garcia met officials in Lima.", ["PE"]),
        ("Quito and Montevideo signed.", ["EC", "UY"]),
        ("Nothing here.", []),
    ],
)
def test_reconcile_find_countries(lexicon, text, codes):
    assert find_countries(text, lexicon) == codes


def test_reconcile_broken_lexicon_names_the_file(tmp_path):
    bad = tmp_path / "languages" / "xx"
    bad.mkdir(parents=True)
    (bad / "reconcile.yaml").write_text("denial: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="reconcile.yaml"):
        load_lexicon("xx", str(tmp_path))


@pytest.mark.parametrize(
    "text,denial",
    [
        ("The ministry denied that any troops had landed.", True),
        ("Officials deny the depot is a military site.", True),
        ("The firm said no such contract exists.", True),
        ("The government rejected the offer of a Russian firm.", False),
        ("The minister visited the port.", False),
    ],
)
def test_reconcile_find_denial(lexicon, text, denial):
    from briefgen.reconcile.disagreements import find_denial

    assert bool(find_denial(text, lexicon)) is denial


def test_reconcile_lexicon_reads_only_the_chosen_region(tmp_path):
    regions = tmp_path / "regions"
    regions.mkdir()
    for name, code in (("one", "PE"), ("two", "EC")):
        (regions / f"{name}.yaml").write_text(
            f"countries: [{{code: {code}, names: [Land{code}]}}]\n", encoding="utf-8"
        )
    both = load_lexicon("en", str(tmp_path))
    one = load_lexicon("en", str(tmp_path), region="one")
    assert sorted(c.code for c in both.countries) == ["EC", "PE"]
    assert [c.code for c in one.countries] == ["PE"]


def test_reconcile_packaged_lexicon_loads():
    lexicon = load_lexicon("en")
    assert lexicon.denial_cues.search("officials denied it")
    assert {q.key for q in lexicon.questions} >= {"motive", "conduct"}


# --- real corpus -----------------------------------------------------------------------


def test_reconcile_real_corpus_runs():
    if not CORPUS.is_dir():
        pytest.skip(f"sample corpus not found at {CORPUS}")
    from briefgen.extract import extract_corpus
    from briefgen.ingest import load_corpus

    docs = load_corpus(CORPUS)
    facts = list(extract_corpus(docs))
    result = reconcile(facts, docs)
    assert all(f.event for f in facts)
    assert {e.id for e in result.events} == {f.event for f in facts}
    for event in result.events:
        assert event.reliability in "ABCDEF" and 1 <= event.credibility <= 6
        assert event.publishers <= event.sources == len({q.doc for q in event.evidence})
    texts = {d.id: d.text for d in docs}
    for d in result.disagreements:
        assert len(d.claims) >= 2
        for c in d.claims:
            assert texts[c.quote.doc][c.quote.start : c.quote.end] == c.quote.text


def test_reconcile_figures_differ_for_one_thing(lexicon):
    facts, _, result = run("figure_conflict", lexicon)
    assert len({f.event for f in facts}) == 1  # the loan is one event
    found = {
        d.topic.split(":")[0]: sorted(c.position for c in d.claims)
        for d in result.disagreements
        if d.topic.startswith("Different figures")
    }
    assert found == {
        "Different figures (people)": ["250 (people)", "400 (people)"],
        "Different figures (sums)": ["USD 1 billion", "USD 1.2 billion"],
    }
    # the two phases of one document, the wheat (another thing) and the years: no claim
    quoted = " ".join(c.quote.text for d in result.disagreements for c in d.claims)
    assert "90,000" not in quoted and "wheat" not in quoted


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "The deal is worth $1.2 billion.", [("money USD", 1.2e9)]),
        (
            "en",
            "It cost 5 billion dollars and 4 billion euros.",
            [("money USD", 5e9), ("money EUR", 4e9)],
        ),
        ("en", "In 2019 Russia sent 12 Su-35 fighter jets.", [("aircraft", 12)]),
        ("en", "It pumps 45 thousand barrels a day.", [("oil per day", 45e3)]),
        ("en", "Some 90 percent of 300 workers.", [("people", 300)]),
        (
            "es",
            "Un crédito de 8.300 millones de dólares para 1.500 militares.",
            [("money USD", 8.3e9), ("people", 1500)],
        ),
        ("es", "Costará US$ 2,5 mil millones.", [("money USD", 2.5e9)]),
        (
            "pt",
            "Um empréstimo de R$ 3,2 bilhões e 40 mil barris por dia.",
            [("money BRL", 3.2e9), ("oil per day", 40e3)],
        ),
    ],
)
def test_reconcile_figures_read_numbers_whatever_the_decimal_mark(language, text, expected):
    lexicon = load_lexicon(language)
    sentence = split_sentences(Document(id="d", text=text), lexicon)[0]
    got = [(f.measure, f.value) for f in lexicon.figures.figures(sentence)]
    assert got == [(m, pytest.approx(v)) for m, v in expected]


def test_reconcile_a_volume_is_no_count_of_its_object():
    from briefgen.reconcile.disagreements import _count_quantities

    lexicon = load_lexicon("en")
    assert _count_quantities("Russia sold 12 Mi-35 helicopters.", lexicon) == {"helicopter": 12}
    assert _count_quantities("The field holds 300 million barrels of oil.", lexicon) == {}


def test_reconcile_days_differ_for_one_thing(lexicon):
    _, _, result = run("day_conflict", lexicon)
    days = [d for d in result.disagreements if d.topic.startswith("Different days")]
    assert [(d.country, d.kind) for d in days] == [("EC", "value_conflict")]
    assert [c.position for c in days[0].claims] == [
        "2021-05-11 (“Tuesday”)",
        "2021-05-12 (“Wednesday”)",
    ]


def test_reconcile_denials_of_one_thing_are_one_dispute(lexicon):
    _, _, result = run("denials_merge", lexicon)
    disputes = [d for d in result.disagreements if d.kind == "reported_dispute"]
    base = [d for d in disputes if any("base" in c.quote.text for c in d.claims)]
    assert len(base) == 1, [d.topic for d in disputes]
    denied = {c.quote.doc for c in base[0].claims if c.position.startswith("denied")}
    assert denied == {"a_lima_post", "b_andes_wire"}  # both denials, one question
    assert not any("loan" in c.quote.text for c in base[0].claims)


def test_reconcile_a_quoted_source_and_the_author_disagree(lexicon):
    _, _, result = run("quoted_voice", lexicon)
    found = [d for d in result.disagreements if d.kind == "assessment_conflict"]
    assert [(d.country, d.topic) for d in found] == [("BO", "Civilian or military purpose?")]
    assert sorted(c.position for c in found[0].claims) == ["civilian", "military"]
    assert {c.quote.doc for c in found[0].claims} == {"a_sur_review"}
