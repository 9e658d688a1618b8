"""Text → candidate date expressions: where dates may stand and which spans to keep.

``_candidates`` tries the language's patterns at every token that can start one (a digit
run, a month or weekday name, the first word of a relative phrase) and gives each match
as a ``_Candidate`` with one resolver per mention it yields; ``_select`` keeps the longest
non-overlapping ones outside URLs and e-mail addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.extract.dates.grammar import _TOKEN, _Grammar
from briefgen.extract.dates.resolvers import (
    _bare_month,
    _explicit,
    _relative_month,
    _relative_phrase,
    _weekday,
    _weekday_day,
    _yearless_day,
)
from briefgen.extract.dates.values import YEAR_MAX, _Resolver, _valid


@dataclass
class _Candidate:
    """A match before overlap removal: its span and one resolver per mention it yields."""

    start: int
    end: int
    parts: list[tuple[int, int, _Resolver]]


def _candidates(g: _Grammar, text: str) -> list[_Candidate]:  # noqa: C901
    """Every date-like match, overlapping; ``_select`` keeps the longest.

    Patterns are anchored at the tokens that can start them (a digit run, a month or
    weekday name, the first word of a relative phrase) rather than scanned over the whole
    text: that keeps a 10 kB paragraph in the low milliseconds.
    """
    found: list[_Candidate] = []

    def add(start: int, end: int, resolver: _Resolver) -> None:
        found.append(_Candidate(start, end, [(start, end, resolver)]))

    def day_month_at(pattern: re.Pattern[str] | None, pos: int) -> None:
        m = pattern.match(text, pos) if pattern is not None else None
        got = _day_month(g, m) if m else None
        if m and got:
            add(m.start(), got[0], got[1])

    tokens = [(t.start(), t.group().lower()) for t in _TOKEN.finditer(text)]
    for index, (pos, low) in enumerate(tokens):
        # the few tokens after this one, to skip patterns that cannot match here
        ahead = {w for _, w in tokens[index + 1 : index + 5]}
        if low.isdigit():
            if len(low) == 4:
                _year_candidates(g, text, pos, found)
            elif len(low) <= 2:
                if text[pos + len(low) : pos + len(low) + 1] in ("/", ".", "-"):
                    if m := g.re_numeric.match(text, pos):
                        _numeric_candidate(g, m, add)
                if ahead & g.month_words:
                    day_month_at(g.re_day_month, pos)
                if index + 1 < len(tokens) and tokens[index + 1][1] in g.number_followers:
                    _relative_at(g, text, pos, add)
            continue
        if low in g.month_words:
            day_month_at(g.re_month_day, pos)
            _month_candidates(g, text, pos, add)
        if low in g.weekday_words:
            day_month_at(g.re_day_month, pos)
            day_month_at(g.re_month_day, pos)
            _weekday_at(g, text, pos, add)
        if low in g.relative_words or (
            low in g.numbers
            and index + 1 < len(tokens)
            and tokens[index + 1][1] in g.number_followers
        ):
            _relative_at(g, text, pos, add)
    return found


# --- one kind of date at one position ---------------------------------------------------


def _year_candidates(g: _Grammar, text: str, pos: int, found: list[_Candidate]) -> None:
    """ISO dates, year ranges and bare years starting with the four digits at ``pos``."""
    if m := g.re_iso.match(text, pos):
        year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if _valid(year, month, day):
            found.append(
                _Candidate(m.start(), m.end(), [(m.start(), m.end(), _explicit(year, month, day))])
            )
    if m := g.re_year_range.match(text, pos):
        first, second = int(m.group("a")), m.group("b")
        last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        if (
            last > first
            and last <= YEAR_MAX
            and g.is_year(text, m.start("a"), m.end("a"))
            and (len(second) == 2 or g.is_year(text, m.start("b"), m.end("b"), alone=False))
        ):
            parts = [
                (m.start("a"), m.end("a"), _explicit(first)),
                (m.start("b"), m.end("b"), _explicit(last)),
            ]
            found.append(_Candidate(m.start(), m.end(), parts))
        elif len(second) == 2 and m.group("s") in "-/" and 1 <= int(second) <= 12:
            # "2018-01" is a month, not the range 2018-2001
            if g.is_year(text, m.start("a"), m.end("a")):
                resolver = _explicit(first, int(second))
                found.append(_Candidate(m.start(), m.end(), [(m.start(), m.end(), resolver)]))
    if (m := g.re_year.match(text, pos)) and g.is_year(text, m.start("y"), m.end("y")):
        resolver = _explicit(int(m.group("y")))
        found.append(_Candidate(m.start(), m.end(), [(m.start(), m.end(), resolver)]))


def _numeric_candidate(g: _Grammar, m: re.Match[str], add) -> None:
    """An all-number date (14/02/2013); day and month by size, else by language order."""
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    if a > 12 and b <= 12 or (a <= 12 and b <= 12 and g.numeric_order == "dmy"):
        day, month = a, b
    elif b > 12 and a <= 12 or (a <= 12 and b <= 12 and g.numeric_order == "mdy"):
        day, month = b, a
    else:
        day, month = None, None  # 03/04/2019: only the year is certain
    if _valid(year, month, day if month else None):
        add(m.start(), m.end(), _explicit(year, month, day if month else None))


def _day_month(g: _Grammar, m: re.Match[str]) -> tuple[int, _Resolver] | None:
    """A day-month with an optional year or year modifier; returns (end, resolver)."""
    month = g.month_number(m.group("m"))
    if month is None:
        return None
    day = int(m.group("d"))
    if not 1 <= day <= 31:
        return None  # "39 June 2019": let "June 2019" stand
    end = m.end()
    if m.group("y"):
        if g.is_year(m.string, m.start("y"), m.end("y")):
            return end, _explicit(int(m.group("y")), month, day)
        # "5 June 2000 troops": the number is not this date's year; the date ends before it
        end = m.end("m") if m.re is g.re_day_month else _trim_day_end(m)
    elif m.group("mod"):
        offset = g.mods_after[" ".join(m.group("mod").lower().split())]
        return end, _relative_month(offset, month, day)

    weekday = g.weekday_of.get((m.group("wd") or "").lower().rstrip("."))
    return end, _yearless_day(month, day, weekday)


def _trim_day_end(m: re.Match[str]) -> int:
    """End of a month-first day-month ("June 5th") without the rejected year after it."""
    tail = m.string[m.end("d") : m.start("y")]
    keep = re.match(r"[^\s,]*(?:\s*[-–]\s*[0-3]?\d[^\s,]*)?", tail)
    return m.end("d") + (keep.end() if keep else 0)


def _month_candidates(g: _Grammar, text: str, pos: int, add) -> None:
    """Month-year, month with a year modifier, and a month alone after a cue word."""
    if (m := g.re_month_year.match(text, pos)) and g.is_year(text, m.start("y"), m.end("y")):
        if month := g.month_number(m.group("m")):
            add(m.start(), m.end(), _explicit(int(m.group("y")), month))
    if m := g.re_month_mod_after.match(text, pos):
        if month := g.month_number(m.group("m")):
            modifier = g.mods_after[" ".join(m.group("mod").lower().split())]
            add(m.start(), m.end(), _relative_month(modifier, month))
    m = g.re_month_alone.match(text, pos)
    month = g.month_number(m.group("m")) if m else None
    if not m or not month:
        return
    if before := g.mod_before_tail.find(text, pos):
        add(before[0], m.end(), _relative_month(g.mods_before[before[1]], month))
    if g.cue_tail.find(text, pos):
        add(m.start(), m.end(), _bare_month(month))
    elif (
        m.group("m").lower().rstrip(".") not in g.ambiguous_months
        and _next_word_is_lower(text, m.end())
        and g.determiner_tail.find(text, pos)
    ):
        add(m.start(), m.end(), _bare_month(month))  # "an August agreement"


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a sentence, a line or a quotation."""
    before = text[max(0, pos - 10) : pos].rstrip(" \t")
    return not before or before[-1] in ".!?:;\"“‘'([\n—–-"


_NEXT_LETTER = re.compile(r"[ \t]+([^\W\d_])")


def _next_word_is_lower(text: str, pos: int) -> bool:
    """Whether a lower-case word follows ``pos`` after spaces (the noun a month qualifies)."""
    nxt = _NEXT_LETTER.match(text, pos)
    return nxt is not None and nxt.group(1).islower()


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+$")


def _weekday_at(g: _Grammar, text: str, pos: int, add) -> None:
    """A weekday after or before a modifier ("on Monday", "last Friday", "el martes
    pasado"), dated from publication, with its day of the month when one follows
    ("nesta segunda-feira, 10").

    Where the language allows it (``weekday_alone``), a full weekday name stands alone
    too ("the minister said Tuesday"), unless it is part of a name ("Super Tuesday",
    "Good Friday": ``weekday_name_words``).
    """
    m = g.re_weekday_alone.match(text, pos)
    if not m:
        return
    word = m.group("wd")
    if g.capitalized_weekdays and not word[:1].isupper():
        return  # "the last sat down" has no Saturday in it
    target = g.weekday_of[word.lower().rstrip(".")]
    start, end = m.start(), m.end()
    before = g.weekday_mod_tail.find(text, pos)
    after = g.re_weekday_mod_after.match(text, end)
    if before:
        modifier = g.weekday_mods[before[1]]
        # "on Tuesday": the date is the weekday; "last Tuesday" keeps its modifier
        if modifier != 0:
            start = before[0]
    elif after:
        modifier = 0
    else:
        previous = _WORD_BEFORE.search(text, max(0, pos - 30), pos)
        if not (
            g.weekday_alone
            and word.lower() in g.weekday_full
            and word[:1].isupper()
            and not (previous and previous.group(1).lower() in g.weekday_name_words)
        ):
            return
        modifier = 0
    if after:
        modifier = g.weekday_mods_after[" ".join(after.group("mod").lower().split())]
        end = after.end()
    day = g.re_weekday_day.match(text, end)
    if (
        day
        and 1 <= int(day.group("dn")) <= 31
        and not g.re_unit_after.match(text[day.end("dn") : day.end("dn") + 40])
    ):
        add(start, day.end(), _weekday_day(target, modifier, int(day.group("dn"))))
        return
    add(start, end, _weekday(target, modifier))


def _relative_at(g: _Grammar, text: str, pos: int, add) -> None:
    if m := g.re_relative.match(text, pos):
        if g.relative_blocked_tail.find(text, pos):
            return  # "the last year of his term" is not last year
        if g.relative_lowercase and text[pos].isupper() and not _starts_sentence(text, pos):
            return  # "Russia Today" is a name
        if resolver := _relative_phrase(g, m.group(0)):
            add(m.start(), m.end(), resolver)


# --- keeping the longest ----------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.|\bdoi:)\S+", re.I)
# bounded, and tried only when the text has an "@": an unbounded [\w.-]+@ rescans the
# rest of the text from every position
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+")


def _select(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Non-overlapping candidates, longest first; nothing inside URLs or e-mail addresses."""
    taken_chars = bytearray(len(text))
    blocked = list(_URL.finditer(text))
    if "@" in text:
        blocked += _EMAIL.finditer(text)
    for u in blocked:
        taken_chars[u.start() : u.end()] = b"\x01" * (u.end() - u.start())
    taken: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if any(taken_chars[cand.start : cand.end]):
            continue
        taken_chars[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
        taken.append(cand)
    return sorted(taken, key=lambda c: c.start)
