"""Editions: a fact sheet's shown content → numbered editions and what changed between them.

Each recorded build of a country leaves ``DATA/editions/<cc>/<n>.json``: the edition's
number, date, a content hash and the content a reader saw (events, disagreements,
judgments: small, meant to be committed with the data). A build whose content hashes
the same as the last edition is that edition again (same number, nothing written); a
build that differs becomes edition n+1 and its briefing says what changed since
edition n. Draft builds (``--include-proposed``, a briefing not ready for release, or
``--no-edition``) record nothing: they preview the next edition's changes instead.

The date recorded is the briefing's date (SOURCE_DATE_EPOCH when set), so a
reproducible build stays reproducible; the hash ignores dates altogether.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from briefgen import categories
from briefgen.errors import BriefgenError, UsageError
from briefgen.models import FactSheet

log = logging.getLogger("briefgen.editions")

EDITION_DIR = "editions"
FORMAT_VERSION = 1


# --------------------------------------------------------------------------- content


def _when(event) -> str | None:
    if event.date_range:
        return f"{event.date_range[0]}/{event.date_range[1]}"
    return event.date


def edition_content(sheet: FactSheet, include_proposed: bool = False) -> dict[str, Any]:
    """What a reader of this sheet's briefing sees, as plain data (no dates of the build).

    RETURNS (dict): bottom line, outlook, judgments, shown events (title, category, date,
        grade, evidence spans) and shown disagreements, keyed by id.
    """
    statuses = ("accepted", "edited", "proposed") if include_proposed else ("accepted", "edited")
    events = {}
    known = categories.names()
    for e in sheet.shown_events(include_proposed):
        if e.category not in known:
            continue
        events[e.id] = {
            "title": e.title,
            "category": e.category,
            "date": _when(e),
            "grade": e.grade,
            "evidence": sorted(f"{q.doc}:{q.start}-{q.end}" for q in e.evidence),
        }
    disagreements = {
        d.id: {
            "topic": d.topic,
            "kind": d.kind,
            "claims": sorted(
                f"{c.quote.doc}:{c.quote.start}-{c.quote.end}" for c in d.shown_claims
            ),
        }
        for d in sheet.shown_disagreements(statuses)  # suppressed ones are not shown
    }
    return {
        "country": sheet.country.upper(),
        "bottom_line": sheet.bottom_line,
        "outlook": sheet.outlook,
        "key_judgments": [
            {"text": k.text, "confidence": k.confidence} for k in sheet.key_judgments
        ],
        "events": events,
        "disagreements": disagreements,
    }


def content_hash(content: dict[str, Any]) -> str:
    """sha256 of the content's canonical JSON."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- records


def editions_dir(data_dir: Path | str, country: str) -> Path:
    """DATA/editions/<cc>/."""
    return Path(data_dir) / EDITION_DIR / country.lower()


def load_editions(data_dir: Path | str, country: str) -> list[dict[str, Any]]:
    """Every recorded edition of a country, oldest first. Unreadable files → UsageError."""
    folder = editions_dir(data_dir, country)
    if not folder.is_dir():
        return []
    records = []
    for path in folder.glob("*.json"):
        if not re.fullmatch(r"[1-9]\d*", path.stem):
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            number = int(record["edition"])
            record["hash"], record["date"], record["content"]  # noqa: B018 (required keys)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(
                f"{path}: not a briefgen edition record ({exc}); restore it "
                "from version control or delete it"
            ) from None
        if number != int(path.stem):
            raise UsageError(f"{path}: records edition {number}; rename it {number}.json")
        records.append(record)
    return sorted(records, key=lambda r: int(r["edition"]))


def _date_words(iso: str) -> str:
    from briefgen.render import format_date

    return format_date(iso)


def _edition_record(
    sheet: FactSheet, number: int, date_iso: str, digest: str, content: dict[str, Any]
) -> dict[str, Any]:
    """The JSON record of a new edition, as record_edition writes it."""
    return {
        "format": FORMAT_VERSION,
        "country": sheet.country.upper(),
        "edition": number,
        "date": date_iso,
        "hash": digest,
        "content": content,
    }


def _since(previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """The edition a briefing's changes are counted from, as {number, date, date_text}."""
    if not previous:
        return None
    return {
        "number": int(previous["edition"]),
        "date": previous["date"],
        "date_text": _date_words(previous["date"]),
    }


def plan_edition(
    sheet: FactSheet,
    data_dir: Path | str,
    date_iso: str,
    *,
    include_proposed: bool = False,
    record: bool = True,
) -> dict[str, Any]:
    """Which edition a build of this sheet is, and what changed since the one before.

    sheet (FactSheet): the sheet as the build shows it.
    data_dir (Path): the data directory (DATA/editions/<cc>/ holds the records).
    date_iso (str): the build's date, recorded for a new edition.
    include_proposed (bool): a draft that shows proposals (never recorded).
    record (bool): False for a build that must record nothing (--no-edition, drafts).
    RETURNS (dict): ``number``, ``date``, ``recorded`` (True when this content is or
        will be a recorded edition), ``since`` ({number, date} or None) and ``changes``
        (see compare), plus what record_edition needs.
    """
    records = load_editions(data_dir, sheet.country)
    content = edition_content(sheet, include_proposed)
    digest = content_hash(content)
    last = records[-1] if records else None
    if last is not None and last["hash"] == digest:
        number, date, write = int(last["edition"]), last["date"], None
        previous = records[-2] if len(records) > 1 else None
        recorded = True
    else:
        number = int(last["edition"]) + 1 if last else 1
        date, previous, recorded = date_iso, last, record
        write = _edition_record(sheet, number, date_iso, digest, content) if record else None
    return {
        "country": sheet.country.upper(),
        "number": number,
        "date": date,
        "date_text": _date_words(date),
        "recorded": recorded,
        "since": _since(previous),
        "changes": compare(previous["content"], content, sheet) if previous else None,
        "_write": write,
        "_path": str(editions_dir(data_dir, sheet.country) / f"{number}.json"),
    }


def record_edition(plan: dict[str, Any]) -> Path | None:
    """Write a planned new edition (after its briefing was written). RETURNS its path.

    The file is created atomically and never overwritten: if a concurrent build wrote
    the same number first, its record stands (and a different one is reported).
    """
    record = plan.get("_write")
    if not record:
        return None
    target = Path(plan["_path"])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")
        try:
            os.link(tmp, target)  # fails if the number is taken: never overwrite an edition
        except FileExistsError:
            other = json.loads(target.read_text(encoding="utf-8"))
            if other.get("hash") != record["hash"]:
                log.warning(
                    "%s: another build recorded edition %s with other content; "
                    "rebuild to make this content the next edition",
                    target,
                    record["edition"],
                )
            return target
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    except OSError as exc:
        raise BriefgenError(
            f"{target}: cannot record the edition ({exc.strerror}); check "
            "that the data directory is writable, or pass --no-edition"
        ) from None
    return target


# --------------------------------------------------------------------------- changes


def _withdrawal(sheet: FactSheet, event_id: str) -> str:
    event = next((e for e in sheet.events if e.id == event_id), None)
    if event is None:
        return "removed from the fact sheet"
    if event.status == "rejected":
        return "rejected on review"
    if event.stale:
        return "no longer found in the corpus"
    if event.status == "proposed":
        return "back under review"
    return "withdrawn"


def _event_item(eid: str, data: dict[str, Any]) -> dict[str, Any]:
    """An event of an edition's content as a change lists it: id, title, date, category."""
    from briefgen.render import format_date

    date = data.get("date")
    shown = (
        " – ".join(format_date(d) for d in date.split("/"))
        if date and "/" in date
        else format_date(date)
    )
    return {"id": eid, "title": data["title"], "date": shown, "category": data["category"]}


def _by_category(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event changes sorted by category, then title."""
    return sorted(items, key=lambda x: (x["category"], x["title"]))


def _changed_events(old_events: dict[str, Any], new_events: dict[str, Any]) -> list[dict[str, Any]]:
    """Events in both editions whose date, grade, title or evidence changed.

    RETURNS (list[dict]): event items with ``fields`` (what changed) and ``was`` (the
        previous value of each field but evidence).
    """
    changed = []
    for eid, data in new_events.items():
        before = old_events.get(eid)
        if before is None:
            continue
        fields = [f for f in ("date", "grade", "title", "evidence") if before.get(f) != data.get(f)]
        if fields:
            item = _event_item(eid, data)
            item["fields"] = fields
            item["was"] = {f: before.get(f) for f in fields if f != "evidence"}
            if "date" in item["was"]:
                item["was"]["date"] = _event_item(eid, before)["date"]
            changed.append(item)
    return changed


def _judgment_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Key judgments added, removed, or kept with another confidence."""
    old_k = {k["text"]: k["confidence"] for k in old.get("key_judgments", [])}
    new_k = {k["text"]: k["confidence"] for k in new.get("key_judgments", [])}
    return {
        "added": [{"text": t, "confidence": c} for t, c in new_k.items() if t not in old_k],
        "removed": [{"text": t, "confidence": c} for t, c in old_k.items() if t not in new_k],
        "changed": [
            {"text": t, "confidence": c, "was": old_k[t]}
            for t, c in new_k.items()
            if t in old_k and old_k[t] != c
        ],
    }


def _change_count(changes: dict[str, Any]) -> int:
    """How many changes compare's result lists (a rewritten text counts as one)."""
    return (
        len(changes["new_events"])
        + len(changes["changed_events"])
        + len(changes["withdrawn_events"])
        + len(changes["new_disagreements"])
        + len(changes["resolved_disagreements"])
        + sum(len(v) for v in changes["judgments"].values())
        + changes["bottom_line"]
        + changes["outlook"]
    )


def compare(old: dict[str, Any], new: dict[str, Any], sheet: FactSheet) -> dict[str, Any]:
    """What changed between two editions' content.

    RETURNS (dict): ``new_events``, ``changed_events`` (with ``fields`` that changed among
        date, grade, title, evidence), ``withdrawn_events`` (with a ``reason``),
        ``new_disagreements``, ``resolved_disagreements``, ``judgments`` (added,
        removed, changed confidence), ``bottom_line``/``outlook`` (True when rewritten)
        and ``count`` (the number of changes listed).
    """
    old_events, new_events = old.get("events", {}), new.get("events", {})
    added = [_event_item(i, d) for i, d in new_events.items() if i not in old_events]
    changed = _changed_events(old_events, new_events)
    withdrawn = [
        {**_event_item(i, d), "reason": _withdrawal(sheet, i)}
        for i, d in old_events.items()
        if i not in new_events
    ]
    old_d, new_d = old.get("disagreements", {}), new.get("disagreements", {})
    result: dict[str, Any] = {
        "new_events": _by_category(added),
        "changed_events": _by_category(changed),
        "withdrawn_events": _by_category(withdrawn),
        "new_disagreements": [
            {"id": i, "topic": d["topic"]} for i, d in new_d.items() if i not in old_d
        ],
        "resolved_disagreements": [
            {"id": i, "topic": d["topic"]} for i, d in old_d.items() if i not in new_d
        ],
        "judgments": _judgment_changes(old, new),
        "bottom_line": (old.get("bottom_line") or "") != (new.get("bottom_line") or ""),
        "outlook": (old.get("outlook") or "") != (new.get("outlook") or ""),
    }
    result["count"] = _change_count(result)
    return result


FIELD_WORDS = {"date": "date", "grade": "grade", "title": "title", "evidence": "evidence"}


def change_lines(changes: dict[str, Any]) -> list[str]:
    """The changes as plain sentences, one per line (``briefgen diff``'s text output)."""
    lines = []
    for e in changes["new_events"]:
        lines.append(f"New event: {e['title']} ({e['date']})")
    for e in changes["changed_events"]:
        parts = []
        for f in e["fields"]:
            if f == "evidence":
                parts.append("evidence")
            else:
                parts.append(f"{f} (was {e['was'][f]})")
        lines.append(f"Changed: {e['title']}: {', '.join(parts)}")
    for e in changes["withdrawn_events"]:
        lines.append(f"Withdrawn: {e['title']} ({e['reason']})")
    for d in changes["new_disagreements"]:
        lines.append(f"New disagreement: {d['topic']}")
    for d in changes["resolved_disagreements"]:
        lines.append(f"Disagreement no longer shown: {d['topic']}")
    for k in changes["judgments"]["added"]:
        lines.append(f"New key judgment ({k['confidence']} confidence): {k['text']}")
    for k in changes["judgments"]["removed"]:
        lines.append(f"Key judgment withdrawn: {k['text']}")
    for k in changes["judgments"]["changed"]:
        lines.append(f"Key judgment now {k['confidence']} confidence (was {k['was']}): {k['text']}")
    if changes["bottom_line"]:
        lines.append("Bottom line rewritten")
    if changes["outlook"]:
        lines.append("Outlook rewritten")
    return lines


def diff_sheet(sheet: FactSheet, data_dir: Path | str, since: int | None = None) -> dict[str, Any]:
    """What changed in a sheet's shown content since an edition (``briefgen diff``).

    since (int | None): the edition to compare with; None → the one the next build's
        "Changes since" section names (the latest edition, or the one before it when
        the sheet still matches the latest).
    RETURNS (dict): ``country``, ``since`` {number, date}, ``edition`` (the number the
        current content has or would get) and ``changes``.
    """
    records = load_editions(data_dir, sheet.country)
    if not records:
        raise UsageError(
            f"{editions_dir(data_dir, sheet.country)}: no edition recorded for "
            f"{sheet.country.upper()}; build it once (briefgen build "
            f"{sheet.country.lower()}) to record edition 1"
        )
    content = edition_content(sheet)
    digest = content_hash(content)
    by_number = {int(r["edition"]): r for r in records}
    current = next((int(r["edition"]) for r in records if r["hash"] == digest), None)
    latest = int(records[-1]["edition"])
    if since is None:
        if records[-1]["hash"] == digest:
            if latest == 1:
                raise UsageError(
                    f"{sheet.country.upper()}: the sheet is still edition 1, the "
                    "first recorded; nothing to compare with yet"
                )
            since = latest - 1
        else:
            since = latest
    if since not in by_number:
        raise UsageError(
            f"--since {since}: no such edition of {sheet.country.upper()}; "
            f"recorded: {', '.join(str(n) for n in sorted(by_number))}"
        )
    base = by_number[since]
    return {
        "country": sheet.country.upper(),
        "since": {"number": since, "date": base["date"]},
        "edition": current if current is not None else latest + 1,
        "changes": compare(base["content"], content, sheet),
    }
