"""Fact sheets: data/factsheets/<cc>.yaml ⇄ FactSheet; validate, merge, save.

A fact sheet is the analyst's document: the tool proposes, the analyst decides. So:
- files are read and written with ruamel.yaml's round-trip mode, keeping comments and
  key order; a file that cannot be parsed is never rewritten;
- a merge adds proposals, grows evidence and marks vanished events stale; it never
  changes a field the analyst edited. Each event keeps ``generated``: short
  fingerprints of the values the tool last proposed, so a field whose value no longer
  matches its fingerprint is the analyst's and stays as it is;
- writes go to a temporary file beside the target, then ``os.replace``; one update at a
  time per data directory (a lock file).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from briefgen.errors import BriefgenError, SheetError
from briefgen.files import write_atomic
from briefgen.models import (
    CATEGORIES,
    DEFAULT_POWER_NAME,
    SCHEMA_VERSION,
    Claim,
    Disagreement,
    Event,
    FactSheet,
    Quote,
    Source,
)

log = logging.getLogger("briefgen.factsheets")

SHEET_DIR = "factsheets"
LOCK_NAME = ".briefgen.lock"
HEADER = (
    "briefgen fact sheet for {country}: the analyst's document.\n"
    "Review each event: set status to accepted, edited or rejected; edit title, date,\n"
    "summary, notes or confidence freely - `briefgen update` keeps what you change.\n"
    "Schema: docs/factsheets.md"
)
#: Event fields an analyst owns once they touch them (never refreshed after an edit).
ANALYST_FIELDS = ("title", "date", "summary", "notes", "confidence")
#: Fields the tool derives and proposes; refreshed while they still hold its proposal.
TOOL_FIELDS = ("title", "date", "date_range", "summary", "actors", "reliability", "credibility")
#: On reviewed events only these derived fields may still follow the evidence.
#: Stands in ``generated`` for a field the analyst has taken over.
ANALYST_MARK = "analyst"
DATE_FIELDS = ("date", "date_range", "reviewed", "published")
REVIEWED_REFRESH = ("date_range", "actors", "reliability", "credibility")


@dataclass
class Finding:
    """One problem in a fact sheet: where it is and what to do about it."""

    path: Path
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{loc} {self.where}: {self.message}" if self.where else f"{loc}: {self.message}"


@dataclass
class Changes:
    """What a merge did to one sheet (for the update summary)."""

    country: str
    added: int = 0
    grown: int = 0
    refreshed: int = 0
    stale: int = 0
    revived: int = 0
    disagreements_added: int = 0
    created: bool = False
    kept: list[str] = field(default_factory=list)  # ids whose analyst fields were kept

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.added
            or self.grown
            or self.refreshed
            or self.stale
            or self.revived
            or self.disagreements_added
        )


def sheet_path(data_dir: Path | str, country: str) -> Path:
    """data/factsheets/<cc>.yaml for an alpha-2 code."""
    return Path(data_dir) / SHEET_DIR / f"{country.lower()}.yaml"


def list_sheets(data_dir: Path | str) -> list[Path]:
    """Every fact-sheet file in the data directory, sorted."""
    folder = Path(data_dir) / SHEET_DIR
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def fingerprint(value: Any) -> str:
    """A short, stable hash of a YAML value (what the tool proposed)."""
    plain = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()[:8]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


# --------------------------------------------------------------------------- reading


def read_tree(path: Path) -> CommentedMap:
    """Parse a fact sheet, keeping comments. Raises SheetError with file:line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{path}: cannot read ({exc.strerror}); check the path") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    try:
        # Aliases are refused before the tree is built: nested ones expand exponentially
        # ("billion laughs") once validation walks the tree. The tool never writes them.
        for event in _yaml().parse(text):
            if isinstance(event, AliasEvent):
                line = event.start_mark.line + 1
                raise SheetError(
                    f"{path}:{line}: YAML alias *{event.anchor} is not allowed in "
                    "a fact sheet; write the value out in full; the file was not "
                    "changed"
                )
        tree = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = "fix the YAML there (indentation, quoting, duplicate keys); the file was not changed"
        raise SheetError(f"{path}{line}: {problem}; {hint}") from None
    except YAMLError as exc:
        raise SheetError(f"{path}: invalid YAML ({exc}); the file was not changed") from None
    if not isinstance(tree, CommentedMap):
        raise SheetError(
            f"{path}:1: a fact sheet is a YAML mapping with schema_version, country, events"
        )
    return tree


def _line_of(tree: Any, path: Iterable[Any]) -> int | None:
    """1-based line of the node at ``path`` in a ruamel tree (nearest known ancestor)."""
    line = None
    node = tree
    for part in path:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
            else:
                break
            node = node[part]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _where(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_SCHEMA: dict | None = None


def schema() -> dict:
    """The JSON Schema of a fact sheet (briefgen/schemas/factsheet.schema.json)."""
    global _SCHEMA
    if _SCHEMA is None:
        text = (resources.files("briefgen") / "schemas" / "factsheet.schema.json").read_text(
            "utf-8"
        )
        _SCHEMA = json.loads(text)
    return _SCHEMA


def validate_tree(tree: CommentedMap, path: Path) -> list[Finding]:
    """Schema and cross-reference findings for a parsed sheet (empty when valid)."""
    from jsonschema import Draft202012Validator

    findings = []
    validator = Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(_plain(tree)), key=lambda e: list(map(str, e.path))):
        loc = list(error.path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            loc += [k for k in error.instance if k not in allowed][:1]  # point at the stray key
        findings.append(Finding(path, _line_of(tree, loc), _where(loc), _schema_hint(error)))
    if findings:
        return findings  # cross-references need a well-formed sheet

    expected = path.stem.upper()
    if str(tree["country"]) != expected and len(path.stem) == 2:
        findings.append(
            Finding(
                path,
                _line_of(tree, ["country"]),
                "country",
                f"{tree['country']} does not match the file name; rename the file "
                f"to {str(tree['country']).lower()}.yaml or fix the code",
            )
        )
    seen: dict[str, int] = {}
    for i, event in enumerate(tree.get("events") or []):
        if event["id"] in seen:
            findings.append(
                Finding(
                    path,
                    _line_of(tree, ["events", i, "id"]),
                    f"events[{i}].id",
                    f"duplicate id {event['id']} (also events[{seen[event['id']]}]); "
                    "give each event its own id",
                )
            )
        seen.setdefault(event["id"], i)
        for j, ev in enumerate(event["evidence"]):
            if ev["end"] <= ev["start"]:
                findings.append(
                    Finding(
                        path,
                        _line_of(tree, ["events", i, "evidence", j]),
                        f"events[{i}].evidence[{j}]",
                        "end must be greater than start",
                    )
                )
    for i, judgment in enumerate(tree.get("key_judgments") or []):
        for j, ref in enumerate(judgment.get("events") or []):
            if ref not in seen:
                findings.append(
                    Finding(
                        path,
                        _line_of(tree, ["key_judgments", i, "events", j]),
                        f"key_judgments[{i}].events[{j}]",
                        f"no event with id {ref}; cite an id from events",
                    )
                )
    return findings


def _schema_hint(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message}; remove it or check its spelling (see docs/factsheets.md)"
    if error.validator == "required":
        return f"{error.message}; add it"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    names = [p for p in error.path if isinstance(p, str)]
    if names and names[-1] in DATE_FIELDS and error.validator in ("pattern", "anyOf", "type"):
        return f"{error.instance!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (quoted)"
    return error.message


def check_quotes(tree: CommentedMap, path: Path, texts: dict[str, str]) -> list[Finding]:
    """Findings for quotes that no longer match their document's clean text."""
    findings = []
    for section, items_key in (("events", "evidence"), ("disagreements", "claims")):
        for i, item in enumerate(tree.get(section) or []):
            for j, ev in enumerate(item.get(items_key) or []):
                where = f"{section}[{i}].{items_key}[{j}]"
                line = _line_of(tree, [section, i, items_key, j])
                text = texts.get(ev["doc"])
                if text is None:
                    findings.append(
                        Finding(
                            path,
                            line,
                            where,
                            f"document {ev['doc']} is not in the corpus; restore it "
                            "or set the event's status to rejected",
                        )
                    )
                elif text[ev["start"] : ev["end"]] != ev["quote"]:
                    hint = "the quote moved" if ev["quote"] in text else "not found in the document"
                    findings.append(
                        Finding(
                            path,
                            line,
                            where,
                            f"quote does not match {ev['doc']}[{ev['start']}:{ev['end']}] "
                            f"({hint}); run `briefgen update` or fix the quote",
                        )
                    )
    return findings


def sheet_from_tree(tree: CommentedMap) -> FactSheet:
    """Build the model from a validated tree."""
    return FactSheet.from_dict(tree)


def load_sheet(path: Path) -> FactSheet:
    """Read and validate one fact sheet. Raises SheetError listing every finding."""
    tree = read_tree(path)
    findings = validate_tree(tree, path)
    if findings:
        raise SheetError("\n".join(str(f) for f in findings))
    return sheet_from_tree(tree)


def check_sheets(paths: Iterable[Path], texts: dict[str, str] | None = None) -> list[Finding]:
    """Validate sheets (and, given corpus texts, their quotes). Unparseable → SheetError."""
    findings: list[Finding] = []
    for path in paths:
        tree = read_tree(path)
        found = validate_tree(tree, path)
        if "power" not in tree:  # it would render as the default power's
            found.append(
                Finding(
                    path,
                    1,
                    "power",
                    "missing: the sheet does not say whose "
                    "engagement it records; add e.g. `power: Russia`",
                )
            )
        if "region" not in tree:
            log.warning(
                "%s: no region recorded; add e.g. `region: latin_america` (the next "
                "update writes it)",
                path,
            )
        if not found and texts is not None:
            found = check_quotes(tree, path, texts)
        findings.extend(found)
    return findings


# --------------------------------------------------------------------------- writing


def _to_tree(value: Any) -> Any:
    """A model's plain dicts and lists as ruamel nodes (which keep comments later)."""
    if isinstance(value, dict):
        return CommentedMap((k, _to_tree(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_to_tree(v) for v in value)
    return value


def _quote_map(quote: Quote | Claim) -> CommentedMap:
    return _to_tree(quote.to_dict())


def _tool_values(event: Event) -> dict[str, Any]:
    entry = event.to_dict()
    return {k: entry.get(k) for k in TOOL_FIELDS}


_Proposal = TypeVar("_Proposal", Event, Disagreement)


def _proposed(item: _Proposal) -> _Proposal:
    """``item`` with fingerprints of what the tool proposes (see ``_refresh``)."""
    if isinstance(item, Event):
        values = _tool_values(item)
    else:
        values = {"topic": item.topic}
    return replace(item, generated={k: fingerprint(v) for k, v in values.items()})


def event_to_map(event: Event) -> CommentedMap:
    """A new event entry as the tool proposes it (status as given, usually proposed)."""
    return _to_tree(_proposed(event).to_dict())


def disagreement_to_map(d: Disagreement) -> CommentedMap:
    return _to_tree(_proposed(d).to_dict())


def source_to_map(source: Source) -> CommentedMap:
    return _to_tree(source.to_dict())


def sheet_to_tree(sheet: FactSheet) -> CommentedMap:
    """A complete new tree for a sheet, in canonical order."""
    canonical = replace(
        sheet,
        schema_version=SCHEMA_VERSION,
        events=[_proposed(e) for e in _canonical_events(sheet.events)],
        disagreements=[_proposed(d) for d in sheet.disagreements],
    )
    tree = _to_tree(canonical.to_dict())
    from briefgen.countries import country_name

    tree.yaml_set_start_comment(HEADER.format(country=country_name(sheet.country)))
    return tree


def _canonical_events(events: Iterable[Event]) -> list[Event]:
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(events, key=lambda e: (order.get(e.category, 9), e.date or "9999", e.id))


def dump_tree(tree: CommentedMap) -> str:
    buf = io.StringIO()
    _yaml().dump(tree, buf)
    return buf.getvalue()


def save_tree(path: Path, tree: CommentedMap) -> None:
    """Validate, then write atomically. An invalid tree is never written."""
    findings = validate_tree(tree, path)
    if findings:
        raise BriefgenError("refusing to write an invalid sheet:\n" + "\n".join(map(str, findings)))
    write_atomic(path, dump_tree(tree))


@contextlib.contextmanager
def data_lock(data_dir: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold the data directory's lock: one ``briefgen update`` at a time."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_NAME, "a+") as handle:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    log.warning("%s: another briefgen update holds the lock; waiting", data_dir)
                    waited = True
                if time.monotonic() > deadline:
                    raise BriefgenError(
                        f"{data_dir / LOCK_NAME}: another briefgen update has held the lock for "
                        f"{timeout:.0f}s; wait for it to finish and try again"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- merging


def _evidence_keys(items: Iterable[Any]) -> set[tuple[str, int, int]]:
    return {(str(q["doc"]), int(q["start"]), int(q["end"])) for q in items}


def _overlaps(keys: set[tuple[str, int, int]], quotes: Iterable[Quote]) -> bool:
    for q in quotes:
        for doc, start, end in keys:
            if doc == q.doc and start < q.end and q.start < end:
                return True
    return False


def _refresh(entry: CommentedMap, values: dict[str, Any], allowed: Iterable[str]) -> bool:
    """Set each allowed field to its new proposal when the old proposal is untouched."""
    generated = entry.setdefault("generated", CommentedMap())
    changed = False
    for key in allowed:
        new = values[key]
        current = entry.get(key)
        untouched = generated.get(key) == fingerprint(current) or (key not in entry)
        if not untouched:
            # The analyst's value: keep it, and remember it is theirs even if they later
            # type back what the tool once proposed.
            if key in generated:
                generated[key] = ANALYST_MARK
            continue
        if fingerprint(current) != fingerprint(new):
            if new is None and key == "date_range":
                entry.pop(key, None)
            else:
                entry[key] = new
            changed = True
        generated[key] = fingerprint(new)
    return changed


def merge_sheet(
    tree: CommentedMap,
    events: list[Event],
    disagreements: list[Disagreement],
    sources: dict[str, Source],
) -> Changes:
    """Merge the pipeline's proposals for one country into its sheet tree, in place.

    Args:
        tree (CommentedMap): the sheet as read (or a new one from sheet_to_tree).
        events (list[Event]): this run's reconciled events for the country.
        disagreements (list[Disagreement]): this run's disagreements for the country.
        sources (dict[str, Source]): bibliographic entries of the corpus documents.
    RETURNS (Changes): counts of what changed.
    """
    changes = Changes(country=str(tree["country"]))
    entries = tree.setdefault("events", CommentedSeq())
    matched: set[int] = set()
    for event in events:
        index = next(
            (
                i
                for i, e in enumerate(entries)
                if e["id"] == event.id and e["category"] == event.category
            ),
            None,
        )
        if index is None:  # the same event under another id: shared evidence
            index = next(
                (
                    i
                    for i, e in enumerate(entries)
                    if i not in matched
                    and e["category"] == event.category
                    and _overlaps(_evidence_keys(e["evidence"]), event.evidence)
                ),
                None,
            )
        if index is None:
            entries.append(event_to_map(event))
            matched.add(len(entries) - 1)
            changes.added += 1
            continue
        matched.add(index)
        entry = entries[index]
        have = _evidence_keys(entry["evidence"])
        new_quotes = [q for q in event.evidence if (q.doc, q.start, q.end) not in have]
        for quote in new_quotes:
            entry["evidence"].append(_quote_map(quote))
        changes.grown += bool(new_quotes)
        if entry.get("stale"):
            del entry["stale"]
            changes.revived += 1
        reviewed = entry["status"] != "proposed"
        allowed = REVIEWED_REFRESH if reviewed else TOOL_FIELDS
        if reviewed or any(
            entry.get("generated", {}).get(k) != fingerprint(entry.get(k))
            for k in ANALYST_FIELDS
            if k in entry.get("generated", {})
        ):
            changes.kept.append(str(entry["id"]))
        changes.refreshed += _refresh(entry, _tool_values(event), allowed)
    for i, entry in enumerate(entries):
        if i not in matched and not entry.get("stale"):
            entry["stale"] = True
            changes.stale += 1

    found = tree.setdefault("disagreements", CommentedSeq())
    for d in disagreements:
        index = next((i for i, e in enumerate(found) if e["id"] == d.id), None)
        if index is None:
            index = next(
                (
                    i
                    for i, e in enumerate(found)
                    if e["kind"] == d.kind
                    and _overlaps(_evidence_keys(e["claims"]), [c.quote for c in d.claims])
                ),
                None,
            )
        if index is None:
            found.append(disagreement_to_map(d))
            changes.disagreements_added += 1
            continue
        entry = found[index]
        have = _evidence_keys(entry["claims"])
        for claim in d.claims:
            if (claim.quote.doc, claim.quote.start, claim.quote.end) not in have:
                entry["claims"].append(_quote_map(claim))

    known = tree.setdefault("sources", CommentedMap())
    cited = {str(q["doc"]) for e in entries for q in e["evidence"]}
    cited |= {str(q["doc"]) for e in found for q in e["claims"]}
    for doc in sorted(cited):
        if doc not in known and doc in sources:
            known[doc] = source_to_map(sources[doc])
        elif doc in sources and sources[doc].sha256:
            if known[doc].get("sha256") != sources[doc].sha256:
                known[doc]["sha256"] = sources[doc].sha256  # the tool's: the text read
    return changes


def new_tree(country: str, power: str, region: str | None = None) -> CommentedMap:
    return sheet_to_tree(FactSheet(country=country, power=power, region=region))


def _record_region(tree: CommentedMap, region: str | None) -> None:
    """Write the run's region into a sheet that has none yet (right after ``power``)."""
    if region and "region" not in tree:
        keys = list(tree)
        tree.insert(keys.index("power") + 1 if "power" in keys else len(keys), "region", region)


def update_sheets(
    data_dir: Path,
    events: list[Event],
    disagreements: list[Disagreement],
    sources: dict[str, Source],
    *,
    power: str = DEFAULT_POWER_NAME,
    region: str | None = None,
    countries: Iterable[str] | None = None,
    dry_run: bool = False,
) -> list[Changes]:
    """Merge a pipeline run into data_dir's fact sheets, one country at a time.

    Countries default to every country the run found plus every existing sheet (so
    events that vanished are marked stale). Sheets are read under the data lock and
    written atomically; a sheet that cannot be parsed raises SheetError before any
    write.
    """
    data_dir = Path(data_dir)
    wanted = {c.upper() for c in countries} if countries is not None else None
    with data_lock(data_dir):
        codes = {e.country for e in events} | {d.country for d in disagreements}
        codes |= {p.stem.upper() for p in list_sheets(data_dir)}
        if wanted is not None:
            codes &= wanted
            codes |= wanted
        plans = []
        for code in sorted(codes):
            path = sheet_path(data_dir, code)
            tree = read_tree(path) if path.exists() else None
            if tree is not None:
                findings = validate_tree(tree, path)
                if findings:
                    raise SheetError(
                        "\n".join(map(str, findings))
                        + f"\n{path}: fix these first; nothing was updated"
                    )
            plans.append((code, path, tree))
        results = []
        for code, path, found in plans:
            created = found is None
            tree = new_tree(code, power, region) if found is None else found
            recorded = not created and region is not None and "region" not in tree
            _record_region(tree, region)
            changes = merge_sheet(
                tree,
                [e for e in events if e.country == code],
                [d for d in disagreements if d.country == code],
                sources,
            )
            changes.created = created
            if created and not (tree["events"] or tree["disagreements"]):
                continue  # nothing to say about this country
            if (changes.changed or recorded) and not dry_run:
                save_tree(path, tree)
            results.append(changes)
        return results
