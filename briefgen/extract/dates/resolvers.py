"""Resolvers: what a matched date expression means, given the reference it is read against.

Each matched expression becomes a ``_Resolver``, a function of the ``_Reference``
(publication date, context year, tense) returning its (year, month, day): explicit dates
ignore the reference; yearless months and days take the year of the passage or of
publication; relative phrases ("last month", "eight years later") and weekdays ("last
Friday") count from publication or from the context year.
"""

from __future__ import annotations

import datetime as dt

from briefgen.extract.dates.grammar import _Grammar
from briefgen.extract.dates.values import (
    _add_months,
    _Reference,
    _Resolved,
    _Resolver,
    _valid,
)

# how many months before the publication month a yearless month must lie for a future
# clause to mean next year's (January in a November paper, not March in a June one)
_FUTURE_WRAP = 10


def _implicit_year(ref: _Reference, month: int, day: int | None) -> tuple[int, bool] | None:
    """The year of a month (and day) written without one, and whether it came from context.

    The passage's year wins; else the publication year, moved back one year when the date
    would fall after publication in a clause that does not speak of the future (news
    reports what happened: "in December" read in March is last December, "will be
    delivered in July" is this July).
    """
    if ref.context is not None:
        return ref.context, True
    if ref.year is None:
        return None
    year = ref.year
    if ref.month is None:
        return year, False
    after = month > ref.month or (
        month == ref.month and day is not None and ref.day is not None and day > ref.day
    )
    if after and not ref.future:
        year -= 1
    elif ref.future and ref.month - month >= _FUTURE_WRAP:
        year += 1  # "will visit in January", written in November
    return year, False


# --- written dates ------------------------------------------------------------------------


def _explicit(year: int, month: int | None = None, day: int | None = None) -> _Resolver:
    def resolve(ref: _Reference) -> _Resolved | None:
        return (year, month, day, False, True) if _valid(year, month, day) else None

    return resolve


def _yearless_day(month: int, day: int, weekday: int | None) -> _Resolver:
    """A day-month written without a year ("on 10 June", "Tuesday, October 29"): the
    implicit year, or the one near it in which the day falls on ``weekday``."""

    def resolve(ref: _Reference) -> _Resolved | None:
        found = _implicit_year(ref, month, day)
        if found is None:
            return None
        year = found[0]
        if weekday is not None:
            year = _year_matching_weekday(ref, year, month, day, weekday)
        return year, month, day, True, False

    resolve.implicit_year = True  # type: ignore[attr-defined]
    return resolve


def _year_matching_weekday(ref: _Reference, year: int, month: int, day: int, weekday: int) -> int:
    """The year near ``year`` in which month/day falls on ``weekday``, or ``year``.

    "Tuesday, October 29" names its year as surely as a number does: try the year chosen,
    the one before and the one after (never past publication), then the publication year.
    """
    tries = [year, year - 1, year + 1]
    if ref.year is not None:
        tries += [ref.year, ref.year - 1]
    for candidate in tries:
        if ref.year is not None and candidate > ref.year:
            continue
        if _valid(candidate, month, day) and dt.date(candidate, month, day).weekday() == weekday:
            return candidate
    return year


def _bare_month(month: int) -> _Resolver:
    def resolve(ref: _Reference) -> _Resolved | None:
        found = _implicit_year(ref, month, None)
        if found is None:
            return None
        return found[0], month, None, True, False

    resolve.implicit_year = True  # type: ignore[attr-defined]
    return resolve


# --- relative dates -----------------------------------------------------------------------


def _relative_month(modifier: int | str, month: int, day: int | None = None) -> _Resolver:
    """A month whose year is given relative to publication: "last December", "June this year"."""

    def resolve(ref: _Reference) -> _Resolved | None:
        if ref.year is None:
            return None
        if isinstance(modifier, int):
            year = ref.year + modifier
        elif ref.month is None:
            if modifier != "last":
                return None  # "next March" needs the publication month
            year = ref.year - 1
        elif modifier == "last":
            year = ref.year if month < ref.month else ref.year - 1
        else:
            year = ref.year if month > ref.month else ref.year + 1
        return year, month, day, True, True

    return resolve


def _relative_phrase(g: _Grammar, phrase: str) -> _Resolver | None:
    """The resolver of a matched relative phrase (cached: resolvers are pure)."""
    normal = " ".join(phrase.lower().split())
    if normal not in g.relative_cache:
        g.relative_cache[normal] = _lookup_relative(g, normal)
    return g.relative_cache[normal]


def _lookup_relative(g: _Grammar, normal: str) -> _Resolver | None:
    for pattern, entry in g.relatives:
        hit = pattern.match(normal)
        if not hit:
            continue
        times = 1
        if "n" in pattern.groupindex:
            word = hit.group("n").lower()
            times = int(word) if word.isdigit() else g.numbers.get(word, 0)
            if times <= 0:
                return None
        return _relative_unit(
            entry["unit"],
            int(entry.get("offset", 0)) * times,
            entry.get("anchor", "published"),
        )
    return None


def _relative_unit(unit: str, offset: int, anchor: str) -> _Resolver:
    def resolve(ref: _Reference) -> _Resolved | None:
        if anchor == "event":
            # "the next day", "al día siguiente": counted from the event told before
            if ref.event is None or unit != "day":
                return None
            shifted = ref.event + dt.timedelta(days=offset)
            return shifted.year, shifted.month, shifted.day, True, True
        if anchor == "context":
            if ref.context is None:
                return None
            year = ref.context + offset
            if ref.year is not None and year > ref.year:
                return None  # "eight years later" cannot be after the text was written
            return year, None, None, True, True
        if ref.year is None:
            return None
        if unit == "year":
            return ref.year + offset, None, None, True, True
        if ref.month is None:
            return None
        if unit == "month":
            year, month = _add_months(ref.year, ref.month, offset)
            return year, month, None, True, True
        date = ref.date
        if date is None:
            # "yesterday", "last week" on a paper dated only by month: that month is the
            # best we know (and the mention still stands for the event's date)
            if offset == 0 or (unit in ("day", "week") and abs(offset) <= 1):
                return ref.year, ref.month, None, True, True
            return None
        if unit == "week":
            # a week is not a day: give its month
            shifted = date + dt.timedelta(days=7 * offset)
            return shifted.year, shifted.month, None, True, True
        shifted = date + dt.timedelta(days=offset)
        return shifted.year, shifted.month, shifted.day, True, True

    return resolve


# --- weekdays -----------------------------------------------------------------------------


def _weekday(target: int, modifier: int) -> _Resolver:
    """A weekday in the publication week: "on"/"this" → the latest such day on or before
    publication (the first on or after it in a future clause), "last" → strictly before,
    "next" → strictly after."""

    def resolve(ref: _Reference) -> _Resolved | None:
        date = ref.date
        if date is None:
            return None
        shifted = _weekday_near(date, target, modifier, ref.future)
        return shifted.year, shifted.month, shifted.day, True, False

    resolve.tensed = True  # type: ignore[attr-defined]
    return resolve


def _weekday_near(date: dt.date, target: int, modifier: int, future: bool) -> dt.date:
    if modifier > 0 or (modifier == 0 and future):
        ahead = (target - date.weekday()) % 7
        if modifier > 0 and ahead == 0:
            ahead = 7
        return date + dt.timedelta(days=ahead)
    back = (date.weekday() - target) % 7
    if modifier < 0 and back == 0:
        back = 7
    return date - dt.timedelta(days=back)


def _weekday_day(target: int, modifier: int, day: int) -> _Resolver:
    """A weekday with its day of the month ("nesta quarta-feira (12)", "el martes 5"):
    the date near publication that has both, else that day near the weekday."""

    def resolve(ref: _Reference) -> _Resolved | None:
        if ref.year is None or ref.month is None:
            return None
        date = ref.date
        if date is not None:
            base = _weekday_near(date, target, modifier, ref.future)
        else:  # a paper dated by its month: any day of it
            base = dt.date(ref.year, ref.month, 15)
        near = [base + dt.timedelta(days=k) for k in range(-45, 46)]
        both = [d for d in near if d.day == day and d.weekday() == target]
        pool = both or [d for d in near if d.day == day]
        if not pool:
            return None
        best = min(pool, key=lambda d: abs((d - base).days))
        return best.year, best.month, best.day, True, False

    resolve.tensed = True  # type: ignore[attr-defined]
    return resolve
