"""Event identity, corroboration and disputes across sources and languages (issue 16).

Invented multi-document fixtures under tests/fixtures/reconcile/ (identity.yaml,
cross_language.yaml), with the test region and power lexicons.
"""

from __future__ import annotations

import pytest

from briefgen.reconcile import load_lexicon, reconcile
from tests.test_reconcile import FIXTURES, build, scenario


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon("en+es+pt", str(FIXTURES / "lexicons"))


@pytest.fixture(scope="module")
def identity(lexicon):
    facts, docs = build(scenario("identity"))
    return facts, docs, reconcile(facts, docs, lexicon=lexicon)


def _event_of(result, facts, quote_start: str):
    fact = next(f for f in facts if f.quote.text.startswith(quote_start))
    return next(e for e in result.events if e.id == fact.event)


def test_reconcile_identity_loans_years_apart_are_two_events(identity):
    facts, _, result = identity
    first = _event_of(result, facts, "In 2009")
    second = _event_of(result, facts, "In 2013")
    assert first.id != second.id
    assert (first.date, second.date) == ("2009", "2013")


def test_reconcile_identity_reports_eighteen_months_apart_are_not_one_event(identity):
    facts, _, result = identity
    a = _event_of(result, facts, "Ecuador wants to buy more")
    b = _event_of(result, facts, "Ecuador wants to buy Russian")
    assert a.id != b.id
    assert a.date_range is None and b.date_range is None


def test_reconcile_identity_undated_mention_keeps_to_its_own_claim(identity):
    facts, _, result = identity
    parts = _event_of(result, facts, "Rosexport has sold Peru")
    school = _event_of(result, facts, "Rosexport opened a mechanics school")
    # spare parts share only words with the 2016 school: not the same event
    assert parts.id != school.id


def test_reconcile_identity_wire_copies_are_one_source(identity):
    facts, _, result = identity
    workshop = _event_of(result, facts, "Rosexport will open")
    assert workshop.sources == 2  # two documents hold it ...
    assert workshop.publishers == 1  # ... but they print one wire story
    assert workshop.credibility != 1


def test_reconcile_identity_repeated_caption_counts_once(identity):
    facts, docs, result = identity
    (doc,) = [d for d in docs if d.id == "r_harbour_daily"]
    caption = "Photo: a Mi-17 helicopter at Guayaquil airport."
    assert doc.text.count(caption) == 2
    from briefgen.models import Fact, Quote

    first = doc.text.index(caption)
    second = doc.text.index(caption, first + 1)
    twice = [
        Fact(
            f"c{n}",
            "EC",
            "military_cooperation",
            "2021",
            "Mi-17 at Guayaquil",
            evidence=[Quote(doc.id, caption, at, at + len(caption))],
        )
        for n, at in enumerate((first, second))
    ]
    events = reconcile(twice, docs, lexicon=load_lexicon("en", str(FIXTURES / "lexicons")))
    (event,) = events.events
    assert len(event.evidence) == 1 and event.publishers == 1


def test_reconcile_identity_related_claims_do_not_corroborate(identity):
    facts, _, result = identity
    school = _event_of(result, facts, "Rosexport also trains")
    opened = _event_of(result, facts, "Rosexport opened a mechanics school")
    if school.id == opened.id:  # one school: two publishers state it
        assert school.publishers == 2
    parts = _event_of(result, facts, "Rosexport has sold Peru")
    assert parts.publishers == 1


@pytest.fixture(scope="module")
def cross(lexicon):
    facts, docs = build(scenario("cross_language"))
    for d in docs:
        d.language = {"u": "en", "v": "es", "w": "pt"}[d.id[0]]
    return facts, docs, reconcile(facts, docs, lexicon=lexicon)


def test_reconcile_identity_denials_in_spanish_and_portuguese(cross):
    _, _, result = cross
    disputes = [d for d in result.disagreements if d.kind == "reported_dispute"]
    denied_in = {c.quote.doc for d in disputes for c in d.claims if c.position != "reported"}
    assert denied_in == {"v_diario_sur", "w_folha_norte"}
    for d in disputes:
        assert d.country == "EC"
        # the English report is the side each denial answers
        assert ("u_gulf_herald", "reported") in {(c.quote.doc, c.position) for c in d.claims}


def test_reconcile_identity_denial_lowers_the_reported_event(cross):
    _, _, result = cross
    (station,) = [e for e in result.events if e.country == "EC"]
    assert station.credibility in (4, 5)


def test_reconcile_identity_election_and_inauguration_do_not_conflict(cross):
    _, _, result = cross
    assert not [d for d in result.disagreements if d.kind == "value_conflict"]


def test_reconcile_identity_corpus_languages():
    from briefgen.models import Document
    from briefgen.reconcile import corpus_languages

    pairs = [("a", "pt"), ("b", "es"), ("c", "en")]
    docs = [Document(id=x, text="t", language=lang) for x, lang in pairs]
    assert corpus_languages(docs) == "en+es+pt"
    assert corpus_languages(docs, "es") == "es+en+pt"


def test_reconcile_identity_denials_of_one_report_are_one_dispute(cross):
    _, _, result = cross
    disputes = [d for d in result.disagreements if d.kind == "reported_dispute"]
    assert len(disputes) == 1
    assert len({c.quote.doc for c in disputes[0].claims}) == 3


def test_reconcile_identity_power_before_the_verb_is_who_denies(lexicon):
    from briefgen.models import Document

    report = Document(
        id="a",
        text="Russian military instructors have arrived in Peru, two officers said.",
        published="2021",
    )
    denial = Document(
        id="b",
        text="Moscow on Sunday denied reports that Russian military instructors were in Peru.",
        published="2021",
    )
    (found,) = reconcile([], [report, denial], lexicon=lexicon).disagreements
    assert found.kind == "reported_dispute"
    assert [(c.quote.doc, c.position) for c in found.claims] == [
        ("b", "denied by Moscow"),
        ("a", "reported"),
    ]


def test_reconcile_identity_two_denials_without_a_report_are_no_dispute():
    from briefgen.models import Claim, Disagreement, Quote
    from briefgen.reconcile.disagreements import _both_sides, _Index, _merge_disputes
    from briefgen.reconcile.lexicon import load_lexicon

    index = _Index({}, [], load_lexicon("en"))

    first = Quote("a", "Moscow denies reports of Russian instructors in Peru.", 0, 52)
    second = Quote("a", "The ambassador also dismissed reports of instructors.", 60, 112)
    report = Quote("b", "Russian instructors train Peruvian pilots in Lima.", 0, 50)
    only_denials = [
        Disagreement("PE", "t1", "reported_dispute", [Claim(first, "denied by Moscow")]),
        Disagreement(
            "PE",
            "t2",
            "reported_dispute",
            [Claim(second, "denied by ambassador"), Claim(first, "denied by Moscow")],
        ),
    ]
    (merged,) = _merge_disputes(only_denials, index)
    assert len(merged.claims) == 2 and not _both_sides(merged)
    with_report = [
        *only_denials,
        Disagreement(
            "PE", "t3", "reported_dispute", [Claim(report, "reported"), Claim(second, "denied")]
        ),
    ]
    (merged,) = _merge_disputes(with_report, index)
    assert _both_sides(merged)
    assert [c.position for c in merged.claims][-1] == "reported"
