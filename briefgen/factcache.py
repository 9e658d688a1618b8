"""Fact cache: a Document's extracted Facts in SQLite, so an unchanged document is never
re-extracted.

One table, ``facts``, keyed by (document key, extractor version, power, region). The
document key hashes everything extraction reads from a Document (its id, text, dates,
language, regions; not its path), so a changed file, or a changed manifest date, misses.
The extractor version hashes the extraction code and every lexicon file, so editing a rule
or a lexicon entry misses too. The store lives beside the ingest cache (BRIEFGEN_CACHE_DIR
or ./.briefgen), runs in WAL mode, and each batch of writes is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import fields
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy

from briefgen.models import Document, Fact

log = logging.getLogger("briefgen.extract")

DB_NAME = "facts.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    key TEXT NOT NULL,
    version TEXT NOT NULL,
    power TEXT NOT NULL,
    region TEXT NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (key, version, power, region)
);
"""
#: Lookups per SELECT (SQLite allows 999 bound parameters in old builds).
CHUNK = 500


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A hash of what decides extraction's output: its code, the data model, every lexicon
    file and the spaCy version. Computed once per process."""
    package = Path(str(resources.files("briefgen")))
    files = sorted(
        [
            *package.joinpath("extract").rglob("*.py"),
            package / "models.py",
            *package.joinpath("lexicons").rglob("*.yaml"),
        ]
    )
    digest = hashlib.sha256(spacy.__version__.encode())
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


#: Document fields extraction does not read (the text and regions are hashed apart).
_UNREAD = ("path", "text", "regions")


def document_key(doc: Document) -> str:
    """The hash of everything extraction reads from ``doc`` (not its path: a moved corpus
    keeps its cache). Every other field counts, including ones added to Document later."""
    meta = [[f.name, getattr(doc, f.name)] for f in fields(doc) if f.name not in _UNREAD]
    meta.append(["regions", [r.to_row() for r in doc.regions]])
    digest = hashlib.sha256(json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8"))
    digest.update(b"\0")
    digest.update(doc.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class FactCache:
    """The fact store of one cache directory for one (power, region); a context manager.

    Args:
        directory (Path): the cache directory (created when missing).
        power (str), region (str): the lexicons the facts were extracted with.
        version (str | None): default ``extractor_version()``.
    """

    def __init__(self, directory: Path, power: str, region: str, version: str | None = None):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / DB_NAME
        self.power, self.region = power, region
        from briefgen.vocabulary import fingerprint  # user lexicon folders decide too

        self.version = version or extractor_version() + fingerprint()
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._pending: list[tuple[str, str, str, str, str]] = []

    def __enter__(self) -> FactCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Write what is queued and close the database."""
        try:
            self.flush()
        finally:
            self.db.close()

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Fact]]:
        """The cached facts of each document key found (keys not found are left out)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, list[Fact]] = {}
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT key, facts FROM facts WHERE version = ? AND power = ? AND region = ? "
                f"AND key IN ({marks})",
                (self.version, self.power, self.region, *chunk),
            )
            for key, blob in rows:
                try:
                    found[key] = [Fact.from_row(r) for r in json.loads(blob)]
                except (ValueError, TypeError, KeyError):
                    continue  # a damaged row is extracted again and overwritten
        return found

    def put(self, key: str, facts: list[Fact]) -> None:
        """Queue one document's facts for the next ``flush``."""
        blob = json.dumps([f.to_row() for f in facts], ensure_ascii=False, separators=(",", ":"))
        self._pending.append((key, self.version, self.power, self.region, blob))

    def flush(self) -> None:
        """Write the queued facts in one transaction."""
        if not self._pending:
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)", self._pending
            )
        self._pending.clear()

    def prune(self) -> int:
        """Forget facts other extractor versions made for this power and region (they can
        never be read again). RETURNS (int): rows deleted."""
        self.flush()
        with self.db:
            cur = self.db.execute(
                "DELETE FROM facts WHERE power = ? AND region = ? AND version != ?",
                (self.power, self.region, self.version),
            )
        return cur.rowcount


def open_fact_cache(cache_dir: Path | None, power: str, region: str) -> FactCache | None:
    """The fact cache in ``cache_dir``; None when there is none or it cannot be used (a cache
    only saves time, so a damaged one is rebuilt and an unwritable one is skipped)."""
    if cache_dir is None:
        return None
    try:
        return FactCache(cache_dir, power, region)
    except sqlite3.DatabaseError as exc:
        log.warning("%s: the fact cache is damaged (%s); rebuilding it", cache_dir / DB_NAME, exc)
        try:
            for suffix in ("", "-wal", "-shm"):
                (cache_dir / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
            return FactCache(cache_dir, power, region)
        except (OSError, sqlite3.Error) as again:
            error: Exception = again
    except OSError as exc_os:
        error = exc_os
    log.warning("%s: cannot use the fact cache (%s); extracting every document", cache_dir, error)
    return None
