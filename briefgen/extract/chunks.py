"""Chunks: a long Document → pieces cut at paragraph boundaries, and their facts → facts
with exact offsets into the whole text.

spaCy refuses texts over ``nlp.max_length`` characters (1,000,000: error E088), and
working memory grows with the text, so a document longer than ``CHUNK_CHARS`` is read a
piece at a time. Each piece ends at a paragraph break (a blank line; else a line break;
else a space) no later than ``CHUNK_CHARS`` after it starts, so no sentence is cut in two
unless a paragraph is itself longer than a chunk. The facts of each piece are moved back to
the whole text's offsets and their ids recomputed as if found in the whole document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from briefgen.models import Document, Fact, Quote, Region, stable_id

#: Characters per piece at most (well under spaCy's 1,000,000 limit).
CHUNK_CHARS = 200_000

_BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n"), re.compile(r"\s"))


def chunk_bounds(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each piece of ``text``: consecutive, covering it all, each at most
    ``size`` characters (default CHUNK_CHARS), cut after the last paragraph break that
    fits (see module doc)."""
    size = size or CHUNK_CHARS
    bounds = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = None
        for pattern in _BREAKS:
            found = [m.end() for m in pattern.finditer(text, start + size // 2, limit)]
            if found:
                cut = found[-1]
                break
        cut = cut if cut and cut > start else limit
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def _piece(doc: Document, start: int, end: int) -> Document:
    """The part ``[start, end)`` of ``doc`` as a Document of its own (regions clipped)."""
    regions = [
        Region(r.kind, max(r.start, start) - start, min(r.end, end) - start)
        for r in doc.regions
        if r.start < end and r.end > start
    ]
    return replace(doc, text=doc.text[start:end], regions=regions)


def _moved(fact: Fact, doc_id: str, offset: int) -> Fact:
    """``fact`` (found in a piece starting at ``offset``) in the whole text's offsets."""
    evidence = [Quote(q.doc, q.text, q.start + offset, q.end + offset) for q in fact.evidence]
    q = evidence[0]
    fid = stable_id("f", doc_id, q.start, q.end, fact.country, fact.category)
    return replace(fact, id=fid, evidence=evidence)


def iter_chunks(doc: Document, size: int | None = None) -> Iterator[tuple[int, Document]]:
    """(offset, piece) for each piece of ``doc``."""
    for start, end in chunk_bounds(doc.text, size):
        yield start, _piece(doc, start, end)


def extract_in_chunks(
    doc: Document, extract: Callable[[Document], list[Fact]], size: int | None = None
) -> list[Fact]:
    """The facts of a long ``doc``, extracted piece by piece with ``extract``.

    RETURNS (list[Fact]): in text order; each quote is ``doc.text[start:end]``.
    """
    facts: dict[str, Fact] = {}
    for offset, piece in iter_chunks(doc, size):
        for fact in extract(piece):
            moved = _moved(fact, doc.id, offset)
            facts.setdefault(moved.id, moved)
    return list(facts.values())
