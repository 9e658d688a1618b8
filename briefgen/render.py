"""Render: FactSheet → briefing as standalone HTML, embeddable HTML fragment, or PDF.

One Jinja environment (autoescape on, StrictUndefined) renders every format from the same
templates; render.py only builds the context (which events show, citation numbers, the
timeline's geometry) and the templates do all formatting. The PDF is the standalone page
typeset by WeasyPrint with a paged-media stylesheet, a URL fetcher that refuses the
network, and dates and identifiers pinned so identical input gives identical bytes under
SOURCE_DATE_EPOCH.

Templates are looked up in the user's directory first, then the defaults; overrides can
``{% extends "default:<name>" %}``. See docs/templates.md for the blocks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup  # Jinja's own dependency

from briefgen import __version__, categories
from briefgen.countries import country_name
from briefgen.errors import RenderError
from briefgen.files import write_atomic
from briefgen.models import (
    DEFAULT_POWER_NAME,
    PARTIAL_DATE,
    Event,
    FactSheet,
    Quote,
    Source,
)
from briefgen.models import shown_statuses as models_shown_statuses

log = logging.getLogger("briefgen.render")

FORMATS = ("pdf", "html", "fragment")
PAGE_SIZES = ("A4", "Letter")
DEFAULT_HANDLING = "UNCLASSIFIED // FOR INTERNAL USE"

#: Admiralty (NATO STANAG 2511) scale: source reliability A–F, information credibility 1–6.
RELIABILITY_WORDS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_WORDS = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
DISAGREEMENT_LABELS = {
    "value_conflict": "Conflicting figures",
    "reported_dispute": "Reported dispute",
    "assessment_conflict": "Conflicting assessments",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NUMBER_WORDS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)

#: Events above which a PDF is refused unless RenderOptions.max_events (--max-events)
#: allows more: WeasyPrint took 27 s and 540 MB for 800 events here, growing linearly.
DEFAULT_MAX_PDF_EVENTS = 1000

# C0/C1 control characters except tab and line feed: invisible, and some (NUL, form feed)
# are not even allowed in HTML or XML.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) reorder what a reader
# sees ("Trojan Source"); they are stripped, so text shows in its stored order. Marks
# (U+200E, U+200F, U+061C) have no scope and stay.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
SURROGATES = re.compile("[\ud800-\udfff]")
LINK_SCHEMES = ("http", "https")

# Timeline geometry, in SVG user units (the viewBox scales it to the column width).
TL_WIDTH, TL_LABEL, TL_LANE, TL_TOP, TL_AXIS = 720, 150, 30, 8, 26


@dataclass
class RenderOptions:
    """How to render a briefing.

    page_size (str): "A4" or "Letter" (PDF only).
    handling (str): handling line printed at the top and on every PDF page.
    include_proposed (bool): also show unreviewed (proposed) events, marked as a draft.
    templates_dir (Path | None): directory of template overrides, searched first.
    generated (date | None): date printed as the briefing's date; None → SOURCE_DATE_EPOCH
        or today.
    extra (dict): free values for template overrides, available as ``extra``.
    content_policy (bool): give the standalone page a Content-Security-Policy that lets
        no script run and nothing load from elsewhere (docs/security.md).
    max_events (int | None): most events a PDF may show (None or 0: no limit); a larger
        sheet is refused with a RenderError naming --max-events, as WeasyPrint's time and
        memory grow with every event.
    corpus (Path | None): for builds (briefgen.batch): check every shown quote against
        this corpus first (briefgen.verify); None → quotes were checked at review time.
    record_edition (bool): for builds: record a new edition under DATA/editions/<cc>/
        when the content changed (briefgen.editions); False → record nothing.
    """

    page_size: str = "A4"
    handling: str = DEFAULT_HANDLING
    include_proposed: bool = False
    templates_dir: Path | None = None
    generated: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    max_events: int | None = DEFAULT_MAX_PDF_EVENTS
    content_policy: bool = True
    corpus: Path | None = None
    record_edition: bool = True


# --------------------------------------------------------------------------- dates


def _source_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise RenderError(
            f"SOURCE_DATE_EPOCH={value!r}: not a whole number of seconds; "
            "set it to a Unix timestamp or unset it"
        ) from None


def resolve_timestamp(options: RenderOptions) -> datetime:
    """The moment recorded in metadata: SOURCE_DATE_EPOCH, else the option's date, else now."""
    epoch = _source_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC)
    if options.generated is not None:
        return datetime(
            options.generated.year, options.generated.month, options.generated.day, tzinfo=UTC
        )
    return datetime.now(UTC).replace(microsecond=0)


def resolve_date(options: RenderOptions) -> date:
    """The briefing's printed date: the option, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if options.generated is not None:
        return options.generated
    return resolve_timestamp(options).date()


def parse_partial_date(value: str | None) -> tuple[int, int | None, int | None] | None:
    """ "2024-03-05" → (2024, 3, 5); "2024-03" → (2024, 3, None); junk or None → None."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not PARTIAL_DATE.match(value):
        return None
    year, *rest = (int(p) for p in value.split("-"))
    return year, rest[0] if rest else None, rest[1] if len(rest) > 1 else None


def format_date(value: str | None) -> str:
    """An ISO partial date as a reader writes it: "5 March 2024", "March 2024", "2024"."""
    parts = parse_partial_date(value)
    if parts is None:
        return value or "Undated"
    year, month, day = parts
    if month is None:
        return str(year)
    if day is None:
        return f"{MONTHS[month - 1]} {year}"
    return f"{day} {MONTHS[month - 1]} {year}"


def format_range(start: str, end: str) -> str:
    """A date range without repeating what both ends share: "3–5 March 2024"."""
    a, b = parse_partial_date(start), parse_partial_date(end)
    if a is None or b is None or None in a or None in b:
        return f"{format_date(start)} – {format_date(end)}"
    (year_a, month_a, day_a), (year_b, month_b, day_b) = a, b
    assert month_a is not None and month_b is not None  # None in a/b was ruled out above
    if year_a == year_b and month_a == month_b:
        return f"{day_a}–{day_b} {MONTHS[month_a - 1]} {year_a}"
    if year_a == year_b:
        return f"{day_a} {MONTHS[month_a - 1]} – {day_b} {MONTHS[month_b - 1]} {year_a}"
    return f"{format_date(start)} – {format_date(end)}"


def _sort_key(value: str | None) -> tuple[int, int, int, int]:
    parts = parse_partial_date(value)
    if parts is None:
        return (1, 9999, 99, 99)  # undated events go last
    year, month, day = parts
    return (0, year, month or 0, day or 0)


def _year_fraction(value: str | None, *, end: bool = False) -> float | None:
    """A partial date as a fractional year; imprecise dates sit mid-period (or at its end)."""
    parts = parse_partial_date(value)
    if parts is None:
        return None
    year, month, day = parts
    if month is None:
        return year + (1.0 if end else 0.5)
    if day is None:
        return year + (month - (0 if end else 0.5)) / 12
    return year + (month - 1) / 12 + (day - 0.5) / 365


def _event_start(event: Event) -> str | None:
    return event.date_range[0] if event.date_range else event.date


# --------------------------------------------------------------------------- context


def clean_text(value: str) -> str:
    """Text from the corpus or a sheet made safe to typeset: controls and bidi overrides go.

    Escaping is Jinja's job (autoescape); this removes what escaping leaves dangerous or
    invalid: C0/C1 control characters (tab and line feed stay), bidi embedding, override
    and isolate controls, and lone surrogates (replaced by U+FFFD, as UTF-8 cannot hold
    them).
    """
    if not value:
        return value
    value = SURROGATES.sub("\ufffd", value)
    return BIDI_CONTROLS.sub("", CONTROL_CHARS.sub("", value))


def clean_context(value: Any) -> Any:
    """Apply clean_text to every string in a template context (dicts, lists, tuples).

    Markup objects (trusted HTML an override passes in ``extra``) are left as they are.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: clean_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_context(v) for v in value)
    return value


def safe_link(url: str | None) -> tuple[str | None, str | None]:
    """A source URL as (href, text): href only for absolute http(s) URLs with a host.

    Anything else (javascript:, data:, file:, relative or malformed) comes back as text
    only, so a briefing never carries a link a reader did not see spelled out.
    RETURNS (tuple[str | None, str | None]): the link target (or None) and the text shown.
    """
    if not url or not isinstance(url, str):
        return None, None
    text = clean_text(unicodedata.normalize("NFC", url)).strip()
    if not text or any(c.isspace() for c in text):
        return None, text or None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None, text
    if parts.scheme.lower() in LINK_SCHEMES and parts.hostname:
        return text, text
    return None, text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _number_word(n: int, capital: bool = False) -> str:
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)
    return word[:1].upper() + word[1:] if capital else word


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return singular if n == 1 else (plural or singular + "s")


def shown_statuses(options: RenderOptions) -> tuple[str, ...]:
    """Event and disagreement statuses a briefing shows under these options."""
    return models_shown_statuses(options.include_proposed)


class _Citations:
    """Numbers sources in order of first citation, as a reader meets them.

    paragraphs (dict): (doc, start) → paragraph number of the quote in its document's
        text, known when the build read the corpus (see briefgen.verify).
    """

    def __init__(self, sheet: FactSheet, anchor, paragraphs: dict | None = None) -> None:
        self.sheet = sheet
        self.anchor = anchor
        self.paragraphs = paragraphs or {}
        self.numbers: dict[str, int] = {}

    def cite(self, quote: Quote) -> dict[str, Any]:
        number = self.numbers.setdefault(quote.doc, len(self.numbers) + 1)
        source = self.sheet.sources.get(quote.doc)
        href, _text = safe_link(source.url if source else None)
        return {
            "number": number,
            "href": "#" + self.anchor("src", quote.doc),
            "doc": quote.doc,
            "start": quote.start,
            "end": quote.end,
            "text": quote.text,
            "paragraph": self.paragraphs.get((quote.doc, quote.start)),
            "url": href,
            "host": urlsplit(href).hostname if href else None,
        }

    def sources(self) -> list[dict[str, Any]]:
        entries = []
        for doc, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            source = self.sheet.sources.get(doc)
            if source is None:
                log.warning(
                    "%s: cited document %s has no entry under sources; listing it "
                    "by id (run `briefgen update` to refresh the fact sheet)",
                    self.sheet.country,
                    doc,
                )
                source = Source(doc=doc)
            entries.append(_source_entry(source, number, self.anchor("src", doc)))
        return entries


# Quotation marks a source may already have put around a quote: opening → closing.
QUOTE_PAIRS = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}


def _balanced(text: str, opener: str, closer: str) -> bool:
    if opener == closer:
        return text.count(opener) % 2 == 0
    return text.count(opener) == text.count(closer)


def display_quote(text: str) -> str:
    """A stored quote as a reader sees it, inside the one pair of marks the template adds.

    Runs of whitespace (line breaks of the source's layout) become one space; quotation
    marks the source already put around the whole quote, or a lone opening or closing
    mark cut off by the span, are dropped; a quote within the quote gets single marks
    (‘…’). The stored quote stays verbatim: only the display changes.
    """
    shown = " ".join(text.split())
    while (
        len(shown) >= 2
        and shown[0] in QUOTE_PAIRS
        and shown[-1] == QUOTE_PAIRS[shown[0]]
        and _balanced(shown[1:-1], shown[0], shown[-1])
    ):
        shown = shown[1:-1].strip()
    if shown.count('"') % 2 == 1:  # a straight mark whose partner lies outside the span
        if shown.startswith('"'):
            shown = shown[1:].lstrip()
        elif shown.endswith('"'):
            shown = shown[:-1].rstrip()
    if shown.startswith("\u201c") and "\u201d" not in shown:
        shown = shown[1:].lstrip()
    if shown.endswith("\u201d") and "\u201c" not in shown:
        shown = shown[:-1].rstrip()
    if shown.count('"') % 2 == 0:
        parts = shown.split('"')
        shown = "".join(
            part + ("" if i == len(parts) - 1 else "\u2018\u2019"[i % 2])
            for i, part in enumerate(parts)
        )
    return shown.replace("\u201c", "\u2018").replace("\u201d", "\u2019")


def _evidence(quotes: Iterable[Quote], cites: _Citations) -> list[dict[str, Any]]:
    """Quotes as shown: identical ones (after display clean-up) once, with a count.

    RETURNS (list[dict]): ``{text, count, cites, doc, start, end, offsets}`` per distinct
        quote; ``cites`` lists each distinct source and paragraph it was found at.
    """
    groups: dict[str, dict[str, Any]] = {}
    for quote in quotes:
        cite = cites.cite(quote)
        text = display_quote(quote.text)
        group = groups.get(text)
        if group is None:
            groups[text] = {
                "text": text,
                "count": 1,
                "cites": [cite],
                "doc": quote.doc,
                "start": quote.start,
                "end": quote.end,
                "offsets": [f"{quote.doc}:{quote.start}-{quote.end}"],
            }
            continue
        group["count"] += 1
        group["offsets"].append(f"{quote.doc}:{quote.start}-{quote.end}")
        if not any(
            c["number"] == cite["number"] and c["paragraph"] == cite["paragraph"]
            for c in group["cites"]
        ):
            group["cites"].append(cite)
    for group in groups.values():
        group["offsets"] = " ".join(group["offsets"])
    return list(groups.values())


def _source_entry(source: Source, number: int, anchor: str) -> dict[str, Any]:
    reliability = (source.reliability or "F").upper()
    href, url_text = safe_link(source.url)
    return {
        "number": number,
        "id": anchor,
        "doc": source.doc,
        "title": source.title,
        # A source without a title is named by its URL, as a reader would look it up.
        "label": source.title or url_text or "Untitled document",
        "author": source.author,
        "publisher": source.publisher,
        "published": format_date(source.published) if source.published else None,
        "kind": source.kind,
        "url": href,
        "url_text": url_text,
        "reliability": reliability,
        "reliability_words": RELIABILITY_WORDS.get(reliability, "not graded"),
    }


def _event_context(
    event: Event, cites: _Citations, anchor, sources: dict[str, Source]
) -> dict[str, Any]:
    if event.date_range:
        when = format_range(*event.date_range)
    else:
        when = format_date(event.date)
    credibility = int(event.credibility) if str(event.credibility).isdigit() else 6
    reliability = (event.reliability or "F").upper()
    undated = _event_start(event) is None
    # An undated event happened no later than its earliest report: show that date.
    reported = [
        sources[q.doc].published
        for q in event.evidence
        if q.doc in sources and parse_partial_date(sources[q.doc].published)
    ]
    return {
        "id": anchor("event", event.id),
        "event_id": event.id,
        "category": event.category,
        "title": event.title,
        "date": when,
        "iso_date": _event_start(event),
        "undated": undated,
        "reported": format_date(min(reported, key=_sort_key)) if undated and reported else None,
        "summary": event.summary,
        "actors": list(event.actors),
        "notes": event.notes,
        "confidence": event.confidence,
        "unreviewed": event.status == "proposed",
        "grade": f"{reliability}{credibility}",
        "grade_words": (
            f"source {RELIABILITY_WORDS.get(reliability, 'not graded')}; "
            f"information {CREDIBILITY_WORDS.get(credibility, 'not graded')}"
        ),
        "grade_class": ("strong" if credibility <= 2 else "fair" if credibility == 3 else "weak"),
        "sources": event.sources,
        "publishers": event.publishers,
        "evidence": _evidence(event.evidence, cites),
    }


def readiness(sheet: FactSheet, include_proposed: bool = False) -> list[str]:
    """What a briefing lacks before an analyst would sign it (empty when ready).

    RETURNS (list[str]): e.g. ["no bottom line", "no key judgments", "no reviewed events"].
    """
    missing = []
    if not (sheet.bottom_line or "").strip():
        missing.append("no bottom line")
    if not sheet.key_judgments:
        missing.append("no key judgments")
    known = categories.names()
    if not [e for e in sheet.shown_events(include_proposed) if e.category in known]:
        missing.append("no reviewed events")
    return missing


def _cutoff(events: list[Event], sources: list[dict[str, Any]], sheet: FactSheet) -> dict[str, Any]:
    """The information cut-off: the latest source date and the latest event date."""
    published = [
        sheet.sources[s["doc"]].published
        for s in sources
        if s["doc"] in sheet.sources and parse_partial_date(sheet.sources[s["doc"]].published)
    ]
    ends = [e.date_range[1] if e.date_range else e.date for e in events]
    ends = [d for d in ends if parse_partial_date(d)]
    return {
        "source": format_date(max(published, key=_sort_key)) if published else None,
        "event": format_date(max(ends, key=_sort_key)) if ends else None,
        "undated": sum(1 for e in events if _event_start(e) is None),
    }


def _overview(events: list[Event]) -> dict[str, Any]:
    """Counts, time span and main actors of one category, for its opening sentence."""
    dated = sorted((e for e in events if _event_start(e)), key=lambda e: _sort_key(_event_start(e)))
    ends = [e.date_range[1] if e.date_range else e.date for e in dated]
    actors = Counter(a for e in events for a in dict.fromkeys(e.actors))
    docs = {q.doc for e in events for q in e.evidence}
    return {
        "count": len(events),
        "count_words": _number_word(len(events), capital=True),
        "noun": _plural(len(events), "event"),
        "first": format_date(_event_start(dated[0])) if dated else None,
        "last": format_date(max(ends, key=_sort_key)) if dated else None,
        # "on 9 March 2023" but "in March 2023" when the only date is one day.
        "preposition": "on"
        if dated and (parse_partial_date(_event_start(dated[0])) or (0, None, None))[2]
        else "in",
        "undated": len(events) - len(dated),
        "actors": [{"name": name, "count": n} for name, n in actors.most_common(3)],
        "unreviewed": sum(e.status == "proposed" for e in events),
        "documents": len(docs),
    }


def _joined(words: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _timeline_marks(events: list[Event]) -> list[tuple[Event, float, float | None]]:
    """The dated events as (event, start, end) fractional years; end is None unless a range.

    Undated events have no place on the axis and are left out.
    """
    marks = []
    for event in events:
        start = _year_fraction(_event_start(event))
        if start is None:
            continue
        end = _year_fraction(event.date_range[1], end=True) if event.date_range else None
        marks.append((event, start, end))
    return marks


def _timeline_years(marks: list[tuple[Event, float, float | None]]) -> tuple[int, int]:
    """The axis' first and last year: whole years around every mark, at least two apart."""
    low = min(m[1] for m in marks)
    high = max(m[2] or m[1] for m in marks)
    first, last = int(low), int(high) + 1
    if last - first < 2:
        last = first + 2
    return first, last


def _timeline_lane(
    index: int,
    kind: categories.Category,
    marks: list[tuple[Event, float, float | None]],
    x: Callable[[float], float],
    anchor: Callable[..., str],
) -> dict[str, Any]:
    """One category's lane of the timeline: its row and a mark per dated event in it.

    x (Callable): fractional year → horizontal position in SVG user units.
    """
    category = kind.name
    y = TL_TOP + index * TL_LANE + TL_LANE / 2
    lane_marks = []
    for event, start, end in marks:
        if event.category != category:
            continue
        precise = parse_partial_date(_event_start(event))
        lane_marks.append(
            {
                "x": x(start),
                "x2": x(end) if end else None,
                "y": y,
                "href": "#" + anchor("event", event.id),
                "label": f"{format_date(_event_start(event))}: {event.title}",
                "approximate": precise is not None and precise[1] is None,
                "unreviewed": event.status == "proposed",
            }
        )
    count = sum(1 for e, _s, _e in marks if e.category == category)
    return {
        "category": category,
        "label": kind.label,
        "colour": kind.colour,
        "y": y,
        "count": count,
        "marks": lane_marks,
        "index": index,
    }


def _timeline(
    events: list[Event], anchor, kinds: tuple[categories.Category, ...]
) -> dict[str, Any] | None:
    """Geometry of the inline SVG timeline: one lane per category, ticks per year."""
    marks = _timeline_marks(events)
    if not marks:
        return None
    first, last = _timeline_years(marks)
    span = last - first
    plot = TL_WIDTH - TL_LABEL - 12

    def x(year: float) -> float:
        return round(TL_LABEL + (year - first) / span * plot, 1)

    step = 1 if span <= 12 else 2 if span <= 24 else 5
    ticks = [
        {"x": x(y), "label": str(y)} for y in range(first, last + 1) if (y - first) % step == 0
    ]
    lanes = [_timeline_lane(index, kind, marks, x, anchor) for index, kind in enumerate(kinds)]
    height = TL_TOP + len(lanes) * TL_LANE + TL_AXIS
    return {
        "width": TL_WIDTH,
        "height": height,
        "label_width": TL_LABEL,
        "axis_y": TL_TOP + len(lanes) * TL_LANE,
        "plot_end": TL_WIDTH - 12,
        "ticks": ticks,
        "lanes": lanes,
        "first": first,
        "last": last,
        "undated": len(events) - len(marks),
    }


def _locator_map(country: str, events: list[Event]) -> dict[str, Any] | None:
    """The locator map's geometry (briefgen.maps), or None when no shapes are installed."""
    from briefgen.maps import locator_map

    texts = [
        (e.title, " ".join([e.title, e.summary or "", *(q.text for q in e.evidence)]))
        for e in events
    ]
    try:
        return locator_map(country, texts)
    except Exception as exc:  # a map is an aid: a broken shape file must not stop a build
        log.warning("%s: no locator map (%s: %s)", country.lower(), type(exc).__name__, exc)
        return None


def _link_changes(
    edition: dict[str, Any], anchor, event_ids: set[str], disagreement_anchors: set[str]
) -> dict[str, Any]:
    """The edition's changes with links to the events and disagreements still shown."""
    changes = dict(edition["changes"])
    for key in ("new_events", "changed_events", "withdrawn_events"):
        changes[key] = [
            {**e, "href": "#" + anchor("event", e["id"]) if e["id"] in event_ids else None}
            for e in changes[key]
        ]
    for key in ("new_disagreements", "resolved_disagreements"):
        changes[key] = [
            {
                **d,
                "href": "#" + anchor("disagreement", d["id"])
                if anchor("disagreement", d["id"]) in disagreement_anchors
                else None,
            }
            for d in changes[key]
        ]
    return {k: v for k, v in edition.items() if not k.startswith("_")} | {"changes": changes}


def _anchorer(cc: str) -> Callable[..., str]:
    """The function that names a briefing's ids: ``anchor("event", id)`` → "briefgen-cc-…"."""

    def anchor(*parts: str) -> str:
        # Every id carries the country prefix, so a fragment cannot collide with its host.
        return "-".join(["briefgen", cc, *(_slug(p) for p in parts)])

    return anchor


def _select_events(
    sheet: FactSheet, options: RenderOptions, statuses: tuple[str, ...], known: tuple[str, ...]
) -> tuple[list[Event], list[Event]]:
    """The events a briefing shows, by date then title, and the sheet's other events.

    A shown event whose category no lexicon folder defines is left out, with a warning.
    RETURNS (tuple[list[Event], list[Event]]): the shown events and the hidden ones.
    """
    for event in sheet.events:
        if event.category not in known and event.status in statuses:
            log.warning(
                "%s: event %s has unknown category %r; it is left out of the briefing "
                "(add categories/%s.yaml to a lexicon folder to show it)",
                sheet.country,
                event.id,
                event.category,
                event.category,
            )
    shown = [e for e in sheet.shown_events(options.include_proposed) if e.category in known]
    shown.sort(key=lambda e: (_sort_key(_event_start(e)), e.title))
    shown_ids = {id(e) for e in shown}  # identity: comparing dataclasses is O(fields)
    hidden = [e for e in sheet.events if id(e) not in shown_ids]
    return shown, hidden


def _sections(
    shown: list[Event],
    lanes: tuple[categories.Category, ...],
    cites: _Citations,
    anchor: Callable[..., str],
    sources: dict[str, Source],
) -> list[dict[str, Any]]:
    """One section per active category: its overview and its events, dated and undated."""
    sections = []
    for kind in lanes:
        category = kind.name
        events = [
            _event_context(e, cites, anchor, sources) for e in shown if e.category == category
        ]
        sections.append(
            {
                "category": category,
                "title": kind.label,
                "colour": kind.colour,
                "id": anchor("section", category),
                "overview": _overview([e for e in shown if e.category == category]),
                "events": events,
                "dated_events": [e for e in events if not e["undated"]],
                "undated_events": [e for e in events if e["undated"]],
            }
        )
    return sections


def _disagreement_entries(
    sheet: FactSheet, statuses: tuple[str, ...], cites: _Citations, anchor: Callable[..., str]
) -> list[dict[str, Any]]:
    """The shown disagreements, each with its claims' quotes cited."""
    disagreements = []
    for item in sheet.shown_disagreements(statuses):  # suppressed ones are the analyst's call
        disagreements.append(
            {
                "id": anchor("disagreement", item.id),
                "topic": item.topic,
                "kind": item.kind,
                "kind_label": DISAGREEMENT_LABELS.get(item.kind, item.kind.replace("_", " ")),
                "notes": item.notes,
                "unreviewed": item.status == "proposed",
                "claims": [
                    {"position": c.position, "quote": _evidence([c.quote], cites)[0]}
                    for c in item.shown_claims
                ],
            }
        )
    return disagreements


def _judgments(
    sheet: FactSheet, shown: list[Event], anchor: Callable[..., str]
) -> list[dict[str, Any]]:
    """The key judgments, each linking the shown events it rests on."""
    by_id = {e.id: e for e in shown}
    return [
        {
            "text": k.text,
            "confidence": (k.confidence or "").lower(),
            "events": [
                {"href": "#" + anchor("event", i), "title": by_id[i].title}
                for i in k.events
                if i in by_id
            ],
        }
        for k in sheet.key_judgments
    ]


@dataclass
class _Content:
    """What a briefing shows, selected, ordered and cited (the first half of build_context).

    events (list[Event]): the shown events, by date; hidden (list[Event]): the others.
    sections, disagreements, judgments (list[dict]): their template entries.
    sources (list[dict]): the cited sources, numbered in order of first citation.
    """

    events: list[Event]
    hidden: list[Event]
    sections: list[dict[str, Any]]
    disagreements: list[dict[str, Any]]
    judgments: list[dict[str, Any]]
    sources: list[dict[str, Any]]


def _collect_content(
    sheet: FactSheet,
    options: RenderOptions,
    lanes: tuple[categories.Category, ...],
    anchor: Callable[..., str],
    verification: Any,
) -> _Content:
    """Select the shown events and disagreements and number their sources as cited.

    Sections cite first, then disagreements, so sources are numbered as a reader meets them.
    """
    statuses = shown_statuses(options)
    shown, hidden = _select_events(sheet, options, statuses, tuple(k.name for k in lanes))
    cites = _Citations(sheet, anchor, getattr(verification, "paragraphs", None))
    sections = _sections(shown, lanes, cites, anchor, sheet.sources)
    disagreements = _disagreement_entries(sheet, statuses, cites, anchor)
    return _Content(
        events=shown,
        hidden=hidden,
        sections=sections,
        disagreements=disagreements,
        judgments=_judgments(sheet, shown, anchor),
        sources=cites.sources(),  # last: only now is every citation numbered
    )


def _cover_context(
    sheet: FactSheet, options: RenderOptions, lanes: tuple[categories.Category, ...]
) -> dict[str, Any]:
    """The briefing's identity: country, title, PDF metadata, dates, review and handling."""
    cc = sheet.country.lower()
    stamp = resolve_timestamp(options)
    day = resolve_date(options)
    country = country_name(sheet.country)
    return {
        "cc": cc,
        "country_code": sheet.country.upper(),
        "country": country,
        "power": sheet.power,
        "title": f"{country}: {sheet.power}\u2019s engagement",
        "engagement": _joined(k.adjective for k in lanes),
        "subject": (
            f"Country briefing on {sheet.power}\u2019s {_joined(k.adjective for k in lanes)} "
            f"engagement with {country}"
        ),
        "keywords": ", ".join(
            [country, sheet.power, *(k.label for k in lanes), "country briefing"]
        ),
        "author": sheet.reviewer or "briefgen",
        "generated": f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        "generated_iso": day.isoformat(),
        "timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reviewer": sheet.reviewer,
        "reviewed": format_date(sheet.reviewed) if sheet.reviewed else None,
        "handling": options.handling,
    }


def _status_context(
    sheet: FactSheet,
    options: RenderOptions,
    content: _Content,
    *,
    verification: Any,
    edition: dict[str, Any] | None,
    fragment: bool,
    medium: str,
) -> dict[str, Any]:
    """The build's state: draft marks, cut-off, verification, edition, medium, headings."""
    missing = readiness(sheet, options.include_proposed)
    heading_base = 2 if fragment else 1
    return {
        "draft": options.include_proposed or bool(missing),
        "unreviewed_draft": options.include_proposed,
        "missing": missing,
        "cutoff": _cutoff(content.events, content.sources, sheet),
        "verification": {
            "checked": verification is not None,
            "quotes": getattr(verification, "quotes", 0),
            "documents": getattr(verification, "documents", 0),
        },
        "edition": edition,
        "fragment": fragment,
        "medium": medium,
        "content_policy": options.content_policy,
        "page_size": "letter" if options.page_size.lower() == "letter" else "A4",
        "h": {"title": heading_base, "section": heading_base + 1, "item": heading_base + 2},
    }


def _content_context(
    sheet: FactSheet,
    options: RenderOptions,
    content: _Content,
    anchor: Callable[..., str],
    lanes: tuple[categories.Category, ...],
    locator: dict[str, Any] | None,
) -> dict[str, Any]:
    """The briefing's body: judgments, sections, disagreements, timeline, map, sources."""
    kinds = Counter(d["kind_label"] for d in content.disagreements)
    reliability_counts = Counter(s["reliability"] for s in content.sources)
    return {
        "bottom_line": sheet.bottom_line,
        "outlook": sheet.outlook,
        "key_judgments": content.judgments,
        "sections": content.sections,
        "disagreements": content.disagreements,
        "disagreement_summary": [{"label": k, "count": n} for k, n in sorted(kinds.items())],
        "disagreement_section_id": anchor("section", "disagreements"),
        "timeline": _timeline(content.events, anchor, lanes),
        "map": locator,
        "sources": content.sources,
        "reliability_counts": [
            {"grade": g, "count": reliability_counts[g], "words": RELIABILITY_WORDS[g]}
            for g in RELIABILITY_WORDS
            if reliability_counts[g]
        ],
        "uncited_sources": max(0, len(set(sheet.sources) - {s["doc"] for s in content.sources})),
        "events_shown": len(content.events),
        "events_hidden": len(content.hidden),
        "events_stale": sum(1 for e in sheet.events if e.stale),
        "reliability_words": RELIABILITY_WORDS,
        "credibility_words": CREDIBILITY_WORDS,
        "version": __version__,
        "extra": options.extra,
    }


def build_context(
    sheet: FactSheet,
    options: RenderOptions,
    *,
    fragment: bool = False,
    medium: str = "screen",
    verification: Any = None,
    edition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the templates need, already filtered, numbered and formatted.

    sheet (FactSheet): the reviewed fact sheet.
    options (RenderOptions): rendering options.
    fragment (bool): headings one level down, for embedding under a host page's h1.
    medium (str): "screen" (HTML) or "pdf".
    verification (briefgen.verify.Verification | None): the build's check of the quotes
        against the corpus (None: no corpus, so they were checked at review time only).
    edition (dict | None): the edition this build is (briefgen.editions.plan_edition).
    RETURNS (dict): the template context.
    """
    anchor = _anchorer(sheet.country.lower())
    lanes = categories.active()
    content = _collect_content(sheet, options, lanes, anchor, verification)
    if edition and edition.get("changes"):
        edition = _link_changes(
            edition,
            anchor,
            {e.id for e in content.events},
            {str(d["id"]) for d in content.disagreements},
        )
    cover = _cover_context(sheet, options, lanes)
    locator = _locator_map(sheet.country, content.events)
    status = _status_context(
        sheet,
        options,
        content,
        verification=verification,
        edition=edition,
        fragment=fragment,
        medium=medium,
    )
    # Every string from the sheet (and the options) is cleaned in one place, here, so no
    # template has to remember to.
    return clean_context(
        {**cover, **status, **_content_context(sheet, options, content, anchor, lanes, locator)}
    )


# --------------------------------------------------------------------------- Jinja


def default_templates_dir() -> Path:
    """The shipped templates: briefgen/templates in a wheel, the repo's templates/ otherwise."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "templates"


def make_environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """The one Jinja environment: user overrides first, defaults also under "default:".

    templates_dir (Path | None): the organisation's override directory.
    RETURNS (jinja2.Environment): autoescaping, StrictUndefined environment.
    """
    default = default_templates_dir()
    if not (default / "briefing.html").is_file():
        raise RenderError(f"{default}: default templates missing; reinstall briefgen")
    search = [str(default)]
    if templates_dir is not None:
        if not Path(templates_dir).is_dir():
            raise RenderError(
                f"{templates_dir}: not a directory; pass --templates DIR "
                "holding your template overrides"
            )
        search.insert(0, str(templates_dir))
    key = tuple(search)
    found = _ENVIRONMENTS.get(key)
    if found is None:
        found = _ENVIRONMENTS[key] = _environment(search, default)
    return found


#: One environment per template search path, kept for the process: Jinja compiles each
#: template once and recompiles it only when its file changes (auto_reload).
_ENVIRONMENTS: dict[tuple[str, ...], jinja2.Environment] = {}


def _environment(search: list[str], default: Path) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(search),
            jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(default))}, delimiter=":"),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number_word"] = _number_word
    env.filters["plural"] = _plural
    env.filters["date"] = format_date
    return env


def _render_template(
    sheet: FactSheet, options: RenderOptions, names: list[str], context: dict[str, Any]
) -> str:
    env = make_environment(options.templates_dir)
    try:
        template = env.select_template(names)
        return template.render(context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template {exc.name} not found in {options.templates_dir or ''} "
            f"or {default_templates_dir()}"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(
            f"{sheet.country.lower()} briefing: template uses an undefined "
            f"value ({exc.message}); fix the template or its override"
        ) from None


def render_html(
    sheet: FactSheet,
    options: RenderOptions | None = None,
    *,
    fragment: bool = False,
    verification: Any = None,
    edition: dict[str, Any] | None = None,
) -> str:
    """The briefing as HTML.

    sheet (FactSheet): the reviewed fact sheet.
    options (RenderOptions | None): rendering options (defaults when None).
    fragment (bool): False → a standalone page (inline CSS and SVG, no scripts);
        True → one ``<div class="briefgen">`` with CSS scoped under ``.briefgen``.
    verification, edition: what the build checked and which edition it is (see
        build_context); None for neither.
    RETURNS (str): the HTML text.
    """
    options = options or RenderOptions()
    cc = sheet.country.lower()
    names = (
        [f"fragment-{cc}.html", "fragment.html"]
        if fragment
        else [f"briefing-{cc}.html", "briefing.html"]
    )
    context = build_context(
        sheet,
        options,
        fragment=fragment,
        medium="screen",
        verification=verification,
        edition=edition,
    )
    return _render_template(sheet, options, names, context)


# --------------------------------------------------------------------------- PDF


def _url_fetcher(allowed: list[Path]):
    """A WeasyPrint fetcher that serves data: URLs and the package's own files, nothing else."""
    from weasyprint.urls import URLFetcher

    roots = [p.resolve() for p in allowed]

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"briefgen renders offline; refused to fetch {url}")

    return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def layout_pdf(
    sheet: FactSheet,
    options: RenderOptions | None = None,
    *,
    verification: Any = None,
    edition: dict[str, Any] | None = None,
):
    """Typeset the briefing with WeasyPrint without writing it (tests inspect the pages).

    sheet (FactSheet): the reviewed fact sheet.
    options (RenderOptions | None): rendering options (defaults when None).
    RETURNS (tuple[weasyprint.Document, str]): the laid-out document and its HTML.
    """
    options = options or RenderOptions()
    if options.page_size not in PAGE_SIZES:
        raise RenderError(f"page size {options.page_size!r}: choose A4 or Letter")
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing from the system
        raise RenderError(
            f"PDF output needs WeasyPrint and Pango ({exc}); install the "
            "system packages listed in the README or use --format html"
        ) from None
    limit = options.max_events
    shown = len(sheet.shown_events(options.include_proposed))
    if limit and shown > limit:
        raise RenderError(
            f"{sheet.country.lower()}: {shown} events is more than the {limit} a "
            "PDF holds by default (WeasyPrint's time and memory grow with each); "
            f"pass --max-events {shown} (or 0 for no limit), or use --format html"
        )
    cc = sheet.country.lower()
    context = build_context(
        sheet, options, medium="pdf", verification=verification, edition=edition
    )
    html = _render_template(sheet, options, [f"briefing-{cc}.html", "briefing.html"], context)
    assets = Path(__file__).parent / "assets"
    allowed = [assets, default_templates_dir()]
    if options.templates_dir:
        allowed.append(Path(options.templates_dir))
    base = (assets if assets.is_dir() else default_templates_dir()).resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=_url_fetcher(allowed))
    return document.render(pdf_tags=True), html


def render_pdf(
    sheet: FactSheet,
    options: RenderOptions | None = None,
    *,
    verification: Any = None,
    edition: dict[str, Any] | None = None,
) -> bytes:
    """The briefing as a tagged PDF typeset by WeasyPrint from the standalone page's templates.

    sheet (FactSheet): the reviewed fact sheet.
    options (RenderOptions | None): rendering options (defaults when None).
    RETURNS (bytes): the PDF; byte-identical for identical input when SOURCE_DATE_EPOCH
        (or options.generated) is set.
    """
    document, html = layout_pdf(sheet, options, verification=verification, edition=edition)
    # The file identifier hashes the input, so a re-render of the same HTML is byte-identical.
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return document.write_pdf(pdf_identifier=identifier, pdf_tags=True)


# --------------------------------------------------------------------------- files


def _wanted_formats(formats: Iterable[str]) -> list[str]:
    """The requested formats, lower-cased, each once, in order; unknown ones → RenderError."""
    wanted = list(dict.fromkeys(f.lower() for f in formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise RenderError(f"format {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
    return wanted


def _file_stem(sheet: FactSheet) -> str:
    """The sheet's country code as the output files' name, refused unless two letters."""
    cc = str(sheet.country).lower()
    # The country code names the output files: never let it carry a path.
    if not re.fullmatch(r"[a-z]{2}", cc):
        raise RenderError(
            f"country {sheet.country!r}: not a two-letter ISO code; fix the "
            "fact sheet's country field"
        )
    return cc


def _output_dir(out_dir: Path) -> Path:
    """out_dir as a Path, created if missing; a file in its place → RenderError."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RenderError(f"{out_dir}: exists and is not a directory; pass --out DIR")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(
            f"{out_dir}: cannot create output directory ({exc.strerror}); pass --out DIR"
        ) from None
    return out_dir


def _warn_if_draft(sheet: FactSheet, options: RenderOptions, cc: str) -> None:
    """Log the one warning for a briefing marked DRAFT because its sheet lacks content."""
    missing = readiness(sheet, options.include_proposed)
    if missing:
        log.warning(
            "%s: briefing marked DRAFT (%s); write them in its fact sheet "
            "(data/factsheets/%s.yaml)",
            cc,
            ", ".join(missing),
            cc,
        )


def _render_formats(
    sheet: FactSheet,
    options: RenderOptions,
    wanted: list[str],
    out_dir: Path,
    cc: str,
    extra: dict[str, Any],
) -> dict[str, tuple[Path, bytes]]:
    """Render every wanted format in memory. RETURNS format → (target file, its bytes)."""
    rendered: dict[str, tuple[Path, bytes]] = {}
    for fmt in wanted:
        if fmt == "pdf":
            rendered[fmt] = (out_dir / f"{cc}.pdf", render_pdf(sheet, options, **extra))
        elif fmt == "html":
            rendered[fmt] = (
                out_dir / f"{cc}.html",
                render_html(sheet, options, **extra).encode("utf-8"),
            )
        else:
            rendered[fmt] = (
                out_dir / f"{cc}.fragment.html",
                render_html(sheet, options, fragment=True, **extra).encode("utf-8"),
            )
    return rendered


def _write_rendered(rendered: dict[str, tuple[Path, bytes]]) -> dict[str, Path]:
    """Write each rendered file atomically. RETURNS format → the file written."""
    written = {}
    for fmt, (target, data) in rendered.items():
        try:
            write_atomic(target, data)
        except OSError as exc:
            raise RenderError(f"{target}: cannot write ({exc.strerror})") from None
        written[fmt] = target
    return written


def write_briefing(
    sheet: FactSheet,
    out_dir: Path,
    formats: Iterable[str],
    options: RenderOptions | None = None,
    *,
    verification: Any = None,
    edition: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Render the requested formats and write them atomically into out_dir.

    sheet (FactSheet): the reviewed fact sheet.
    out_dir (Path): output directory, created if missing.
    formats (Iterable[str]): any of "pdf", "html", "fragment".
    options (RenderOptions | None): rendering options.
    verification, edition: what the build checked and which edition it is (see
        build_context).
    RETURNS (dict[str, Path]): format → written file (<cc>.pdf, <cc>.html,
        <cc>.fragment.html).
    A briefing that lacks a bottom line, key judgments or shown events is written with
    a DRAFT mark and one warning (``--strict`` turns it into a failure).
    """
    options = options or RenderOptions()
    wanted = _wanted_formats(formats)
    cc = _file_stem(sheet)
    out_dir = _output_dir(out_dir)
    _warn_if_draft(sheet, options, cc)
    extra = {"verification": verification, "edition": edition}
    # Render everything before writing anything, so a failure leaves no half-set behind.
    rendered = _render_formats(sheet, options, wanted, out_dir, cc, extra)
    return _write_rendered(rendered)


# --------------------------------------------------------------------------- index


def render_index(
    results: Iterable[Any], options: RenderOptions | None = None, power: str = DEFAULT_POWER_NAME
) -> str:
    """The landing page listing briefings (results of briefgen.batch.build_many).

    RETURNS (str): a self-contained HTML page linking each country's HTML and PDF.
    """
    options = options or RenderOptions()
    labels = {"html": "HTML", "pdf": "PDF", "fragment": "Fragment"}
    rows = []
    for r in sorted(results, key=lambda r: country_name(r.country)):
        links = [(labels[fmt], Path(path).name) for fmt, path in r.paths.items()]
        rows.append(
            {
                "name": country_name(r.country),
                "ok": r.ok,
                "links": links,
                "counts": r.counts,
                "pages": r.pages,
                "reviewed": format_date(r.reviewed) if r.reviewed else None,
                "error": r.error,
            }
        )
    context = clean_context(
        {
            "rows": rows,
            "categories": [{"name": k.name, "short": k.short} for k in categories.active()],
            "power": power,
            "handling": options.handling,
            "generated": format_date(resolve_date(options).isoformat()),
            "version": __version__,
            "extra": options.extra,
        }
    )
    env = make_environment(options.templates_dir)
    return env.select_template(["index.html"]).render(context)


def write_index(
    results: Iterable[Any],
    out_dir: Path,
    options: RenderOptions | None = None,
    power: str = DEFAULT_POWER_NAME,
) -> Path:
    """Write OUT/index.html atomically. RETURNS the path written."""
    target = Path(out_dir) / "index.html"
    html = render_index(results, options, power).encode("utf-8")
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        write_atomic(target, html)
    except OSError as exc:
        raise RenderError(f"{target}: cannot write ({exc.strerror}); pass --out DIR") from None
    return target
