"""Long documents are read in pieces cut at paragraph breaks, with exact offsets into the
whole text. The suite lowers the chunk size (and spaCy's length limit) instead of
generating megabytes: the code path is the same."""

from __future__ import annotations

import pytest

from briefgen.extract import chunks, extract_facts, load_lexicon
from briefgen.extract.matching import matchers_for
from briefgen.models import Document, Region

# Invented paragraphs (no real event), one fact-bearing sentence each, filler between.
PARAGRAPHS = [
    "In March {year}, Russia and Peru signed an agreement on nuclear energy cooperation.",
    "A Russian warship docked in Callao in June {year} for joint naval exercises.",
    "Russia agreed in {year} to build a gas pipeline for Uruguay, officials said.",
    "In May {year} a Russian delegation visited Panama City to discuss oil exploration.",
]
FILLER = "The weather was mild that week and the markets were calm in every capital. " * 3


def long_document(paragraphs: int = 80) -> Document:
    parts = ["Moscow and the region: a long report"]
    for i in range(paragraphs):
        parts.append(PARAGRAPHS[i % len(PARAGRAPHS)].format(year=2000 + i % 20) + " " + FILLER)
    text = "\n\n".join(parts) + "\n"
    return Document(
        id="long_report", text=text, published="2021-01-01", regions=[Region("body", 0, len(text))]
    )


@pytest.mark.parametrize("size", [500, 2_000, 7_000])
def test_chunks_bounds_cover_text_at_paragraph_breaks(size):
    text = long_document().text
    bounds = chunks.chunk_bounds(text, size)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    for (a, b), (c, _d) in zip(bounds, bounds[1:], strict=False):
        assert b == c and 0 < b - a <= size
        assert text[b - 2 : b] == "\n\n"  # each piece ends at a paragraph break


def test_chunks_unbroken_text_still_cut_within_size():
    text = "x" * 10_000
    bounds = chunks.chunk_bounds(text, 3_000)
    assert [b - a for a, b in bounds] == [3_000, 3_000, 3_000, 1_000]


def test_chunks_long_document_gives_facts_with_exact_offsets(monkeypatch):
    doc = long_document()
    lexicon = load_lexicon("russia", "latin_america", "en")
    whole = extract_facts(doc, lexicon)  # under the limit: read at once
    assert len(whole) >= 40
    nlp = matchers_for(lexicon).nlp
    monkeypatch.setattr(nlp, "max_length", 8_000)  # as spaCy's 1,000,000 limit, scaled down
    with pytest.raises(ValueError, match="E088"):
        matchers_for(lexicon).analyse(doc)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 5_000)
    pieces = extract_facts(doc, lexicon)
    assert len(chunks.chunk_bounds(doc.text, 5_000)) >= 5
    for fact in pieces:
        for q in fact.evidence:
            assert doc.text[q.start : q.end] == q.text
    # paragraphs stand alone here, so the pieces give the whole document's facts
    assert [f.to_json() for f in pieces] == [f.to_json() for f in whole]
