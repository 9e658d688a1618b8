"""Partition: a run's documents and facts → one reconciliation task per country.

Reconciling the whole corpus at once holds every document's text and compares each
mention with everything else; reconciled country by country, a task holds one country's
documents and facts and many tasks run in parallel in the engine's workers. A country's
task gets every document that *touches* it: one with a fact of that country, or naming it
(its names, demonyms, capitals) or one of its leaders; and the documents that touch no
country, whose region-wide judgments count against each country's (reconcile/disagreements/).
Identifiers seen under several countries or categories are worked out over the whole run
(``Identities``) and handed to every task, as merging the whole corpus would drop them.
The task's events and disagreements of its own country are kept; grading runs once over
all of them (a disagreement of one country may quote another country's evidence).

Results of a country's task are cached (``ReconcileCache``) under a hash of everything the
task reads, so an incremental run re-reconciles only the countries a changed document
touches.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from briefgen.models import Disagreement, Document, Event, Fact

log = logging.getLogger("briefgen.reconcile")

#: The reconcile lexicon's language (reconciliation reads English cue words today).
LANGUAGE = "en"


@lru_cache(maxsize=8)
def reconcile_lexicon(power: str, region: str, languages: str = LANGUAGE) -> Any:
    """The reconcile lexicon for ``languages`` ("en", or "en+es+pt" for a mixed corpus)."""
    from briefgen.reconcile import load_lexicon

    return load_lexicon(languages, power=power, region=region)


class CountryFinder:
    """Which of the region's countries a text names, directly or through a leader."""

    def __init__(self, lexicon: Any) -> None:
        self.countries = [(c.code, c.terms, list(c.leaders.values())) for c in lexicon.countries]
        # a pattern is tried only on a text holding the first word of one of its names (a
        # set lookup), so a text is searched for the few countries and leaders it may name
        self.keys = [
            (_first_words([c.terms]), [_first_words([s]) for s in c.leaders.values()])
            for c in lexicon.countries
        ]

    def touched(self, text: str, facts: Iterable[Fact] = ()) -> tuple[str, ...]:
        """The codes of the countries ``text`` names, or ``facts`` are about, sorted."""
        found = {f.country for f in facts}
        words = frozenset(_WORD.findall(text.lower()))

        def may(keys: frozenset[str] | None) -> bool:
            return keys is None or bool(keys & words)

        for (code, terms, leaders), (keys, leader_keys) in zip(
            self.countries, self.keys, strict=True
        ):
            if code in found:
                continue
            if (may(keys) and terms.search(text)) or any(
                may(k) and spellings.search(text)
                for spellings, k in zip(leaders, leader_keys, strict=True)
            ):
                found.add(code)
        return tuple(sorted(found))


_WORD = re.compile(r"\w+")


def _first_words(all_terms: Iterable[Any]) -> frozenset[str] | None:
    """The lower-case first word of every term (None when one opens with a wildcard or
    with no word, so the country's patterns must always be tried)."""
    out = set()
    for terms in all_terms:
        for term in terms.terms:
            first = _WORD.match(term.lower())
            if first is None or term[first.end() : first.end() + 1] == "*":
                return None
            out.add(first.group(0))
    return frozenset(out)


@lru_cache(maxsize=4)
def country_finder(power: str, region: str) -> CountryFinder:
    """The CountryFinder of a (power, region), built once per process."""
    return CountryFinder(reconcile_lexicon(power, region))


class Identities:
    """Identifiers ("T-72", "ITAR-TASS") of the run's facts, with the (country, category)
    pairs each appears under: one seen under several is common and names no event."""

    def __init__(self, power: str, region: str) -> None:
        self.lexicon = reconcile_lexicon(power, region)
        self.keys: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def add(self, facts: Iterable[Fact]) -> None:
        from briefgen.reconcile.events import identifiers_in

        for f in facts:
            if f.evidence:
                for ident in identifiers_in(f.quote.text, self.lexicon):
                    self.keys[ident].add((f.country, f.category))

    def common_for(self, country: str) -> tuple[str, ...]:
        """The common identifiers that ``country``'s facts name, sorted."""
        return tuple(
            sorted(
                ident
                for ident, keys in self.keys.items()
                if len(keys) > 1 and any(c == country for c, _ in keys)
            )
        )


@dataclass
class CountryResult:
    """One country's reconciliation: its events (not yet graded), its disagreements, and
    the event of each of its facts, in the order the task was given them."""

    country: str
    events: list[Event] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    fact_events: list[str | None] = field(default_factory=list)


def reconcile_country(
    country: str,
    facts: list[Fact],
    documents: list[Document],
    known: list[Event],
    common: tuple[str, ...],
    power: str,
    region: str,
) -> CountryResult:
    """Reconcile one country (runs in a worker).

    Args:
        country (str): the ISO code.
        facts (list[Fact]): every fact of the documents given (other countries' facts
            tell which country a sentence is about).
        documents (list[Document]): the documents touching ``country``, with their text.
        known (list[Event]): the country's events in the fact sheets (ids kept).
        common (tuple[str, ...]): identifiers common over the whole run (Identities).
        power (str), region (str): the lexicons.
    RETURNS (CountryResult): the country's events, disagreements and fact events.
    """
    from briefgen.reconcile import corpus_languages, reconcile

    # the documents' own languages, so a Spanish denial meets an English report
    lexicon = reconcile_lexicon(power, region, corpus_languages(documents, LANGUAGE))
    mine = [f for f in facts if f.country == country]
    result = reconcile(facts, documents, lexicon=lexicon, known=known, common_idents=common)
    return CountryResult(
        country,
        [e for e in result.events if e.country == country],
        [d for d in result.disagreements if d.country == country],
        [f.event for f in mine],
    )


# --------------------------------------------------------------------------- cache


@lru_cache(maxsize=1)
def reconciler_version() -> str:
    """A hash of what decides reconciliation's output: its code, the data model, this
    module and every lexicon file. Computed once per process."""
    package = Path(str(resources.files("briefgen")))
    files = sorted(
        [
            *package.joinpath("reconcile").rglob("*.py"),
            package / "models.py",
            package / "partition.py",
            *package.joinpath("lexicons").rglob("*.yaml"),
        ]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def task_key(
    country: str, doc_keys: Iterable[str], known: Iterable[Event], common: Iterable[str]
) -> str:
    """The hash of everything a country's task reads: its documents (by content key and
    the extractor's version, which together decide their facts), the known events'
    identities and the common identifiers."""
    from briefgen.factcache import extractor_version

    known_ids = sorted(
        (e.id, e.country, e.category, q.doc, q.start) for e in known for q in e.evidence
    )
    payload = json.dumps(
        [
            reconciler_version(),
            extractor_version(),
            country,
            list(doc_keys),
            known_ids,
            list(common),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class ReconcileCache:
    """Country results by task key, in the cache directory (``reconciled.sqlite3``).

    Values are pickles of CountryResult: the key includes the code's version, so a row is
    only ever read by the code that wrote it.
    """

    NAME = "reconciled.sqlite3"

    def __init__(self, directory: Path, power: str, region: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / self.NAME
        self.scope = f"{power}\0{region}"
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS results (scope TEXT NOT NULL, country TEXT NOT "
            "NULL, key TEXT NOT NULL, result BLOB NOT NULL, PRIMARY KEY (scope, country))"
        )

    def get(self, country: str, key: str) -> CountryResult | None:
        row = self.db.execute(
            "SELECT result FROM results WHERE scope = ? AND country = ? AND key = ?",
            (self.scope, country, key),
        ).fetchone()
        if row is None:
            return None
        try:
            found = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - a damaged row is reconciled again
            return None
        return found if isinstance(found, CountryResult) else None

    def put(self, key: str, result: CountryResult) -> None:
        """Keep one country's latest result (older ones can never be read again)."""
        blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                (self.scope, result.country, key, blob),
            )

    def close(self) -> None:
        self.db.close()


def open_reconcile_cache(cache_dir: Path | None, power: str, region: str) -> ReconcileCache | None:
    """The reconcile cache in ``cache_dir``; None without one or when it cannot be used
    (a cache only saves time)."""
    if cache_dir is None:
        return None
    try:
        return ReconcileCache(cache_dir, power, region)
    except (OSError, sqlite3.Error) as exc:
        log.warning("%s: cannot use the reconcile cache (%s)", cache_dir, exc)
        return None
