"""Cache: parsed Documents in an SQLite store, so an unchanged corpus is never re-parsed.

Two tables. ``parses`` holds each parse as JSON, keyed by the file's SHA-256 and the
reader that made it (the same bytes read as .txt and as .html differ). ``files`` maps
(corpus, file name) to size, mtime and hash, so an unchanged file is found without
reading it, a changed one is re-parsed alone and a removed one drops out. The store
runs in WAL mode and each batch of writes is one transaction, so readers in other
processes never see half a run. Failed files are never stored.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path

from briefgen.models import Document

log = logging.getLogger("briefgen.ingest")

DB_NAME = "ingest.sqlite3"
RACY_NS = 2_000_000_000  # files changed less than 2 s ago are not trusted by mtime
SCHEMA = """
CREATE TABLE IF NOT EXISTS parses (
    sha256 TEXT NOT NULL,
    reader TEXT NOT NULL,
    document TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (sha256, reader)
);
CREATE TABLE IF NOT EXISTS files (
    corpus TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    reader TEXT NOT NULL,
    PRIMARY KEY (corpus, name)
);
CREATE INDEX IF NOT EXISTS files_by_parse ON files (sha256, reader);
"""


def resolve_cache_dir(cache_dir: Path | str | bool | None) -> Path | None:
    """Where the cache lives: the argument, else $BRIEFGEN_CACHE_DIR, else ./.briefgen.

    RETURNS (Path | None): the directory, or None when ``cache_dir`` is False (no cache).
    """
    if cache_dir is False:
        return None
    if cache_dir is None or cache_dir is True:
        env = os.environ.get("BRIEFGEN_CACHE_DIR")
        return Path(env) if env else Path.cwd() / ".briefgen"
    return Path(cache_dir)


def document_to_json(doc: Document) -> str:
    """A Document as compact JSON (``Document.to_dict``)."""
    return json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":"))


def document_from_json(text: str) -> Document:
    """The Document ``document_to_json`` wrote."""
    return Document.from_dict(json.loads(text))


class Store:
    """The SQLite store of one cache directory; use as a context manager."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / DB_NAME
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._pending_parses: list[tuple[str, str, str, str]] = []
        self._pending_files: list[tuple[str, str, int, int, str, str]] = []

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- lookups -------------------------------------------------------------------
    def known_files(self, corpus: str) -> dict[str, tuple[int, int, str, str]]:
        """(size, mtime_ns, sha256, reader) by file name, as of the last run on ``corpus``."""
        rows = self.db.execute(
            "SELECT name, size, mtime_ns, sha256, reader FROM files WHERE corpus = ?", (corpus,)
        )
        return {name: (size, mtime, sha, reader) for name, size, mtime, sha, reader in rows}

    def get(self, sha256: str, reader: str) -> tuple[Document, list[str]] | None:
        """The cached parse of these bytes by this reader, with its warnings, if any."""
        row = self.db.execute(
            "SELECT document, warnings FROM parses WHERE sha256 = ? AND reader = ?",
            (sha256, reader),
        ).fetchone()
        if row is None:
            return None
        try:
            return document_from_json(row[0]), json.loads(row[1])
        except (ValueError, TypeError, KeyError):
            return None  # a damaged row is parsed again and overwritten

    # -- writes --------------------------------------------------------------------
    def put(self, doc: Document, reader: str, warnings: list[str]) -> None:
        """Queue a parse for the next ``flush``."""
        self._pending_parses.append(
            (doc.sha256 or "", reader, document_to_json(doc), json.dumps(warnings))
        )

    def remember(self, corpus: str, name: str, stat: os.stat_result, sha: str, reader: str) -> None:
        """Queue the (size, mtime) → hash entry of one file for the next ``flush``."""
        mtime = stat.st_mtime_ns
        if time.time_ns() - mtime < RACY_NS:
            # Written just now: a second write within the clock's resolution would keep
            # size and mtime, so this file is hashed again next time (git's "racy clean").
            mtime = -1
        self._pending_files.append((corpus, name, stat.st_size, mtime, sha, reader))

    def flush(self, corpus: str | None = None, present: set[str] | None = None) -> None:
        """Write queued entries in one transaction; with ``present``, forget other files."""
        if not (self._pending_parses or self._pending_files or present is not None):
            return
        with self.db:  # one transaction: concurrent readers see all of it or none
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO parses VALUES (?, ?, ?, ?)", self._pending_parses
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", self._pending_files
            )
            if present is not None and corpus is not None:
                known = {
                    row[0]
                    for row in self.db.execute("SELECT name FROM files WHERE corpus = ?", (corpus,))
                }
                gone = [(corpus, name) for name in known - present]
                self.db.executemany("DELETE FROM files WHERE corpus = ? AND name = ?", gone)
                if gone or self._pending_files:
                    # Parses no file points at any more (changed or removed) are dead weight.
                    self.db.execute(
                        "DELETE FROM parses WHERE NOT EXISTS (SELECT 1 FROM files f "
                        "WHERE f.sha256 = parses.sha256 AND f.reader = parses.reader)"
                    )
        self._pending_parses.clear()
        self._pending_files.clear()


def open_store(cache_dir: Path | None) -> Store | None:
    """Open the store in ``cache_dir``; None (with a warning) when it cannot be used."""
    if cache_dir is None:
        return None
    try:
        return Store(cache_dir)
    except sqlite3.DatabaseError as exc:
        # A damaged cache is only lost time: start a fresh one.
        log.warning("%s: the ingest cache is damaged (%s); rebuilding it", cache_dir, exc)
        try:
            for suffix in ("", "-wal", "-shm"):
                (cache_dir / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
            return Store(cache_dir)
        except (OSError, sqlite3.Error) as again:
            # Not ``exc = again``: Python deletes ``exc`` when its except block ends.
            error: Exception = again
    except OSError as exc_os:
        error = exc_os
    log.warning("%s: cannot use the ingest cache (%s); reading every file", cache_dir, error)
    return None
