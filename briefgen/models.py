"""The data model: every object that flows between pipeline stages.

corpus file → Document → Fact (one mention) → Event (merged mentions) → FactSheet.
Disagreements hang off the sheet. Each type knows how to turn itself into plain
dicts (for JSON and YAML) and back; nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1

CATEGORIES = ("diplomatic_visit", "military_cooperation", "energy_deal")
CATEGORY_LABELS = {
    "diplomatic_visit": "Diplomatic visits",
    "military_cooperation": "Military cooperation",
    "energy_deal": "Energy deals",
}
DISAGREEMENT_KINDS = ("value_conflict", "reported_dispute", "assessment_conflict")
GRADES = ("A", "B", "C", "D", "E", "F")
STATUSES = ("proposed", "accepted", "edited", "rejected")
SHOWN_STATUSES = ("accepted", "edited")


def shown_statuses(include_proposed: bool = False) -> tuple[str, ...]:
    """Statuses a briefing shows: reviewed ones, plus proposals in a draft."""
    return SHOWN_STATUSES + (("proposed",) if include_proposed else ())
CONFIDENCE_WORDS = ("low", "moderate", "high")
REGION_KINDS = ("body", "notes", "boilerplate")

PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def is_partial_date(value: str | None) -> bool:
    """True for an ISO partial date: YYYY, YYYY-MM or YYYY-MM-DD."""
    return isinstance(value, str) and bool(PARTIAL_DATE.match(value))


def stable_id(prefix: str, *parts: object, length: int = 10) -> str:
    """A short id that hashes its parts, so a re-run finds the same object again."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:length]}"


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a document: text == document.text[start:end]."""

    doc: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "quote": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        return cls(doc=d["doc"], text=d["quote"], start=int(d["start"]), end=int(d["end"]))


@dataclass(frozen=True)
class Region:
    """A stretch of a document's clean text: body, notes (endnotes) or boilerplate."""

    kind: str
    start: int
    end: int


@dataclass
class Document:
    """One corpus file as clean text plus its bibliographic metadata.

    ``id`` is the file stem; offsets of every Quote index ``text``.
    """

    id: str
    text: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO partial date
    date_estimated: bool = True
    reliability: str = "F"
    kind: str | None = None
    language: str = "en"
    url: str | None = None
    path: str | None = None
    sha256: str | None = None
    regions: list[Region] = field(default_factory=list)

    def region_at(self, offset: int) -> str:
        """The kind of region holding ``offset`` ("body" when none is marked)."""
        for region in self.regions:
            if region.start <= offset < region.end:
                return region.kind
        return "body"

    def quote(self, start: int, end: int) -> Quote:
        return Quote(self.id, self.text[start:end], start, end)

    def to_source(self) -> Source:
        return Source(
            doc=self.id,
            title=self.title,
            author=self.author,
            publisher=self.publisher,
            published=self.published,
            reliability=self.reliability,
            kind=self.kind,
            url=self.url,
        )

    def summary(self) -> dict[str, Any]:
        return {
            "doc": self.id,
            "title": self.title,
            "author": self.author,
            "publisher": self.publisher,
            "published": self.published,
            "date_estimated": self.date_estimated,
            "reliability": self.reliability,
            "kind": self.kind,
            "language": self.language,
            "chars": len(self.text),
        }


@dataclass
class Source:
    """Bibliographic entry for a document, as a fact sheet keeps it (no text)."""

    doc: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    reliability: str = "F"
    kind: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class Fact:
    """One mention of one event in one document, with its verbatim evidence."""

    id: str
    country: str  # ISO 3166-1 alpha-2, upper case
    category: str
    date: str | None
    title: str
    actors: list[str] = field(default_factory=list)
    evidence: list[Quote] = field(default_factory=list)
    event: str | None = None

    @property
    def quote(self) -> Quote:
        return self.evidence[0]

    def to_json(self) -> dict[str, Any]:
        """The flat shape ``briefgen extract --format json`` prints (one quote)."""
        q = self.quote
        return {
            "id": self.id,
            "doc": q.doc,
            "country": self.country,
            "category": self.category,
            "date": self.date,
            "title": self.title,
            "actors": list(self.actors),
            "quote": q.text,
            "start": q.start,
            "end": q.end,
            "event": self.event,
        }


@dataclass
class Claim:
    """One side of a disagreement: what a source says, in its words."""

    quote: Quote
    position: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.quote.to_dict(), "position": self.position}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        return cls(quote=Quote.from_dict(d), position=d.get("position") or "")


@dataclass
class Disagreement:
    """A point where sources disagree about one country."""

    country: str
    topic: str
    kind: str
    claims: list[Claim] = field(default_factory=list)
    id: str = ""
    status: str = "proposed"
    notes: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = stable_id(
                "d",
                self.country,
                self.kind,
                *sorted((c.quote.doc, c.quote.start) for c in self.claims),
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "country": self.country,
            "topic": self.topic,
            "kind": self.kind,
            "claims": [c.to_dict() for c in self.claims],
        }


@dataclass
class Event:
    """One real-world event, merged from every mention of it (reconcile's output)."""

    id: str
    country: str
    category: str
    title: str
    date: str | None = None
    date_range: tuple[str, str] | None = None
    summary: str | None = None
    actors: list[str] = field(default_factory=list)
    evidence: list[Quote] = field(default_factory=list)
    sources: int = 0
    publishers: int = 0
    reliability: str = "F"  # Admiralty source reliability A-F
    credibility: int = 6  # Admiralty information credibility 1-6
    status: str = "proposed"
    notes: str | None = None
    confidence: str | None = None
    stale: bool = False  # none of its evidence is in the corpus any more

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


@dataclass
class KeyJudgment:
    text: str
    confidence: str  # low | moderate | high
    events: list[str] = field(default_factory=list)


@dataclass
class FactSheet:
    """Everything the briefing for one country says, as the analyst reviewed it."""

    country: str
    power: str = "Russia"
    events: list[Event] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    key_judgments: list[KeyJudgment] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    bottom_line: str | None = None
    outlook: str | None = None
    reviewer: str | None = None
    reviewed: str | None = None
    schema_version: int = SCHEMA_VERSION

    def shown_events(self, include_proposed: bool = False) -> list[Event]:
        """Events a briefing shows: reviewed, not stale, plus proposals when asked."""
        statuses = shown_statuses(include_proposed)
        return [e for e in self.events if e.status in statuses and not e.stale]
