"""Tests for the general disagreement capabilities of briefgen.reconcile.

- value conflicts on one installation when one source dates it only relatively ("not long
  after X took office", "In December" after a year);
- reported disputes in endnotes that name no country;
- assessment conflicts on the generic questions (who drives the engagement, where
  relations are heading, will the power keep supporting the government).

Each capability has invented multi-document fixtures under tests/fixtures/reconcile/ with
positive cases and near-misses, read with the fixtures' own region and power lexicons.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefgen.models import Disagreement, Document, Fact, Quote, Region
from briefgen.reconcile import load_lexicon, reconcile
from briefgen.reconcile.disagreements import _agency, _side_votes, anchored_year

FIXTURES = Path(__file__).parent / "fixtures" / "reconcile"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon("en", str(FIXTURES / "lexicons"))


def build(name: str) -> tuple[list[Fact], list[Document]]:
    """Documents (with a notes region from ``notes_from``) and Facts of one fixture."""
    data = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))
    docs = []
    for d in data["documents"]:
        regions = []
        if d.get("notes_from"):
            start = d["text"].index(d["notes_from"])
            regions = [Region("body", 0, start), Region("notes", start, len(d["text"]))]
        docs.append(
            Document(
                id=d["id"],
                text=d["text"],
                publisher=d.get("publisher"),
                reliability=d.get("reliability", "F"),
                published=d.get("published"),
                regions=regions,
            )
        )
    texts = {d.id: d.text for d in docs}
    facts = []
    for i, f in enumerate(data.get("facts") or []):
        start = texts[f["doc"]].index(f["quote"])
        facts.append(
            Fact(
                id=f"f{i}",
                country=f["country"],
                category=f["category"],
                date=f.get("date"),
                title=f["title"],
                actors=f.get("actors") or [],
                evidence=[Quote(f["doc"], f["quote"], start, start + len(f["quote"]))],
            )
        )
    return facts, docs


def disagreements(name: str, lexicon) -> tuple[list[Disagreement], list[Document]]:
    facts, docs = build(name)
    return reconcile(facts, docs, lexicon=lexicon).disagreements, docs


def assert_verbatim(found: list[Disagreement], docs: list[Document]) -> None:
    texts = {d.id: d.text for d in docs}
    for d in found:
        for c in d.claims:
            assert texts[c.quote.doc][c.quote.start : c.quote.end] == c.quote.text


# --- value conflicts dated by relative wording -------------------------------------------


def test_reconcile_capabilities_relative_dates_conflict(lexicon):
    found, docs = disagreements("relative_date", lexicon)
    conflicts = {d.topic: d for d in found if d.kind == "value_conflict"}
    station = next(d for t, d in conflicts.items() if "ground station" in t)
    assert station.country == "PE"
    assert sorted(c.position for c in station.claims) == [
        "dated 2014",
        "dated 2017 (after Harlan Doyle took office)",
    ]
    gunships = next(d for t, d in conflicts.items() if "Mi-35" in t)
    assert gunships.country == "EC"
    assert sorted(c.position for c in gunships.claims) == [
        'dated 2016-12 (from "December")',
        "dated 2018",
    ]
    assert_verbatim(found, docs)


def test_reconcile_capabilities_relative_date_near_misses(lexicon):
    found, _ = disagreements("relative_date", lexicon)
    topics = " | ".join(d.topic for d in found)
    # Garcia had two terms before publication: "after Garcia took office" is a guess
    assert "repair plant" not in topics
    # two visits in different years are two visits
    assert not any(d.country == "PE" and "visit" in d.topic.lower() for d in found)
    assert len(found) == 2, topics


@pytest.mark.parametrize(
    "text,published,expected",
    [
        ("Soon after Harlan Doyle took office, the base opened.", "2020", (2017, "Doyle")),
        ("Right after Doyle was inaugurated, talks resumed.", None, (2017, "Doyle")),
        # publication before the term began: the sentence cannot mean that term
        ("Shortly after Doyle took office, the base opened.", "2015", None),
        # two terms begun before publication: ambiguous
        ("Shortly after Garcia took office, the base opened.", "2012", None),
        ("Doyle took office in a cold January.", "2020", None),  # no anchor word
    ],
)
def test_reconcile_capabilities_anchored_year(lexicon, text, published, expected):
    found = anchored_year(text, published, lexicon)
    if expected is None:
        assert found is None
    else:
        assert found is not None and found[0] == expected[0] and expected[1] in found[1]


# --- denials in endnotes -------------------------------------------------------------------


def test_reconcile_capabilities_note_denial_takes_the_objects_country(lexicon):
    found, docs = disagreements("notes_denial", lexicon)
    disputes = [d for d in found if d.kind == "reported_dispute"]
    assert [d.country for d in disputes] == ["EC"]
    claims = disputes[0].claims
    assert [c.position for c in claims[:2]] == ["reported", "denied by exporter"]
    assert claims[0].quote.text.startswith("A Quito newspaper said")
    assert_verbatim(found, docs)


def test_reconcile_capabilities_note_denial_near_misses(lexicon):
    found, _ = disagreements("notes_denial", lexicon)
    texts = " ".join(c.quote.text for d in found for c in d.claims)
    # Tor-M2 is reported under two countries; the training deal names nothing specific
    assert "Tor-M2 missile batteries" not in texts
    assert "no such deal exists" not in texts


# --- assessment conflicts --------------------------------------------------------------------


def test_reconcile_capabilities_stance_conflicts(lexicon):
    found, docs = disagreements("stances", lexicon)
    got = sorted((d.country, d.topic) for d in found if d.kind == "assessment_conflict")
    assert got == [
        ("BO", "Will the power keep supporting the government"),
        ("EC", "Where relations are heading: deepening or cooling"),
        ("PY", "Who drives the engagement"),
        ("UY", "Where relations are heading: deepening or cooling"),
    ]
    by_country = {d.country: d for d in found}
    assert sorted(c.position for c in by_country["PY"].claims) == ["partners", "power"]
    assert sorted(c.position for c in by_country["BO"].claims) == ["leaving", "staying"]
    # "After the 2009 election that period came to an end" points back at Moscow's
    # partnership in the sentence before
    uruguay = {c.position: c.quote.text for c in by_country["UY"].claims}
    assert uruguay["cooling"].startswith("After the 2009 election")
    for d in found:
        assert len(d.claims) <= 5
        assert len({c.quote.doc for c in d.claims}) >= 2
    assert_verbatim(found, docs)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Moscow courted Quito with loans and wheat.", ["P"]),
        ("Quito turned to Moscow for arms after the embargo.", ["C"]),
        ("Quito was courted by Moscow for years.", ["P"]),
        ("Fear of unrest drove Lima to seek Russian help.", ["C"]),
        ("Moscow did not court Quito at all.", []),
        ("Moscow turned to Russian banks for the money.", []),  # no one reaches across
        ("Quito and Lima signed a fisheries accord.", []),
    ],
)
def test_reconcile_capabilities_agency(lexicon, text, expected):
    assert _agency(text, lexicon) == expected


@pytest.mark.parametrize(
    "key,text,side",
    [
        ("trajectory", "Moscow's ties with Lima cooled after the vote.", "cooling"),
        ("trajectory", "Moscow and Lima are deepening their partnership.", "deepening"),
        ("trajectory", "The summit did not cool ties with Moscow.", "deepening"),
        ("commitment", "Moscow will keep propping up the government.", "staying"),
        ("commitment", "Moscow will not endanger its economy for that regime.", "leaving"),
        ("commitment", "Moscow may well abandon the regime.", "leaving"),
        # the withdrawal is another power's: it says nothing of the power's commitment
        ("commitment", "Washington's withdrawal left the field to Moscow.", None),
        ("motive", "Moscow's aims are more political than economic.", "political"),
    ],
)
def test_reconcile_capabilities_question_sides(lexicon, key, text, side):
    question = next(q for q in lexicon.questions if q.key == key)
    votes = _side_votes(text, question, lexicon)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    winner = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
    assert winner == side


def test_reconcile_capabilities_claims_are_capped(lexicon):
    pro = "Moscow and Quito are deepening ties in {}, analysts argue."
    con = "Moscow's relations with Quito have cooled over {}, analysts argue."
    topics = ["oil", "wheat", "arms", "ports", "banking", "fisheries"]
    docs = [
        Document(id="a", text="\n\n".join(pro.format(t) for t in topics), published="2020"),
        Document(id="b", text="\n\n".join(con.format(t) for t in topics), published="2020"),
    ]
    (found,) = reconcile([], docs, lexicon=lexicon).disagreements
    assert len(found.claims) == 5
    assert {c.position for c in found.claims} == {"deepening", "cooling"}


# --- figures: sums of money, milestones written either way -----------------------------------


def test_reconcile_capabilities_figures(lexicon):
    found, docs = disagreements("figures", lexicon)
    got = {(d.country, d.topic): sorted(c.position for c in d.claims) for d in found}
    assert got == {
        ("PE", "Value of Mi-17 helicopters for Peru"): ["$100 million", "$80 million"],
        ("PE", "Year of Alan Garcia's re-election"): [
            "re-election in 2006",
            "re-election in 2007",
        ],
    }
    assert_verbatim(found, docs)


@pytest.mark.parametrize(
    "text,amounts",
    [
        ("a $80 million deal", [80e6]),
        ("worth 2.5 billion dollars", [2.5e9]),
        ("US$ 300,000 in cash", [300e3]),
        ("$2 bn for tanks and $400 million for jets", [2e9, 400e6]),
        ("twelve helicopters", []),
    ],
)
def test_reconcile_capabilities_amounts(text, amounts):
    from briefgen.reconcile.disagreements import amounts_in

    assert amounts_in(text) == amounts


@pytest.mark.parametrize(
    "first, cited",
    [
        ("According to a Quito banker, Moscow's interest in Ecuador is purely commercial.", True),
        ('"Moscow only wants our oil money," a Quito banker said of its aims in Ecuador.', True),
        ("Moscow's interest in Ecuador may be purely commercial, some suspect.", False),
    ],
)
@pytest.mark.parametrize("documents", [1, 2])
def test_reconcile_capabilities_sides_come_from_different_sources(lexicon, first, cited, documents):
    # issue 16: sides come from different sources: two documents, or in one document its
    # author and a source it cites (a banker); an author alone on both sides is none
    second = "In reality Moscow's aims in Ecuador are geopolitical rather than economic."
    if documents == 1:
        docs = [Document(id="a", text=f"{first}\n\n{second}", published="2021")]
    else:
        docs = [
            Document(id="a", text=first, published="2021"),
            Document(id="b", text=second, published="2021"),
        ]
    found = reconcile([], docs, lexicon=lexicon).disagreements
    assert [(d.country, d.kind) for d in found] == (
        [("EC", "assessment_conflict")] if documents == 2 or cited else []
    )
    for d in found:
        assert len({c.quote.start if documents == 1 else c.quote.doc for c in d.claims}) == 2


def test_reconcile_capabilities_the_power_and_its_critic_in_one_report(lexicon):
    text = (
        "Moscow insists that its radar station in Ecuador has purely civilian purposes. "
        "Critics say that the station gives the Russian army military capabilities."
    )
    found = reconcile([], [Document(id="a", text=text, published="2021")], lexicon=lexicon)
    assert [(d.country, d.topic) for d in found.disagreements] == [
        ("EC", "Civilian or military purpose?")
    ]


def test_reconcile_capabilities_packaged_questions():
    lexicon = load_lexicon("en")
    questions = {q.key: q for q in lexicon.questions}
    assert set(questions) >= {"motive", "driver", "conduct", "trajectory", "commitment"}
    assert questions["driver"].agency == ("power", "partners")
    assert questions["trajectory"].years_apart == 3


def test_reconcile_capabilities_denial_of_the_thing_just_reported(lexicon):
    text = (
        "Quito said in 2021 it had agreed with Rosexport to build a helicopter plant. "
        "Officials in Quito deny that the deal gives Moscow any say over the site."
    )
    (found,) = reconcile([], [Document(id="a", text=text)], lexicon=lexicon).disagreements
    assert (found.country, found.kind) == ("EC", "reported_dispute")
    assert [c.position for c in found.claims] == ["reported", "denied by Officials"]
