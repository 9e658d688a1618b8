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
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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


def _init_worker(power: str, region: str, languages: tuple[str, ...] = ("en",)) -> None:
    """Load the lexicons and build the spaCy pipeline and matchers once per process."""
    from briefgen.extract import load_lexicon
    from briefgen.extract.matching import matchers_for

    for language in languages:
        matchers_for(load_lexicon(power, region, language))


def extract_batch(
    docs: list[Document], power: str, region: str
) -> list[tuple[list[Fact], str | None]]:
    """Extract each document of a batch (runs in a worker).

    RETURNS (list[tuple[list[Fact], str | None]]): per document, its facts and None, or no
        facts and the error that stopped it (one odd document must not stop a run).
    """
    from briefgen.extract import extract_facts, load_lexicon

    out: list[tuple[list[Fact], str | None]] = []
    for doc in docs:
        try:
            lexicon = load_lexicon(power, region, doc.language or "en")  # cached per process
            out.append((extract_facts(doc, lexicon), None))
        except Exception as exc:  # noqa: BLE001 - reported by the parent, per document
            out.append(([], f"{type(exc).__name__}: {exc}"))
    return out


class _InlineRunner:
    """Extracts in this process: -j 1, and the reference every engine must match."""

    workers = 1

    def __init__(self, power: str, region: str) -> None:
        _init_worker(power, region)
        self.power, self.region = power, region

    def submit(self, docs: list[Document]) -> Any:
        return extract_batch(docs, self.power, self.region)

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
            max_workers=jobs, initializer=_init_worker, initargs=(power, region)
        )

    def submit(self, docs: list[Document]) -> Any:
        return self.pool.submit(extract_batch, docs, self.power, self.region)

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

    def done(self, handle: Any) -> bool:
        return handle.done()

    def result(self, handle: Any) -> Any:
        return handle.result()

    def close(self) -> None:
        for thing in self._own:
            thing.close()


def _runner(engine: str, jobs: int, power: str, region: str, scheduler: str | None, client: Any):
    if engine == "dask":
        return _DaskRunner(jobs, power, region, scheduler, client)
    return _InlineRunner(power, region) if jobs == 1 else _PoolRunner(jobs, power, region)


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
        self.results: list[tuple[list[Fact], str | None]] | None = None


class _Entry:
    """One document waiting for its turn: its facts (a cache hit) or its place in a task."""

    __slots__ = ("doc", "key", "facts", "task", "index")

    def __init__(
        self,
        doc: Document,
        key: str,
        facts: list[Fact] | None,
        task: _Task | None = None,
        index: int = 0,
    ) -> None:
        self.doc, self.key, self.facts, self.task, self.index = doc, key, facts, task, index


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
) -> Iterator[DocumentResult]:
    """Stream each document of ``corpus`` with its facts, in corpus (file-name) order.

    Args:
        corpus (Path | str): the corpus directory.
        jobs (int | None): worker processes (default: the CPU count); 1 runs in-line.
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
    YIELDS (DocumentResult): one per readable document.
    Raises IngestError for a missing corpus, ConfigError for an unknown power or region,
    UsageError for an unknown engine or an unreachable scheduler.
    """
    from briefgen.extract import load_lexicon
    from briefgen.factcache import document_key, open_fact_cache
    from briefgen.ingest import iter_corpus
    from briefgen.ingest.cache import resolve_cache_dir

    if engine not in ENGINES:
        raise UsageError(f"--engine {engine}: choose from {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    load_lexicon(power, region, "en")  # a bad --power or --region fails here, not in workers
    stats = stats if stats is not None else ExtractionStats()
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    directory = resolve_cache_dir(cache_dir)
    cache = open_fact_cache(directory, power, region)
    limits = {} if max_doc_mb is None else {"max_doc_mb": max_doc_mb}
    documents = iter_corpus(
        corpus, cache_dir=directory if directory is not None else False, **limits
    )
    runner: Any = None  # the engine's workers, started for the first full task
    inline: Any = None  # this process, for part-filled tasks before any workers exist
    pending: deque[_Entry] = deque()
    in_flight: list[_Task] = []
    filling = _Task()
    completed = False

    def submit(task: _Task) -> None:
        nonlocal runner, inline
        full = len(task.docs) >= batch_size or task.chars >= BATCH_CHARS
        if runner is None and not full and engine == "local":
            # A few changed documents in a cached corpus: workers would cost more to start
            # than the extraction itself, so a part-filled task runs here.
            inline = inline or _runner(engine, 1, power, region, None, None)
            task.runner = inline
        else:
            runner = runner or _runner(engine, jobs, power, region, scheduler, client)
            task.runner = runner
        task.handle = task.runner.submit(task.docs)
        in_flight.append(task)

    def ready(entry: _Entry, block: bool) -> bool:
        """Whether the head entry's facts are in (waiting for them when ``block``)."""
        task = entry.task
        if entry.facts is not None or task is None:
            return True
        if task.results is None:
            if task.handle is None:
                if not block:
                    return False
                submit(task)
            if not block and not task.runner.done(task.handle):
                return False
            task.results = task.runner.result(task.handle)
            in_flight.remove(task)
            task.docs = []  # the parent keeps no copy of documents already extracted
        return True

    def finish(entry: _Entry) -> DocumentResult:
        doc = entry.doc
        stats.documents += 1
        stats.chars += len(doc.text)
        if entry.task is None:
            stats.cached += 1
            result = DocumentResult(doc, entry.facts or [], cached=True)
        else:
            assert entry.task.results is not None  # finish() runs once the task is done
            facts, error = entry.task.results[entry.index]
            stats.extracted += 1
            if error is not None:
                stats.failed += 1
                log.warning(
                    "%s: extraction failed (%s); no facts from it, please report it",
                    doc.path or doc.id,
                    error,
                )
            elif cache is not None:
                cache.put(entry.key, facts)
            result = DocumentResult(doc, facts, error=error)
        stats.facts += len(result.facts)
        return result

    def drain(block: bool) -> Iterator[DocumentResult]:
        while pending and ready(pending[0], block):
            yield finish(pending.popleft())
            block = False  # one blocking wait per call; then only what is ready

    try:
        for batch in _chunks(documents, batch_size):
            keys = [document_key(d) for d in batch]
            hits = cache.get_many(keys) if cache is not None else {}
            for doc, key in zip(batch, keys, strict=True):
                if key in hits:
                    pending.append(_Entry(doc, key, hits[key]))
                    continue
                pending.append(_Entry(doc, key, None, filling, len(filling.docs)))
                filling.docs.append(doc)
                filling.chars += len(doc.text)
                if len(filling.docs) >= batch_size or filling.chars >= BATCH_CHARS:
                    submit(filling)
                    filling = _Task()
            yield from drain(block=False)
            limit = WINDOW_PER_WORKER * (runner.workers if runner is not None else jobs)
            while len(in_flight) > limit or len(pending) > MAX_PENDING:
                yield from drain(block=True)
            if filling.handle is not None:  # a blocking drain sent the task being filled
                filling = _Task()
            if cache is not None:
                cache.flush()
        if filling.docs and filling.handle is None:
            submit(filling)
        while pending:
            yield from drain(block=True)
        completed = True
    finally:
        documents.close()
        for used in (runner, inline):
            if used is not None:
                used.close()
        if cache is not None:
            try:
                if completed:
                    cache.prune()
                cache.close()
            except Exception as exc:  # a cache that cannot be written only costs time
                log.warning("%s: cannot write the fact cache (%s)", cache.path, exc)
        stats.seconds = time.perf_counter() - started


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
