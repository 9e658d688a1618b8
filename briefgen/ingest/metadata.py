"""Metadata: a corpus's sources.yaml, and titles and dates found in the texts themselves.

The analyst's manifest wins field by field; what it leaves empty is taken from the
document (first line, HTML or PDF metadata, an "Updated on …" line) and such a date is
marked estimated. Date cue words and month names are data (cues/<language>.yaml).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import IngestError
from briefgen.ingest.regions import CUES_DIR
from briefgen.models import GRADES, Region, is_partial_date

log = logging.getLogger("briefgen.ingest")

MANIFEST = "sources.yaml"
MANIFEST_FIELDS = (
    "file",
    "title",
    "author",
    "publisher",
    "published",
    "date_basis",
    "kind",
    "language",
    "reliability",
    "url",
)
# A first line longer than this is a paragraph, not a title.
MAX_TITLE = 160
# Dates are looked for near the top of a text, where bylines state them.
DATE_WINDOW = 1500


# --------------------------------------------------------------------------- manifest


def read_manifest(corpus: Path | str) -> dict[str, dict[str, Any]]:
    """Read ``corpus/sources.yaml``: one entry per file, keyed by file stem.

    corpus (Path | str): the corpus directory.
    RETURNS (dict[str, dict]): entries by stem (``published`` as an ISO partial-date
        string, ``reliability`` upper case); empty when there is no sources.yaml.
    Raises IngestError naming file and line when the YAML or its structure is malformed.
    """
    path = Path(corpus) / MANIFEST
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path}: cannot read the manifest ({exc}); save it as UTF-8") from None
    try:
        # Aliases (*name) are refused before anything is built: nested ones expand
        # exponentially ("billion laughs") the moment an entry is turned into a string.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = f":{event.start_mark.line + 1}" if event.start_mark else ""
                raise IngestError(
                    f"{path}{line}: YAML alias *{event.anchor} is not "
                    "allowed in the manifest; write the value out in full"
                )
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise IngestError(
            f"{where}: malformed YAML ({problem}); check the indentation and quoting there"
        ) from None
    if data is None:
        return {}
    items = _entry_nodes(root, path)
    entries: dict[str, dict[str, Any]] = {}
    problems: list[str] = []  # every problem is reported, then ingestion stops
    for index, (node, entry) in enumerate(zip(items, data["sources"], strict=True)):
        where = f"{path}:{node.start_mark.line + 1}"
        if not isinstance(entry, dict) or not entry.get("file"):
            problems.append(f"{where}: sources[{index}] has no 'file:'; give the file name")
            continue
        entry = {k: entry.get(k) for k in MANIFEST_FIELDS}
        entry["published"] = _manifest_date(entry["published"], where, index, problems)
        grade = str(entry["reliability"] or "F").strip().upper()
        if grade not in GRADES:
            problems.append(
                f"{where}: sources[{index}].reliability {entry['reliability']!r} is not a grade; "
                f"use one of {', '.join(GRADES)}"
            )
        entry["reliability"] = grade
        stem = Path(str(entry["file"])).stem
        if stem in entries:
            problems.append(f"{where}: {entry['file']} is listed twice; keep one entry")
        entries[stem] = entry
    if problems:
        raise IngestError("\n".join(problems))
    return entries


def _entry_nodes(root: yaml.Node | None, path: Path) -> list[yaml.Node]:
    line = f"{path}:{root.start_mark.line + 1}" if root is not None else str(path)
    if not isinstance(root, yaml.MappingNode):
        raise IngestError(f"{line}: expected a mapping with a 'sources:' list")
    for key, value in root.value:
        if key.value == "sources":
            if not isinstance(value, yaml.SequenceNode):
                raise IngestError(
                    f"{path}:{value.start_mark.line + 1}: 'sources' must be a list of entries"
                )
            return list(value.value)
    raise IngestError(f"{line}: no 'sources:' list; add one entry per file")


def _manifest_date(value: Any, where: str, index: int, problems: list[str]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not is_partial_date(text):
        problems.append(
            f"{where}: sources[{index}].published {value!r} is not a date; "
            "write YYYY, YYYY-MM or YYYY-MM-DD"
        )
        return None
    return text


def is_estimated(entry: dict[str, Any]) -> bool:
    """Whether a manifest entry's date is an estimate (its date_basis says so, or is absent)."""
    basis = str(entry.get("date_basis") or "estimate").lower()
    return "estimat" in basis or "guess" in basis or "unknown" in basis


# --------------------------------------------------------------------------- from the text


@cache
def _date_cues() -> tuple[re.Pattern, dict[str, int]]:
    cue_words: list[str] = []
    months: dict[str, int] = {}
    for path in sorted(CUES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        cue_words.extend(data.get("date_cues") or [])
        months.update({str(k).lower(): int(v) for k, v in (data.get("months") or {}).items()})
    names = "|".join(sorted(map(re.escape, months), key=len, reverse=True)) or r"(?!)"
    cues = "|".join(f"(?:{c})" for c in cue_words) or r"(?!)"
    date = (
        rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
        rf"|(?P<m1>{names})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
        rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:de\s+)?(?P<m2>{names})\.?,?\s+(?:de\s+)?"
        rf"(?P<y2>\d{{4}})"
        rf"|(?P<m3>{names})\.?\s+(?P<y3>\d{{4}})"
    )
    cued = rf"\b(?:{cues})\s*:?\s*(?:on\s+)?(?:{date})\b"
    # A byline date alone on its line ("14 September 2019", "March 3, 2015 10:42").
    clock = r"(?:[,|·-]?[ \t]*\d{1,2}[:.]\d{2}\S*(?:[ \t]+\S+)?)?"
    alone = rf"^[ \t]*(?:{date})\b[ \t]*{clock}[ \t]*$"
    pattern = re.compile(f"{cued}|{alone.replace('?P<', '?P<a_')}", re.IGNORECASE | re.MULTILINE)
    return pattern, months


def find_stated_date(text: str) -> str | None:
    """The publication date a text states near its top ("Updated on December 21, 2019").

    RETURNS (str | None): an ISO partial date, or None when no cued date is found.
    """
    pattern, months = _date_cues()
    match = pattern.search(text[:DATE_WINDOW])
    if not match:
        return None
    g = {k.removeprefix("a_"): v for k, v in match.groupdict().items() if v is not None}
    g = {name: g.get(name) for name in ("iso", "m1", "d1", "y1", "m2", "d2", "y2", "m3", "y3")}
    if g["iso"]:
        return normalise_date(g["iso"])
    for m, d, y in (("m1", "d1", "y1"), ("m2", "d2", "y2"), ("m3", None, "y3")):
        if g[m]:
            month = months.get(g[m].lower().rstrip("."))
            day = int(g[d]) if d and g[d] else None
            return _iso(int(g[y]), month, day)
    return None


def normalise_date(value: Any) -> str | None:
    """An ISO partial date from a metadata value ("2019-12-21T10:00:00Z", a date, "D:2019…").

    RETURNS (str | None): YYYY, YYYY-MM or YYYY-MM-DD; None when nothing date-like is found.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    match = re.match(r"\s*(?:D:)?(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?", str(value))
    if not match:
        return None
    year, month, day = (int(x) if x else None for x in match.groups())
    assert year is not None  # the pattern requires four digits
    return _iso(year, month, day)


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    if not 1800 <= year <= 2100:
        return None
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def first_line_title(text: str, regions: list[Region] | None = None) -> str | None:
    """The first non-empty line outside boilerplate, when short enough to be a title.

    text (str): the clean text; a Markdown '#' is removed from the line.
    regions (list[Region] | None): the text's regions; boilerplate lines are passed over.
    RETURNS (str | None): the title, or None when the text opens with a paragraph.
    """
    skip = [(r.start, r.end) for r in regions or [] if r.kind == "boilerplate"]
    for match in re.finditer(r"[^\n]+", text):
        line = match.group().strip().lstrip("#").strip()
        if not line or any(start <= match.start() < end for start, end in skip):
            continue
        return line if len(line) <= MAX_TITLE else None
    return None
