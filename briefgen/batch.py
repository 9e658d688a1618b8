"""Batch builds: many fact sheets → briefings, in parallel, with progress and an index.

Each country renders in its own process (WeasyPrint is CPU-bound and single-threaded);
one country failing is recorded and the others go on. The index page (OUT/index.html)
lists every briefing built, with links, counts per category and the review date.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import BriefgenError

log = logging.getLogger("briefgen.batch")


@dataclass
class BuildResult:
    """What building one country produced (or why it failed)."""

    country: str
    paths: dict[str, str] = field(default_factory=dict)
    events: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    pages: int | None = None
    seconds: float = 0.0
    reviewed: str | None = None
    power: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # logged while building (--strict)
    edition: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def build_one(sheet_file: str, out_dir: str, formats: list[str], options) -> BuildResult:
    """Load one sheet and write its briefings. Never raises: errors go in the result.

    With options.corpus the shown quotes are checked first (briefgen.verify); the
    edition is planned before rendering and recorded only once every file is written.
    """
    capture = _WarningCapture()
    logging.getLogger("briefgen").addHandler(capture)
    try:
        result = _build_one(sheet_file, out_dir, formats, options)
    finally:
        logging.getLogger("briefgen").removeHandler(capture)
    result.warnings = capture.messages
    return result


class _WarningCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _verify(sheet_file: str, sheet, options):
    """Check the sheet's shown quotes against options.corpus (briefgen.verify).

    RETURNS (briefgen.verify.Verification | None): the check, or None without a corpus.
    """
    from briefgen.verify import verify_sheet

    if not getattr(options, "corpus", None):
        return None
    return verify_sheet(
        Path(sheet_file),
        sheet,
        Path(options.corpus),
        include_proposed=options.include_proposed,
    )


def _plan(sheet_file: str, sheet, options) -> dict:
    """Plan the edition this build is (briefgen.editions.plan_edition).

    Only a ready briefing without proposals is recorded, and only when options allow.
    """
    from briefgen.editions import plan_edition
    from briefgen.render import readiness, resolve_date

    record = (
        getattr(options, "record_edition", True)
        and not options.include_proposed
        and not readiness(sheet)
    )
    # DATA/factsheets/<cc>.yaml → editions go in DATA/editions/<cc>/.
    return plan_edition(
        sheet,
        Path(sheet_file).resolve().parent.parent,
        resolve_date(options).isoformat(),
        include_proposed=options.include_proposed,
        record=record,
    )


def _built(
    country: str, sheet, written: dict, edition: dict, options, started: float
) -> BuildResult:
    """The BuildResult of a country whose briefings were all written."""
    from briefgen import categories

    shown = sheet.shown_events(options.include_proposed)
    pages = None
    if "pdf" in written:
        pages = count_pages(written["pdf"])
    return BuildResult(
        country=country,
        paths={k: str(v) for k, v in written.items()},
        events=len(shown),
        counts={c: sum(e.category == c for e in shown) for c in categories.names()},
        pages=pages,
        seconds=time.perf_counter() - started,
        reviewed=sheet.reviewed,
        power=sheet.power,
        edition=edition["number"] if edition["recorded"] else None,
    )


def _build_one(sheet_file: str, out_dir: str, formats: list[str], options) -> BuildResult:
    from briefgen.editions import record_edition
    from briefgen.factsheets import load_sheet
    from briefgen.render import write_briefing

    started = time.perf_counter()
    country = Path(sheet_file).stem.upper()
    try:
        sheet = load_sheet(Path(sheet_file))
        verification = _verify(sheet_file, sheet, options)
        edition = _plan(sheet_file, sheet, options)
        written = write_briefing(
            sheet, Path(out_dir), formats, options, verification=verification, edition=edition
        )
        record_edition(edition)
    except BriefgenError as exc:
        return BuildResult(
            country, error=exc.format_message(), seconds=time.perf_counter() - started
        )
    except Exception as exc:  # a bug in one country must not stop the others
        log.debug("build of %s failed", country, exc_info=True)
        return BuildResult(
            country,
            error=f"unexpected {type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - started,
        )
    return _built(country, sheet, written, edition, options, started)


def count_pages(pdf: Path) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(str(pdf)).pages)
    except Exception:  # counting is informative only
        return None


def build_many(
    sheet_files: Iterable[Path],
    out_dir: Path,
    formats: list[str],
    options,
    jobs: int | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Build every sheet, ``jobs`` at a time; results in input order.

    Args:
        sheet_files: fact-sheet paths.
        out_dir: where briefings go.
        formats: subset of pdf, html, fragment.
        options (RenderOptions): passed to the renderer (must pickle).
        jobs: processes (default the CPUs; never more than the CPUs or the sheets);
            1 renders in this process. Workers die with this process.
        on_done: called with each result as it completes (progress).
    """
    from briefgen.engine import capped_jobs, die_with_parent

    files = [str(p) for p in sheet_files]
    jobs = capped_jobs(jobs, len(files) or 1)
    results: dict[str, BuildResult] = {}
    if jobs == 1:
        for f in files:
            results[f] = build_one(f, str(out_dir), formats, options)
            if on_done:
                on_done(results[f])
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent) as pool:
            futures = {pool.submit(build_one, f, str(out_dir), formats, options): f for f in files}
            for future in as_completed(futures):
                results[futures[future]] = result = future.result()
                if on_done:
                    on_done(result)
    return [results[f] for f in files]


def is_interactive() -> bool:
    """Progress bars only on a real terminal, never in CI or when piped."""
    return sys.stderr.isatty() and not os.environ.get("CI")
