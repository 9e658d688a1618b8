"""Pipeline: a corpus and run options → a Run (documents, facts, events, disagreements).

The one place a run is composed: ingest and extract (briefgen.engine), reconcile
(briefgen.reconcile), and for ``update`` the merge into the fact sheets
(briefgen.factsheets). Each CLI command parses its options and calls one function here:

    briefgen extract  →  run(corpus, options)
    briefgen update   →  update(corpus, data_dir, options, countries=…, dry_run=…)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    documents (list[Document]): sorted by id; facts (list[Fact]): in document order, each
    with ``fact.event`` set; events and disagreements: sorted, as reconcile() gives them.
    """

    documents: list[Document]
    facts: list[Fact]
    events: list[Event] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, Source]:
        """Each document's source metadata, by document id."""
        return {d.id: d.to_source() for d in self.documents}


def run(
    corpus: Path | str,
    options: RunOptions | None = None,
    *,
    known: Iterable[Event] = (),
    client: Any = None,
) -> Run:
    """Ingest, extract and reconcile a corpus.

    Args:
        corpus (Path | str): the corpus folder.
        options (RunOptions | None): power, region, limits and engine (default RunOptions()).
        known (Iterable[Event]): events already in fact sheets, so an event keeps the id
            analysts reviewed.
        client (distributed.Client | None): an existing dask client (engine "dask").
    RETURNS (Run): documents, facts, events and disagreements.
    Raises IngestError for a missing corpus, ConfigError for an unknown power or region,
    UsageError for an unknown engine or an unreachable scheduler.
    """
    from briefgen.engine import run_extraction
    from briefgen.reconcile import reconcile

    options = options or RunOptions()
    extraction = run_extraction(
        corpus,
        jobs=options.jobs,
        engine=options.engine,
        scheduler=options.scheduler,
        power=options.power,
        region=options.region,
        cache_dir=options.cache_dir,
        client=client,
        max_doc_mb=options.max_doc_mb,
    )
    documents, facts = extraction.documents, extraction.facts
    result = reconcile(facts, documents, power=options.power, region=options.region, known=known)
    return Run(documents, facts, result.events, result.disagreements)


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
    from briefgen.factsheets import list_sheets, read_tree

    wanted = {c.upper() for c in countries} if countries else None
    clashes = []
    for path in list_sheets(data_dir):
        if wanted is not None and path.stem.upper() not in wanted:
            continue
        tree = read_tree(path)
        theirs = (str(tree.get("power") or ""), str(tree.get("region") or ""))
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
