"""Date mentions → the one that dates an event (``pick_date``).

Prefers the most precise mention in the event's clause, else the nearest in its sentence;
the second end of a range and the date of a report ("…, the ministry said on Monday")
give way to the others.
"""

from __future__ import annotations

import dataclasses
import re

from briefgen.extract.dates.grammar import _SENTENCE_END, _Grammar, _grammar
from briefgen.extract.dates.mentions import DateMention
from briefgen.extract.dates.values import PRECISIONS


def pick_date(
    mentions: list[DateMention],
    anchor: int,
    *,
    text: str | None = None,
    language: str = "en",
) -> DateMention | None:
    """The mention most plausibly dating the event whose trigger word is at ``anchor``.

    Among the mentions in the same clause as the anchor, the most precise wins, ties going
    to the nearest. Without ``text`` every mention counts as the same clause (pass the
    mentions of one sentence). With ``text`` (the string the mentions index), clauses end
    at ; : ! ? a sentence end or a comma before a conjunction ("…, while …"); if the
    anchor's clause has no mention, the nearest one in the same sentence is taken; a
    mention in another sentence is never used.

    Args:
        mentions (list[DateMention]): from ``find_dates``.
        anchor (int): offset of the event's trigger word in the same text.
        text (str | None): the text, for clause and sentence boundaries.
        language (str): whose clause conjunctions to use.

    RETURNS (DateMention | None): the chosen mention, or None when there is none.
    """
    if not mentions:
        return None
    g = _grammar(language)
    mentions = _drop_range_ends(mentions, text, g)
    if text is not None:
        mentions = _without_report_dates(g, mentions, text, anchor)
    if text is None:
        return _best(mentions, anchor, by_precision=True)
    clause_breaks, sentence_breaks = _boundaries(g, mentions, anchor, text)
    clause = [m for m in mentions if _same_segment(m, anchor, clause_breaks)]
    if clause:
        return _best(clause, anchor, by_precision=True)
    sentence = [m for m in mentions if _same_segment(m, anchor, sentence_breaks)]
    return _best(sentence, anchor, by_precision=False)


def _distance(m: DateMention, anchor: int) -> int:
    """Characters between a mention and the anchor; 0 when the mention holds it."""
    return 0 if m.start <= anchor < m.end else min(abs(m.start - anchor), abs(m.end - anchor))


def _best(pool: list[DateMention], anchor: int, by_precision: bool) -> DateMention | None:
    """The most precise mention of ``pool``, then the nearest (or the nearest, then the
    most precise); the first in the text on a tie; None for an empty pool."""
    if not pool:
        return None
    rank = PRECISIONS.index
    if by_precision:
        return min(pool, key=lambda m: (-rank(m.precision), _distance(m, anchor), m.start))
    return min(pool, key=lambda m: (_distance(m, anchor), -rank(m.precision), m.start))


def _boundaries(
    g: _Grammar, mentions: list[DateMention], anchor: int, text: str
) -> tuple[list[int], list[int]]:
    """Offsets of the clause breaks and of the sentence ends that may stand between the
    anchor and a mention (none inside a mention)."""
    spans = [(m.start, m.end) for m in mentions]
    # only the stretch between the anchor and the farthest mention can hold a boundary
    low = max(0, min([anchor] + [s for s, _ in spans]))
    high = min(len(text), max([anchor + 1] + [e for _, e in spans]))

    def breaks(pattern: re.Pattern[str]) -> list[int]:
        return [
            b.start()
            for b in pattern.finditer(text, low, high)
            if not any(s <= b.start() < e for s, e in spans)
        ]

    return breaks(g.re_clause_break), breaks(_SENTENCE_END)


def _same_segment(m: DateMention, anchor: int, breaks: list[int]) -> bool:
    """Whether no break stands between the anchor and the mention."""
    low, high = sorted((anchor, m.start if m.start > anchor else m.end - 1))
    return not any(low <= b < high for b in breaks)


def _without_report_dates(
    g: _Grammar, mentions: list[DateMention], text: str, anchor: int
) -> list[DateMention]:
    """The mentions without those that date the report rather than the event ("…, the
    ministry said on Monday", "informó hoy"), when another mention is left; a day
    relative to the publication ("reported Friday") goes even when it is the only one:
    it dates the news, and the event is older ("has asked … , the Post reported
    Friday"). An explicit date after a report verb ("announced in January 2019") may be
    the event itself, and stays when it is the only one."""

    def reports(m: DateMention) -> bool:
        if m.start <= anchor < m.end:
            return False
        hit = g.report_tail.find(text, m.start)
        return hit is not None and not (hit[0] <= anchor < m.start)

    kept = [m for m in mentions if not reports(m)]
    return kept or [m for m in mentions if not (m.relative and m.precision == "day")]


def _drop_range_ends(
    mentions: list[DateMention], text: str | None, g: _Grammar
) -> list[DateMention]:
    """The mentions without the second end of each range: a range dates by its start,
    which keeps the end as ``until``.

    Two mentions form a range when only a dash, a slash or a range word ("to", "and")
    stands between them; without the text, when they are at most one character apart.
    """
    ordered = sorted(mentions, key=lambda m: m.start)
    kept = ordered[:1]
    for first, second in zip(ordered, ordered[1:], strict=False):
        gap = second.start - first.end
        if text is None:
            joined = 0 <= gap <= 1
        else:
            joined = 0 <= gap <= 12 and bool(
                g.re_range_gap.fullmatch(text, first.end, second.start)
            )
        if not joined:
            kept.append(second)
        elif kept[-1] is first:
            kept[-1] = dataclasses.replace(first, until=second.value)
    return kept
