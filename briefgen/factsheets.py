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
import dataclasses
import difflib
import hashlib
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from briefgen.errors import BriefgenError, SheetError, io_message
from briefgen.files import write_atomic
from briefgen.models import (
    DEFAULT_POWER_NAME,
    SCHEMA_VERSION,
    Claim,
    Disagreement,
    Event,
    FactSheet,
    Quote,
    Source,
)
from briefgen.yamlio import YamlError, check_yaml

log = logging.getLogger("briefgen.factsheets")

SHEET_DIR = "factsheets"
#: Largest fact sheet read, in bytes (the shipped ones are under 100 KB).
MAX_SHEET_BYTES = 20_000_000
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
    claims_added: int = 0
    reanchored: int = 0  # quotes moved to where their words now are (or duplicates dropped)
    created: bool = False
    kept: list[str] = field(default_factory=list)  # ids whose analyst fields were kept
    stale_events: list[tuple[str, str]] = field(default_factory=list)  # (title, status)
    reviewed: int = 0  # reviewed events in the sheet before the merge (not stale)

    @property
    def stale_reviewed(self) -> list[str]:
        """Titles of reviewed events this merge marked stale."""
        return [title for title, status in self.stale_events if status != "proposed"]

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
            or self.claims_added
            or self.reanchored
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
        # Size, depth, aliases (the tool never writes them), duplicate keys and impossible
        # dates are refused on libyaml's event stream first: ruamel's pure-Python parser
        # takes minutes on a few KB of "[" and recurses on deep nesting.
        check_yaml(text, path, what="fact sheet", max_bytes=MAX_SHEET_BYTES)
    except YamlError as exc:
        raise SheetError(f"{exc}; the file was not changed") from None
    try:
        tree = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = "fix the YAML there (indentation, quoting, duplicate keys); the file was not changed"
        raise SheetError(f"{path}{line}: {problem}; {hint}") from None
    except YAMLError as exc:
        raise SheetError(f"{path}: invalid YAML ({exc}); the file was not changed") from None
    except (ValueError, TypeError, OverflowError, IndexError, KeyError, AttributeError) as exc:
        raise SheetError(
            f"{path}: a value cannot be read ({exc}); fix or quote it; the file was not changed"
        ) from None
    if not isinstance(tree, CommentedMap):
        raise SheetError(
            f"{path}:1: a fact sheet is a YAML mapping with schema_version, country, events"
        )
    return tree


def read_header(path: Path) -> dict[str, Any]:
    """A sheet's top-level mapping, read fast (libyaml) when the file is well-formed YAML;
    otherwise read_tree's SheetError, with the line. For the keys ``update`` checks
    before any work (power, region): the round-trip parse of a large sheet takes seconds.
    """
    data = _read_plain(path)
    if data is None:
        return dict(read_tree(path))  # raises SheetError saying what is wrong, and where
    return data


def _read_plain(path: Path) -> dict[str, Any] | None:
    """A sheet's mapping as libyaml reads it (the same size, depth, alias and key checks
    as read_tree first), or None when it is not a well-formed YAML mapping."""
    import yaml

    try:
        text = path.read_bytes().decode("utf-8")
        check_yaml(text, path, what="fact sheet", max_bytes=MAX_SHEET_BYTES)
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, YamlError, yaml.YAMLError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


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
    """The JSON Schema a fact sheet is checked against: the shipped one
    (briefgen/schemas/factsheet.schema.json) with the active categories (briefgen.categories)
    as the allowed values of an event's ``category``."""
    global _SCHEMA
    if _SCHEMA is None:
        text = (resources.files("briefgen") / "schemas" / "factsheet.schema.json").read_text(
            "utf-8"
        )
        _SCHEMA = json.loads(text)
    from briefgen import categories

    names = list(categories.names())
    if _SCHEMA["$defs"]["category"].get("enum") != names:
        _SCHEMA = {**_SCHEMA, "$defs": {**_SCHEMA["$defs"], "category": {"enum": names}}}
    return _SCHEMA


def validate_tree(tree: dict, path: Path) -> list[Finding]:
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
    return findings


def check_judgments(tree: CommentedMap, path: Path) -> list[Finding]:
    """Findings for key judgments citing events that are missing, stale or rejected.

    Not a validation error (an update may have just made an event stale, and it must
    still be written): ``check`` reports them (exit 1) and ``build`` warns.
    """
    events = {str(e["id"]): e for e in tree.get("events") or [] if isinstance(e, dict)}
    findings = []
    for i, judgment in enumerate(tree.get("key_judgments") or []):
        for j, ref in enumerate(judgment.get("events") or []):
            event = events.get(str(ref))
            if event is None:
                problem = f"cites {ref}, which is not an event of this sheet; cite one of its ids"
            elif event.get("stale"):
                problem = (
                    f"cites {ref} ({event.get('title')}), which is stale (no longer in the "
                    "corpus); revise the judgment or restore the event's documents"
                )
            elif event.get("status") == "rejected":
                problem = (
                    f"cites {ref} ({event.get('title')}), which is rejected; revise the "
                    "judgment or review the event again"
                )
            else:
                continue
            findings.append(
                Finding(
                    path,
                    _line_of(tree, ["key_judgments", i, "events", j]),
                    f"key_judgments[{i}].events[{j}]",
                    problem,
                )
            )
    return findings


def check_suppressions(tree: CommentedMap, path: Path) -> list[Finding]:
    """Findings for suppressed disagreements and claims that do not say why (``note``)."""
    findings = []
    for i, d in enumerate(tree.get("disagreements") or []):
        items = [([i], d)] + [([i, "claims", j], c) for j, c in enumerate(d.get("claims") or [])]
        for loc, item in items:
            if item.get("suppressed") and not str(item.get("note") or "").strip():
                where = _where(["disagreements", *loc])
                findings.append(
                    Finding(
                        path,
                        _line_of(tree, ["disagreements", *loc]),
                        where,
                        "suppressed without a note; say why in `note:` (it is kept for the "
                        "next reviewer)",
                    )
                )
    return findings


def judgment_findings(path: Path) -> list[Finding]:
    """check_judgments for a sheet file; empty when it cannot be read or is invalid (the
    build reports that itself)."""
    try:
        tree = read_tree(path)
    except SheetError:
        return []
    return [] if validate_tree(tree, path) else check_judgments(tree, path)


def _schema_hint(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message}; remove it or check its spelling (see docs/factsheets.md)"
    if error.validator == "required":
        return f"{error.message}; add it"
    if error.validator == "enum" and list(error.path)[-1:] == ["category"]:
        from briefgen import categories

        return categories.unknown(str(error.instance)) + " or pass its folder with --lexicons"
    if error.validator == "enum":
        options = [str(v) for v in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        return f"{error.instance!r} is not one of {', '.join(options)}{hint}"
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


def sheet_from_tree(tree: dict) -> FactSheet:
    """Build the model from a validated tree."""
    return FactSheet.from_dict(tree)


def load_sheet(path: Path) -> FactSheet:
    """Read and validate one fact sheet. Raises SheetError listing every finding.

    A sheet that is valid as libyaml reads it is built from that reading (a build reads
    sheets it never writes: ruamel's round-trip parser, which keeps comments and line
    numbers, is five times slower); any other goes through read_tree, so every problem
    is reported with its line as before.
    """
    fast = _load_valid_sheet(path)
    if fast is not None:
        return fast
    tree = read_tree(path)
    findings = validate_tree(tree, path)
    if findings:
        raise SheetError("\n".join(str(f) for f in findings))
    return sheet_from_tree(tree)


def _load_valid_sheet(path: Path) -> FactSheet | None:
    """The sheet at ``path`` when libyaml reads it as a valid sheet, else None."""
    data = _read_plain(path)
    if data is None or validate_tree(data, path):
        return None  # read_tree and validate_tree say what is wrong, with lines
    try:
        return sheet_from_tree(data)
    except (KeyError, TypeError, ValueError):
        return None


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
        if not found:
            found = check_judgments(tree, path) + check_suppressions(tree, path)
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
    from briefgen import categories

    order = {c: i for i, c in enumerate(categories.names())}
    return sorted(events, key=lambda e: (order.get(e.category, len(order)), e.date or "9999", e.id))


def dump_tree(tree: CommentedMap) -> str:
    buf = io.StringIO()
    _yaml().dump(tree, buf)
    return buf.getvalue()


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_temp(path: Path, text: str) -> str:
    """Write ``text`` to a synced temporary file beside ``path``, with ``path``'s mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _new_file_mode()  # what open() would give a new file
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)  # mkstemp gives 0600; keep the sheet's mode
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a full disk fails in write/fsync, which name no file
        raise
    return tmp


def write_all(files: Iterable[tuple[Path, str]]) -> None:
    """Write several files all or nothing: every temp file first, then the replaces.

    A failure while writing (a full disk, a read-only folder) leaves every target as it
    was. Each file keeps its mode. Raises the OSError after removing the temp files.
    """
    done: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            done.append((_write_temp(path, text), path))
        while done:
            tmp, path = done[0]
            os.replace(tmp, path)
            done.pop(0)
    except BaseException:
        for tmp, _path in done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


_TEMP_NAME = re.compile(r"^\.[^/]+\.yaml\.[A-Za-z0-9_.]+\.tmp$")


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Remove temp files that interrupted writes left in factsheets/ (call under data_lock).

    RETURNS (list[Path]): the files removed.
    """
    folder = Path(data_dir) / SHEET_DIR
    removed = []
    if folder.is_dir():
        for path in folder.iterdir():
            if _TEMP_NAME.match(path.name) and path.is_file():
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    for path in removed:
        log.info("%s: removed a temp file left by an interrupted write", path)
    return removed


def save_tree(path: Path, tree: CommentedMap) -> None:
    """Validate, then write atomically. An invalid tree is never written."""
    findings = validate_tree(tree, path)
    if findings:
        raise BriefgenError("refusing to write an invalid sheet:\n" + "\n".join(map(str, findings)))
    write_atomic(path, dump_tree(tree))


@contextlib.contextmanager
def data_lock(data_dir: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold the data directory's lock: one ``briefgen update`` at a time (filelock)."""
    from filelock import FileLock, Timeout

    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(data_dir / LOCK_NAME)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("%s: another briefgen update holds the lock; waiting", data_dir)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BriefgenError(
                f"{data_dir / LOCK_NAME}: another briefgen update has held the lock for "
                f"{timeout:.0f}s; wait for it to finish and try again"
            ) from None
    try:
        yield
    finally:
        lock.release()


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


def _quote_hash(doc: Any, text: Any) -> str:
    """A short hash of a quote by document and words (offsets change when a text moves)."""
    words = " ".join(str(text).split())
    return hashlib.sha1(f"{doc}\x1f{words}".encode()).hexdigest()[:8]


def _proposed_record(entry: CommentedMap, key: str) -> set[str]:
    """Hashes of the quotes the tool has proposed for this entry (``generated.<key>``)."""
    raw = (entry.get("generated") or {}).get(key)
    return set(str(raw).split()) if raw else set()


def _merge_quotes(entry: CommentedMap, key: str, proposals: list[Quote | Claim]) -> tuple[int, int]:
    """Merge proposed quotes into ``entry[key]`` (evidence or claims), in place.

    A proposal already there (same document and offsets) is kept; one whose words are
    there at other offsets re-anchors that item (the document moved; never a second copy);
    one the tool proposed before that is no longer there was deleted by the analyst and
    stays deleted (``generated.<key>`` records what the tool proposed); anything else is
    added. RETURNS (tuple[int, int]): quotes added, quotes re-anchored.
    """
    items = entry[key]
    record = _proposed_record(entry, key)
    had_record = bool(record)
    if not had_record:  # a sheet from before the record: what it holds was proposed
        record = {_quote_hash(q["doc"], q["quote"]) for q in items}
    exact = {(str(q["doc"]), int(q["start"]), int(q["end"])) for q in items}
    wanted = {(p.doc, p.start, p.end) for p in (_as_quote(x) for x in proposals)}
    added = moved = 0
    for proposal in proposals:
        quote = _as_quote(proposal)
        digest = _quote_hash(quote.doc, quote.text)
        if (quote.doc, quote.start, quote.end) in exact:
            record.add(digest)
            continue
        same = next(
            (
                q
                for q in items
                if str(q["doc"]) == quote.doc
                and str(q["quote"]) == quote.text
                and (str(q["doc"]), int(q["start"]), int(q["end"])) not in wanted
            ),
            None,
        )
        if same is not None:
            same["start"], same["end"] = quote.start, quote.end
            exact.add((quote.doc, quote.start, quote.end))
            moved += 1
        elif digest in record:
            continue  # proposed before, deleted by the analyst since
        else:
            items.append(_quote_map(proposal))
            exact.add((quote.doc, quote.start, quote.end))
            added += 1
        record.add(digest)
    if added or moved or had_record:
        text = " ".join(sorted(record))
        generated = entry.setdefault("generated", CommentedMap())
        if generated.get(key) != text:
            generated[key] = text
    return added, moved


def _as_quote(item: Quote | Claim) -> Quote:
    return item.quote if isinstance(item, Claim) else item


def reanchor_quotes(tree: CommentedMap, texts: dict[str, str]) -> int:
    """Move each quote whose document changed to where its words now are, in place.

    A line inserted at the top of a document shifts every offset below it: the quote is
    found again (the occurrence nearest its old offset) and its offsets replaced; exact
    duplicates that this leaves inside one entry (a sheet written by an older version
    kept both copies) are removed. Quotes not found stay as they are (``check`` reports
    them). RETURNS (int): quotes moved or removed as duplicates.
    """
    changed = 0
    for section, key in (("events", "evidence"), ("disagreements", "claims")):
        for item in tree.get(section) or []:
            quotes = item.get(key) or []
            for q in quotes:
                text = texts.get(str(q["doc"]))
                start, end, words = int(q["start"]), int(q["end"]), str(q["quote"])
                if text is None or text[start:end] == words:
                    continue
                found = _nearest(text, words, start)
                if found is not None:
                    q["start"], q["end"] = found, found + len(words)
                    changed += 1
            seen: set[tuple[str, int, int]] = set()
            for i in reversed(range(len(quotes))):
                q = quotes[i]
                where = (str(q["doc"]), int(q["start"]), int(q["end"]))
                if where in seen and len(quotes) > 1:
                    del quotes[i]
                    changed += 1
                seen.add(where)
    return changed


def _nearest(text: str, words: str, near: int) -> int | None:
    best = None
    at = text.find(words)
    while at >= 0:
        if best is None or abs(at - near) < abs(best - near):
            best = at
        if at > near:
            break
        at = text.find(words, at + 1)
    return best


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
    _merge_events(entries, events, changes)
    found = tree.setdefault("disagreements", CommentedSeq())
    _merge_disagreements(found, disagreements, changes)
    _merge_sources(tree.setdefault("sources", CommentedMap()), entries, found, sources)
    return changes


def _match_event(entries: CommentedSeq, event: Event, matched: set[int]) -> int | None:
    """Index of the sheet entry that is ``event`` (None for a new event)."""
    # By id first, whatever the category: the analyst may have changed it (the
    # category is theirs; only a proposal's is the tool's).
    index = next((i for i, e in enumerate(entries) if e["id"] == event.id), None)
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
    return index


def _merge_events(entries: CommentedSeq, events: list[Event], changes: Changes) -> None:
    """Add new events, merge known ones and mark the vanished ones stale, in place."""
    matched: set[int] = set()
    for event in events:
        index = _match_event(entries, event, matched)
        if index is None:
            entry = event_to_map(event)
            entry["generated"]["evidence"] = " ".join(
                sorted({_quote_hash(q.doc, q.text) for q in event.evidence})
            )
            entries.append(entry)
            matched.add(len(entries) - 1)
            changes.added += 1
            continue
        matched.add(index)
        _merge_event(entries[index], event, changes)
    for i, entry in enumerate(entries):
        if i not in matched and not entry.get("stale"):
            entry["stale"] = True
            changes.stale += 1
            changes.stale_events.append((str(entry["title"]), str(entry["status"])))


def _merge_event(entry: CommentedMap, event: Event, changes: Changes) -> None:
    """Grow a known entry's evidence, revive it, refresh the fields still the tool's."""
    added, moved = _merge_quotes(entry, "evidence", list(event.evidence))
    changes.grown += bool(added)
    changes.reanchored += moved
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


def _match_disagreement(found: CommentedSeq, d: Disagreement) -> int | None:
    """Index of the sheet entry that is ``d``: same id, or same kind and shared claims."""
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
    return index


def _merge_disagreements(
    found: CommentedSeq, disagreements: list[Disagreement], changes: Changes
) -> None:
    """Add new disagreements and grow the claims of known ones, in place."""
    for d in disagreements:
        index = _match_disagreement(found, d)
        if index is None:
            entry = disagreement_to_map(d)
            entry["generated"]["claims"] = " ".join(
                sorted({_quote_hash(c.quote.doc, c.quote.text) for c in d.claims})
            )
            found.append(entry)
            changes.disagreements_added += 1
            continue
        # Suppressed claims and disagreements stay in the sheet as they are: a claim the
        # analyst suppressed or deleted is not added back.
        added, moved = _merge_quotes(found[index], "claims", list(d.claims))
        changes.claims_added += added
        changes.reanchored += moved


def _merge_sources(
    known: CommentedMap,
    entries: CommentedSeq,
    found: CommentedSeq,
    sources: dict[str, Source],
) -> None:
    """Add a source entry for each newly cited document; record changed content hashes."""
    cited = {str(q["doc"]) for e in entries for q in e["evidence"]}
    cited |= {str(q["doc"]) for e in found for q in e["claims"]}
    for doc in sorted(cited):
        if doc not in known and doc in sources:
            known[doc] = source_to_map(sources[doc])
        elif doc in sources and sources[doc].sha256:
            if known[doc].get("sha256") != sources[doc].sha256:
                known[doc]["sha256"] = sources[doc].sha256  # the tool's: the text read


def new_tree(country: str, power: str, region: str | None = None) -> CommentedMap:
    return sheet_to_tree(FactSheet(country=country, power=power, region=region))


def _record_region(tree: CommentedMap, region: str | None) -> None:
    """Write the run's region into a sheet that has none yet (right after ``power``)."""
    if region and "region" not in tree:
        keys = list(tree)
        tree.insert(keys.index("power") + 1 if "power" in keys else len(keys), "region", region)


#: An update that would mark more than this share of the reviewed events stale stops
#: and asks for --allow-stale (so does one that would take all of a country's).
STALE_SHARE = 1 / 3


class StaleGuardError(BriefgenError):
    """An update would hide much analyst-reviewed work at once: nothing was written."""


def _claimed_country(path: Path) -> str | None:
    """The ``country:`` a sheet file states (a light read: no YAML parse)."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _COUNTRY_LINE.search(head)
    if match:
        return match.group(1).upper()
    return path.stem.upper() if len(path.stem) == 2 else None


_COUNTRY_LINE = re.compile(
    r"""^country:[ \t]*["']?([A-Za-z]{2})["']?[ \t]*(?:#.*)?$""", re.MULTILINE
)


def duplicate_sheets(paths: Iterable[Path]) -> list[Finding]:
    """Findings for two or more sheet files that claim one country (one sheet per country)."""
    claims: dict[str, list[Path]] = {}
    for path in paths:
        code = _claimed_country(path)
        if code is not None:
            claims.setdefault(code, []).append(path)
    findings = []
    for code, files in sorted(claims.items()):
        if len(files) > 1:
            names = " and ".join(str(p) for p in files)
            keep = sheet_path(files[0].parent.parent, code).name
            findings.append(
                Finding(
                    files[-1],
                    None,
                    "country",
                    f"{names} both claim {code}; keep one sheet per country ({keep}) and "
                    "move or delete the other",
                )
            )
    return findings


def check_one_sheet_per_country(paths: Iterable[Path]) -> None:
    """Raise SheetError (exit 2) naming the files when two sheets claim one country."""
    findings = duplicate_sheets(paths)
    if findings:
        raise SheetError("\n".join(str(f) for f in findings))


def sheet_index(data_dir: Path | str) -> dict[str, Path]:
    """Country code → its sheet file in data_dir. Raises SheetError on two files for one."""
    paths = list_sheets(data_dir)
    check_one_sheet_per_country(paths)
    index = {}
    for path in paths:
        code = _claimed_country(path) or path.stem.upper()
        index[code] = path
    return index


def _stale_guard(results: list[Changes], documents: int | None) -> str | None:
    """Why this update must not go ahead without --allow-stale (None when it may)."""
    reviewed = sum(c.reviewed for c in results)
    lost = [(c, c.stale_reviewed) for c in results if c.stale_reviewed]
    total = sum(len(titles) for _c, titles in lost)
    if documents == 0 and any(c.reviewed or c.stale for c in results):
        reason = "the corpus has no readable document"
    elif total and total > STALE_SHARE * reviewed:
        reason = f"{total} of {reviewed} reviewed events would be marked stale"
    elif any(c.reviewed and len(titles) >= c.reviewed for c, titles in lost):
        countries = [c.country for c, titles in lost if len(titles) >= c.reviewed]
        reason = f"every reviewed event of {', '.join(countries)} would be marked stale"
    else:
        return None
    lines = [f"{reason}; nothing was written."]
    for c, titles in lost:
        more = f"; and {len(titles) - 5} more" if len(titles) > 5 else ""
        lines.append(
            f"  {c.country.lower()}: {len(titles)} of {c.reviewed} reviewed stale: "
            + "; ".join(titles[:5])
            + more
        )
    lines.append(
        "Check --corpus (is it the whole corpus?); if these events really left it, run again "
        "with --allow-stale"
    )
    return "\n".join(lines)


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
    allow_stale: bool = False,
    documents: int | None = None,
    texts: dict[str, str] | None = None,
    state_dir: Path | None = None,
) -> list[Changes]:
    """Merge a pipeline run into data_dir's fact sheets: every sheet or none.

    Countries default to every country the run found plus every existing sheet (so
    events that vanished are marked stale). Under the data lock, every sheet is read,
    validated, merged and validated again before any is written; then all are written
    (temp files first, then the replaces), each keeping its file mode. Temp files that an
    interrupted write left behind are removed first.

    allow_stale (bool): go ahead even when the merge would mark more than STALE_SHARE
        of the reviewed events stale, all of one country's, or the corpus is empty.
    documents (int | None): how many documents the corpus gave (0 → the guard above).
    texts (dict[str, str] | None): the corpus's clean texts by document id; quotes that
        moved in them are re-anchored first (``reanchor_quotes``).
    state_dir (Path | None): where to remember, per sheet, the file the last update left
        and what it merged into it (``UpdateState``): a sheet whose file and inputs are
        both the same again is not read at all (merging is idempotent). None: read all.
    RETURNS (list[Changes]). Raises SheetError (unreadable or invalid sheets, two sheets
    for one country), StaleGuardError, or BriefgenError naming the file on I/O errors.
    """
    data_dir = Path(data_dir)
    wanted = {c.upper() for c in countries} if countries is not None else None
    with data_lock(data_dir):
        remove_stale_temp_files(data_dir)
        existing = sheet_index(data_dir)
        codes = _update_codes(existing, events, disagreements, wanted)
        state = UpdateState(state_dir, data_dir) if state_dir is not None else None
        inputs = {
            code: _MergeInput(code, events, disagreements, sources, texts, power, region)
            for code in codes
        }
        unchanged = state.unchanged(existing, inputs) if state is not None else {}
        results, writes, trees = _merge_sheets(
            _read_sheets(data_dir, existing, [c for c in codes if c not in unchanged]), inputs
        )
        results = sorted([*results, *unchanged.values()], key=lambda c: codes.index(c.country))
        refusal = _stale_guard(results, documents)
        if refusal and not allow_stale:
            if dry_run:
                log.warning("%s", refusal)
            else:
                raise StaleGuardError(refusal)
        if dry_run:
            return results
        _write_sheets(writes)
        if state is not None:
            state.record(results, inputs, trees)
        return results


@dataclass
class _MergeInput:
    """What one country's merge reads from a run (besides its sheet)."""

    code: str
    events: list[Event]
    disagreements: list[Disagreement]
    sources: dict[str, Source]
    texts: dict[str, str] | None
    power: str
    region: str | None

    def __post_init__(self) -> None:
        self.events = [e for e in self.events if e.country == self.code]
        self.disagreements = [d for d in self.disagreements if d.country == self.code]

    def docs(self) -> set[str]:
        """The documents the run's proposals for this country quote."""
        found = {q.doc for e in self.events for q in e.evidence}
        return found | {c.quote.doc for d in self.disagreements for c in d.claims}

    def key(self, sheet_docs: Iterable[str]) -> str:
        """A hash of everything the merge reads: the proposals, the power and region, and
        for every document the sheet or the proposals quote, its source and its text."""
        docs = sorted(self.docs() | set(sheet_docs))
        texts = self.texts
        payload = [
            _merge_version(),
            self.code,
            self.power,
            self.region,
            [dataclasses.asdict(e) for e in self.events],
            [dataclasses.asdict(d) for d in self.disagreements],
            texts is None,
            {
                doc: [
                    dataclasses.asdict(self.sources[doc]) if doc in self.sources else None,
                    hashlib.sha256(texts[doc].encode("utf-8", "surrogatepass")).hexdigest()
                    if texts is not None and doc in texts
                    else None,
                ]
                for doc in docs
            },
        ]
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=1)
def _merge_version() -> str:
    """A hash of the code that decides a merge (this module and the data model): other
    code voids every remembered "nothing to do" answer."""
    from briefgen import models

    digest = hashlib.sha256()
    for module_file in (__file__, models.__file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()


class UpdateState:
    """Per sheet: the hash of the file the last update left, the key of what it merged
    (``_MergeInput.key``), the documents the sheet quotes and its summary counts. A sheet
    whose file and inputs match is known to merge to itself (a second update changes
    nothing), so it is not read. Any edit of the file, by the analyst or anyone, makes it
    read again."""

    NAME = "update-state.json"

    def __init__(self, directory: Path, data_dir: Path) -> None:
        self.path = Path(directory) / self.NAME
        self.scope = str(Path(data_dir).resolve())
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        self.everything: dict[str, Any] = raw if isinstance(raw, dict) else {}
        found = self.everything.get(self.scope)
        self.sheets: dict[str, dict[str, Any]] = found if isinstance(found, dict) else {}
        self.skipped: set[str] = set()

    def unchanged(
        self, existing: dict[str, Path], inputs: dict[str, _MergeInput]
    ) -> dict[str, Changes]:
        """Code → the (empty) changes of each sheet that needs no reading."""
        out = {}
        for code, given in inputs.items():
            seen = self.sheets.get(code)
            path = existing.get(code)
            if not seen or path is None:
                continue
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                continue
            if digest == seen.get("file") and given.key(seen.get("docs") or []) == seen.get(
                "input"
            ):
                out[code] = Changes(
                    code, reviewed=int(seen.get("reviewed", 0)), kept=list(seen.get("kept", []))
                )
        self.skipped = set(out)
        return out

    def record(
        self,
        results: list[Changes],
        inputs: dict[str, _MergeInput],
        trees: dict[str, tuple[Path, CommentedMap]],
    ) -> None:
        """Remember every sheet this update left, from its merged tree and the bytes now
        on disk (best effort: a failure only costs a read next time)."""
        for changes in results:
            code = changes.country
            if code in self.skipped or code not in trees:
                continue  # not read this time: its file and inputs are as remembered
            path, tree = trees[code]
            try:
                raw = path.read_bytes()
            except OSError:
                self.sheets.pop(code, None)
                continue
            docs = sorted(_quoted_docs(tree))
            self.sheets[code] = {
                "file": hashlib.sha256(raw).hexdigest(),
                "input": inputs[code].key(docs) if code in inputs else None,
                "docs": docs,
                "reviewed": changes.reviewed,
                "kept": list(changes.kept),
            }
        self.everything[self.scope] = self.sheets
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.everything, sort_keys=True).encode("utf-8"))
        except OSError as exc:
            log.debug("%s: cannot remember the update (%s)", self.path, exc)


def _quoted_docs(tree: dict) -> set[str]:
    """Every document a sheet quotes or lists as a source."""
    docs = {str(q.get("doc")) for e in tree.get("events") or [] for q in e.get("evidence") or []}
    docs |= {
        str(c.get("doc")) for d in tree.get("disagreements") or [] for c in d.get("claims") or []
    }
    return docs | {str(k) for k in (tree.get("sources") or {})}


def _update_codes(
    existing: dict[str, Path],
    events: list[Event],
    disagreements: list[Disagreement],
    wanted: set[str] | None,
) -> list[str]:
    """The countries an update merges, sorted: the run's and the existing sheets', or
    exactly ``wanted`` when given."""
    codes = {e.country for e in events} | {d.country for d in disagreements}
    codes |= set(existing)
    if wanted is not None:
        codes &= wanted
        codes |= wanted
    return sorted(codes)


def _read_sheets(
    data_dir: Path, existing: dict[str, Path], codes: list[str]
) -> list[tuple[str, Path, CommentedMap | None]]:
    """(code, path, tree or None when there is no file yet) for each country.

    Raises SheetError listing every finding of every sheet when any is invalid.
    """
    plans = []
    problems: list[str] = []
    for code in codes:
        path = existing.get(code, sheet_path(data_dir, code))
        tree = read_tree(path) if path.exists() else None
        if tree is not None:
            findings = validate_tree(tree, path)
            if findings:
                problems.extend(map(str, findings))
        plans.append((code, path, tree))
    if problems:
        raise SheetError("\n".join(problems) + "\nfix these first; nothing was updated")
    return plans


def _merge_sheets(
    plans: list[tuple[str, Path, CommentedMap | None]], inputs: dict[str, _MergeInput]
) -> tuple[list[Changes], list[tuple[Path, CommentedMap]], dict[str, tuple[Path, CommentedMap]]]:
    """Merge the run into each sheet read (``_read_sheets``), in memory.

    RETURNS (tuple): the changes of each sheet kept, the (path, tree) to write, and the
    (path, tree) of every sheet merged, by country.
    """
    results = []
    writes: list[tuple[Path, CommentedMap]] = []
    trees: dict[str, tuple[Path, CommentedMap]] = {}
    for code, path, found in plans:
        given = inputs[code]
        merged = _merge_one(
            code,
            found,
            given.events,
            given.disagreements,
            given.sources,
            power=given.power,
            region=given.region,
            texts=given.texts,
        )
        if merged is None:
            continue  # nothing to say about this country
        changes, tree, write = merged
        if write:
            writes.append((path, tree))
        trees[code] = (path, tree)
        results.append(changes)
    return results, writes, trees


def _merge_one(
    code: str,
    found: CommentedMap | None,
    events: list[Event],
    disagreements: list[Disagreement],
    sources: dict[str, Source],
    *,
    power: str,
    region: str | None,
    texts: dict[str, str] | None,
) -> tuple[Changes, CommentedMap, bool] | None:
    """Merge one country's proposals into its sheet (or a new one), in place.

    RETURNS (tuple | None): the changes, the tree and whether it must be written; None
    for a new sheet that would hold nothing.
    """
    created = found is None
    tree = new_tree(code, power, region) if found is None else found
    recorded = not created and region is not None and "region" not in tree
    _record_region(tree, region)
    moved = reanchor_quotes(tree, texts) if texts and not created else 0
    reviewed = sum(
        1 for e in tree.get("events") or [] if e["status"] != "proposed" and not e.get("stale")
    )
    changes = merge_sheet(tree, events, disagreements, sources)
    changes.created = created
    changes.reviewed = reviewed
    changes.reanchored += moved
    if created and not (tree["events"] or tree["disagreements"]):
        return None
    return changes, tree, changes.changed or recorded


def _write_sheets(writes: list[tuple[Path, CommentedMap]]) -> None:
    """Validate every merged sheet, then write them all or none."""
    # Validate every sheet before writing any, so one bad sheet cannot leave the
    # others half-updated.
    problems = [str(f) for path, tree in writes for f in validate_tree(tree, path)]
    if problems:
        raise BriefgenError(
            "refusing to write invalid sheets; nothing was written:\n" + "\n".join(problems)
        )
    payloads = [(path, dump_tree(tree)) for path, tree in writes]
    try:
        write_all(payloads)
    except OSError as exc:
        raise BriefgenError(f"{io_message(exc)}; no fact sheet was changed") from None
