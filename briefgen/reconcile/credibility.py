"""Events + disagreements → the Admiralty grade of each event (reliability A-F, credibility 1-6).

Source reliability is the best grade among the event's documents (A best; F "cannot be
judged" only when every source is F), as the corpus manifest gives it.

Information credibility follows from corroboration and disputes:

==  ===================  ========================================================
1   confirmed            two or more independent publishers, nothing contests it
2   probably true        one publisher graded A or B, not hedged, not contested
3   possibly true        one publisher graded C-E; or confirmed but with a value
                         conflict or a denial on record
4   doubtful             one publisher and hedged ("reportedly", "suspected"),
                         or one publisher and denied by a party
5   improbable           one publisher, hedged and denied
6   cannot be judged     one publisher graded F, nothing else to go on
==  ===================  ========================================================
"""

from __future__ import annotations

from collections import defaultdict

from briefgen.models import Disagreement, Event, Quote
from briefgen.reconcile.lexicon import ReconcileLexicon

CREDIBILITY_WORDS = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}


def _touches(a: Quote, b: Quote) -> bool:
    return a.doc == b.doc and a.start < b.end and b.start < a.end


def involved(event: Event, disagreement: Disagreement) -> bool:
    """True when one of the disagreement's claims quotes the event's evidence."""
    return any(_touches(q, c.quote) for q in event.evidence for c in disagreement.claims)


def grade_credibility(
    event: Event, disagreements: list[Disagreement], lexicon: ReconcileLexicon
) -> int:
    """The Admiralty information-credibility number (1-6) of one event.

    Args:
        event (Event): with evidence, publishers and reliability set.
        disagreements (list[Disagreement]): every disagreement found.
        lexicon (ReconcileLexicon): hedge words.
    RETURNS (int): 1 confirmed … 5 improbable, 6 cannot be judged.
    """
    mine = [d for d in disagreements if involved(event, d)]
    disputed = any(d.kind == "reported_dispute" for d in mine)
    conflicting = any(d.kind == "value_conflict" for d in mine)
    hedged = bool(event.evidence) and all(lexicon.hedges.search(q.text) for q in event.evidence)
    if event.publishers >= 2:
        return 3 if (disputed or conflicting) else 1
    if disputed:
        return 5 if hedged else 4
    if hedged:
        return 4
    if conflicting:
        return 3
    if event.reliability in ("A", "B"):
        return 2
    if event.reliability == "F":
        return 6
    return 3


def grade_events(
    events: list[Event], disagreements: list[Disagreement], lexicon: ReconcileLexicon
) -> None:
    """Set ``credibility`` on every event (reliability is set when events are merged)."""
    # only disagreements quoting one of the event's documents can involve it: looking them
    # up by document keeps this linear in the corpus rather than events × disagreements
    by_doc: dict[str, list[Disagreement]] = defaultdict(list)
    for d in disagreements:
        for doc in dict.fromkeys(c.quote.doc for c in d.claims):
            by_doc[doc].append(d)
    for event in events:
        near: dict[int, Disagreement] = {}
        for q in event.evidence:
            for d in by_doc.get(q.doc, ()):
                near.setdefault(id(d), d)
        event.credibility = grade_credibility(event, list(near.values()), lexicon)
