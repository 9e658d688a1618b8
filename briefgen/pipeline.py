"""Pipeline: a corpus and run options → a Run (documents, facts, events, disagreements).

The one place a run is composed: ingest and extract (briefgen.engine), reconcile
(briefgen.reconcile), and for ``update`` the merge into the fact sheets
(briefgen.factsheets). Each CLI command parses its options and calls one function here:

    briefgen extract  →  run(corpus, options)
    briefgen update   →  update(corpus, data_dir, options, countries=…, dry_run=…)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import BriefgenError
from briefgen.models import (
    DEFAULT_POWER,
    DEFAULT_REGION,
    Disagreement,
    Document,
    Event,
    Fact,
    Source,
)

if TYPE_CHECKING:
    from briefgen.engine import ExtractionStats, Workers
    from briefgen.partition import CountryResult, Identities, ReconcileCache


@dataclass(frozen=True)
class RunOptions:
    """How a run reads and extracts the corpus (the results do not depend on the engine).

    power (str), region (str): lexicons/powers/<power>.yaml, lexicons/regions/<region>.yaml.
    max_doc_mb (float | None): skip larger corpus files (0: no limit; None: ingest's own).
    jobs (int | None): worker processes (default: the CPUs, capped at the work there is).
    engine (str): "local" or "dask"; scheduler (str | None): a dask scheduler address.
    cache_dir (Path | str | bool | None): the ingest and fact cache (None: the default,
        $BRIEFGEN_CACHE_DIR or ./.briefgen; False: none).
    """

    power: str = DEFAULT_POWER
    region: str = DEFAULT_REGION
    max_doc_mb: float | None = 20.0
    jobs: int | None = None
    engine: str = "local"
    scheduler: str | None = None
    cache_dir: Path | str | bool | None = None


@dataclass
class Run:
    """What one run over a corpus produced.

    documents (list[Document]): sorted by id, metadata only (no text: the run never holds
    the corpus); summaries: ``Document.summary()`` of each, in that order; facts: in
    document order, each with ``fact.event`` set; events and disagreements: sorted, as
    reconcile() gives them.
    """

    documents: list[Document]
    facts: list[Fact]
    events: list[Event] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def sources(self) -> dict[str, Source]:
        """Each document's source metadata, by document id."""
        return {d.id: d.to_source() for d in self.documents}


class _TextStore:
    """Documents with their text in a temporary SQLite file while a run goes on, so the
    parent holds metadata only; a country's task reads back the few it needs."""

    def __init__(self) -> None:
        import sqlite3
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="briefgen-run-")
        self.db = sqlite3.connect(Path(self._dir.name) / "documents.sqlite3")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE docs (n INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
        self._pending: list[tuple[int, str]] = []

    def put(self, n: int, doc: Document) -> None:
        from briefgen.ingest.cache import document_to_json

        self._pending.append((n, document_to_json(doc)))
        if len(self._pending) >= 500:
            self.flush()

    def flush(self) -> None:
        with self.db:
            self.db.executemany("INSERT INTO docs VALUES (?, ?)", self._pending)
        self._pending.clear()

    def get(self, numbers: Iterable[int]) -> list[Document]:
        from briefgen.ingest.cache import document_from_json

        self.flush()
        out: dict[int, Document] = {}
        wanted = list(numbers)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for n, blob in self.db.execute(f"SELECT n, doc FROM docs WHERE n IN ({marks})", chunk):
                out[n] = document_from_json(blob)
        return [out[n] for n in wanted]

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()


@dataclass
class _Row:
    """One document of the run, as the parent keeps it (no text)."""

    document: Document
    summary: dict[str, Any]
    facts: list[Fact]
    key: str
    countries: tuple[str, ...]


def run(
    corpus: Path | str,
    options: RunOptions | None = None,
    *,
    known: Iterable[Event] = (),
    client: Any = None,
) -> Run:
    """Ingest, extract and reconcile a corpus, country by country, in the engine's workers.

    Args:
        corpus (Path | str): the corpus folder.
        options (RunOptions | None): power, region, limits and engine (default RunOptions()).
        known (Iterable[Event]): events already in fact sheets, so an event keeps the id
            analysts reviewed.
        client (distributed.Client | None): an existing dask client (engine "dask").
    RETURNS (Run): documents, facts, events and disagreements; the same whatever the
        engine and the number of workers.
    Raises IngestError for a missing corpus, ConfigError for an unknown power or region,
    UsageError for an unknown engine or an unreachable scheduler.
    """
    from briefgen.engine import ExtractionStats, Workers
    from briefgen.ingest.cache import resolve_cache_dir
    from briefgen.partition import Identities

    options = options or RunOptions()
    known = list(known)
    stats = ExtractionStats()
    cache_dir = resolve_cache_dir(options.cache_dir)
    identities = Identities(options.power, options.region)
    texts = _TextStore()
    try:
        with Workers(
            options.engine,
            options.jobs,
            options.power,
            options.region,
            options.scheduler,
            client,
        ) as workers:
            rows = _extract(corpus, options, cache_dir, stats, workers, texts, identities)
            order = sorted(range(len(rows)), key=lambda n: rows[n].document.id)
            events, disagreements, reconciled = _reconcile(
                rows, order, texts, known, identities, workers, options, cache_dir
            )
    finally:
        texts.close()
    sorted_rows = [rows[n] for n in order]
    return Run(
        documents=[r.document for r in sorted_rows],
        facts=[f for r in sorted_rows for f in r.facts],
        events=events,
        disagreements=disagreements,
        summaries=[r.summary for r in sorted_rows],
        stats=_run_stats(stats, reconciled),
    )


def _extract(
    corpus: Path | str,
    options: RunOptions,
    cache_dir: Path | None,
    stats: ExtractionStats,
    workers: Workers,
    texts: _TextStore,
    identities: Identities,
) -> list[_Row]:
    """Extract the corpus in the workers, in corpus order: each document's text goes to
    ``texts``, its facts to ``identities``, the rest (no text) to the rows returned."""
    from briefgen.engine import iter_extraction

    rows: list[_Row] = []
    for result in iter_extraction(
        corpus,
        power=options.power,
        region=options.region,
        cache_dir=cache_dir if cache_dir is not None else False,
        stats=stats,
        max_doc_mb=options.max_doc_mb,
        workers=workers,
    ):
        doc = result.document
        texts.put(len(rows), doc)
        identities.add(result.facts)
        meta = replace(doc, text="", regions=[])
        rows.append(_Row(meta, doc.summary(), result.facts, result.key, result.countries))
    return rows


def _run_stats(stats: ExtractionStats, reconciled: tuple[int, int]) -> dict[str, int]:
    """A Run's stats: the extraction's counts, and the countries found and reconciled."""
    return {
        "documents": stats.documents,
        "extracted": stats.extracted,
        "cached": stats.cached,
        "failed": stats.failed,
        "countries": reconciled[0],
        "countries_reconciled": reconciled[1],
    }


#: Country tasks in flight per worker (each holds one country's documents).
TASKS_PER_WORKER = 2


@dataclass
class _CountryTask:
    """One country's reconciliation still to run: its documents (row numbers, in id
    order), the known events of it, the common identities, and its reconcile cache key."""

    code: str
    numbers: list[int]
    known: list[Event]
    common: tuple[str, ...]
    key: str


class _InFlight:
    """Country tasks sent to the workers; ``collect`` takes in finished ones' results (and
    puts them in the reconcile cache)."""

    def __init__(self, cache: ReconcileCache | None, limit: int) -> None:
        self.cache, self.limit = cache, limit
        self.tasks: list[tuple[Any, Any, _CountryTask]] = []
        self.results: dict[str, CountryResult] = {}

    def add(self, runner: Any, handle: Any, task: _CountryTask) -> None:
        """Note a task sent to ``runner`` (``handle``: what its ``call`` gave)."""
        self.tasks.append((runner, handle, task))

    def collect(self, block: bool) -> None:
        """Take in the finished tasks' results (waiting for the first when ``block``)."""
        for item in list(self.tasks):
            runner, handle, task = item
            if block or runner.done(handle):
                self.results[task.code] = runner.result(handle)
                self.tasks.remove(item)
                if self.cache is not None:
                    self.cache.put(task.key, self.results[task.code])
                block = False


def _reconcile(
    rows: list[_Row],
    order: list[int],
    texts: _TextStore,
    known: list[Event],
    identities: Any,
    workers: Any,
    options: RunOptions,
    cache_dir: Path | None,
) -> tuple[list[Event], list[Disagreement], tuple[int, int]]:
    """Reconcile each country in the workers (or from the cache); grade all events."""
    from briefgen.partition import open_reconcile_cache, reconcile_lexicon
    from briefgen.reconcile import grade_events

    by_country, reads = _country_documents(rows, order)
    cache = open_reconcile_cache(cache_dir, options.power, options.region)
    results, todo = _plan_countries(rows, reads, known, identities, cache)
    try:
        results.update(_run_countries(todo, rows, texts, workers, options, cache))
    finally:
        if cache is not None:
            cache.close()
    events, disagreements = _merge_countries(results, by_country, rows)
    grade_events(events, disagreements, reconcile_lexicon(options.power, options.region))
    return events, disagreements, (len(results), len(todo))


def _country_documents(
    rows: list[_Row], order: list[int]
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Each country's documents (row numbers, in id order): those that name it, and those
    its task reads, which add the regional ones (naming no country)."""
    position = {n: i for i, n in enumerate(order)}
    by_country: dict[str, list[int]] = {}
    regional: list[int] = []
    for n in order:  # documents in id order, as reconciling the whole corpus reads them
        if not rows[n].countries:
            regional.append(n)
        for code in rows[n].countries:
            by_country.setdefault(code, []).append(n)
    reads = {
        code: sorted({*numbers, *regional}, key=position.__getitem__) if regional else numbers
        for code, numbers in by_country.items()
    }
    return by_country, reads


def _plan_countries(
    rows: list[_Row],
    reads: dict[str, list[int]],
    known: list[Event],
    identities: Identities,
    cache: ReconcileCache | None,
) -> tuple[dict[str, CountryResult], list[_CountryTask]]:
    """The countries the reconcile cache answers (their results, by code), and the tasks
    of the others, biggest first."""
    from briefgen.partition import task_key

    results: dict[str, CountryResult] = {}
    todo: list[_CountryTask] = []
    for code, numbers in reads.items():
        mine_known = [e for e in known if e.country == code]
        common = identities.common_for(code)
        key = task_key(code, [rows[n].key for n in numbers], mine_known, common)
        hit = cache.get(code, key) if cache is not None else None
        if hit is not None:
            results[code] = hit
        else:
            todo.append(_CountryTask(code, numbers, mine_known, common, key))
    # biggest first: the longest task starts at once, small ones fill the gaps
    todo.sort(key=lambda t: (-len(t.numbers), t.code))
    return results, todo


def _run_countries(
    todo: list[_CountryTask],
    rows: list[_Row],
    texts: _TextStore,
    workers: Workers,
    options: RunOptions,
    cache: ReconcileCache | None,
) -> dict[str, CountryResult]:
    """Run the country tasks, at most TASKS_PER_WORKER per worker at once; their results
    by code (each also put in the reconcile cache)."""
    from briefgen.partition import reconcile_country

    in_flight = _InFlight(cache, TASKS_PER_WORKER * workers.count)
    for task in todo:
        while len(in_flight.tasks) >= in_flight.limit:
            in_flight.collect(block=True)
        facts = [f for n in task.numbers for f in rows[n].facts]
        docs = texts.get(task.numbers)
        # Dask workers are other interpreters with other hash seeds, and reconcile
        # still gives seed-dependent merges (fixed on the reconcile branch): until that
        # lands, dask runs reconcile here so both engines give the same output.
        runner = workers.here() if options.engine == "dask" else workers.get(len(todo) > 1)
        handle = runner.call(
            reconcile_country,
            task.code,
            facts,
            docs,
            task.known,
            task.common,
            options.power,
            options.region,
        )
        in_flight.add(runner, handle, task)
        del facts, docs
    while in_flight.tasks:
        in_flight.collect(block=True)
    return in_flight.results


def _merge_countries(
    results: dict[str, CountryResult], by_country: dict[str, list[int]], rows: list[_Row]
) -> tuple[list[Event], list[Disagreement]]:
    """All countries' events and disagreements (one of each id), sorted; each fact's
    ``event`` set from its country's result."""
    events: list[Event] = []
    found: dict[str, Disagreement] = {}
    for code in sorted(results):
        result = results[code]
        events += result.events
        for d in result.disagreements:
            found.setdefault(d.id, d)
        mine = (f for n in by_country[code] for f in rows[n].facts if f.country == code)
        for fact, event in zip(mine, result.fact_events, strict=True):
            fact.event = event
    events.sort(key=lambda e: (e.country, e.category, e.date or "9999", e.id))
    disagreements = sorted(found.values(), key=lambda d: (d.country, d.kind, d.topic, d.id))
    return events, disagreements


def update(
    corpus: Path | str,
    data_dir: Path,
    options: RunOptions | None = None,
    *,
    countries: Sequence[str] | None = None,
    dry_run: bool = False,
    allow_stale: bool = False,
) -> list[Any]:
    """Run the pipeline and merge its proposals into the fact sheets of ``data_dir``.

    Args:
        corpus (Path | str): the corpus folder.
        data_dir (Path): the data directory holding factsheets/<cc>.yaml.
        options (RunOptions | None): as for ``run``.
        countries (Sequence[str] | None): country codes to update (None: every country
            the run found or a sheet exists for).
        dry_run (bool): work out the changes, write nothing.
        allow_stale (bool): go ahead even if many reviewed events would go stale or the
            corpus gave no document (factsheets.update_sheets).
    RETURNS (list[SheetChange]): what changed in each sheet (briefgen.factsheets).
    """
    from briefgen.factsheets import load_sheet, sheet_index, update_sheets
    from briefgen.ingest.cache import resolve_cache_dir

    options = options or RunOptions()
    power, region = power_name(options.power), region_name(options.region)
    guard_sheets(data_dir, power, region, countries)
    known = [e for path in sheet_index(data_dir).values() for e in load_sheet(path).events]
    result = run(corpus, options, known=known)
    return update_sheets(
        data_dir,
        result.events,
        result.disagreements,
        result.sources,
        power=power,
        region=region,
        countries=list(countries) if countries else None,
        dry_run=dry_run,
        allow_stale=allow_stale,
        documents=len(result.documents),
        texts={d.id: d.text for d in result.documents},
        state_dir=resolve_cache_dir(options.cache_dir),
    )


def region_name(region: str) -> str:
    """The name a sheet records for a region: its lexicon's stem ("latin_america"), also
    when the region was given as a path to its .yaml file."""
    return Path(region).stem if region.endswith((".yaml", ".yml")) else region


def guard_sheets(
    data_dir: Path, power: str, region: str, countries: Sequence[str] | None = None
) -> None:
    """Refuse (UsageError, exit 2) to merge a run into sheets of another power or region.

    A sheet records its ``power`` (display name) and ``region`` (lexicon name); mixing
    China's events into Russia's sheets would mark every reviewed event stale.
    """
    from briefgen.errors import UsageError
    from briefgen.factsheets import list_sheets, read_header

    wanted = {c.upper() for c in countries} if countries else None
    clashes = []
    for path in list_sheets(data_dir):
        if wanted is not None and path.stem.upper() not in wanted:
            continue
        header = read_header(path)
        theirs = (str(header.get("power") or ""), str(header.get("region") or ""))
        if theirs[0] and theirs[0].casefold() != power.casefold():
            clashes.append(f"{path}: power: {theirs[0]}, but this run tracks {power}")
        elif theirs[1] and theirs[1] != region:
            clashes.append(f"{path}: region: {theirs[1]}, but this run covers {region}")
    if clashes:
        raise UsageError(
            "\n".join(clashes)
            + "\nnothing was updated; run with the sheets' --power/--region, or write "
            "elsewhere with --data DIR"
        )


def power_name(power: str) -> str:
    """The display name of a power lexicon ("russia" → "Russia")."""
    try:
        from briefgen.extract import load_lexicon

        return load_lexicon(power=power).power_name
    except (AttributeError, BriefgenError, FileNotFoundError):
        return power.replace("_", " ").title()
