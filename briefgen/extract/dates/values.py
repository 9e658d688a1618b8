"""Date values: ISO partial dates ↔ (year, month, day) and the reference dates resolve against.

Holds the year bounds, the ``_Reference`` (publication date and context year) a relative
date is resolved against, the ``_Resolver`` type every matched expression turns into, and
the calendar arithmetic they share.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.models import PARTIAL_DATE

YEAR_MIN, YEAR_MAX = 1800, 2100
PRECISIONS = ("year", "month", "day")
ISO_PARTIAL = PARTIAL_DATE  # YYYY, YYYY-MM or YYYY-MM-DD


# --- the reference a relative date is resolved against -------------------------------


@dataclass
class _Reference:
    """Publication date parts (any may be None) and the running context year."""

    year: int | None
    month: int | None
    day: int | None
    context: int | None
    # the clause speaks of the future ("will visit on 5 June"): a yearless date or a bare
    # weekday is the next one, not the last one before publication
    future: bool = False
    # the day of the event told just before, which "the next day" counts from
    event: dt.date | None = None

    @property
    def date(self) -> dt.date | None:
        if self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None


# A resolved value: (year, month or None, day or None, relative?, may set context?)
_Resolved = tuple[int, int | None, int | None, bool, bool]
_Resolver = Callable[[_Reference], _Resolved | None]


# --- date arithmetic ----------------------------------------------------------------------


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not YEAR_MIN <= year <= YEAR_MAX:
        return False
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def _add_months(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _format(year: int, month: int | None, day: int | None) -> tuple[str, str]:
    if month is None:
        return f"{year:04d}", "year"
    if day is None:
        return f"{year:04d}-{month:02d}", "month"
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


def _split_iso(value: object) -> tuple[int | None, int | None, int | None]:
    # YAML hands over an unquoted 2019 as an int and 2019-12-21 as a date
    if isinstance(value, dt.date):
        value = value.isoformat()[:10]
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ISO_PARTIAL.match(value):
        return None, None, None
    parts: list[int | None] = [int(p) for p in value.split("-")]
    parts += [None] * (3 - len(parts))
    return parts[0], parts[1], parts[2]
