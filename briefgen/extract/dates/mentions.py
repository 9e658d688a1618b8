"""Text → ``DateMention``s: every date expression in a text, resolved to an ISO partial date.

``find_dates`` selects the candidate expressions of a text, then resolves them in order
against the publication date, the year the passage is about (which each explicit year
moves) and the tense of their clause. Holds ``DateMention``, the result type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import cache

from briefgen.extract.dates.candidates import _Candidate, _candidates, _select
from briefgen.extract.dates.grammar import _Grammar, _grammar
from briefgen.extract.dates.values import (
    YEAR_MAX,
    YEAR_MIN,
    _format,
    _Reference,
    _Resolver,
    _split_iso,
    _valid,
)

log = logging.getLogger("briefgen.extract")

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True)
class DateMention:
    """One date expression found in a text.

    ``start``/``end`` index the text passed to ``find_dates`` and ``text`` is
    ``text[start:end]``. ``value`` is an ISO partial date whose length matches
    ``precision`` ("year" → YYYY, "month" → YYYY-MM, "day" → YYYY-MM-DD). ``relative`` is
    True when part of the value does not stand in the text and was taken from the
    reference date (publication date or the year the passage is about): "last month",
    "in December", "on 5 June".
    """

    start: int
    end: int
    text: str
    value: str
    relative: bool
    precision: str
    until: str | None = None  # the last date of a range it opens ("17 to 23 July")

    @property
    def shared(self) -> str:
        """The value at the precision every date of its range shares ("from 17 to 23
        July" → the month, "from 31 May to 6 June" → the year); the value when it opens
        no range."""
        if self.until is None:
            return self.value
        ours, theirs = self.value.split("-"), self.until.split("-")
        common = 0
        while common < min(len(ours), len(theirs)) and ours[common] == theirs[common]:
            common += 1
        return "-".join(ours[: max(common, 1)])


def find_dates(
    text: str,
    *,
    published: str | None = None,
    context_year: int | None = None,
    language: str = "en",
    context_date: str | None = None,
) -> list[DateMention]:
    """Every date expression in ``text``, in order of appearance.

    Args:
        text (str): any text; offsets of the mentions index it.
        published (str | None): the document's publication date (ISO partial); relative
            expressions ("last month") resolve against it and are skipped without it, or
            when it is too coarse ("last month" against "2019").
        context_year (int | None): the year the surrounding passage is about (e.g. the
            last explicit year before this text). A month or day-month written without a
            year ("in December", "on 10 June") takes it; without it they take the
            publication year, or the year before if that would be after publication.
            Inside ``text`` every explicit or resolved year (outside parentheses, not
            after publication) becomes the context of what follows in the same
            paragraph ("In 2008 ... On 10 June ..."); a blank line ends a paragraph and
            restores ``context_year``. A weekday ("Tuesday, October 29") picks, near
            that year, the year in which the day falls on that weekday.
        language (str): which ``lexicons/languages/<language>/dates.yaml`` to use.
        context_date (str | None): the day (ISO) of the event told just before, which
            "the next day" / "al día siguiente" counts from; without it they are no date.

    RETURNS (list[DateMention]): the mentions; ranges ("2008-2009") give one per end.
    Raises ConfigError when the language has no (valid) date lexicon.
    """
    if not text:
        return []
    g = _grammar(language)
    ref = _publication_reference(published, context_year)
    year, month, day = _split_iso(context_date)
    if year and month and day and _valid(year, month, day):
        ref.event = dt.date(year, month, day)
    mentions: list[DateMention] = []
    breaks = [b.start() for b in _PARAGRAPH_BREAK.finditer(text)]
    next_break = 0
    selected = _select(_candidates(g, text), text)
    speech = _speech_date(g, text, selected, ref)
    for index, cand in enumerate(selected):
        # a year written in one paragraph does not date the next: back to the caller's
        while next_break < len(breaks) and breaks[next_break] < cand.start:
            ref.context = context_year
            next_break += 1
        following = selected[index + 1] if index + 1 < len(selected) else None
        mentions += _candidate_mentions(g, text, ref, cand, following, speech)
    return mentions


def _publication_reference(published: str | None, context_year: int | None) -> _Reference:
    """The reference of a text: its valid publication date (warned about once when
    unusable) and the caller's context year."""
    year, month, day = _split_iso(published)
    if year is not None and not _valid(year, month, day):
        year = month = day = None
    if published and year is None:
        _warn_once(published)
    return _Reference(year, month, day, context_year)


# The day a statement in the text was made ("…, said on Wednesday"), see _speech_date.
_Speech = tuple[_Candidate, tuple[int, int, int]]


def _candidate_mentions(
    g: _Grammar,
    text: str,
    ref: _Reference,
    cand: _Candidate,
    following: _Candidate | None,
    speech: _Speech | None,
) -> list[DateMention]:
    """The mentions one candidate yields, in order; moves ``ref.context`` to each year
    that says what the passage is about."""
    mentions = []
    for start, end, resolver in cand.parts:
        use = _part_reference(g, text, ref, resolver, cand, following, speech)
        resolved = resolver(use)
        if resolved is None:
            continue
        y, m, d, relative, sets_context = resolved
        if not _valid(y, m, d):
            continue
        value, precision = _format(y, m, d)
        mention = DateMention(start, end, text[start:end], value, relative, precision)
        mentions.append(_with_day_span(g, mention))
        if sets_context and _is_context_year(g, text, ref, cand, y, relative):
            ref.context = y
    return mentions


def _part_reference(
    g: _Grammar,
    text: str,
    ref: _Reference,
    resolver: _Resolver,
    cand: _Candidate,
    following: _Candidate | None,
    speech: _Speech | None,
) -> _Reference:
    """The reference one resolver is read against; sets ``ref.future`` to the tense of
    its clause."""
    ref.future = (
        _tensed(resolver)
        and not (speech is not None and cand is speech[0])  # "said": past
        and _future_clause(g, text, cand.start, cand.end)
    )
    use = _range_reference(g, text, ref, resolver, cand, following)
    if ref.future and speech is not None and cand is not speech[0]:
        # "will leave on Friday, she said on Wednesday": the Friday after Wednesday
        year, month, day = speech[1]
        use = dataclasses.replace(use, year=year, month=month, day=day, future=True)
    return use


def _is_context_year(
    g: _Grammar, text: str, ref: _Reference, cand: _Candidate, year: int, relative: bool
) -> bool:
    """Whether a year a candidate resolved to becomes the context of what follows."""
    # Not every year says what the passage is about: "this year" says nothing the
    # publication date does not (and would put a later "in December" after
    # publication); a year in parentheses is a citation ("Smith (2004)"); "since
    # 2014", "by 2030" are bounds, not the time of the story.
    return (
        not (relative and year == ref.year)
        and (ref.year is None or year <= ref.year)
        and not _in_parentheses(text, cand.start)
        and not g.no_context_tail.find(text, cand.start)
    )


def _with_day_span(g: _Grammar, mention: DateMention) -> DateMention:
    """The mention with ``until`` set when it is a range of days in one month ("17-23
    July", "July 15 and 16", "del 17 al 23 de julio")."""
    if mention.precision != "day":
        return mention
    span = g.re_day_span.search(mention.text)
    if span is None or not 1 <= int(span.group("d2")) <= 31:
        return mention
    until = f"{mention.value[:8]}{int(span.group('d2')):02d}"
    return dataclasses.replace(mention, until=until)


def _range_reference(
    g: _Grammar,
    text: str,
    ref: _Reference,
    resolver: _Resolver,
    cand: _Candidate,
    following: _Candidate | None,
) -> _Reference:
    """The reference for one resolver: a yearless start of a range takes the year of its
    end ("30 June–2 July 2019", "between June and August 2008")."""
    if following is None or not getattr(resolver, "implicit_year", False):
        return ref
    gap = following.start - cand.end
    if not 0 <= gap <= 12 or not g.re_range_gap.fullmatch(text, cand.end, following.start):
        return ref
    end = following.parts[0][2](ref)
    if end is None or end[3]:  # the end's own year must be written, not inferred
        return ref
    return dataclasses.replace(ref, context=end[0])


def _speech_date(
    g: _Grammar, text: str, selected: list[_Candidate], ref: _Reference
) -> _Speech | None:
    """The day a statement in the text was made ("…, said on Wednesday"), when it is
    before publication: the future the statement speaks of is reckoned from it."""
    for cand in selected:
        if len(cand.parts) != 1 or not g.report_tail.find(text, cand.start):
            continue
        past = _Reference(ref.year, ref.month, ref.day, ref.context, False)
        resolved = cand.parts[0][2](past)
        if resolved is None or resolved[1] is None or resolved[2] is None:
            continue
        day = (resolved[0], resolved[1], resolved[2])
        if ref.date is not None and _valid(*day) and dt.date(*day) < ref.date:
            return cand, day
    return None


def _tensed(resolver: _Resolver) -> bool:
    """Whether the resolver's value depends on the tense of its clause."""
    return bool(getattr(resolver, "implicit_year", False) or getattr(resolver, "tensed", False))


_CLAUSE_REACH = 160


def _future_clause(g: _Grammar, text: str, start: int, end: int) -> bool:
    """Whether the clause around text[start:end] speaks of the future."""
    low = max(0, start - _CLAUSE_REACH)
    high = min(len(text), end + _CLAUSE_REACH)
    for b in g.re_clause_break.finditer(text, low, high):
        if b.end() <= start:
            low = b.end()
        elif b.start() >= end:
            high = b.start()
            break
    future = [m for m in g.re_future.finditer(text, low, high)]
    if not future:
        return False
    # a past-tense verb nearer the date than the future marker wins ("Irán mandará ...
    # los aviones regresaron este viernes")
    past = [m for m in g.re_past.finditer(text, low, high)]

    def gap(m: re.Match[str]) -> int:
        return max(start - m.end(), m.start() - end, 0)

    return not past or min(map(gap, future)) <= min(map(gap, past))


@cache
def _warn_once(published: object) -> None:
    # find_dates runs once per sentence: say it once per value, not once per call
    log.warning(
        "publication date %r is not an ISO partial date between %d and %d; "
        "relative dates are left unresolved",
        published,
        YEAR_MIN,
        YEAR_MAX,
    )


def _in_parentheses(text: str, start: int) -> bool:
    """Whether ``start`` lies inside an open parenthesis on the same line."""
    window = text[max(0, start - 120) : start]
    window = window[window.rfind("\n") + 1 :]
    return window.rfind("(") > window.rfind(")")
