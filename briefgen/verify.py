"""Verify: a fact sheet's shown quotes + the corpus → a Verification, or a refusal.

At build time, when the corpus is at hand (``build --corpus DIR`` or the ``corpus``
setting), every quote the briefing will show is compared with its document's clean
text at the stored offsets. A mismatch stops the build: the analyst signed those words,
and a briefing must not print words its source does not hold. Each refusal names the
sheet's file and the line of the quote, and shows what differs. The same pass yields
what a reader's locator needs (the paragraph each quote sits in) and the manifest's
titles and URLs for sources the sheet has none for. Without a corpus nothing is
checked and the method note says the quotes were checked at review time only.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import categories
from briefgen.errors import VerifyError
from briefgen.models import Document, FactSheet, shown_statuses

log = logging.getLogger("briefgen.verify")

# A paragraph ends at a blank line (readers keep one paragraph per block of lines).
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
CONTEXT = 24  # characters of agreement shown either side of a difference


@dataclass
class Verification:
    """What the build checked.

    quotes (int): shown quotes compared with the corpus (all matched).
    documents (int): documents they come from.
    paragraphs (dict): (doc, start) → 1-based paragraph of the quote in its document.
    changed (list[str]): documents whose content hash differs from the sheet's (their
        quotes still match; the text around them moved or changed).
    """

    quotes: int = 0
    documents: int = 0
    paragraphs: dict[tuple[str, int], int] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)


def paragraph_starts(text: str) -> list[int]:
    """Offsets where each paragraph of a clean text begins (the first is 0)."""
    return [0, *(m.end() for m in PARAGRAPH_BREAK.finditer(text))]


def paragraph_of(starts: list[int], offset: int) -> int:
    """1-based number of the paragraph holding ``offset``."""
    return max(1, bisect.bisect_right(starts, offset))


def describe_difference(stored: str, actual: str) -> str:
    """Where a stored quote and the document's text at its offsets part ways, in words."""
    prefix = 0
    limit = min(len(stored), len(actual))
    while prefix < limit and stored[prefix] == actual[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and stored[len(stored) - 1 - suffix] == actual[len(actual) - 1 - suffix]
    ):
        suffix += 1
    lo = max(0, prefix - CONTEXT)

    def cut(text: str) -> str:
        hi = min(len(text), len(text) - suffix + CONTEXT)
        piece = " ".join(text[lo:hi].split())
        return ("…" if lo else "") + piece + ("…" if hi < len(text) else "")

    return f'the sheet has "{cut(stored)}", the document has "{cut(actual)}"'


def load_documents(
    corpus: Path, wanted: set[str], max_doc_mb: float | None = 20.0
) -> dict[str, Document]:
    """The corpus documents whose ids are in ``wanted`` (the ingest cache keeps this cheap)."""
    from briefgen.ingest import iter_corpus

    return {d.id: d for d in iter_corpus(corpus, max_doc_mb=max_doc_mb) if d.id in wanted}


def _shown_quotes(tree, sheet: FactSheet, include_proposed: bool):
    """(path in the tree, stored quote map) of every quote the briefing shows."""
    statuses = shown_statuses(include_proposed)
    known = categories.names()
    for i, entry in enumerate(tree.get("events") or []):
        if (
            entry.get("status") in statuses
            and not entry.get("stale")
            and entry.get("category") in known
        ):
            for j, quote in enumerate(entry.get("evidence") or []):
                yield ["events", i, "evidence", j], quote
    for i, entry in enumerate(tree.get("disagreements") or []):
        shown = not (entry.get("stale") or entry.get("suppressed"))
        if entry.get("status") in statuses and shown:
            for j, quote in enumerate(entry.get("claims") or []):
                if not quote.get("suppressed"):  # suppressed claims are not shown
                    yield ["disagreements", i, "claims", j], quote


def verify_sheet(
    sheet_file: Path,
    sheet: FactSheet,
    corpus: Path,
    *,
    include_proposed: bool = False,
    max_doc_mb: float | None = 20.0,
) -> Verification:
    """Check every shown quote of a sheet against the corpus.

    sheet_file (Path): the sheet's YAML (for line numbers).
    sheet (FactSheet): the loaded sheet; sources missing a title or URL get the
        manifest's, in memory only (the sheet file is never written here).
    corpus (Path): the corpus directory.
    include_proposed (bool): a draft build also shows (so checks) proposed events.
    RETURNS (Verification). Raises VerifyError listing every mismatch as
        ``file:line where: what differs; fix``.
    """
    from briefgen.factsheets import read_tree

    tree = read_tree(sheet_file)
    quotes = list(_shown_quotes(tree, sheet, include_proposed))
    documents = load_documents(corpus, {str(q["doc"]) for _p, q in quotes}, max_doc_mb)
    result = Verification()
    starts: dict[str, list[int]] = {}
    problems = []
    for path, quote in quotes:
        doc, start, end, stored = (
            str(quote["doc"]),
            int(quote["start"]),
            int(quote["end"]),
            str(quote["quote"]),
        )
        where = _quote_location(tree, sheet_file, path)
        problem = _quote_problem(where, documents.get(doc), doc, start, end, stored, corpus)
        if problem is not None:
            problems.append(problem)
            continue
        if doc not in starts:
            starts[doc] = paragraph_starts(documents[doc].text)
        result.paragraphs[(doc, start)] = paragraph_of(starts[doc], start)
        result.quotes += 1
    if problems:
        raise VerifyError(
            "\n".join(problems) + f"\n{sheet_file}: {len(problems)} shown "
            f"{'quote does' if len(problems) == 1 else 'quotes do'} not match "
            "the corpus; the briefing was not built"
        )
    result.documents = len(starts)
    result.changed = _complete_sources(sheet, documents, sorted(starts))
    if result.changed:
        log.warning(
            "%s: %s changed since the sheet was reviewed (the shown quotes still "
            "match); run `briefgen update` to record the new content hashes",
            sheet_file,
            ", ".join(result.changed),
        )
    return result


def _quote_location(tree, sheet_file: Path, path: list) -> str:
    """``file:line where`` of a quote in the sheet (``file where`` when no line is known)."""
    from briefgen.factsheets import _line_of, _where

    line = _line_of(tree, [*path, "quote"])
    return f"{sheet_file}:{line} {_where(path)}" if line else f"{sheet_file} {_where(path)}"


def _quote_problem(
    where: str,
    document: Document | None,
    doc: str,
    start: int,
    end: int,
    stored: str,
    corpus: Path,
) -> str | None:
    """What is wrong with one stored quote against its document (None when it matches)."""
    if document is None:
        return (
            f"{where}: document {doc} is not in {corpus}; restore it, pass "
            "the right --corpus, or set the event's status to rejected"
        )
    actual = document.text[start:end]
    if actual == stored:
        return None
    moved = document.text.find(stored)
    hint = (
        f"the quote is at {moved}–{moved + len(stored)} now; run `briefgen "
        "update` to refresh its offsets"
        if moved >= 0
        else "restore the source's words in the sheet or set the status to rejected"
    )
    return (
        f"{where}: quote differs from {doc}[{start}:{end}]: "
        f"{describe_difference(stored, actual)}; {hint}"
    )


def _complete_sources(
    sheet: FactSheet, documents: dict[str, Document], docs: list[str]
) -> list[str]:
    """Fill the sheet's missing source fields from the manifest, in memory only.

    RETURNS (list[str]): the documents whose content hash differs from the sheet's.
    """
    changed = []
    for doc in docs:
        document, source = documents[doc], sheet.sources.get(doc)
        if source is None:
            sheet.sources[doc] = document.to_source()
            continue
        for name in ("title", "url", "author", "publisher", "published"):
            if not getattr(source, name) and getattr(document, name):
                setattr(source, name, getattr(document, name))
        stored_hash = getattr(source, "sha256", None)
        if stored_hash and document.sha256 and stored_hash != document.sha256:
            changed.append(doc)
    return changed
