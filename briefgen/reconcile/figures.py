"""Figures sources give differently for one thing: "some 400 advisers" against "about
250 instructors" at one training centre, "$1.2 billion" against "$1 billion" for one
refinery.

A figure is a number with what it measures: a sum of money in one currency, or a count
of a measure the language's reconcile.yaml lists (people, barrels, aircraft), per day
when the sentence says so ("bpd", "daily"). Two sentences of different documents about
one country disagree when they give one measure values apart by more than rounding and
are about the same thing: they share a specific name (a base, a field, a plant), or
their documents tell one event of that country and the words around the two figures
share a content word ("the loan totals $1.2 billion" / "a loan of $1 billion"). A figure
is never compared with one in the same document: a text that gives a first phase and a
second one does not disagree with itself.

Numbers are read whatever the language's decimal mark: a separator followed by exactly
three digits groups thousands ("3,000", "8.300"), any other is the decimal mark ("8.3",
"8,3"). The vocabulary (scales, currencies, measures, per-day words) is data: the
``figures`` entry of each language's reconcile.yaml.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from briefgen.errors import ConfigError
from briefgen.models import Claim, Disagreement
from briefgen.reconcile.lexicon import Terms
from briefgen.reconcile.sentences import Sentence

#: Two values of one measure disagree when the larger exceeds the smaller by this ratio
#: ("$1.2 billion" and "$1 billion" do, "45,000" and "45 thousand" do not).
FIGURE_RATIO = 1.03
#: Words between a number and the measure it counts ("1,500 naval and air force officers").
MEASURE_GAP = 5
#: Characters either side of a figure whose words say what it is the figure of.
WINDOW = 70
#: Claims kept per conflict (its values, smallest first).
MAX_CLAIMS = 5

_NUMBER = r"(?<![\w.,-])(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}|\d{4,}))?"


@dataclass(frozen=True)
class Figure:
    """One number of a sentence and what it measures."""

    sentence: Sentence
    measure: str  # "money USD", "people", "oil per day"
    value: float
    start: int  # offsets in the sentence's text
    end: int


class FigureLexicon:
    """The ``figures`` entry of a reconcile lexicon, compiled."""

    def __init__(self, data: Mapping[str, Any] | None, where: object = "reconcile.yaml"):
        data = data or {}
        try:
            scales = {str(k).lower(): float(v) for k, v in (data.get("scales") or {}).items()}
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: figures.scales must map words to numbers") from exc
        self.scales = scales
        self.currencies: dict[str, re.Pattern[str]] = {
            str(code): _signs(terms) for code, terms in (data.get("currencies") or {}).items()
        }
        self.measures: dict[str, Terms] = {
            str(name): Terms([str(t) for t in terms or []])
            for name, terms in (data.get("measures") or {}).items()
        }
        self.per_day = Terms([str(t) for t in data.get("per_day") or []])
        # the words of figures themselves ("billion", "dollars"): they say what a number
        # is written in, not what it is the figure of
        vocabulary = [*scales, *self.per_day.terms]
        vocabulary += [str(t) for terms in (data.get("currencies") or {}).values() for t in terms]
        vocabulary += [t for terms in self.measures.values() for t in terms.terms]
        self.words = frozenset(w.lower() for t in vocabulary for w in re.findall(r"\w+", t))
        scale = "|".join(re.escape(w) for w in sorted(scales, key=len, reverse=True))
        scale_part = rf"(?:\s*(?P<scale>{scale})(?![\w]))?" if scale else "(?P<scale>)?"
        self.number = re.compile(_NUMBER + scale_part + r"(?![\w])", re.I)

    def __bool__(self) -> bool:
        return bool(self.measures or self.currencies)

    def figures(self, sentence: Sentence) -> list[Figure]:
        """The figures of one sentence, in text order (one per number)."""
        text = sentence.text
        out = []
        daily = self.per_day.search(text) is not None
        for m in self.number.finditer(text):
            value = _value(m.group(1), m.group(2)) * self._scale(m.group("scale"))
            measure = self._currency(text, m.start(), m.end()) or self._measure(text, m.end())
            if measure is None:
                continue
            if not measure.startswith("money") and daily:
                measure += " per day"
            out.append(Figure(sentence, measure, value, m.start(), m.end()))
        return out

    def _scale(self, word: str | None) -> float:
        return self.scales.get(" ".join(word.lower().split()), 1.0) if word else 1.0

    def _currency(self, text: str, start: int, end: int) -> str | None:
        """ "money <code>" when a currency sign or word stands against the number ("$5",
        "US$ 120", "5 billion dollars", "120 millones de dólares")."""
        before, after = text[max(0, start - 5) : start], text[end : end + 16]
        best: tuple[int, str] | None = None  # the longest sign wins: "R$" over "$"
        for code, terms in self.currencies.items():
            for m in terms.finditer(before):
                if not before[m.end() :].strip() and (best is None or m.start() < best[0]):
                    best = (m.start(), code)
        if best:
            return f"money {best[1]}"
        for code, terms in self.currencies.items():
            for m in terms.finditer(after):
                if len(after[: m.start()].split()) <= 1:  # "millones de dólares"
                    return f"money {code}"
        return None

    def _measure(self, text: str, end: int) -> str | None:
        """The measure named within MEASURE_GAP words after a number, before any
        punctuation or other number ("400 advisers", "1,500 naval and air force officers")."""
        tail = text[end : end + 80]
        # not past punctuation or another number ("In 2019 Russia sent 12 jets")
        stop = re.search(r"[.;:!?()\[\]\"“”]|,\s|(?<![\w-])\d", tail)
        tail = tail[: stop.start()] if stop else tail
        best: tuple[int, str] | None = None
        for name, terms in self.measures.items():
            for m in terms.finditer(tail):
                if len(tail[: m.start()].split()) <= MEASURE_GAP and (
                    best is None or m.start() < best[0]
                ):
                    best = (m.start(), name)
        return best[1] if best else None


def _signs(terms: Iterable[Any]) -> re.Pattern[str]:
    """Currency signs and words as one regex: a word stands alone, a sign ("$") may touch
    its number."""
    parts = []
    for term in sorted({str(t) for t in terms or []}, key=len, reverse=True):
        body = r"\s*".join(re.escape(w) for w in term.split())
        head = r"(?<![\w])" if term[0].isalnum() else ""
        tail = r"(?![\w])" if term[-1].isalnum() else ""
        parts.append(head + body + tail)
    return re.compile("|".join(parts) or r"(?!x)x", re.I)


def _value(whole: str, decimals: str | None) -> float:
    digits = re.sub(r"[.,]", "", whole)
    return float(f"{digits}.{decimals}") if decimals else float(digits)


def format_value(figure: Figure) -> str:
    """ "USD 1.2 billion", "250 (people)", "45,000 (oil per day)"."""
    value, measure = figure.value, figure.measure
    if measure.startswith("money"):
        code = measure.split()[1]
        for word, scale in (("billion", 1e9), ("million", 1e6)):
            if value >= scale:
                return f"{code} {value / scale:g} {word}"
        return f"{code} {value:,.0f}"
    return f"{value:,.{0 if value == int(value) else 2}f} ({measure})"


def figure_conflicts(
    sentences: Mapping[str, list[Sentence]],
    lexicon: FigureLexicon,
    *,
    named_alike: Callable[[str, str], bool],
    content: Callable[[str], frozenset[str]],
    one_event: Callable[[str, str, str], bool],
) -> list[Disagreement]:
    """Value conflicts between figures of different documents about one country.

    Args:
        sentences (Mapping[str, list[Sentence]]): each country's sentences.
        lexicon (FigureLexicon): what counts as a figure.
        named_alike: whether two texts share a specific name or phrase.
        content: the content words of a text.
        one_event: whether two documents tell one event of a country (doc, doc, country).
    RETURNS (list[Disagreement]): one per group of figures of one measure linked pairwise.
    """
    out = []
    for country in sorted(sentences):
        by_measure: dict[str, list[Figure]] = defaultdict(list)
        for s in sentences[country]:
            for f in lexicon.figures(s):
                by_measure[f.measure].append(f)
        for measure in sorted(by_measure):
            figures = by_measure[measure]
            for group in _linked(figures, lexicon, named_alike, content, country, one_event):
                out.append(_disagreement(country, measure, group))
    return out


def _linked(
    figures: list[Figure],
    lexicon: FigureLexicon,
    named_alike: Callable[[str, str], bool],
    content: Callable[[str], frozenset[str]],
    country: str,
    one_event: Callable[[str, str, str], bool],
) -> Iterable[list[Figure]]:
    """Groups of figures joined by conflicting pairs (union-find, in text order)."""
    parent = list(range(len(figures)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def window(f: Figure) -> frozenset[str]:
        text = f.sentence.text
        return content(text[max(0, f.start - WINDOW) : f.end + WINDOW]) - lexicon.words

    for i, a in enumerate(figures):
        for j in range(i + 1, len(figures)):
            b = figures[j]
            if a.sentence.doc == b.sentence.doc:
                continue
            low, high = sorted((a.value, b.value))
            if low <= 0 or high <= low * FIGURE_RATIO:
                continue
            same = named_alike(a.sentence.text, b.sentence.text) or (
                one_event(a.sentence.doc, b.sentence.doc, country) and window(a) & window(b)
            )
            if same:
                parent[root(j)] = root(i)
    groups: dict[int, list[Figure]] = defaultdict(list)
    for i, f in enumerate(figures):
        groups[root(i)].append(f)
    for members in groups.values():
        if len({f.sentence.doc for f in members}) >= 2:
            yield members


def _disagreement(country: str, measure: str, group: list[Figure]) -> Disagreement:
    ordered = sorted(group, key=lambda f: (f.value, f.sentence.doc, f.sentence.start))
    claims = sentence_claims([(f.sentence, format_value(f)) for f in ordered])
    what = "sums" if measure.startswith("money") else measure
    topic = f"Different figures ({what}): {short(group[0].sentence.text)}"
    return Disagreement(country, topic, "value_conflict", claims[:MAX_CLAIMS])


def sentence_claims(items: Iterable[tuple[Sentence, str]]) -> list[Claim]:
    """One claim per sentence (the first position given for it), in the order given."""
    claims: list[Claim] = []
    seen = set()
    for sentence, position in items:
        key = (sentence.doc, sentence.start)
        if key not in seen:
            seen.add(key)
            claims.append(Claim(sentence.quote(), position))
    return claims


def short(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
