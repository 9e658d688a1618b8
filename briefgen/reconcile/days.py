"""Days sources give differently for one thing: a stopover "on Friday" in one report and
"on Saturday" in another, a summit "on 14-16 July" against "on 15 and 16 July".

Two sentences of different documents about one country disagree when each dates
something to the day, the days are at most ``DAY_GAP`` apart but not the same, and the
sentences name the same specific thing (a name or a phrase that is not generic, as
``named_alike`` decides). Days further apart are taken for different moments of a
story (an arrival and a departure a week later), not for one moment given twice; a
range counts by its first day. Year-level conflicts of one event are found elsewhere
(disagreements._date_conflicts).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from briefgen.errors import ConfigError
from briefgen.extract.dates import find_dates
from briefgen.models import Disagreement, Document
from briefgen.reconcile.figures import sentence_claims, short
from briefgen.reconcile.lexicon import ReconcileLexicon
from briefgen.reconcile.sentences import Sentence

#: Two days of one thing disagree when they are at most this many days apart.
DAY_GAP = 3
#: Claims kept per conflict.
MAX_CLAIMS = 5


@dataclass(frozen=True)
class _Day:
    sentence: Sentence
    day: dt.date
    text: str  # the words that give it ("on Friday")


def _days(sentence: Sentence, doc: Document | None, lexicon: ReconcileLexicon) -> list[_Day]:
    if doc is None:
        return []
    language = doc.language or lexicon.language

    def compute() -> list[tuple[str, str]]:
        try:
            found = find_dates(sentence.text, published=doc.published, language=language)
        except ConfigError:
            return []
        return [(m.value, m.text) for m in found if m.precision == "day"]

    key = (sentence.text, doc.published, language)
    out = []
    for value, text in lexicon.memo.get("days", key, compute):
        out.append(_Day(sentence, dt.date.fromisoformat(value), text))
    return out


def day_conflicts(
    sentences: Mapping[str, list[Sentence]],
    documents: Mapping[str, Document],
    lexicon: ReconcileLexicon,
    *,
    named_alike: Callable[[str, str], bool],
) -> list[Disagreement]:
    """Value conflicts between days that documents about one country give for one thing.

    Args:
        sentences (Mapping[str, list[Sentence]]): each country's sentences.
        documents (Mapping[str, Document]): by id, for publication dates and languages.
        lexicon (ReconcileLexicon): its memo keeps each sentence's days.
        named_alike: whether two texts share a specific name or phrase.
    RETURNS (list[Disagreement]): one per country and pair of documents.
    """
    out = []
    for country in sorted(sentences):
        days = [d for s in sentences[country] for d in _days(s, documents.get(s.doc), lexicon)]
        pairs: dict[tuple[str, str], list[_Day]] = defaultdict(list)
        for i, a in enumerate(days):
            for b in days[i + 1 :]:
                if a.sentence.doc == b.sentence.doc:
                    continue
                gap = abs((a.day - b.day).days)
                if not 0 < gap <= DAY_GAP:
                    continue
                if not named_alike(a.sentence.text, b.sentence.text):
                    continue
                key = (min(a.sentence.doc, b.sentence.doc), max(a.sentence.doc, b.sentence.doc))
                pairs[key] += [d for d in (a, b) if d not in pairs[key]]
        for key in sorted(pairs):
            out.append(_disagreement(country, pairs[key]))
    return out


def _disagreement(country: str, found: list[_Day]) -> Disagreement:
    ordered = sorted(found, key=lambda d: (d.day, d.sentence.doc, d.sentence.start))
    claims = sentence_claims([(d.sentence, f"{d.day.isoformat()} (“{d.text}”)") for d in ordered])
    first = min(found, key=lambda d: (d.sentence.doc, d.sentence.start)).sentence.text
    return Disagreement(
        country, f"Different days: {short(first)}", "value_conflict", claims[:MAX_CLAIMS]
    )
