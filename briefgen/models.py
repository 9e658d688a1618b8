"""The data model: every object that flows between pipeline stages.

corpus file → Document → Fact (one mention) → Event (merged mentions) → FactSheet.
Disagreements hang off the sheet. Each type knows how to turn itself into plain
dicts (for JSON and YAML) and back; nothing here does I/O.

A fact sheet (data/factsheets/<cc>.yaml) is written from these types: each type that
appears in a sheet lists its keys once, in ``SHEET_KEYS`` (name, JSON Schema, whether
required), and both its ``to_dict`` and the sheet's JSON Schema (``factsheet_schema``,
shipped as briefgen/schemas/factsheet.schema.json by ``scripts/schema``) come from that
list, so the model, the file and the schema cannot drift apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

SCHEMA_VERSION = 1

#: Categories are data (briefgen.categories: categories/<name>.yaml in the lexicon
#: folders); a sheet's category is one such name.
CATEGORY_NAME = r"^[a-z][a-z0-9_]*$"
DISAGREEMENT_KINDS = ("value_conflict", "reported_dispute", "assessment_conflict")
GRADES = ("A", "B", "C", "D", "E", "F")
STATUSES = ("proposed", "accepted", "edited", "rejected")
SHOWN_STATUSES = ("accepted", "edited")
CONFIDENCE_WORDS = ("low", "moderate", "high")
REGION_KINDS = ("body", "notes", "boilerplate")
#: The power a run tracks when none is given: its lexicon (lexicons/powers/<stem>.yaml)
#: and the name a sheet or briefing shows for it; the region covered by default.
DEFAULT_POWER = "russia"
DEFAULT_POWER_NAME = "Russia"
DEFAULT_REGION = "latin_america"

#: An ISO partial date: YYYY, YYYY-MM or YYYY-MM-DD (the one definition; the schema's
#: ``partial_date`` and every date check use it).
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def shown_statuses(include_proposed: bool = False) -> tuple[str, ...]:
    """Statuses a briefing shows: reviewed ones, plus proposals in a draft."""
    return SHOWN_STATUSES + (("proposed",) if include_proposed else ())


def is_partial_date(value: str | None) -> bool:
    """True for an ISO partial date: YYYY, YYYY-MM or YYYY-MM-DD."""
    return isinstance(value, str) and bool(PARTIAL_DATE.match(value))


def stable_id(prefix: str, *parts: object, length: int = 10) -> str:
    """A short id that hashes its parts, so a re-run finds the same object again."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:length]}"


# --------------------------------------------------------------------------- sheet keys


@dataclass(frozen=True)
class Key:
    """One key of a type's entry in a fact sheet, and of the sheet's JSON Schema.

    Args:
        name (str): the key in the YAML file.
        schema (dict): the JSON Schema of its value.
        attr (str | None): the attribute holding the value (default: ``name``).
        required (bool): the schema requires it.
        omit_empty (bool): written only when the value is truthy (else left out).
        schema_only (bool): allowed in a file but not held by the model (never written).
    """

    name: str
    schema: dict[str, Any]
    attr: str | None = None
    required: bool = False
    omit_empty: bool = False
    schema_only: bool = False


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


_TEXT = {"type": "string", "minLength": 1}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_DATE_OR_NULL = _ref("isodate_or_null")
_ID = {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_STATUS = {"enum": list(STATUSES)}


def _plain(value: Any) -> Any:
    """Model objects, tuples and mappings as plain dicts and lists."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _entry(obj: Any, keys: Iterable[Key]) -> dict[str, Any]:
    """``obj`` as a sheet entry: its keys in order, empty optional ones left out."""
    out: dict[str, Any] = {}
    for key in keys:
        if key.schema_only:
            continue
        value = getattr(obj, key.attr or key.name)
        if key.omit_empty and not value:
            continue
        out[key.name] = _plain(value)
    return out


def _object(keys: Iterable[Key]) -> dict[str, Any]:
    """The JSON Schema of an entry with these keys (no others allowed)."""
    keys = list(keys)
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    required = [k.name for k in keys if k.required]
    if required:
        out["required"] = required
    out["properties"] = {k.name: k.schema for k in keys}
    return out


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a document: text == document.text[start:end]."""

    doc: str
    text: str
    start: int
    end: int

    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("doc", _TEXT, required=True),
        Key("quote", _TEXT, attr="text", required=True),
        Key("start", {"type": "integer", "minimum": 0}, required=True),
        Key("end", {"type": "integer", "minimum": 0}, required=True),
    )

    def to_dict(self) -> dict[str, Any]:
        return _entry(self, self.SHEET_KEYS)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Quote:
        return cls(
            doc=str(d["doc"]), text=str(d["quote"]), start=int(d["start"]), end=int(d["end"])
        )


@dataclass(frozen=True)
class Region:
    """A stretch of a document's clean text: body, notes (endnotes) or boilerplate."""

    kind: str
    start: int
    end: int

    def to_row(self) -> list[Any]:
        """[kind, start, end]: compact, for caches."""
        return [self.kind, self.start, self.end]

    @classmethod
    def from_row(cls, row: list[Any]) -> Region:
        kind, start, end = row
        return cls(kind, start, end)


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
            sha256=self.sha256,
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field, text included; regions as [kind, start, end] rows (the cache's)."""
        data = asdict(self)
        data["regions"] = [r.to_row() for r in self.regions]
        return data

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Document:
        """The Document ``to_dict`` made (unknown keys are ignored)."""
        names = cls.__dataclass_fields__
        data = {k: v for k, v in d.items() if k in names}
        data["regions"] = [Region.from_row(r) for r in d.get("regions") or []]
        return cls(**data)

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
    """Bibliographic entry for a document, as a fact sheet keeps it (no text).

    In a sheet, ``sources`` maps each ``doc`` to the other keys.
    """

    doc: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    reliability: str = "F"
    kind: str | None = None
    url: str | None = None
    sha256: str | None = None  # content hash of the document the quotes were read from

    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("title", _TEXT_OR_NULL),
        Key("author", _TEXT_OR_NULL),
        Key("publisher", _TEXT_OR_NULL),
        Key("published", _DATE_OR_NULL),
        Key("reliability", _ref("grade")),
        Key("kind", _TEXT_OR_NULL),
        Key("url", {"type": ["string", "null"], "pattern": "^https?://"}),
        # Content hash of the document the quotes were read from (written by update).
        Key("sha256", {"type": "string", "pattern": "^[0-9a-f]{64}$"}, omit_empty=True),
    )

    def to_dict(self) -> dict[str, Any]:
        """The sheet entry (``doc`` is its key in ``sources``, not part of it)."""
        return _entry(self, self.SHEET_KEYS)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], doc: str | None = None) -> Source:
        """A Source from its sheet entry; ``doc`` from the argument or the entry."""
        names = cls.__dataclass_fields__
        data = {k: v for k, v in d.items() if k in names}
        if doc is not None:
            data["doc"] = doc
        return cls(**data)


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

    def to_row(self) -> list[Any]:
        """Every field as a JSON array, every quote of the evidence kept: arrays decode
        faster than objects, and a 10k-document rerun of the fact cache decodes some
        100k facts."""
        return [
            self.id,
            self.country,
            self.category,
            self.date,
            self.title,
            list(self.actors),
            [[q.doc, q.text, q.start, q.end] for q in self.evidence],
            self.event,
        ]

    @classmethod
    def from_row(cls, row: list[Any]) -> Fact:
        """The Fact ``to_row`` made."""
        fid, country, category, date, title, actors, evidence, event = row
        return cls(
            fid, country, category, date, title, actors, [Quote(*q) for q in evidence], event
        )


@dataclass
class Claim:
    """One side of a disagreement: what a source says, in its words."""

    quote: Quote
    position: str
    #: The analyst dropped this claim (it stays in the sheet, so updates do not add it back).
    suppressed: bool = False
    note: str | None = None  # why it was suppressed

    #: A claim is written as its quote's keys plus these.
    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("position", {"type": "string"}),
        Key("suppressed", {"type": "boolean"}, omit_empty=True),
        Key("note", _TEXT_OR_NULL, omit_empty=True),
    )

    def to_dict(self) -> dict[str, Any]:
        return {**self.quote.to_dict(), **_entry(self, self.SHEET_KEYS)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Claim:
        return cls(
            quote=Quote.from_dict(d),
            position=str(d.get("position") or ""),
            suppressed=bool(d.get("suppressed", False)),
            note=_str_or_none(d.get("note")),
        )


_GENERATED = {"type": "object", "additionalProperties": {"type": "string"}}


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
    #: Fingerprints of the values the tool last proposed (kept by a fact sheet).
    generated: dict[str, str] = field(default_factory=dict)
    #: The analyst dropped the whole disagreement: kept in the sheet, never rendered.
    suppressed: bool = False
    note: str | None = None  # why it was suppressed

    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("id", _ID, required=True),
        Key("status", _STATUS, required=True),
        Key("kind", {"enum": list(DISAGREEMENT_KINDS)}, required=True),
        Key("topic", _TEXT, required=True),
        Key("notes", _TEXT_OR_NULL),
        Key("suppressed", {"type": "boolean"}, omit_empty=True),
        Key("note", _TEXT_OR_NULL, omit_empty=True),
        Key("claims", {"type": "array", "minItems": 1, "items": _ref("quote")}, required=True),
        Key("generated", _GENERATED, omit_empty=True),
        Key("stale", {"type": "boolean"}, schema_only=True),
    )

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

    def to_dict(self) -> dict[str, Any]:
        """The fact-sheet entry (the country is the sheet's)."""
        return _entry(self, self.SHEET_KEYS)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], country: str) -> Disagreement:
        return cls(
            country=country,
            topic=str(d["topic"]),
            kind=str(d["kind"]),
            claims=[Claim.from_dict(c) for c in d["claims"]],
            id=str(d["id"]),
            status=str(d["status"]),
            notes=_str_or_none(d.get("notes")),
            generated={str(k): str(v) for k, v in (d.get("generated") or {}).items()},
            suppressed=bool(d.get("suppressed", False)),
            note=_str_or_none(d.get("note")),
        )

    @property
    def shown_claims(self) -> list[Claim]:
        """The claims a briefing shows: those the analyst did not suppress."""
        return [c for c in self.claims if not c.suppressed]


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
    #: Fingerprints of the values the tool last proposed (kept by a fact sheet).
    generated: dict[str, str] = field(default_factory=dict)

    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("id", _ID, required=True),
        Key("status", _STATUS, required=True),
        Key("category", _ref("category"), required=True),
        Key("date", _DATE_OR_NULL),
        Key(
            "date_range",
            {
                "anyOf": [
                    {"type": "null"},
                    {"type": "array", "items": _ref("partial_date"), "minItems": 2, "maxItems": 2},
                ]
            },
            omit_empty=True,
        ),
        Key("title", _TEXT, required=True),
        Key("summary", _TEXT_OR_NULL),
        Key("actors", _STRINGS),
        Key("reliability", _ref("grade")),
        Key("credibility", {"type": "integer", "minimum": 1, "maximum": 6}),
        Key("confidence", {"anyOf": [{"type": "null"}, {"enum": list(CONFIDENCE_WORDS)}]}),
        Key("notes", _TEXT_OR_NULL),
        Key("evidence", {"type": "array", "minItems": 1, "items": _ref("quote")}, required=True),
        Key(
            "generated",
            {
                **_GENERATED,
                "description": "Fingerprints of the values the tool last proposed; "
                "tells analyst edits apart.",
            },
            omit_empty=True,
        ),
        Key("stale", {"type": "boolean"}, omit_empty=True),
    )

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"

    def to_dict(self) -> dict[str, Any]:
        """The fact-sheet entry (the country is the sheet's; counts are derived)."""
        return _entry(self, self.SHEET_KEYS)

    @classmethod
    def from_dict(
        cls, d: Mapping[str, Any], country: str, sources: Mapping[str, Source] | None = None
    ) -> Event:
        """An Event from its sheet entry; ``sources`` (the sheet's) count its publishers."""
        evidence = [Quote.from_dict(q) for q in d["evidence"]]
        docs = {q.doc for q in evidence}
        sources = sources or {}
        publishers = {(sources[doc].publisher if doc in sources else None) or doc for doc in docs}
        rng = d.get("date_range")
        return cls(
            id=str(d["id"]),
            country=country,
            category=str(d["category"]),
            title=str(d["title"]),
            date=_str_or_none(d.get("date")),
            date_range=(str(rng[0]), str(rng[1])) if rng else None,
            summary=_str_or_none(d.get("summary")),
            actors=[str(a) for a in d.get("actors") or []],
            evidence=evidence,
            sources=len(docs),
            publishers=len(publishers),
            reliability=str(d.get("reliability") or "F"),
            credibility=int(d.get("credibility") or 6),
            status=str(d["status"]),
            notes=_str_or_none(d.get("notes")),
            confidence=_str_or_none(d.get("confidence")),
            stale=bool(d.get("stale", False)),
            generated={str(k): str(v) for k, v in (d.get("generated") or {}).items()},
        )


@dataclass
class KeyJudgment:
    text: str
    confidence: str  # low | moderate | high
    events: list[str] = field(default_factory=list)

    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("text", _TEXT, required=True),
        Key("confidence", {"enum": list(CONFIDENCE_WORDS)}, required=True),
        Key("events", _STRINGS),
    )

    def to_dict(self) -> dict[str, Any]:
        return _entry(self, self.SHEET_KEYS)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> KeyJudgment:
        return cls(
            text=str(d["text"]),
            confidence=str(d["confidence"]),
            events=[str(x) for x in d.get("events") or []],
        )


@dataclass
class FactSheet:
    """Everything the briefing for one country says, as the analyst reviewed it."""

    country: str
    power: str = DEFAULT_POWER_NAME
    events: list[Event] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    key_judgments: list[KeyJudgment] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    bottom_line: str | None = None
    outlook: str | None = None
    reviewer: str | None = None
    reviewed: str | None = None
    schema_version: int = SCHEMA_VERSION
    #: the region lexicon the sheet was built with ("latin_america"); update refuses
    #: to mix in a run over another region (or power)
    region: str | None = None

    SHEET_KEYS: ClassVar[tuple[Key, ...]] = (
        Key("schema_version", {"const": SCHEMA_VERSION}, required=True),
        Key("country", {"type": "string", "pattern": "^[A-Z]{2}$"}, required=True),
        Key("power", _TEXT),
        Key("region", _TEXT, omit_empty=True),
        Key("reviewer", _TEXT_OR_NULL),
        Key("reviewed", _DATE_OR_NULL),
        Key("bottom_line", _TEXT_OR_NULL),
        Key("outlook", _TEXT_OR_NULL),
        Key("key_judgments", {"type": "array", "items": _object(KeyJudgment.SHEET_KEYS)}),
        Key("events", {"type": "array", "items": _ref("event")}, required=True),
        Key("disagreements", {"type": "array", "items": _ref("disagreement")}),
        Key("sources", {"type": "object", "additionalProperties": _ref("source")}),
    )

    def shown_events(self, include_proposed: bool = False) -> list[Event]:
        """Events a briefing shows: reviewed, not stale, plus proposals when asked."""
        statuses = shown_statuses(include_proposed)
        return [e for e in self.events if e.status in statuses and not e.stale]

    def shown_disagreements(self, statuses: Iterable[str] | None = None) -> list[Disagreement]:
        """Disagreements a briefing shows: of these statuses (default: reviewed ones), not
        suppressed, with at least one claim that is not suppressed."""
        wanted = tuple(statuses) if statuses is not None else shown_statuses()
        return [
            d
            for d in self.disagreements
            if d.status in wanted and not d.suppressed and d.shown_claims
        ]

    def to_dict(self) -> dict[str, Any]:
        """The whole sheet as a fact-sheet file holds it (sources sorted by doc)."""
        out = _entry(self, self.SHEET_KEYS)
        out["sources"] = {doc: src.to_dict() for doc, src in sorted(self.sources.items())}
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FactSheet:
        """A FactSheet from a (validated) fact-sheet mapping."""
        country = str(d["country"])
        sources = {
            str(doc): Source.from_dict(entry, doc=str(doc))
            for doc, entry in (d.get("sources") or {}).items()
        }
        return cls(
            country=country,
            power=str(d.get("power") or DEFAULT_POWER_NAME),
            region=_str_or_none(d.get("region")),
            events=[Event.from_dict(e, country, sources) for e in d.get("events") or []],
            disagreements=[
                Disagreement.from_dict(x, country) for x in d.get("disagreements") or []
            ],
            key_judgments=[KeyJudgment.from_dict(k) for k in d.get("key_judgments") or []],
            sources=sources,
            bottom_line=_str_or_none(d.get("bottom_line")),
            outlook=_str_or_none(d.get("outlook")),
            reviewer=_str_or_none(d.get("reviewer")),
            reviewed=_str_or_none(d.get("reviewed")),
            schema_version=int(d["schema_version"]),
        )


# --------------------------------------------------------------------------- schema


def factsheet_schema(categories: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON Schema of a fact-sheet file, built from the types' ``SHEET_KEYS``.

    briefgen/schemas/factsheet.schema.json is this without ``categories`` (any category
    name), written by ``scripts/schema``; a test fails when the two differ. ``check`` and
    ``update`` validate with the active categories' names as the allowed values.
    """
    category: dict[str, Any] = (
        {"enum": list(categories)}
        if categories is not None
        else {"type": "string", "pattern": CATEGORY_NAME}
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://briefgen.invalid/schemas/factsheet-{SCHEMA_VERSION}.json",
        "title": "briefgen fact sheet (data/factsheets/<cc>.yaml)",
        **_object(FactSheet.SHEET_KEYS),
        "$defs": {
            "partial_date": {"type": "string", "pattern": PARTIAL_DATE.pattern},
            "isodate_or_null": {"anyOf": [{"type": "null"}, _ref("partial_date")]},
            "grade": {"enum": list(GRADES)},
            "category": category,
            # Evidence and claims share one shape: a quote, a claim's with its position.
            "quote": _object(Quote.SHEET_KEYS + Claim.SHEET_KEYS),
            "event": _object(Event.SHEET_KEYS),
            "disagreement": _object(Disagreement.SHEET_KEYS),
            "source": _object(Source.SHEET_KEYS),
        },
    }


def factsheet_schema_text() -> str:
    """``factsheet_schema()`` as the shipped file holds it (2-space JSON, final newline)."""
    import json

    return json.dumps(factsheet_schema(), indent=2, ensure_ascii=False) + "\n"
