"""The command line: parse options, call one library function, print a short summary.

Heavy libraries (WeasyPrint, pandas, spaCy) are imported inside the commands that use
them, so ``briefgen --help`` starts fast. Results go to stdout, progress and warnings to
stderr. Exit codes: 0 ok, 1 findings or partial failure, 2 usage or input error.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, UsageError, io_message
from briefgen.models import DEFAULT_POWER, DEFAULT_POWER_NAME, DEFAULT_REGION

log = logging.getLogger("briefgen")

FORMATS = ("pdf", "html", "fragment")


class _StderrHandler(logging.StreamHandler):
    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    root = logging.getLogger("briefgen")
    root.handlers[:] = [_StderrHandler()]
    root.setLevel(level)
    root.propagate = False  # our handler only; see conftest for tests


class _Group(click.Group):
    """The command group: an OSError anywhere becomes one line naming the file, exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            raise BriefgenError(io_message(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("--debug", is_flag=True, help="Show full tracebacks of unexpected errors.")
@click.option(
    "--lexicons",
    "lexicon_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of powers/, regions/, languages/ searched before the package's "
    "lexicons (repeatable; also the `lexicons` setting).",
)
@click.pass_context
def cli(
    ctx: click.Context, verbose: int, quiet: bool, debug: bool, lexicon_dirs: tuple[Path, ...]
) -> None:
    """briefgen: turn a corpus of articles into traceable country briefings.

    \b
    corpus → ingest → extract → reconcile → fact sheets (data/) → render
    \b
    Example:
        briefgen update --corpus ../shared/corpus
        briefgen check
        briefgen build ve --format pdf,html --out output
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    _setup_logging(verbose, quiet)
    from briefgen.config import load_config

    config = load_config()
    ctx.obj["config"] = config
    ctx.default_map = config.default_map()
    _use_lexicon_folders(ctx, [*lexicon_dirs, *config.values.get("lexicons", [])])


# --------------------------------------------------------------------------- helpers


def _parse_formats(value: str) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise click.BadParameter(
            f"{', '.join(bad) or value!r}: choose from {', '.join(FORMATS)}", param_hint="--format"
        )
    return list(dict.fromkeys(formats))


def _countries(names: tuple[str, ...]) -> list[str]:
    from briefgen.countries import resolve_country

    return list(dict.fromkeys(resolve_country(n) for n in names))


def _use_lexicon_folders(ctx: click.Context, dirs: list) -> None:
    """Search ``dirs`` (then $BRIEFGEN_LEXICONS, then the package) until the command ends."""
    from briefgen import vocabulary

    if not dirs:
        return
    stack = vocabulary.folders_used([*dirs, *vocabulary.user_folders()])
    stack.__enter__()
    ctx.call_on_close(lambda: stack.__exit__(None, None, None))


def _lexicons_callback(ctx: click.Context, _param: click.Parameter, value: tuple) -> None:
    _use_lexicon_folders(ctx, list(value))


#: ``--lexicons DIR`` on a command, as on the group (``briefgen --lexicons DIR …``).
lexicons_option = click.option(
    "--lexicons",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    expose_value=False,
    callback=_lexicons_callback,
    help="A folder of powers/, regions/, languages/ searched before the package's "
    "lexicons (repeatable).",
)


def _table(title: str, columns):
    """A rich table whose title and cells are plain text: user text (``[/x]``,
    ``[link=file:///etc/passwd]``, ``:skull:``) is shown literally, never parsed as markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title))
    for col in columns:
        table.add_column(Text(str(col)), overflow="fold")
    return table


def _row(table, *values) -> None:
    from rich.text import Text

    table.add_row(*(Text(str(v)) for v in values))


def _print_table(table, stderr: bool = False) -> None:
    from rich.console import Console

    Console(stderr=stderr, soft_wrap=False, emoji=False, markup=False).print(table)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Data directory holding factsheets/<cc>.yaml.",
)
corpus_option = click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder of articles (txt, md, html, pdf) with an optional sources.yaml.",
)
max_doc_option = click.option(
    "--max-doc-mb",
    type=click.FloatRange(min=0),
    default=20.0,
    show_default=True,
    help="Skip (with a warning) corpus files larger than this many MB; 0 for no limit.",
)


# --------------------------------------------------------------------------- build


@cli.command()
@click.argument("countries", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every country in the data directory.")
@click.option(
    "--format",
    "formats",
    default="pdf,html",
    show_default=True,
    help="Comma-separated: pdf, html, fragment.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output directory.",
)
@data_option
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of template overrides.",
)
@click.option(
    "--page-size",
    type=click.Choice(["A4", "Letter"], case_sensitive=False),
    default="A4",
    show_default=True,
)
@click.option(
    "--handling",
    default="UNCLASSIFIED // FOR INTERNAL USE",
    show_default=True,
    help="Handling line printed on every page.",
)
@click.option(
    "--include-proposed", is_flag=True, help="Also show events not yet reviewed, marked as a draft."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Render in N processes (default: the CPU count).",
)
@click.option(
    "--index/--no-index",
    default=True,
    show_default=True,
    help="Write OUT/index.html listing the briefings (with --all).",
)
@click.option(
    "--max-events",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Refuse a PDF of more events than this (time and memory); 0 for no limit.",
)
@click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    help="Check every shown quote against this corpus first; refuse on a mismatch.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning, e.g. a DRAFT briefing.")
@click.option(
    "--edition/--no-edition",
    "record_edition",
    default=True,
    show_default=True,
    help="Record a new edition under DATA/editions/<cc>/ when the content changed.",
)
def build(
    countries: tuple[str, ...],
    all_: bool,
    formats: str,
    out_dir: Path,
    data_dir: Path,
    templates_dir: Path | None,
    page_size: str,
    handling: str,
    include_proposed: bool,
    jobs: int | None,
    index: bool,
    max_events: int,
    corpus: Path | None,
    strict: bool,
    record_edition: bool,
) -> None:
    """Render briefings for COUNTRY (code or name) from the fact sheets.

    Writes OUT/<cc>.pdf, OUT/<cc>.html and OUT/<cc>.fragment.html as asked; with --all,
    every country in the data directory and OUT/index.html. One country failing does not
    stop the others; the exit code is 1 if any failed.

    With --corpus (or the corpus setting) every shown quote is checked against its
    document first, and a mismatch refuses the build. A briefing whose content changed
    since its last edition is recorded as the next edition in DATA/editions/<cc>/
    (whatever --out is) and says what changed; drafts and --no-edition record nothing.
    A briefing without a bottom line, key judgments or reviewed events is marked DRAFT.

    \b
    Example:
        briefgen build ve --format pdf,html --out output
        briefgen build ve --corpus ../shared/corpus --strict
        briefgen build --all -j 2
    """
    wanted = _parse_formats(formats)
    paths = _build_paths(data_dir, countries, all_)
    _guard_sheets(data_dir, paths)
    _make_out_dir(out_dir)
    options = _render_options(
        page_size=page_size,
        handling=handling,
        include_proposed=include_proposed,
        templates_dir=templates_dir,
        max_events=max_events,
        corpus=corpus,
        record_edition=record_edition,
    )
    results = _run_builds(paths, out_dir, wanted, options, jobs)
    if all_ and index:
        _write_index(results, out_dir, options)
    _check_results(results, strict)


def _build_paths(data_dir: Path, countries: tuple[str, ...], all_: bool) -> list[Path]:
    """The sheet files a build renders: every one with --all, else the named countries'."""
    from briefgen.factsheets import list_sheets, sheet_path

    if all_ and countries:
        raise UsageError("give COUNTRY names or --all, not both")
    if all_:
        paths = list_sheets(data_dir)
        if not paths:
            raise UsageError(
                f"{data_dir / 'factsheets'}: no fact sheets; run `briefgen update` first"
            )
    elif countries:
        paths = [sheet_path(data_dir, code) for code in _countries(countries)]
        for path in paths:
            if not path.exists():
                raise UsageError(
                    f"{path}: no fact sheet for {path.stem.upper()}; run `briefgen "
                    f"update --corpus DIR {path.stem}` or check --data"
                )
    else:
        raise UsageError("name at least one COUNTRY, or pass --all")
    return paths


def _make_out_dir(out_dir: Path) -> None:
    """Create --out, so a bad one (too long, read-only, below a file) is refused before
    any rendering."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefgenError(f"--out {io_message(exc)}") from None


def _render_options(
    *,
    page_size: str,
    handling: str,
    include_proposed: bool,
    templates_dir: Path | None,
    max_events: int,
    corpus: Path | None,
    record_edition: bool,
):
    """The build's RenderOptions; refuses a --corpus that is not a directory."""
    from briefgen.render import RenderOptions

    options = RenderOptions(
        page_size="Letter" if page_size.lower() == "letter" else "A4",
        handling=handling,
        include_proposed=include_proposed,
        templates_dir=templates_dir,
        max_events=max_events or None,
        corpus=corpus,
        record_edition=record_edition,
    )
    if corpus is not None and not Path(corpus).is_dir():
        raise UsageError(f"{corpus}: no such corpus directory; pass --corpus DIR")
    return options


def _write_index(results, out_dir: Path, options) -> None:
    """Write OUT/index.html listing the briefings and print its path."""
    from briefgen.render import write_index

    power = next((r.power for r in results if r.power), DEFAULT_POWER_NAME)
    click.echo(str(write_index(results, out_dir, options, power)))


def _check_results(results, strict: bool) -> None:
    """Exit 1 when a briefing failed, or with --strict when any warned."""
    failed = [r for r in results if not r.ok]
    if failed:
        if len(results) == 1:
            raise BriefgenError(f"{failed[0].country.lower()}: {failed[0].error}")
        raise BriefgenError(
            f"{len(failed)} of {len(results)} briefings failed: "
            + ", ".join(r.country.lower() for r in failed)
        )
    warned = [r for r in results if r.warnings]
    if strict and warned:
        raise BriefgenError(
            f"--strict: {sum(len(r.warnings) for r in warned)} warning(s) in "
            + ", ".join(r.country.lower() for r in warned)
            + " (see above); fix them or build without --strict"
        )


def _guard_sheets(data_dir: Path, paths: list[Path]) -> None:
    """Before rendering: one sheet per country (else exit 2), and a warning for each key
    judgment resting on events that are stale, rejected or missing."""
    from briefgen.factsheets import check_one_sheet_per_country, judgment_findings, list_sheets

    check_one_sheet_per_country(list_sheets(data_dir))
    for path in paths:
        for finding in judgment_findings(path):
            log.warning("%s", finding)


def _run_builds(paths, out_dir, formats, options, jobs):
    """Build with a progress bar on a terminal, plain lines otherwise; then a summary."""
    from briefgen.batch import build_many, is_interactive

    def line(result) -> None:
        if result.ok:
            log.info("built %s in %.1fs", result.country.lower(), result.seconds)
        else:
            click.echo(f"{result.country.lower()}: failed: {result.error}", err=True)

    if is_interactive() and len(paths) > 1:
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            task = progress.add_task("Building briefings", total=len(paths))

            def tick(result) -> None:
                line(result)
                progress.advance(task)

            results = build_many(paths, out_dir, formats, options, jobs, tick)
    else:
        results = build_many(paths, out_dir, formats, options, jobs, line)
    for result in results:
        for target in result.paths.values():
            click.echo(target)
    quiet = logging.getLogger("briefgen").level >= logging.ERROR  # --quiet
    if len(results) > 1 and not quiet:
        _print_summary(results)
    return results


def _print_summary(results) -> None:
    table = _table("Briefings", ("country", "events", "pages", "seconds", "paths"))
    for r in results:
        _row(
            table,
            r.country.lower(),
            str(r.events) if r.ok else "failed",
            str(r.pages or "—"),
            f"{r.seconds:.1f}",
            ", ".join(r.paths.values()) or (r.error or ""),
        )
    _print_table(table, stderr=True)


# --------------------------------------------------------------------------- check


@cli.command()
@click.argument("countries", nargs=-1)
@data_option
@click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    help="Also check that every quote still matches its document.",
)
@max_doc_option
def check(
    countries: tuple[str, ...], data_dir: Path, corpus: Path | None, max_doc_mb: float
) -> None:
    """Validate fact sheets: schema, cross-references and (with --corpus) quotes.

    Exit 0 when valid, 1 with findings (each names file and line), 2 when unreadable.

    \b
    Example:
        briefgen check
        briefgen check ve cu --corpus ../shared/corpus
    """
    from briefgen.factsheets import check_sheets, duplicate_sheets, list_sheets, sheet_path

    if countries:
        paths = [sheet_path(data_dir, c) for c in _countries(countries)]
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"{missing[0]}: no such fact sheet; check the country and --data")
    else:
        paths = list_sheets(data_dir)
        if not paths:
            raise UsageError(f"{data_dir / 'factsheets'}: no fact sheets to check")
    doubled = duplicate_sheets(list_sheets(data_dir))
    for finding in doubled:
        click.echo(str(finding))
    texts = None
    if corpus is not None:
        from briefgen.ingest import load_corpus

        texts = {d.id: d.text for d in load_corpus(corpus, max_doc_mb=max_doc_mb)}
    findings = check_sheets(paths, texts)
    for finding in findings:
        click.echo(str(finding))
    findings += doubled
    if findings:
        raise BriefgenError(f"{len(findings)} finding(s) in {len(paths)} sheet(s)")
    click.echo(f"{len(paths)} sheet(s) valid", err=True)


# --------------------------------------------------------------------------- pipeline


power_option = click.option(
    "--power",
    default=DEFAULT_POWER,
    show_default=True,
    help="The power tracked: a name (`briefgen lexicons list`) or a path to its .yaml file.",
)
region_option = click.option(
    "--region",
    default=DEFAULT_REGION,
    show_default=True,
    help="The countries covered: a name (`briefgen lexicons list`) or a path to its .yaml file.",
)


def engine_options(func):
    """-j/--jobs, --engine and --scheduler: how extraction runs (the facts are the same)."""
    func = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="A dask scheduler (tcp://host:8786) for --engine dask; without "
        "it, a local dask cluster of -j workers.",
    )(func)
    func = click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="local: processes on this machine; dask: a dask.distributed "
        "cluster (pip install 'briefgen[dask]').",
    )(func)
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        help="Extract in N worker processes (default: the CPU count).",
    )(func)


@cli.command()
@corpus_option
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@power_option
@region_option
@lexicons_option
@max_doc_option
@engine_options
def extract(
    corpus: Path,
    fmt: str,
    power: str,
    region: str,
    max_doc_mb: float,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
) -> None:
    """Extract facts and disagreements from a corpus; print them (writes nothing).

    \b
    Example:
        briefgen extract --corpus ../shared/corpus --format json > facts.json
        briefgen extract --corpus feeds/ -j 8 --format json > facts.json
    """
    from briefgen import pipeline

    options = pipeline.RunOptions(
        power=power,
        region=region,
        max_doc_mb=max_doc_mb,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
    )
    result = pipeline.run(corpus, options)
    documents, facts = result.documents, result.facts
    if fmt == "json":
        _echo_json(
            {
                "documents": result.summaries,
                "facts": [f.to_json() for f in facts],
                "disagreements": [d.to_json() for d in result.disagreements],
            }
        )
        return
    table = _table(
        f"{len(facts)} facts from {len(documents)} documents",
        ("country", "category", "date", "doc", "quote"),
    )
    for f in facts:
        q = f.quote.text if len(f.quote.text) < 120 else f.quote.text[:117] + "…"
        _row(table, f.country, f.category, f.date or "—", f.quote.doc, q)
    _print_table(table)
    click.echo(f"{len(result.disagreements)} disagreement(s)")


@cli.command()
@corpus_option
@click.argument("countries", nargs=-1)
@data_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--allow-stale",
    is_flag=True,
    help="Go ahead even if over a third of the reviewed events (or all of a country's) "
    "would be marked stale, or the corpus is empty.",
)
@power_option
@region_option
@lexicons_option
@max_doc_option
@engine_options
def update(
    corpus: Path,
    countries: tuple[str, ...],
    data_dir: Path,
    dry_run: bool,
    allow_stale: bool,
    power: str,
    region: str,
    max_doc_mb: float,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
) -> None:
    """Run the pipeline and merge its proposals into the fact sheets.

    New events arrive as `proposed`; reviewed events and every field an analyst edited
    are kept; evidence grows; events no longer found are marked stale, never deleted.

    \b
    Example:
        briefgen update --corpus ../shared/corpus ve cu
    """
    from briefgen import pipeline

    codes = _countries(countries) if countries else None
    options = pipeline.RunOptions(
        power=power,
        region=region,
        max_doc_mb=max_doc_mb,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
    )
    changes = pipeline.update(
        corpus, data_dir, options, countries=codes, dry_run=dry_run, allow_stale=allow_stale
    )
    for c in changes:
        state = "new sheet" if c.created else ("changed" if c.changed else "unchanged")
        click.echo(
            f"{c.country.lower()}: {state}: +{c.added} events, {c.grown} with new evidence, "
            f"{c.refreshed} refreshed, {c.stale} stale, {c.revived} back, "
            f"+{c.disagreements_added} disagreements, {len(c.kept)} analyst-reviewed kept"
        )
        if c.reanchored:
            click.echo(f"  {c.reanchored} quote(s) re-anchored where their document moved")
        if c.claims_added:
            click.echo(f"  +{c.claims_added} claim(s) in existing disagreements")
        for title, status in c.stale_events:  # never hidden without a word
            click.echo(f"  stale ({status}): {title}")
    if dry_run:
        click.echo("dry run: nothing written", err=True)


# --------------------------------------------------------------------------- lexicons


@cli.group()
def lexicons() -> None:
    """List and validate the powers, regions and language packs briefgen can use."""


@lexicons.command("list")
@lexicons_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def lexicons_list(fmt: str) -> None:
    """Show every power, region and language pack with the folder it comes from.

    A name found in two folders is used from the first; the other is marked shadowed.

    \b
    Example:
        briefgen --lexicons my-lexicons lexicons list
    """
    from briefgen.vocabulary import available

    files = available()
    if fmt == "json":
        _echo_json(
            [
                {
                    "kind": f.kind,
                    "name": f.name,
                    "path": str(f.path),
                    "folder": str(f.folder),
                    "shadowed": f.shadowed,
                }
                for f in files
            ]
        )
        return
    width = max((len(f.name) for f in files), default=4)
    for f in files:
        note = "  (shadowed)" if f.shadowed else ""
        click.echo(f"{f.kind:<8} {f.name:<{width}}  {f.folder}{note}")


@lexicons.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@lexicons_option
def lexicons_check(folder: Path | None) -> None:
    """Validate lexicon files: one folder, or every folder searched (exit 2 on a fault).

    Each fault is one line: file:line key: what is wrong; the fix or the closest key.

    \b
    Example:
        briefgen lexicons check my-lexicons
    """
    from briefgen.errors import ConfigError
    from briefgen.vocabulary import check_folder

    files, problems = check_folder(folder)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in {len(files)} lexicon file(s)")
    click.echo(f"{len(files)} lexicon file(s) valid", err=True)


# --------------------------------------------------------------------------- corpus


@cli.group()
def corpus() -> None:
    """Inspect a corpus as briefgen reads it."""


@corpus.command("list")
@corpus_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@max_doc_option
def corpus_list(corpus: Path, fmt: str, max_doc_mb: float) -> None:
    """List the documents of a corpus: doc, title, date, grade, kind, chars.

    \b
    Example:
        briefgen corpus list --corpus ../shared/corpus --format json
    """
    from briefgen.ingest import load_corpus

    documents = load_corpus(corpus, max_doc_mb=max_doc_mb)
    if fmt == "json":
        _echo_json([d.summary() for d in documents])
        return
    table = _table(
        f"{len(documents)} documents in {corpus}",
        ("doc", "title", "date", "grade", "kind", "chars"),
    )
    for d in documents:
        date = (d.published or "—") + (" (est.)" if d.published and d.date_estimated else "")
        _row(table, d.id, d.title or "—", date, d.reliability, d.kind or "—", len(d.text))
    _print_table(table)


@corpus.command("show")
@click.argument("doc")
@corpus_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@max_doc_option
def corpus_show(doc: str, corpus: Path, fmt: str, max_doc_mb: float) -> None:
    """Print one document's clean text (the text every quote offset indexes).

    \b
    Example:
        briefgen corpus show 000_ccd21580c75639f7 --corpus ../shared/corpus
    """
    from briefgen.ingest import find_document

    document = find_document(corpus, doc, max_doc_mb=max_doc_mb)
    if fmt == "json":
        _echo_json(
            {
                **document.summary(),
                "text": document.text,
                "regions": [
                    {"kind": r.kind, "start": r.start, "end": r.end} for r in document.regions
                ],
            }
        )
    else:
        click.echo(document.text, nl=not document.text.endswith("\n"))


# --------------------------------------------------------------------------- fact tables


def _load_sheets(data_dir: Path, countries: tuple[str, ...]):
    from briefgen.factsheets import list_sheets, load_sheet, sheet_path

    if countries:
        paths = [sheet_path(data_dir, c) for c in _countries(countries)]
    else:
        paths = list_sheets(data_dir)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such fact sheet; run `briefgen update` or check --data")
    if not paths:
        raise UsageError(f"{data_dir / 'factsheets'}: no fact sheets; run `briefgen update` first")
    return [load_sheet(p) for p in paths]


def _print_frame(frame, fmt: str, title: str) -> None:
    from briefgen.tables import frame_to_records

    if fmt == "json":
        _echo_json(frame_to_records(frame))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        table = _table(title, frame.columns)
        for row in frame.astype(object).where(frame.notna(), "—").itertuples(index=False):
            _row(table, *row)
        _print_table(table)


@cli.command("list")
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
def list_(data_dir: Path, fmt: str) -> None:
    """List the countries in the data directory: events per category, review status, and
    whether each briefing is ready (a bottom line, key judgments, reviewed events) or
    would build as a DRAFT.

    \b
    Example:
        briefgen list --format json
    """
    from briefgen.editions import load_editions
    from briefgen.render import readiness
    from briefgen.tables import overview_frame

    sheets = _load_sheets(data_dir, ())
    frame = overview_frame(sheets)
    missing = [readiness(sheet) for sheet in sheets]
    frame["ready"] = [not m for m in missing]
    frame["missing"] = ["; ".join(m) for m in missing]
    frame["edition"] = [
        (int(r[-1]["edition"]) if (r := load_editions(data_dir, s.country)) else None)
        for s in sheets
    ]
    _print_frame(frame, fmt, f"Fact sheets in {data_dir}")


@cli.command()
@click.argument("country")
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--status", multiple=True, help="Only events with this status (repeatable).")
def facts(country: str, data_dir: Path, fmt: str, status: tuple[str, ...]) -> None:
    """Print one country's events from its fact sheet.

    \b
    Example:
        briefgen facts venezuela --format csv > ve.csv
    """
    from briefgen.tables import events_frame

    sheet = _load_sheets(data_dir, (country,))[0]
    frame = events_frame(sheet)
    if status:
        frame = frame[frame["status"].isin(status)]
    _print_frame(frame, fmt, f"{sheet.country}: {len(frame)} events")


@cli.command()
@click.argument("country")
@data_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def disagreements(country: str, data_dir: Path, fmt: str) -> None:
    """Print the points where sources disagree about one country.

    \b
    Example:
        briefgen disagreements ni --format json
    """
    sheet = _load_sheets(data_dir, (country,))[0]
    if fmt == "json":
        _echo_json([{**d.to_json(), "status": d.status} for d in sheet.disagreements])
        return
    from briefgen.tables import disagreements_frame

    _print_frame(
        disagreements_frame(sheet),
        fmt,
        f"{sheet.country}: {len(sheet.disagreements)} disagreements",
    )


@cli.command()
@click.argument("country")
@data_option
@click.option("--since", type=click.IntRange(min=1), help="Edition to compare with.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def diff(country: str, data_dir: Path, since: int | None, fmt: str) -> None:
    """Print what changed in a briefing since an edition (the "Changes since" section).

    Without --since, compares with the edition the next build's section names: the
    latest one, or the one before it when the sheet still matches the latest.

    \b
    Example:
        briefgen diff ve
        briefgen diff ve --since 1 --format json
    """
    from briefgen.editions import change_lines, diff_sheet

    sheet = _load_sheets(data_dir, (country,))[0]
    result = diff_sheet(sheet, data_dir, since)
    if fmt == "json":
        _echo_json(result)
        return
    click.echo(
        f"{result['country'].lower()}: changes since edition {result['since']['number']} "
        f"({result['since']['date']}), edition {result['edition']} now"
    )
    lines = change_lines(result["changes"])
    for line in lines:
        click.echo(f"  {line}")
    if not lines:
        click.echo("  no change in the events, disagreements or judgments shown")


@cli.command()
@click.pass_context
def config(ctx: click.Context) -> None:
    """Show each effective setting and where it came from (default or file).

    Settings live in briefgen.toml, or in [tool.briefgen] of pyproject.toml, in the
    current directory or above; command-line flags override them.

    \b
    Example:
        briefgen config
    """
    from briefgen.config import SETTINGS

    cfg = ctx.obj["config"]
    click.echo(f"# config file: {cfg.path or 'none found'}")
    for key in SETTINGS:
        click.echo(f"{key} = {cfg.values[key]!r}  # {cfg.origins[key]}")


# --------------------------------------------------------------------------- entry point


def main() -> None:
    """Console entry point: click handles known errors; anything else is one line, exit 1."""
    debug = "--debug" in sys.argv
    try:
        code = cli.main(prog_name="briefgen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # the one place an unexpected error is caught
        if debug:
            raise
        click.echo(
            f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for the "
            "traceback, and please report it)",
            err=True,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
