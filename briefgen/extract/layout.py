"""Layout: a document's clean text → blocks (paragraphs, headings, captions, notes).

Sentences never cross a block, and a block knows whether it is a heading (which sets the
section a following sentence is about) or a note (whose citation date dates its claims).
Texts come in two shapes: one paragraph per line (web pages), or hard-wrapped lines
(PDF extractions), where a single newline is only a space. Which shape a text has is
decided from its line lengths, never from its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.ingest.regions import is_citation
from briefgen.models import Document

#: Longest line a hard-wrapped text has (PDF columns and e-mail run 40-80 characters).
WRAP_WIDTH = 100
_TERMINAL = tuple('.!?:;"”’)')
_NUMBER_ONLY = re.compile(r"^\s*(\d+[a-z]?\.\s*)+$")
_BULLET = re.compile(r"^\s*([•*\-–]|\d+[.)])\s+")
# a quoted title ("Russia, Peru Sign Accord"), the mark of a citation
_QUOTED_TITLE = re.compile(r"[‘“\"](?:[^‘“\"’”]|’(?=\w)){12,}[’”\"]")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
#: How far from the end of a block a citation's date stands.
CITATION_TAIL = 120


@dataclass(frozen=True)
class Block:
    """A stretch of text that no sentence crosses."""

    start: int
    end: int
    kind: str = "paragraph"  # paragraph | heading | caption | note | keywords | boilerplate

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"


def is_hard_wrapped(text: str) -> bool:
    """True when the text's lines are wrapped at a fixed width (single newline = space).

    Args:
        text (str): the document text.
    RETURNS (bool): most lines short, almost none long, and many not ending a sentence.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) < 8:
        return False
    long_lines = sum(1 for ln in lines if len(ln) > WRAP_WIDTH)
    open_lines = sum(1 for ln in lines if not ln.endswith(_TERMINAL))
    return long_lines <= len(lines) * 0.05 and open_lines >= len(lines) * 0.5


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, stripped of surrounding spaces."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        trail = len(line) - len(line.rstrip())
        spans.append((m.start() + lead, m.end() - trail))
    return spans


def _classify(text: str, start: int, end: int, next_line: str | None) -> str:
    line = text[start:end]
    if next_line is not None and next_line.startswith(line[: max(20, len(line) // 2)]):
        return "caption"  # an image caption is rendered twice: the second adds a credit
    words = line.split()
    if (
        len(words) <= 12
        and len(line) <= 90
        and not line.endswith(_TERMINAL)
        and not _BULLET.match(line)
        and line[:1].isupper()
    ):
        return "heading"
    if len(words) > 12 and not any(p in line for p in ".!?"):
        return "keywords"  # a long line with no sentence in it: tags, keywords, menus
    return "paragraph"


def split_blocks(doc: Document, wrapped: bool | None = None) -> list[Block]:
    """Cut ``doc.text`` into blocks, marking headings, captions, notes and boilerplate.

    Args:
        doc (Document): regions (body/notes/boilerplate), when ingest marked them, are kept.
        wrapped (bool | None): whether the text is hard-wrapped (found out when None).
    RETURNS (list[Block]): in text order; number-only lines ("12.") are dropped.
    """
    text = doc.text
    if wrapped is None:
        wrapped = is_hard_wrapped(text)
    spans = _lines(text)
    blocks: list[Block] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        if _NUMBER_ONLY.match(text[start:end]):
            i += 1
            continue
        if wrapped and not blocks and _is_title_line(text, spans, i):
            # the document's first line, short and unfinished, with a new sentence under
            # it, is its title: a headline never runs into the dateline or the lead
            blocks.append(Block(start, end, "heading"))
            i += 1
            continue
        end, kind, i = _next_block(text, spans, i, wrapped)
        blocks.append(Block(start, end, _region_kind(doc, blocks, start, end, kind)))
    return blocks


def _next_block(
    text: str, spans: list[tuple[int, int]], i: int, wrapped: bool
) -> tuple[int, str, int]:
    """The block opening at line ``i``: its end, its kind by layout, and the next line's
    index. A line is a block, or in a hard-wrapped text every line up to a blank one."""
    j = i
    if wrapped:
        # join lines until a blank line: the paragraph is the block
        while j + 1 < len(spans) and "\n\n" not in text[spans[j][1] : spans[j + 1][0]]:
            j += 1
    end = spans[j][1]
    if j > i:
        return end, "paragraph", j + 1
    nxt = text[spans[j + 1][0] : spans[j + 1][1]] if j + 1 < len(spans) else None
    return end, _classify(text, spans[i][0], end, nxt), j + 1


def _region_kind(doc: Document, blocks: list[Block], start: int, end: int, kind: str) -> str:
    """The kind of block text[start:end] once the document's regions are known: boilerplate
    and notes (marked by ingest, or else read from citations) override ``kind``."""
    text = doc.text
    region = doc.region_at(start)
    if region == "boilerplate":
        return "boilerplate"
    if (
        region == "notes"
        or (
            not doc.regions
            and (
                looks_like_citation(text[start:end], doc.language)
                # notes come in runs: an undated "Ibid."-style entry after a note is one too
                or (
                    blocks
                    and blocks[-1].kind == "note"
                    and kind == "paragraph"
                    and _QUOTED_TITLE.search(text[start:end])
                )
            )
        )
    ):
        return "note"
    return kind


def _is_title_line(text: str, spans: list[tuple[int, int]], i: int) -> bool:
    start, end = spans[i]
    line = text[start:end]
    if i + 1 >= len(spans) or len(line) > 90 or line.endswith(_TERMINAL):
        return False
    if len(line.split()) < 3:
        return False
    following = text[spans[i + 1][0] : spans[i + 1][1]]
    return line[:1].isupper() and following[:1].isupper()


def looks_like_citation(block: str, language: str = "en") -> bool:
    """A block that quotes a title and reads as a reference (``regions.is_citation``, the
    one test of what a citation is) with its year near the end: an endnote.

    ``language`` is kept for callers; the citation cues of every language are merged.
    """
    if not _QUOTED_TITLE.search(block):
        return False
    return is_citation(block) and bool(_YEAR.search(block[-CITATION_TAIL:]))
