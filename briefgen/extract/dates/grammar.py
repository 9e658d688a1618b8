"""A language's dates.yaml → its compiled date grammar (``_Grammar``).

Month names, weekday names, relative words and the words that mark a four-digit number as
a quantity rather than a year are data: ``briefgen/lexicons/languages/<lang>/dates.yaml``.
``_grammar`` reads and compiles each language's file once per process; ``_Tail`` matches
the phrases that must stand right before a position, and ``_Grammar.is_year`` tells a year
from a quantity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

from briefgen.errors import ConfigError
from briefgen.extract.dates.values import YEAR_MAX, YEAR_MIN, _Resolver
from briefgen.yamlio import YamlError, load_yaml


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


def _relative_body(phrase: str, number_part: str) -> str:
    """A relative phrase as a regex: its words escaped, ``{n}`` replaced by ``number_part``."""
    return r"\s+".join(number_part if w == "{n}" else re.escape(w) for w in phrase.split())


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


_FLAGS = re.IGNORECASE


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

    # Each step turns some YAML keys into attributes and regexes. The steps run in this
    # order so that a malformed file is reported by the first key that fails.
    def _build(self, data: dict[str, Any]) -> None:
        """Read every key of a language's dates.yaml into patterns and tables."""
        abbreviations = self._read_months(data)
        self._read_weekdays(data)
        month = self._compile_calendar_dates(data, abbreviations)
        self._compile_relatives(data)
        self._compile_weekdays(data, month)
        self._compile_tense(data)
        self._index_first_words(data)
        self._compile_quantities(data)

    def _read_months(self, data: dict[str, Any]) -> list[str]:
        """Month names and abbreviations (``months``); returns the abbreviations."""
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
        return abbreviations

    def _read_weekdays(self, data: dict[str, Any]) -> None:
        """Weekday names (``weekdays``) and how they may be written."""
        self.weekday_of: dict[str, int] = {}
        self.weekday_full: set[str] = set()  # the first (full) name of each weekday
        for number, names in (data.get("weekdays") or {}).items():
            for name in _words(names):
                self.weekday_of[name.lower()] = int(number)
            self.weekday_full.update(n.lower() for n in _words(names)[:1])
        self.weekday_alone = bool(data.get("weekday_alone", False))
        self.capitalized_weekdays = bool(data.get("capitalized_weekdays", False))

    def _compile_calendar_dates(self, data: dict[str, Any], abbreviations: list[str]) -> str:
        """Patterns of dates written with a month or in digits: day-month, month-day,
        month-year, ISO, numeric, bare years. Returns the month pattern, for reuse."""
        month = "(?P<m>" + _alternation(self.month_of, dotted=abbreviations) + ")"
        weekday = _alternation(self.weekday_of) + r"\.?"
        day, day_range = self._day_patterns(data)
        dm_join = _alternation(_words(data.get("day_month_joiners") or []))
        my_join = _alternation(_words(data.get("month_year_joiners") or []))
        # a year may run into a capitalised word ("2009Google", text glued from HTML
        # blocks) but not into a lower-case one ("1990s")
        year = r"(?P<y>\d{4})(?!\d)(?-i:(?![a-z_]))"
        month_year_sep = r"(?:\s*,\s*|\s+" + my_join + r"\s+|\s+)"
        mod_after = self._read_month_modifiers(data)
        year_or_mod = r"(?:" + month_year_sep + year + r"|\s+" + mod_after + ")?"
        wd_prefix = r"(?:(?P<wd>" + weekday + r"),?\s+)?"
        self._compile_numeric(data)
        day_month = [wd_prefix, r"(?<![\w])", day, r"(?![\w])", day_range]
        day_month += [r"(?:\s+", dm_join, r")?\s+", month, r"(?![\w])", year_or_mod]
        self.re_day_month = re.compile("".join(day_month), _FLAGS)
        self.re_month_day = None
        if data.get("month_first", False):
            month_day = [wd_prefix, r"(?<![\w])", month, r"\s+", day, r"(?![\w])"]
            month_day += [day_range, year_or_mod]
            self.re_month_day = re.compile("".join(month_day), _FLAGS)
        self.re_month_year = re.compile(r"(?<![\w])" + month + month_year_sep + year, _FLAGS)
        self.re_month_mod_after = re.compile(r"(?<![\w])" + month + r"\s+" + mod_after, _FLAGS)
        self._compile_month_alone(data, month)
        self.re_year = re.compile(r"(?<![\w$€£¥/.,])" + year + r"(?!/)")
        self.re_year_range = re.compile(
            r"(?<![\w$€£¥/.,])(?P<a>\d{4})\s*(?P<s>[-–—/])\s*(?P<b>\d{4}|\d{2})(?![\w/])"
        )
        return month

    def _day_patterns(self, data: dict[str, Any]) -> tuple[str, str]:
        """The day-of-month pattern and the optional range after it; returns both."""
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
        return day, day_range

    def _read_month_modifiers(self, data: dict[str, Any]) -> str:
        """Words that give a month its year ("last December", "June this year");
        returns the pattern of those that follow the month."""
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
        return "(?P<mod>" + _alternation(self.mods_after) + r")(?!\w)"

    def _compile_numeric(self, data: dict[str, Any]) -> None:
        """All-digit dates: ISO (2018-01-23) and day/month/year in the language's order."""
        self.re_iso = re.compile(
            r"(?<![\w/.-])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d])"
        )
        self.re_numeric = re.compile(
            r"(?<![\w/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?![\w])"
        )
        self.numeric_order = str(data.get("numeric_order") or "none")
        if self.numeric_order not in ("dmy", "mdy", "none"):
            raise ValueError(f"numeric_order: {self.numeric_order!r} is not dmy/mdy/none")

    def _compile_month_alone(self, data: dict[str, Any], month: str) -> None:
        """A month alone, then what must stand right before it ("in", "last")."""
        self.re_month_alone = re.compile(month + r"(?![\w])(?!\s*\d)", _FLAGS)
        self.mod_before_tail = _Tail(self.mods_before, r"\s+")
        self.cue_tail = _Tail(_words(data.get("month_cues") or []), r"\s+|-")
        self.determiner_tail = _Tail(
            _words(data.get("month_determiners") or []),
            r"\s+",
            possessive=_words(data.get("possessive_marks") or []),
        )
        self.ambiguous_months = {w.lower() for w in _words(data.get("ambiguous_months") or [])}

    def _compile_relatives(self, data: dict[str, Any]) -> None:
        """Relative phrases ("last month", "{n} years ago"), one alternation; the matched
        text is looked up afterwards in ``relatives``."""
        self.numbers = {str(k).lower(): int(v) for k, v in (data.get("numbers") or {}).items()}
        number = r"(?:\d{1,2}|" + _alternation(self.numbers) + ")"
        self.relatives: list[tuple[re.Pattern[str], dict[str, Any]]] = []
        self.relative_cache: dict[str, _Resolver | None] = {}
        bodies = []
        for entry in data.get("relative") or []:
            phrase = str(entry["phrase"]).strip()
            if entry.get("unit") not in ("year", "month", "week", "day"):
                raise ValueError(f"relative {phrase!r}: unit must be year/month/week/day")
            if entry.get("anchor", "published") not in ("published", "context", "event"):
                raise ValueError(f"relative {phrase!r}: anchor must be published/context/event")
            int(entry.get("offset", 0))
            single = re.compile(_relative_body(phrase, "(?P<n>" + number + ")") + "$", _FLAGS)
            self.relatives.append((single, dict(entry)))
            bodies.append((len(phrase), _relative_body(phrase, number)))
        bodies.sort(key=lambda b: -b[0])
        self.re_relative = re.compile(
            r"(?<![\w])(?:" + ("|".join(b for _, b in bodies) or "(?!)") + r")(?![\w])", _FLAGS
        )
        self.relative_lowercase = bool(data.get("relative_lowercase", False))
        self.relative_blocked_tail = _Tail(_words(data.get("relative_not_after") or []), r"\s+")

    def _compile_weekdays(self, data: dict[str, Any], month: str) -> None:
        """A weekday with its modifiers ("last Friday", "el martes pasado") and the day of
        the month after it."""
        self.weekday_mods = {
            " ".join(str(k).lower().split()): int(v)
            for k, v in (data.get("weekday_modifiers") or {}).items()
        }
        self.re_weekday_alone = re.compile(
            "(?P<wd>" + _alternation(self.weekday_of) + r")(?![\w])(?!,?\s+" + month + ")",
            _FLAGS,
        )
        self.weekday_mods_after = {
            " ".join(str(k).lower().split()): int(v)
            for k, v in (data.get("weekday_modifiers_after") or {}).items()
        }
        self.re_weekday_mod_after = re.compile(
            r"\s+(?P<mod>" + _alternation(self.weekday_mods_after) + r")(?![\w])", _FLAGS
        )
        # the day of the month after a weekday: ", 10", " (12)", " dia 12"
        day_joiner = _alternation(_words(data.get("weekday_day_joiners") or []))
        self.re_weekday_day = re.compile(
            r",?\s*(?P<p>\()?(?:" + day_joiner + r"\s+)?(?P<dn>[0-3]?\d)(?(p)\))"
            r"(?![\w:]|[.,]\d|\s*[-–/]\s*\d)",
            _FLAGS,
        )
        self.weekday_name_words = {w.lower() for w in _words(data.get("weekday_name_words") or [])}

    def _compile_tense(self, data: dict[str, Any]) -> None:
        """What dates a statement rather than its event, and what makes a clause past or
        future."""
        # a date right after a reporting verb ("said on Monday", "informó hoy", "disse
        # nesta terça-feira") dates the statement, not the event it reports
        reports = _words(data.get("report_words") or [])
        # matched on the reversed text (see _Tail): the filler words are reversed too
        fillers = _alternation([w[::-1] for w in _words(data.get("report_fillers") or [])])
        self.report_tail = _Tail(reports, r"\s+(?:" + fillers + r"\s+){0,4}")
        past = _alternation(_words(data.get("past_endings") or []))
        self.re_past = re.compile(r"[^\W\d_]{2,}" + past + r"(?![\w])", _FLAGS)
        # words that put a clause in the future ("will", "visitará"): a yearless date or a
        # weekday in it is the coming one
        future = _alternation(_words(data.get("future_markers") or []))
        endings = _alternation(_words(data.get("future_endings") or []))
        self.re_future = re.compile(
            r"(?<![\w'’])" + future + r"(?![\w])|[^\W\d_]{2,}" + endings + r"(?![\w])", _FLAGS
        )
        self.weekday_mod_tail = _Tail(self.weekday_mods, r"\s+")

    def _index_first_words(self, data: dict[str, Any]) -> None:
        """The first word of every pattern that starts with a word, to try patterns only
        where they can match."""
        self.month_words = {_first_word(w) for w in self.month_of}
        self.weekday_words = {_first_word(w) for w in self.weekday_of}
        phrases = [str(e["phrase"]).strip() for e in data.get("relative") or []]
        self.relative_words = {_first_word(p) for p in phrases if not p.startswith("{n}")}
        # "{n} years ago" starts with a number: try it where "years" follows one
        self.number_followers = {
            _first_word(p[3:]) for p in phrases if p.startswith("{n}") and p[3:].strip()
        }

    def _compile_quantities(self, data: dict[str, Any]) -> None:
        """What makes a four-digit number a quantity, not a year; and clause breaks."""
        labels = {w.rstrip(".") for w in _words(data.get("number_labels") or [])}
        self.label_tail = _Tail(labels, r"\s*", dotted=True)
        self.decade_tail = _Tail(_words(data.get("decade_before") or []), r"[\s-]*")
        self.decade_suffixes = tuple(_words(data.get("decade_suffixes") or []))
        self.no_context_tail = _Tail(_words(data.get("context_not_after") or []), r"\s+")
        self.quantity_tail = _Tail(_words(data.get("quantity_before") or []), r"\s+")
        units = _words(data.get("quantity_after") or [])
        joiners = _alternation(_words(data.get("range_joiners") or []))
        self.re_range_gap = re.compile(r"\s*(?:[-–—/]|" + joiners + r")\s*$", _FLAGS)
        unit = _alternation(units)
        self.re_unit_after = re.compile(r"^(?:\s*%|\s+" + unit + r"(?![\w]))", _FLAGS)
        self.re_unit_after_range = re.compile(
            r"^\s*(?:[-–—]|" + joiners + r")\s*[\d][\d,.]*\s*(?:%|" + unit + r"(?![\w]))", _FLAGS
        )
        self.prefixes = {w.lower() for w in _words(data.get("year_prefixes") or [])}
        conj = _alternation(_words(data.get("clause_conjunctions") or []))
        self.re_clause_break = re.compile(
            r"[;:¡¿]|" + _SENTENCE_END.pattern + r"|,\s*(?=" + conj + r"(?![\w]))", _FLAGS
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
    # looked up on the package, whose ``_lexicon_path`` a test may replace
    from briefgen.extract import dates

    path = dates._lexicon_path(language)
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
