"""Reconcile: extracted Facts + their Documents → Events, Admiralty grades, Disagreements.

``reconcile()`` runs the three steps: merge mentions into events (events.py), find where
sources disagree (disagreements/), then grade each event (credibility.py). It sets
``fact.event`` on every input fact, so ``briefgen extract --format json`` can print it.
docs/method.md explains the rules for analysts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from briefgen.models import Disagreement, Document, Event, Fact
from briefgen.reconcile.credibility import CREDIBILITY_WORDS, grade_credibility, grade_events
from briefgen.reconcile.disagreements import find_disagreements
from briefgen.reconcile.events import merge_events
from briefgen.reconcile.lexicon import ReconcileLexicon, load_lexicon

__all__ = [
    "CREDIBILITY_WORDS",
    "Reconciliation",
    "corpus_languages",
    "find_disagreements",
    "grade_credibility",
    "grade_events",
    "load_lexicon",
    "merge_events",
    "reconcile",
]

log = logging.getLogger("briefgen.reconcile")


@dataclass
class Reconciliation:
    """What reconcile() returns: the merged events and the disagreements found."""

    events: list[Event] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


def corpus_languages(documents: Iterable[Document], language: str = "en") -> str:
    """``language`` plus the documents' other languages, as load_lexicon takes them
    ("en+es+pt"): one mixed corpus is reconciled with one lexicon."""
    others = sorted({d.language for d in documents if d.language} - {language})
    return "+".join([language, *others])


def reconcile(
    facts: list[Fact],
    documents: list[Document],
    *,
    language: str = "en",
    power: str | None = None,
    region: str | None = None,
    known: Iterable[Event] = (),
    lexicon: ReconcileLexicon | None = None,
    common_idents: Iterable[str] = (),
) -> Reconciliation:
    """Merge facts into events, find disagreements and grade every event.

    Args:
        facts (list[Fact]): every extracted mention; each gets ``fact.event`` set.
        documents (list[Document]): the corpus (sentences, publishers, reliability).
        language (str): the main lexicons/languages/<language>/reconcile.yaml; the
            cue words of the documents' other languages are added to it.
        power (str | None): lexicons/powers/<power>.yaml (default: every power file).
        region (str | None): lexicons/regions/<region>.yaml (default: every region file).
        known (Iterable[Event]): events of earlier runs (fact sheets), whose ids are kept
            for any new event holding their evidence.
        lexicon (ReconcileLexicon | None): a preloaded lexicon (overrides ``language``).
        common_idents (Iterable[str]): identifiers seen under several countries or
            categories in facts not given here (a run reconciled country by country).
    RETURNS (Reconciliation): events (graded) and disagreements, both sorted.
    """
    if lexicon is None:
        lexicon = load_lexicon(corpus_languages(documents, language), power=power, region=region)
    facts = list(facts)
    events = merge_events(
        facts, documents, lexicon=lexicon, known=known, common_idents=common_idents
    )
    disagreements = find_disagreements(facts, events, documents, lexicon)
    grade_events(events, disagreements, lexicon)
    log.info(
        "reconcile: %d facts → %d events, %d disagreements",
        len(facts),
        len(events),
        len(disagreements),
    )
    return Reconciliation(events, disagreements)
