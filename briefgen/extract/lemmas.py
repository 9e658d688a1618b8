"""Lemmas: words → their dictionary form, so cue words match every inflection.

"visitó", "visitará", "visitaram" and "visited" reach the cue "visitar" / "visit" without a
list of forms. The tables come from simplemma (a registry package that ships them; nothing
is downloaded). A word is looked up once per process and language: documents repeat their
words, so a run asks simplemma for each distinct word only once.

simplemma decodes a whole table before its first lookup (1.3 s for Spanish or Portuguese,
in every process of a run). Here its tables are read through an SQLite copy compiled once
per machine (see :mod:`briefgen.resources`), so a lookup reads one row and a process
starts at once; the lemmas are simplemma's own, the same with or without the copy.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import simplemma
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries.dictionary_factory import (
    DEFAULT_DICTIONARY_FACTORY,
    CachingDictionaryFactory,
    DecodedStrMapping,
    DictionaryFactory,
    _load_dictionary_from_disk,
)
from simplemma.utils import normalize_token

from briefgen import resources

log = logging.getLogger("briefgen.extract")

_CACHE: dict[str, dict[str, str]] = {}


class _Table(DecodedStrMapping):
    """One language's simplemma table, read row by row from its SQLite copy."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()  # one connection per thread and process

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(f"file:{self._path}?mode=ro&immutable=1", uri=True)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _lookup(self, key: str) -> str | None:
        row = self._connection().execute("SELECT v FROM t WHERE k = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._connection().execute("SELECT k FROM t"):
            yield str(key)

    def __len__(self) -> int:
        return int(self._connection().execute("SELECT count(*) FROM t").fetchone()[0])


def _compile(lang: str, path: Path) -> None:
    """Write simplemma's table for ``lang`` to an SQLite file at ``path``."""
    table = _load_dictionary_from_disk(lang)
    tmp = resources.temporary(path)
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        with conn:
            conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
            conn.executemany(
                "INSERT INTO t VALUES (?, ?)", ((k.decode(), v.decode()) for k, v in table.items())
            )
        conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class _CompiledFactory(CachingDictionaryFactory):
    """simplemma's tables through their SQLite copies, compiled on first use."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self._directory = directory

    def _get_dictionary_uncached(self, lang: str) -> DecodedStrMapping:
        path = self._directory / f"{lang}.sqlite3"
        if not path.exists():
            try:
                _compile(lang, path)
            except (OSError, sqlite3.Error) as exc:
                log.debug("%s: cannot compile the %s lemma table (%s)", path, lang, exc)
                return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)  # type: ignore[return-value]
        return _Table(path)


@functools.lru_cache(maxsize=1)
def _factory() -> DictionaryFactory:
    directory = resources.folder("simplemma")
    return DEFAULT_DICTIONARY_FACTORY if directory is None else _CompiledFactory(directory)


@functools.lru_cache(maxsize=1)
def _lemmatizer() -> simplemma.Lemmatizer:
    return simplemma.Lemmatizer(
        lemmatization_strategy=DefaultStrategy(dictionary_factory=_factory())
    )


@functools.lru_cache(maxsize=1)
def _lookup() -> DictionaryLookupStrategy:
    return DictionaryLookupStrategy(_factory())


def lemma(word: str, language: str) -> str:
    """The lower-case dictionary form of ``word`` in ``language`` (the word itself, lower
    case, when the language or the word is unknown to the tables).

    Args:
        word (str): one token as written.
        language (str): ISO 639-1 code ("en", "es", "pt").
    RETURNS (str): e.g. lemma("Visitaram", "pt") == "visitar".
    """
    table = _CACHE.setdefault(language, {})
    low = word.lower()
    found = table.get(low)
    if found is None:
        found = low
        if any(c.isalpha() for c in low):
            try:
                found = _lemmatizer().lemmatize(low, lang=language).lower()
            except ValueError:  # a language simplemma has no table for: the word itself
                found = low
        table[low] = found
    return found


def is_word(word: str, language: str) -> bool:
    """Whether ``word`` is in the lemma table of ``language`` (False for a language
    without one): "americana" is a Portuguese word, "maracay" is no word."""
    try:
        return _lookup().get_lemma(normalize_token(word), language) is not None
    except ValueError:
        return False
