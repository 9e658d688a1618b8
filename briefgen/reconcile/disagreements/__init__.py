"""Facts, events and document sentences → Disagreements of three kinds.

- value_conflict: one event (or one person's milestone, such as a return to power) given
  different years, quantities or sums by different documents; a year may be written or
  relative ("shortly after X took office", "In December" after a year).
- reported_dispute: a party denies or disputes what is reported; the claims are the
  denial and the report (the clause or sentence it answers, and mentions of the same
  event in other documents). A denial in an endnote that names no country takes the
  country of the object it denies, as the same document reports it elsewhere.
- assessment_conflict: sentences that judge the same generic question about one country
  (economic or political motives, who drives the engagement, interventionist or not,
  deepening or cooling ties, will the power keep supporting the government) and take
  opposite sides. Opinions are not facts, so this reads the documents' sentences.

All cue words come from the language's reconcile.yaml; see docs/method.md.

The package, by concern: ``context.py`` (what a sentence is about, claims), ``index.py``
(sentences and facts by country, each text's features and names), ``values.py`` (value
conflicts), ``denials.py`` and ``disputes.py`` (reported disputes), ``votes.py`` and
``assessments.py`` (assessment conflicts). This module runs them all.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from briefgen.models import Disagreement, Document, Event, Fact
from briefgen.reconcile.days import day_conflicts
from briefgen.reconcile.disagreements.assessments import (
    QUOTATION_WORDS,
    SPEAKER_WORDS,
    Assessment,
    _assessment_conflicts,
    _assessments,
)
from briefgen.reconcile.disagreements.context import MAX_CLAIMS, MAX_COUNTRIES
from briefgen.reconcile.disagreements.denials import find_denial
from briefgen.reconcile.disagreements.disputes import (
    CLAIMS_PER_SIDE,
    DENIAL_MATCH,
    GENERIC_MATCH,
    RARE_NAME,
    RELATED_MATCH,
    _both_sides,
    _merge_disputes,
    _reported_disputes,
)
from briefgen.reconcile.disagreements.index import _Index
from briefgen.reconcile.disagreements.values import (
    ANCHOR_REACH,
    DOCUMENT_COUNTRY_SHARE,
    MONEY_RATIO,
    NEAR_WORDS,
    YEAR_AFTER,
    YEAR_BEFORE_REACH,
    _count_quantities,
    _date_conflicts,
    _figure_conflicts,
    _milestone_conflicts,
    _quantity_conflicts,
    _with_document_country,
    amounts_in,
    anchored_year,
)
from briefgen.reconcile.disagreements.votes import _agency, _side_votes
from briefgen.reconcile.lexicon import ReconcileLexicon
from briefgen.reconcile.sentences import Sentence, split_sentences

__all__ = [
    "ANCHOR_REACH",
    "CLAIMS_PER_SIDE",
    "DENIAL_MATCH",
    "DOCUMENT_COUNTRY_SHARE",
    "GENERIC_MATCH",
    "MAX_CLAIMS",
    "MAX_COUNTRIES",
    "MONEY_RATIO",
    "NEAR_WORDS",
    "QUOTATION_WORDS",
    "RARE_NAME",
    "RELATED_MATCH",
    "SPEAKER_WORDS",
    "YEAR_AFTER",
    "YEAR_BEFORE_REACH",
    "Assessment",
    "amounts_in",
    "anchored_year",
    "find_denial",
    "find_disagreements",
    # private names the tests (and days.py's docstring) reach through here, as they did
    # through the single module this package replaces
    "_Index",
    "_agency",
    "_both_sides",
    "_count_quantities",
    "_date_conflicts",
    "_merge_disputes",
    "_side_votes",
]


def find_disagreements(
    facts: list[Fact],
    events: list[Event],
    documents: list[Document],
    lexicon: ReconcileLexicon,
) -> list[Disagreement]:
    """Every disagreement the facts, events and documents show.

    Args:
        facts (list[Fact]): extracted mentions, with ``event`` set by merge_events.
        events (list[Event]): the merged events.
        documents (list[Document]): the documents, read sentence by sentence.
        lexicon (ReconcileLexicon): cue words of the documents' language.
    RETURNS (list[Disagreement]): sorted by country, kind, topic; duplicates removed.
    """
    sentences = {d.id: split_sentences(d, lexicon) for d in documents}
    index = _Index(sentences, facts, lexicon)
    facts_at = _facts_at(facts, sentences)
    found = (
        _date_conflicts(facts, events, sentences, {d.id: d for d in documents}, lexicon, index)
        + _quantity_conflicts(facts, events, lexicon)
        + _milestone_conflicts(sentences, lexicon)
        + _figure_conflicts(facts, index)
        + day_conflicts(
            _with_document_country(index, facts),
            {d.id: d for d in documents},
            lexicon,
            named_alike=index.proper_names_alike,
        )
        + _reported_disputes(
            sentences, facts, facts_at, lexicon, {d.id: d for d in documents}, index
        )
        + _assessment_conflicts(
            _assessments(sentences, facts_at, lexicon, {d.id: d.published for d in documents})
        )
    )
    unique: dict[str, Disagreement] = {}
    for d in _merge_disputes(found, index):
        if d.kind == "reported_dispute" and not _both_sides(d):
            continue  # two denials and no report: nobody on the other side
        unique.setdefault(d.id, d)
    return sorted(unique.values(), key=lambda d: (d.country, d.kind, d.topic, d.id))


def _facts_at(
    facts: list[Fact], sentences: dict[str, list[Sentence]]
) -> dict[tuple[str, int], list[str]]:
    """The countries of the facts each sentence quotes, by (document, sentence index), in
    fact order and each once."""
    facts_at: dict[tuple[str, int], list[str]] = defaultdict(list)
    ends = {doc: [s.end for s in sents] for doc, sents in sentences.items()}
    for f in facts:
        doc_sentences = sentences.get(f.quote.doc, [])
        # sentences are in text order and do not overlap: the first that may overlap
        # the quote is the first ending after its start
        first = bisect.bisect_right(ends.get(f.quote.doc, []), f.quote.start)
        for s in doc_sentences[first:]:
            if s.start >= f.quote.end:
                break
            if f.quote.start < s.end and f.country not in facts_at[(s.doc, s.index)]:
                facts_at[(s.doc, s.index)].append(f.country)
    return facts_at
