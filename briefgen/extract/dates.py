"""Date expressions in text → ISO partial dates ("YYYY", "YYYY-MM", "YYYY-MM-DD").

``find_dates`` finds every date expression in a text and resolves it: explicit dates
("23 January 2018", "June 2019", "2018-01-23", "in 2016", "(March 1967)"), ranges
("2008-2009": two mentions), day-months without a year ("on December 10", which take the
year the passage is about), and relative ones ("last month", "in June of this year",
"yesterday", "the following year") resolved against the document's publication date. A
text that gives no date gives no mention: nothing ever defaults to the publication date.
``pick_date`` chooses the mention that dates an event; ``parse_date`` normalises a
free-form date string (e.g. from metadata).

Month names, weekday names, relative words and the words that mark a four-digit number as
a quantity rather than a year are data: ``briefgen/lexicons/languages/<lang>/dates.yaml``.
Each language's file is read and compiled once per process.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from briefgen.errors import ConfigError
from briefgen.models import PARTIAL_DATE
from briefgen.yamlio import YamlError, load_yaml

log = logging.getLogger("briefgen.extract")

YEAR_MIN, YEAR_MAX = 1800, 2100
PRECISIONS = ("year", "month", "day")
ISO_PARTIAL = PARTIAL_DATE  # YYYY, YYYY-MM or YYYY-MM-DD


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

    @property
    def date(self) -> dt.date | None:
        if self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None


# A resolved value: (year, month or None, day or None, relative?, may set context?)
_Resolved = tuple[int, int | None, int | None, bool, bool]
_Resolver = Callable[[_Reference], _Resolved | None]


@dataclass
class _Candidate:
    """A match before overlap removal: its span and one resolver per mention it yields."""

    start: int
    end: int
    parts: list[tuple[int, int, _Resolver]]


# --- the per-language grammar ----------------------------------------------------------


def _words(items: Iterable[Any]) -> list[str]:
    return [str(x).strip() for x in items if str(x).strip()]


def _alternation(terms: Iterable[str], *, dotted: Iterable[str] = ()) -> str:
    """Terms as one regex alternation, longest first; a space matches any whitespace."""
    dotted = {t.lower() for t in dotted}
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in term.split())
        parts.append(body + (r"\.?" if term.lower() in dotted else ""))
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _first_word(phrase: str) -> str:
    """The first token of a phrase as ``_TOKEN`` splits it, lower-cased."""
    first = _TOKEN.search(phrase.lower())
    return first.group() if first else ""


# A sentence ends at ! ? a blank line, or a full stop before a capital, unless the stop
# ends an initial or a short abbreviation ("U.S. officials", "Gen. Ortiz", "Inc. said").
_SENTENCE_END = re.compile(
    r"[!?]|\n\s*\n|(?:(?<=[a-z]{3})|(?<=[0-9)\]\"”’']))\.(?=\s+[A-ZÀ-ÖØ-Þ0-9\"“‘'(¿¡])"
)

# Words and digit runs; patterns are tried only where a token can start them.
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")


class _Tail:
    """Phrases that must end right before a position ("in" before "December").

    Matched on the reversed text before the position, so one anchored attempt replaces a
    search through the whole window.

    Args:
        terms: the phrases; a space matches any whitespace.
        sep (str): regex of what stands between the phrase and the position.
        dotted (bool): each phrase may end with a full stop ("no. 6").
        possessive: marks that may follow any word instead ("Russia's").
    """

    WIDTH = 60

    def __init__(self, terms: Iterable[str], sep: str, *, dotted=False, possessive=()):
        alternatives = []
        for term in sorted(set(terms), key=len, reverse=True):
            words = [re.escape(w[::-1]) for w in reversed(term.split())]
            alternatives.append((r"\.?" if dotted else "") + r"\s+".join(words) + r"(?!\w)")
        for mark in sorted(set(possessive), key=len, reverse=True):
            alternatives.append(re.escape(mark[::-1]) + r"(?=\w)")
        body = "|".join(alternatives) or "(?!)"
        self.regex = re.compile("(?:" + sep + ")(?P<t>" + body + ")", re.IGNORECASE)

    def find(self, text: str, pos: int) -> tuple[int, str] | None:
        """(start, phrase) of the phrase ending before ``pos``, or None."""
        window = text[max(0, pos - self.WIDTH) : pos][::-1]
        m = self.regex.match(window)
        if not m:
            return None
        return pos - m.end(), " ".join(m.group("t")[::-1].lower().split())


def _lexicon_path(language: str):
    from briefgen.vocabulary import language_file  # a user's lexicon folder first

    return language_file(language, "dates.yaml") or (
        resources.files("briefgen") / "lexicons" / "languages" / language / "dates.yaml"
    )


class _Grammar:
    """The compiled date patterns of one language (built once, see ``_grammar``)."""

    def __init__(self, language: str, data: dict[str, Any], where: str):
        self.language = language
        self.where = where
        try:
            self._build(data)
        except (KeyError, TypeError, ValueError, AttributeError, re.error) as exc:
            raise ConfigError(
                f"{where}: malformed date lexicon ({type(exc).__name__}: {exc}); "
                "compare it with languages/en/dates.yaml"
            ) from exc

    # The build is long but linear: each block turns one YAML key into one regex.
    def _build(self, data: dict[str, Any]) -> None:  # noqa: C901
        self.month_of: dict[str, int] = {}
        abbreviations: list[str] = []
        for number, entry in (data.get("months") or {}).items():
            number = int(number)
            if not 1 <= number <= 12:
                raise ValueError(f"months: {number} is not a month number")
            for name in _words(entry.get("names") or []):
                self.month_of[name.lower()] = number
            for name in _words(entry.get("abbreviations") or []):
                self.month_of[name.lower()] = number
                abbreviations.append(name)
        if len(set(self.month_of.values())) != 12:
            raise ValueError("months: all twelve months need a name")
        self.capitalized = bool(data.get("capitalized_months", False))
        self.weekday_of: dict[str, int] = {}
        self.weekday_full: set[str] = set()  # the first (full) name of each weekday
        for number, names in (data.get("weekdays") or {}).items():
            for name in _words(names):
                self.weekday_of[name.lower()] = int(number)
            self.weekday_full.update(n.lower() for n in _words(names)[:1])
        self.weekday_alone = bool(data.get("weekday_alone", False))
        self.capitalized_weekdays = bool(data.get("capitalized_weekdays", False))
        month = "(?P<m>" + _alternation(self.month_of, dotted=abbreviations) + ")"
        weekday = _alternation(self.weekday_of) + r"\.?"
        ordinal = "(?:" + _alternation(_words(data.get("ordinal_suffixes") or [])) + ")?"
        day = r"(?P<d>[0-3]?\d)" + ordinal
        # "21-23 April", "21 y 22 de febrero", "July 15 and 16": a range dates by its start
        day_joiners = _alternation(_words(data.get("range_joiners") or []))
        day_range = (
            r"(?:(?:\s*[-–]\s*|\s+" + day_joiners + r"\s+)[0-3]?\d" + ordinal + r"(?![\w]))?"
        )
        # the two days of such a range, found again in a mention's text
        self.re_day_span = re.compile(
            r"(?<![\w])[0-3]?\d" + ordinal + r"(?:\s*[-–]\s*|\s+" + day_joiners + r"\s+)"
            r"(?P<d2>[0-3]?\d)" + ordinal + r"(?![\w])",
            re.IGNORECASE,
        )
        dm_join = _alternation(_words(data.get("day_month_joiners") or []))
        my_join = _alternation(_words(data.get("month_year_joiners") or []))
        # a year may run into a capitalised word ("2009Google", text glued from HTML
        # blocks) but not into a lower-case one ("1990s")
        year = r"(?P<y>\d{4})(?!\d)(?-i:(?![a-z_]))"
        month_year_sep = r"(?:\s*,\s*|\s+" + my_join + r"\s+|\s+)"

        self.mods_after = {
            " ".join(k.lower().split()): v
            for k, v in (data.get("month_modifiers_after") or {}).items()
        }
        self.mods_before = {
            " ".join(k.lower().split()): v
            for k, v in (data.get("month_modifiers_before") or {}).items()
        }
        for table in (self.mods_after, self.mods_before):
            for key, value in table.items():
                if not (isinstance(value, int) or value in ("last", "next")):
                    raise ValueError(f"month modifier {key!r}: {value!r} is not int/last/next")
        mod_after = "(?P<mod>" + _alternation(self.mods_after) + r")(?!\w)"
        year_or_mod = r"(?:" + month_year_sep + year + r"|\s+" + mod_after + ")?"
        wd_prefix = r"(?:(?P<wd>" + weekday + r"),?\s+)?"

        flags = re.IGNORECASE
        self.re_iso = re.compile(
            r"(?<![\w/.-])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d])"
        )
        self.re_numeric = re.compile(
            r"(?<![\w/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?![\w])"
        )
        self.numeric_order = str(data.get("numeric_order") or "none")
        if self.numeric_order not in ("dmy", "mdy", "none"):
            raise ValueError(f"numeric_order: {self.numeric_order!r} is not dmy/mdy/none")
        day_month = [wd_prefix, r"(?<![\w])", day, r"(?![\w])", day_range]
        day_month += [r"(?:\s+", dm_join, r")?\s+", month, r"(?![\w])", year_or_mod]
        self.re_day_month = re.compile("".join(day_month), flags)
        self.re_month_day = None
        if data.get("month_first", False):
            month_day = [wd_prefix, r"(?<![\w])", month, r"\s+", day, r"(?![\w])"]
            month_day += [day_range, year_or_mod]
            self.re_month_day = re.compile("".join(month_day), flags)
        self.re_month_year = re.compile(r"(?<![\w])" + month + month_year_sep + year, flags)
        self.re_month_mod_after = re.compile(r"(?<![\w])" + month + r"\s+" + mod_after, flags)
        # a month alone, then what must stand right before it ("in", "last")
        self.re_month_alone = re.compile(month + r"(?![\w])(?!\s*\d)", flags)
        self.mod_before_tail = _Tail(self.mods_before, r"\s+")
        self.cue_tail = _Tail(_words(data.get("month_cues") or []), r"\s+|-")
        self.determiner_tail = _Tail(
            _words(data.get("month_determiners") or []),
            r"\s+",
            possessive=_words(data.get("possessive_marks") or []),
        )
        self.ambiguous_months = {w.lower() for w in _words(data.get("ambiguous_months") or [])}
        self.re_year = re.compile(r"(?<![\w$€£¥/.,])" + year + r"(?!/)")
        self.re_year_range = re.compile(
            r"(?<![\w$€£¥/.,])(?P<a>\d{4})\s*(?P<s>[-–—/])\s*(?P<b>\d{4}|\d{2})(?![\w/])"
        )

        # relative phrases, one alternation; the matched text is looked up afterwards
        self.numbers = {str(k).lower(): int(v) for k, v in (data.get("numbers") or {}).items()}
        number = r"(?:\d{1,2}|" + _alternation(self.numbers) + ")"
        self.relatives: list[tuple[re.Pattern[str], dict[str, Any]]] = []
        self.relative_cache: dict[str, _Resolver | None] = {}
        bodies = []
        for entry in data.get("relative") or []:
            phrase = str(entry["phrase"]).strip()
            if entry.get("unit") not in ("year", "month", "week", "day"):
                raise ValueError(f"relative {phrase!r}: unit must be year/month/week/day")
            if entry.get("anchor", "published") not in ("published", "context"):
                raise ValueError(f"relative {phrase!r}: anchor must be published/context")
            int(entry.get("offset", 0))

            def body_of(number_part: str, phrase: str = phrase) -> str:
                return r"\s+".join(
                    number_part if w == "{n}" else re.escape(w) for w in phrase.split()
                )

            single = re.compile(body_of("(?P<n>" + number + ")") + "$", flags)
            self.relatives.append((single, dict(entry)))
            bodies.append((len(phrase), body_of(number)))
        bodies.sort(key=lambda b: -b[0])
        self.re_relative = re.compile(
            r"(?<![\w])(?:" + ("|".join(b for _, b in bodies) or "(?!)") + r")(?![\w])", flags
        )
        self.relative_lowercase = bool(data.get("relative_lowercase", False))
        self.relative_blocked_tail = _Tail(_words(data.get("relative_not_after") or []), r"\s+")
        self.weekday_mods = {
            " ".join(str(k).lower().split()): int(v)
            for k, v in (data.get("weekday_modifiers") or {}).items()
        }
        self.re_weekday_alone = re.compile(
            "(?P<wd>" + _alternation(self.weekday_of) + r")(?![\w])(?!,?\s+" + month + ")",
            flags,
        )
        self.weekday_mods_after = {
            " ".join(str(k).lower().split()): int(v)
            for k, v in (data.get("weekday_modifiers_after") or {}).items()
        }
        self.re_weekday_mod_after = re.compile(
            r"\s+(?P<mod>" + _alternation(self.weekday_mods_after) + r")(?![\w])", flags
        )
        # the day of the month after a weekday: ", 10", " (12)", " dia 12"
        day_joiner = _alternation(_words(data.get("weekday_day_joiners") or []))
        self.re_weekday_day = re.compile(
            r",?\s*(?P<p>\()?(?:" + day_joiner + r"\s+)?(?P<dn>[0-3]?\d)(?(p)\))"
            r"(?![\w:]|[.,]\d|\s*[-–/]\s*\d)",
            flags,
        )
        self.weekday_name_words = {w.lower() for w in _words(data.get("weekday_name_words") or [])}
        # a date right after a reporting verb ("said on Monday", "informó hoy", "disse
        # nesta terça-feira") dates the statement, not the event it reports
        reports = _words(data.get("report_words") or [])
        # matched on the reversed text (see _Tail): the filler words are reversed too
        fillers = _alternation([w[::-1] for w in _words(data.get("report_fillers") or [])])
        self.report_tail = _Tail(reports, r"\s+(?:" + fillers + r"\s+){0,4}")
        past = _alternation(_words(data.get("past_endings") or []))
        self.re_past = re.compile(r"[^\W\d_]{2,}" + past + r"(?![\w])", flags)
        # words that put a clause in the future ("will", "visitará"): a yearless date or a
        # weekday in it is the coming one
        future = _alternation(_words(data.get("future_markers") or []))
        endings = _alternation(_words(data.get("future_endings") or []))
        self.re_future = re.compile(
            r"(?<![\w'’])" + future + r"(?![\w])|[^\W\d_]{2,}" + endings + r"(?![\w])", flags
        )
        self.weekday_mod_tail = _Tail(self.weekday_mods, r"\s+")
        # the first word of every pattern that starts with a word, to try patterns only
        # where they can match
        self.month_words = {_first_word(w) for w in self.month_of}
        self.weekday_words = {_first_word(w) for w in self.weekday_of}
        phrases = [str(e["phrase"]).strip() for e in data.get("relative") or []]
        self.relative_words = {_first_word(p) for p in phrases if not p.startswith("{n}")}
        # "{n} years ago" starts with a number: try it where "years" follows one
        self.number_followers = {
            _first_word(p[3:]) for p in phrases if p.startswith("{n}") and p[3:].strip()
        }

        # what makes a four-digit number a quantity, not a year
        labels = {w.rstrip(".") for w in _words(data.get("number_labels") or [])}
        self.label_tail = _Tail(labels, r"\s*", dotted=True)
        self.decade_tail = _Tail(_words(data.get("decade_before") or []), r"[\s-]*")
        self.decade_suffixes = tuple(_words(data.get("decade_suffixes") or []))
        self.no_context_tail = _Tail(_words(data.get("context_not_after") or []), r"\s+")
        self.quantity_tail = _Tail(_words(data.get("quantity_before") or []), r"\s+")
        units = _words(data.get("quantity_after") or [])
        joiners = _alternation(_words(data.get("range_joiners") or []))
        self.re_range_gap = re.compile(r"\s*(?:[-–—/]|" + joiners + r")\s*$", flags)
        unit = _alternation(units)
        self.re_unit_after = re.compile(r"^(?:\s*%|\s+" + unit + r"(?![\w]))", flags)
        self.re_unit_after_range = re.compile(
            r"^\s*(?:[-–—]|" + joiners + r")\s*[\d][\d,.]*\s*(?:%|" + unit + r"(?![\w]))", flags
        )
        self.prefixes = {w.lower() for w in _words(data.get("year_prefixes") or [])}
        conj = _alternation(_words(data.get("clause_conjunctions") or []))
        self.re_clause_break = re.compile(
            r"[;:¡¿]|" + _SENTENCE_END.pattern + r"|,\s*(?=" + conj + r"(?![\w]))", flags
        )

    # --- checks ----------------------------------------------------------------------

    def month_number(self, word: str) -> int | None:
        """The month a matched month word names, or None if English case rules veto it."""
        if self.capitalized and not word[:1].isupper():
            return None
        return self.month_of.get(word.lower().rstrip("."))

    def is_year(self, text: str, start: int, end: int, *, alone: bool = True) -> bool:
        """Whether the four digits text[start:end] are a year, not a quantity or label.

        ``alone`` is False for the second year of a range, whose left side is the range.
        """
        value = int(text[start:end])
        if not YEAR_MIN <= value <= YEAR_MAX:
            return False
        before = text[max(0, start - 40) : start]
        after = text[end : end + 40]
        if after[:1] == "-" and after[1:2].isalpha():
            return False  # "2000-strong", "1500-ton"
        if after[:1] in ",." and after[1:2].isdigit():
            return False  # "2,000.5" style
        if not alone:
            return not (self.re_unit_after.match(after) or self.re_unit_after_range.match(after))
        if before.endswith("-"):
            word = re.search(r"(\w+)-$", before)
            if not word or word.group(1).lower() not in self.prefixes:
                return False  # "Su-2000"; "mid-2019" is kept
        stripped = before.rstrip()
        if stripped[-1:] in "$€£¥#":
            return False
        if not stripped.endswith("(") and (
            self.label_tail.find(text, start) or self.quantity_tail.find(text, start)
        ):
            return False  # "no. 2019", "some 2000"; "(2004)" is a citation year
        if self.re_unit_after.match(after) or self.re_unit_after_range.match(after):
            return False
        if _DIGIT_GROUP_BEFORE.search(before) and _DIGIT_GROUP_AFTER.match(after):
            return False  # a group in a phone or account number: "+7 495 2021 0000"
        if value % 10 == 0 and self.decade_tail.find(text, start):
            # "the 1990's", "los años 1990" are decades; "2016's election" is a year
            if not self.decade_suffixes or after.startswith(self.decade_suffixes):
                return False
        return True


_DIGIT_GROUP_BEFORE = re.compile(r"\d[ \t]+$")
_DIGIT_GROUP_AFTER = re.compile(r"[ \t]+\d")


@cache
def _grammar(language: str) -> _Grammar:
    """The compiled grammar of a language, read from its dates.yaml once per process."""
    path = _lexicon_path(language)
    where = f"briefgen/lexicons/languages/{language}/dates.yaml"
    if not re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?", language) or not path.is_file():
        raise ConfigError(
            f"{where}: no date lexicon for language {language!r}; "
            "add one (see languages/en/dates.yaml)"
        )
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), path, what="lexicon") or {}
    except (yaml.YAMLError, YamlError) as exc:
        raise ConfigError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    return _Grammar(language, data, where)


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


# --- matching ---------------------------------------------------------------------------


def _explicit(year: int, month: int | None = None, day: int | None = None) -> _Resolver:
    def resolve(ref: _Reference) -> _Resolved | None:
        return (year, month, day, False, True) if _valid(year, month, day) else None

    return resolve


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

    def resolve(ref: _Reference) -> _Resolved | None:
        found = _implicit_year(ref, month, day)
        if found is None:
            return None
        year = found[0]
        if weekday is not None:
            year = _year_matching_weekday(ref, year, month, day, weekday)
        return year, month, day, True, False

    resolve.implicit_year = True  # type: ignore[attr-defined]
    return end, resolve


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


def _trim_day_end(m: re.Match[str]) -> int:
    """End of a month-first day-month ("June 5th") without the rejected year after it."""
    tail = m.string[m.end("d") : m.start("y")]
    keep = re.match(r"[^\s,]*(?:\s*[-–]\s*[0-3]?\d[^\s,]*)?", tail)
    return m.end("d") + (keep.end() if keep else 0)


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


def _bare_month(month: int) -> _Resolver:
    def resolve(ref: _Reference) -> _Resolved | None:
        found = _implicit_year(ref, month, None)
        if found is None:
            return None
        return found[0], month, None, True, False

    resolve.implicit_year = True  # type: ignore[attr-defined]
    return resolve


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
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


def find_dates(
    text: str,
    *,
    published: str | None = None,
    context_year: int | None = None,
    language: str = "en",
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

    RETURNS (list[DateMention]): the mentions; ranges ("2008-2009") give one per end.
    Raises ConfigError when the language has no (valid) date lexicon.
    """
    if not text:
        return []
    g = _grammar(language)
    year, month, day = _split_iso(published)
    if year is not None and not _valid(year, month, day):
        year = month = day = None
    if published and year is None:
        _warn_once(published)
    ref = _Reference(year, month, day, context_year)
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
        for start, end, resolver in cand.parts:
            following = selected[index + 1] if index + 1 < len(selected) else None
            ref.future = (
                _tensed(resolver)
                and not (speech is not None and cand is speech[0])  # "said": past
                and _future_clause(g, text, cand.start, cand.end)
            )
            use = _range_reference(g, text, ref, resolver, cand, following)
            if ref.future and speech is not None and cand is not speech[0]:
                # "will leave on Friday, she said on Wednesday": the Friday after Wednesday
                use = _Reference(*speech[1], use.context, True)
            resolved = resolver(use)
            if resolved is None:
                continue
            y, m, d, relative, sets_context = resolved
            if not _valid(y, m, d):
                continue
            value, precision = _format(y, m, d)
            mention = DateMention(start, end, text[start:end], value, relative, precision)
            mentions.append(_with_day_span(g, mention))
            # Not every year says what the passage is about: "this year" says nothing the
            # publication date does not (and would put a later "in December" after
            # publication); a year in parentheses is a citation ("Smith (2004)"); "since
            # 2014", "by 2030" are bounds, not the time of the story.
            if (
                sets_context
                and not (relative and y == ref.year)
                and (ref.year is None or y <= ref.year)
                and not _in_parentheses(text, cand.start)
                and not g.no_context_tail.find(text, cand.start)
            ):
                ref.context = y
    return mentions


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
    return _Reference(ref.year, ref.month, ref.day, end[0], ref.future)


def _speech_date(
    g: _Grammar, text: str, selected: list[_Candidate], ref: _Reference
) -> tuple[_Candidate, tuple[int, int, int]] | None:
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


# --- picking and parsing --------------------------------------------------------------


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

    def distance(m: DateMention) -> int:
        return 0 if m.start <= anchor < m.end else min(abs(m.start - anchor), abs(m.end - anchor))

    def best(pool: list[DateMention], by_precision: bool) -> DateMention | None:
        if not pool:
            return None
        rank = PRECISIONS.index
        if by_precision:
            return min(pool, key=lambda m: (-rank(m.precision), distance(m), m.start))
        return min(pool, key=lambda m: (distance(m), -rank(m.precision), m.start))

    g = _grammar(language)
    mentions = _drop_range_ends(mentions, text, g)
    if text is not None:
        mentions = _without_report_dates(g, mentions, text, anchor)
    if text is None:
        return best(mentions, by_precision=True)
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

    clause_breaks = breaks(g.re_clause_break)
    sentence_breaks = breaks(_SENTENCE_END)

    def same_segment(m: DateMention, breaks: list[int]) -> bool:
        low, high = sorted((anchor, m.start if m.start > anchor else m.end - 1))
        return not any(low <= b < high for b in breaks)

    clause = [m for m in mentions if same_segment(m, clause_breaks)]
    if clause:
        return best(clause, by_precision=True)
    return best([m for m in mentions if same_segment(m, sentence_breaks)], by_precision=False)


def _without_report_dates(
    g: _Grammar, mentions: list[DateMention], text: str, anchor: int
) -> list[DateMention]:
    """The mentions without those that date the report rather than the event ("…, the
    ministry said on Monday", "informó hoy"), when another mention is left."""

    def reports(m: DateMention) -> bool:
        if m.start <= anchor < m.end:
            return False
        hit = g.report_tail.find(text, m.start)
        return hit is not None and not (hit[0] <= anchor < m.start)

    kept = [m for m in mentions if not reports(m)]
    return kept or mentions


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


_TIME_TAIL = re.compile(
    r"^[\sT,]*(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)?\s*"
    r"(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?\s*$",
    re.I,
)


def parse_date(value: str, *, language: str = "en") -> str | None:
    """Normalise a free-form date ("December 21, 2019", "21 Dec 2019", "2019") to ISO.

    A trailing time or time zone ("2019-12-21T10:00:00Z", "Dec 21, 2019 10:00 AM") is
    ignored. Anything else left over (words, a second date) makes it not a date.

    Args:
        value (str): the string, e.g. from a page's metadata.
        language (str): which month names to accept.

    RETURNS (str | None): an ISO partial date, or None if ``value`` is not a date.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if ISO_PARTIAL.match(value):
        year, month, day = _split_iso(value)
        return value if year is not None and _valid(year, month, day) else None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", value)
    if iso and _TIME_TAIL.match(value[iso.end() - 1 :]):
        return parse_date(iso.group(1))
    mentions = [m for m in find_dates(value, language=language) if not m.relative]
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    head = value[: mention.start]
    g = _grammar(language)
    if re.search(r"\w", head) and not all(
        w.lower().rstrip(".") in g.weekday_of for w in re.findall(r"[^\W\d]+\.?", head)
    ):
        return None
    if not _TIME_TAIL.match(value[mention.end :]):
        return None
    return mention.value


# --- the document's frame: dates an undated mention continues ---------------------------

# Genres whose undated sentences do not tell one dated event (an analysis spans years).
_FRAMELESS_KINDS = ("opinion", "analysis", "academic", "commentary", "essay", "review")
# How far from publication a date may lie and still be the report's own event.
FRAME_DAYS = 31


def frame_dates(facts: list, doc) -> list:
    """Give undated facts of a news report the date of the event they continue.

    A report tells one event at a time: a sentence without a date of its own that
    follows a dated statement about the same country continues it ("The frigate docked
    on Tuesday. Its crew laid a wreath."), so it takes that date, when the date is the
    report's own news (within ``FRAME_DAYS`` of publication), not background history.
    A sentence before any dated one about its country is the lede, which tells the news
    and leaves its date to a later sentence ("Russia will send two frigates. The
    ministry said on Monday they sail on 3 May."): it takes the first such date in the
    frame. A headline (the line that reads as the title) takes the date the body gives
    for the same country (the first one in the frame), and a headline dated only
    coarsely ("next week": a month) takes the body's more precise date inside it.
    Analysis and opinion pieces (``doc.kind``) and documents without a publication date
    are left as they are: nothing is ever dated by the publication date alone.

    Args:
        facts (list[Fact]): one document's facts, in text order.
        doc (Document): their document (text, published, kind).

    RETURNS (list[Fact]): the same facts, undated ones dated where the frame says so.
    """
    kind = (doc.kind or "").lower()
    if not facts or any(k in kind for k in _FRAMELESS_KINDS):
        return facts
    published = _split_iso(doc.published)
    if published[0] is None or published[1] is None:
        return facts
    headline_end = _headline_end(doc)
    ordered = sorted(facts, key=lambda f: f.quote.start)
    told = [(f.quote.start, f.country, f.date) for f in ordered if f.date]
    for fact in ordered:
        start = fact.quote.start
        same = [(s, d) for s, cc, d in told if cc == fact.country]
        if start < headline_end:
            later = [d for s, d in same if s >= headline_end and _in_frame(d, published)]
            if fact.date is None and later:
                fact.date = later[0]
            elif fact.date and later:
                finer = [d for d in later if len(d) > len(fact.date) and d.startswith(fact.date)]
                if finer:
                    fact.date = finer[0]
            continue
        if fact.date is not None:
            continue
        before = [d for s, d in same if s < start]
        if before and _in_frame(before[-1], published):
            fact.date = before[-1]
        elif not before:  # the lede: the news first, its date in a later sentence
            after = [d for s, d in same if s > start]
            if after and _in_frame(after[0], published):
                fact.date = after[0]
    return facts


def _headline_end(doc) -> int:
    """End of the headline: the line that reads as the document's title (a site banner or
    a section name may stand above it), else the first line of four words or more among
    the first three outside boilerplate, when it has no final full stop; 0 when the text
    opens with a paragraph."""
    text = doc.text
    skip = [
        (r.start, r.end) for r in getattr(doc, "regions", None) or [] if r.kind == "boilerplate"
    ]
    title = _normal_line(doc.title or "")
    lines = [
        m
        for m in re.finditer(r"[^\n]+", text[:_HEADLINE_WINDOW])
        if m.group().strip() and not any(s <= m.start() < e for s, e in skip)
    ]
    if title:
        for m in lines:
            line = _normal_line(m.group())
            if line and (line == title or (len(line) >= 20 and title.startswith(line))):
                return m.end()
    for m in lines[:3]:
        line = m.group().strip()
        if len(line.split()) >= 4:
            ok = len(line) <= 200 and not line.endswith((".", ":"))
            return m.end() if ok else 0
    return 0


# How far into a text a headline may stand (below a site's banner and menus).
_HEADLINE_WINDOW = 1500


def _normal_line(line: str) -> str:
    """A line for comparing with a title: letters and digits, case-folded."""
    return " ".join(re.findall(r"\w+", line.casefold()))


def _in_frame(value: str, published: tuple[int | None, int | None, int | None]) -> bool:
    """Whether an ISO partial date lies within FRAME_DAYS of publication (at the precision
    both have)."""
    year, month, day = _split_iso(value)
    if year is None or month is None:
        return False
    pub_year, pub_month, pub_day = published
    if pub_year is None or pub_month is None:
        return False
    if day is None or pub_day is None:
        return abs((year * 12 + month) - (pub_year * 12 + pub_month)) <= 1
    gap = dt.date(year, month, day) - dt.date(pub_year, pub_month, pub_day)
    return abs(gap.days) <= FRAME_DAYS
