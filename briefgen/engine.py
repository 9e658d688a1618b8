"""Engine: a corpus → its Documents and Facts, streamed through parallel workers.

Ingestion streams the corpus one document at a time (briefgen.ingest.iter_corpus); each
document whose facts the fact cache holds is answered from it, the others go in batches to
workers that extract them (briefgen.extract.extract_facts). Two engines run the workers:

    local   a pool of processes on this machine (-j N; one process runs in-line)
    dask    a dask.distributed cluster: an existing scheduler (--scheduler ADDRESS) or,
            without one, a LocalCluster of N worker processes

Only a bounded window of batches is in flight, so the parent holds the documents being
extracted and the results, never the whole corpus (unless asked to keep the documents, as
reconciliation still needs their text). Results come back in corpus order whatever the
engine, so every engine gives the same facts.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.config import default_jobs
from briefgen.errors import UsageError
from briefgen.models import DEFAULT_POWER, DEFAULT_REGION, Document, Fact, Source

log = logging.getLogger("briefgen.engine")

ENGINES = ("local", "dask")
#: Documents per task: large enough that sending a task costs little next to extracting
#: it, small enough that two workers share a small corpus.
BATCH_DOCS = 50
#: Characters per task at most (a batch of long reports closes early).
BATCH_CHARS = 1_000_000
#: Batches in flight per worker: keeps every worker busy while bounding parent memory.
WINDOW_PER_WORKER = 3
#: Documents held at most while waiting for an earlier one's facts (results keep order).
MAX_PENDING = 2_000


@dataclass
class DocumentResult:
    """One document and the facts extracted from it (``cached``: none were re-extracted)."""

    document: Document
    facts: list[Fact]
    cached: bool = False
    error: str | None = None
    key: str = ""  # the fact cache's document key (briefgen.factcache.document_key)
    countries: tuple[str, ...] = ()  # the region's countries it names or has facts of


@dataclass
class ExtractionStats:
    """What a run did: documents read, extracted and answered from the cache."""

    documents: int = 0
    extracted: int = 0
    cached: int = 0
    failed: int = 0
    chars: int = 0
    facts: int = 0
    seconds: float = 0.0


@dataclass
class Extraction:
    """A whole run's results, documents sorted by id and facts in document order.

    ``documents`` keep their text only when the run was asked to (``keep_text=True``);
    ``summaries`` and ``sources`` are always there and hold no text.
    """

    documents: list[Document]
    facts: list[Fact]
    summaries: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    stats: ExtractionStats = field(default_factory=ExtractionStats)


# --------------------------------------------------------------------------- workers


def die_with_parent() -> None:
    """Make this (worker) process end when its parent does, even on ``kill -9`` of the
    parent: Linux's PR_SET_PDEATHSIG, else a watchdog thread polling the parent's pid."""
    import signal
    import threading

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1: PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return
    except (OSError, AttributeError):  # not Linux: fall back to polling
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="briefgen-parent-watch", daemon=True).start()


def _init_worker(
    power: str, region: str, languages: tuple[str, ...] = ("en",), orphan_safe: bool = False
) -> None:
    """Load the lexicons and build the spaCy pipeline and matchers once per process.

    orphan_safe (bool): also make the process die with its parent (pool workers).
    """
    if orphan_safe:
        die_with_parent()
    from briefgen.extract import load_lexicon
    from briefgen.extract.matching import matchers_for
    from briefgen.partition import country_finder

    for language in languages:
        matchers_for(load_lexicon(power, region, language))
    country_finder(power, region)


#: What a worker returns per document: its facts, the error that stopped it (or None),
#: and the region's countries it names or has facts of (see briefgen.partition).
BatchResult = tuple[list[Fact], "str | None", tuple[str, ...]]


def extract_batch(docs: list[Document], power: str, region: str) -> list[BatchResult]:
    """Extract each document of a batch (runs in a worker).

    RETURNS (list[BatchResult]): per document, its facts, None and the countries it
        touches; or no facts and the error that stopped it (one odd document must not
        stop a run).
    """
    from briefgen.extract import extract_facts, load_lexicon
    from briefgen.partition import country_finder

    finder = country_finder(power, region)
    out: list[BatchResult] = []
    for doc in docs:
        try:
            lexicon = load_lexicon(power, region, doc.language or "en")  # cached per process
            facts = extract_facts(doc, lexicon)
            out.append((facts, None, finder.touched(doc.text, facts)))
        except Exception as exc:  # noqa: BLE001 - reported by the parent, per document
            out.append(([], f"{type(exc).__name__}: {exc}", ()))
    return out


class _InlineRunner:
    """Extracts in this process: -j 1, and the reference every engine must match."""

    workers = 1

    def __init__(self, power: str, region: str) -> None:
        _init_worker(power, region)
        self.power, self.region = power, region

    def submit(self, docs: list[Document]) -> Any:
        return extract_batch(docs, self.power, self.region)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    def done(self, handle: Any) -> bool:
        return True

    def result(self, handle: Any) -> Any:
        return handle

    def close(self) -> None:
        pass


class _PoolRunner:
    """A pool of local worker processes, each initialised once."""

    def __init__(self, jobs: int, power: str, region: str) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = jobs
        self.power, self.region = power, region
        if multiprocessing.get_start_method() == "fork":
            # Forked workers inherit the pipeline built here: none of them spends the ~1 s
            # (spaCy import, lexicon, matchers) building its own.
            _init_worker(power, region)
        self.pool = ProcessPoolExecutor(
            max_workers=jobs, initializer=_init_worker, initargs=(power, region, ("en",), True)
        )

    def submit(self, docs: list[Document]) -> Any:
        return self.pool.submit(extract_batch, docs, self.power, self.region)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.pool.submit(fn, *args)

    def done(self, handle: Any) -> bool:
        return handle.done()

    def result(self, handle: Any) -> Any:
        return handle.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _DaskRunner:
    """Tasks on a dask.distributed cluster: the client given, the scheduler at an address,
    or a LocalCluster of ``jobs`` single-threaded worker processes."""

    def __init__(
        self, jobs: int, power: str, region: str, scheduler: str | None, client: Any = None
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise UsageError(
                "--engine dask needs dask.distributed: pip install "
                "'briefgen[dask]' (or use --engine local)"
            ) from exc
        self.power, self.region = power, region
        self._own: list[Any] = []
        if client is None:
            if scheduler:
                try:
                    client = Client(scheduler, timeout="30s")
                except (OSError, TimeoutError) as exc:
                    raise UsageError(
                        f"--scheduler {scheduler}: cannot reach the dask "
                        f"scheduler ({exc}); check the address"
                    ) from exc
            else:
                # ":0": any free port (None still binds the scheduler's HTTP server to
                # 8787, and fails when another cluster holds it)
                cluster = LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
                client = Client(cluster)
                self._own.append(cluster)
            self._own.insert(0, client)
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)

    def submit(self, docs: list[Document]) -> Any:
        # pure=False: two equal batches (a corpus with duplicate files) are both run
        return self.client.submit(extract_batch, docs, self.power, self.region, pure=False)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def done(self, handle: Any) -> bool:
        return handle.done()

    def result(self, handle: Any) -> Any:
        return handle.result()

    def close(self) -> None:
        for thing in self._own:
            thing.close()


def capped_jobs(jobs: int | None, tasks: int | None = None) -> int:
    """Local worker processes worth starting: ``jobs`` (default: the CPUs), at most the
    CPUs and the number of tasks (more processes than either only cost memory)."""
    cpus = default_jobs()
    wanted = min(jobs or cpus, cpus)
    if tasks is not None:
        wanted = min(wanted, tasks)
    return max(1, wanted)


class Workers:
    """The engine's workers for one run, shared by extraction and reconciliation tasks.

    Started on first use: a local run whose tasks are few and small (a cached corpus with
    a few changed documents) runs them in this process instead (``get(full=False)``).

    Args:
        engine (str): "local" or "dask".
        jobs (int | None): local processes (capped at the CPUs), or dask LocalCluster
            workers; 1 runs in-line.
        power (str), region (str): the lexicons workers load once.
        scheduler (str | None), client (distributed.Client | None): for engine "dask".
    """

    def __init__(
        self,
        engine: str = "local",
        jobs: int | None = None,
        power: str = DEFAULT_POWER,
        region: str = DEFAULT_REGION,
        scheduler: str | None = None,
        client: Any = None,
    ) -> None:
        if engine not in ENGINES:
            raise UsageError(f"--engine {engine}: choose from {', '.join(ENGINES)}")
        if scheduler and engine != "dask":
            raise UsageError("--scheduler needs --engine dask")
        self.engine, self.power, self.region = engine, power, region
        self.scheduler, self.client = scheduler, client
        # dask workers may be other machines: -j is theirs to decide
        self.jobs = (jobs or default_jobs()) if engine == "dask" else capped_jobs(jobs)
        self.runner: Any = None
        self.inline: Any = None

    @property
    def count(self) -> int:
        """How many tasks run at once (the started runner's, else the planned jobs)."""
        return self.runner.workers if self.runner is not None else self.jobs

    def here(self) -> Any:
        """A runner in this process (tasks that must not leave it)."""
        self.inline = self.inline or _InlineRunner(self.power, self.region)
        return self.inline

    def get(self, full: bool = True) -> Any:
        """The runner for a task; ``full=False``: a small task, run in-line until the
        workers are up."""
        if self.runner is None and not full and self.engine == "local":
            self.inline = self.inline or _InlineRunner(self.power, self.region)
            return self.inline
        if self.runner is None:
            if self.engine == "dask":
                self.runner = _DaskRunner(
                    self.jobs, self.power, self.region, self.scheduler, self.client
                )
            elif self.jobs == 1:
                self.runner = self.inline or _InlineRunner(self.power, self.region)
            else:
                self.runner = _PoolRunner(self.jobs, self.power, self.region)
        return self.runner

    def close(self) -> None:
        """Stop the workers this object started."""
        for used in {id(r): r for r in (self.runner, self.inline) if r is not None}.values():
            used.close()
        self.runner = self.inline = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- streaming


def _chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Documents in lists of ``size`` (one cache lookup per list)."""
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Task:
    """Misses sent to a worker together; ``handle`` is None while the task still fills."""

    __slots__ = ("docs", "chars", "handle", "results", "runner")

    def __init__(self) -> None:
        self.docs: list[Document] = []
        self.chars = 0
        self.runner: Any = None
        self.handle: Any = None
        self.results: list[BatchResult] | None = None


class _Entry:
    """One document waiting for its turn: its facts (a cache hit) or its place in a task."""

    __slots__ = ("doc", "key", "hit", "task", "index")

    def __init__(
        self,
        doc: Document,
        key: str,
        hit: tuple[list[Fact], tuple[str, ...]] | None,
        task: _Task | None = None,
        index: int = 0,
    ) -> None:
        self.doc, self.key, self.hit, self.task, self.index = doc, key, hit, task, index


class _Stream:
    """The state of one extraction stream: documents waiting in corpus order, tasks in
    flight, the task being filled. ``iter_extraction`` drives it."""

    def __init__(
        self, workers: Workers, cache: Any, stats: ExtractionStats, batch_size: int
    ) -> None:
        self.workers, self.cache, self.stats = workers, cache, stats
        self.batch_size = batch_size
        self.pending: deque[_Entry] = deque()
        self.in_flight: list[_Task] = []
        self.filling = _Task()

    def _full(self, task: _Task) -> bool:
        return len(task.docs) >= self.batch_size or task.chars >= BATCH_CHARS

    def submit(self, task: _Task) -> None:
        """Send a task to the workers (a part-filled one runs here while none are up:
        a few changed documents in a cached corpus cost less than starting workers)."""
        task.runner = self.workers.get(full=self._full(task))
        task.handle = task.runner.submit(task.docs)
        self.in_flight.append(task)

    def add(
        self,
        doc: Document,
        key: str,
        hit: tuple[list[Fact], tuple[str, ...]] | None,
    ) -> None:
        """Queue one document: a cache hit, or a place in the task being filled."""
        if hit is not None:
            self.pending.append(_Entry(doc, key, hit))
            return
        task = self.filling
        self.pending.append(_Entry(doc, key, None, task, len(task.docs)))
        task.docs.append(doc)
        task.chars += len(doc.text)
        if self._full(task):
            self.submit(task)
            self.filling = _Task()

    def _ready(self, entry: _Entry, block: bool) -> bool:
        """Whether the head entry's facts are in (waiting for them when ``block``)."""
        task = entry.task
        if task is None or task.results is not None:
            return True
        if task.handle is None:
            if not block:
                return False
            self.submit(task)
        if not block and not task.runner.done(task.handle):
            return False
        task.results = task.runner.result(task.handle)
        self.in_flight.remove(task)
        task.docs = []  # the parent keeps no copy of documents already extracted
        return True

    def _finish(self, entry: _Entry) -> DocumentResult:
        doc, stats = entry.doc, self.stats
        stats.documents += 1
        stats.chars += len(doc.text)
        if entry.task is None:
            stats.cached += 1
            facts, countries = entry.hit or ([], ())
            result = DocumentResult(doc, facts, cached=True, key=entry.key, countries=countries)
        else:
            assert entry.task.results is not None  # finished only once its task is done
            facts, error, countries = entry.task.results[entry.index]
            stats.extracted += 1
            if error is not None:
                stats.failed += 1
                log.warning(
                    "%s: extraction failed (%s); no facts from it, please report it",
                    doc.path or doc.id,
                    error,
                )
            elif self.cache is not None:
                self.cache.put(entry.key, facts, countries)
            result = DocumentResult(doc, facts, error=error, key=entry.key, countries=countries)
        stats.facts += len(result.facts)
        return result

    def drain(self, block: bool) -> Iterator[DocumentResult]:
        """Results ready at the head of the queue (waiting for the first when ``block``)."""
        while self.pending and self._ready(self.pending[0], block):
            yield self._finish(self.pending.popleft())
            block = False  # one blocking wait per call; then only what is ready

    def throttle(self) -> Iterator[DocumentResult]:
        """Wait while too many tasks are in flight or too many documents wait."""
        yield from self.drain(block=False)
        limit = WINDOW_PER_WORKER * self.workers.count
        while len(self.in_flight) > limit or len(self.pending) > MAX_PENDING:
            yield from self.drain(block=True)
        if self.filling.handle is not None:  # a blocking drain sent the task being filled
            self.filling = _Task()

    def finish(self) -> Iterator[DocumentResult]:
        """Send the last task and wait for everything."""
        if self.filling.docs and self.filling.handle is None:
            self.submit(self.filling)
        while self.pending:
            yield from self.drain(block=True)

    def feed(self, batch: list[Document]) -> Iterator[DocumentResult]:
        """Queue a batch of documents, each answered from the fact cache or sent to a task;
        then the results that are ready (waiting while too much is in flight)."""
        from briefgen.factcache import document_key

        keys = [document_key(d) for d in batch]
        hits = self.cache.get_many(keys) if self.cache is not None else {}
        for doc, key in zip(batch, keys, strict=True):
            self.add(doc, key, hits.get(key))
        yield from self.throttle()
        if self.cache is not None:
            self.cache.flush()

    def close_cache(self, completed: bool) -> None:
        """Close the fact cache, first forgetting other extractors' facts when the whole
        corpus was read."""
        if self.cache is None:
            return
        try:
            if completed:
                self.cache.prune()
            self.cache.close()
        except Exception as exc:  # a cache that cannot be written only costs time
            log.warning("%s: cannot write the fact cache (%s)", self.cache.path, exc)


def iter_extraction(
    corpus: Path | str,
    *,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    power: str = DEFAULT_POWER,
    region: str = DEFAULT_REGION,
    cache_dir: Path | str | bool | None = None,
    client: Any = None,
    stats: ExtractionStats | None = None,
    batch_size: int = BATCH_DOCS,
    max_doc_mb: float | None = None,
    workers: Workers | None = None,
) -> Iterator[DocumentResult]:
    """Stream each document of ``corpus`` with its facts, in corpus (file-name) order.

    Args:
        corpus (Path | str): the corpus directory.
        jobs (int | None): worker processes (default: the CPU count, at most); 1 runs
            in-line.
        engine (str): "local" (processes on this machine) or "dask".
        scheduler (str | None): a dask scheduler address (engine "dask"); None starts a
            LocalCluster of ``jobs`` workers.
        power (str), region (str): the lexicons (lexicons/powers/, lexicons/regions/).
        cache_dir (Path | str | bool | None): the ingest and fact cache directory; None →
            $BRIEFGEN_CACHE_DIR or ./.briefgen; False → no cache (extract everything).
        client (distributed.Client | None): an existing dask client (engine "dask").
        stats (ExtractionStats | None): filled in as the run goes.
        batch_size (int): documents per worker task.
        max_doc_mb (float | None): skip larger files (ingest's limit when None; 0: none).
        workers (Workers | None): workers to use and leave running (the pipeline then
            sends them reconciliation tasks); None: this run's own, closed at the end
            (engine, jobs, scheduler and client are then used).
    YIELDS (DocumentResult): one per readable document.
    Raises IngestError for a missing corpus, ConfigError for an unknown power or region,
    UsageError for an unknown engine or an unreachable scheduler.
    """
    from briefgen.extract import load_lexicon

    own = workers is None
    if workers is None:
        workers = Workers(engine, jobs, power, region, scheduler, client)
    load_lexicon(power, region, "en")  # a bad --power or --region fails here, not in workers
    stats = stats if stats is not None else ExtractionStats()
    started = time.perf_counter()
    documents, cache = _open_corpus(corpus, power, region, cache_dir, max_doc_mb)
    stream = _Stream(workers, cache, stats, batch_size)
    completed = False
    try:
        for batch in _chunks(documents, batch_size):
            yield from stream.feed(batch)
        yield from stream.finish()
        completed = True
    finally:
        documents.close()
        if own:
            workers.close()
        stream.close_cache(completed)
        stats.seconds = time.perf_counter() - started


def _open_corpus(
    corpus: Path | str,
    power: str,
    region: str,
    cache_dir: Path | str | bool | None,
    max_doc_mb: float | None,
) -> tuple[Generator[Document, None, None], Any]:
    """The corpus's documents as a stream (read through the ingest cache) and the fact
    cache (None: no cache), both in ``cache_dir`` as ``iter_extraction`` takes it."""
    from briefgen.factcache import open_fact_cache
    from briefgen.ingest import iter_corpus
    from briefgen.ingest.cache import resolve_cache_dir

    directory = resolve_cache_dir(cache_dir)
    cache = open_fact_cache(directory, power, region)
    limits = {} if max_doc_mb is None else {"max_doc_mb": max_doc_mb}
    documents = iter_corpus(
        corpus, cache_dir=directory if directory is not None else False, **limits
    )
    return documents, cache


def run_extraction(
    corpus: Path | str,
    *,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    power: str = DEFAULT_POWER,
    region: str = DEFAULT_REGION,
    cache_dir: Path | str | bool | None = None,
    keep_text: bool = True,
    client: Any = None,
    progress: Callable[[DocumentResult], None] | None = None,
    batch_size: int = BATCH_DOCS,
    max_doc_mb: float | None = None,
) -> Extraction:
    """Ingest and extract a whole corpus; the same facts whatever the engine and jobs.

    Same arguments as ``iter_extraction``, and:
        keep_text (bool): keep each Document's text (reconciliation reads it); False keeps
            metadata only, so memory holds the results and not the corpus.
        progress (callable | None): called with each DocumentResult as it arrives.
    RETURNS (Extraction): documents sorted by id (as load_corpus sorts them), facts in that
        document order, each document's facts in text order (as extract_corpus gives them).
    """
    stats = ExtractionStats()
    rows: list[tuple[str, dict[str, Any], DocumentResult]] = []
    for result in iter_extraction(
        corpus,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        power=power,
        region=region,
        cache_dir=cache_dir,
        client=client,
        stats=stats,
        batch_size=batch_size,
        max_doc_mb=max_doc_mb,
    ):
        if progress is not None:
            progress(result)
        summary = result.document.summary()  # before the text goes: it counts the chars
        if not keep_text:
            result.document = replace(result.document, text="", regions=[])
        rows.append((result.document.id, summary, result))
    rows.sort(key=lambda row: row[0])
    return Extraction(
        documents=[r.document for _, _, r in rows],
        facts=[f for _, _, r in rows for f in r.facts],
        summaries=[summary for _, summary, _ in rows],
        sources={doc_id: r.document.to_source() for doc_id, _, r in rows},
        stats=stats,
    )
