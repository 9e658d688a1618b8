"""Ingest: a folder of articles → clean, dated, citable Documents.

Readers by suffix (.txt .md .html .pdf) decode and clean each file (readers.py,
decode.py); regions label body, notes and boilerplate (regions.py); sources.yaml and
the texts' own titles and dates give metadata (metadata.py); an SQLite cache keyed by
content hash spares re-parsing (cache.py); corpus.py ties them together.

Public API: ``load_corpus``, ``iter_corpus``, ``read_manifest``, ``find_document``,
``detect_regions``, ``decode_bytes``.
"""

from __future__ import annotations

from briefgen.ingest.corpus import (
    apply_manifest,
    find_document,
    iter_corpus,
    load_corpus,
    parse_file,
)
from briefgen.ingest.decode import UndecodableError, decode_bytes
from briefgen.ingest.metadata import MANIFEST, read_manifest
from briefgen.ingest.readers import Readers, UnreadableFileError
from briefgen.ingest.regions import detect_regions

__all__ = [
    "MANIFEST",
    "Readers",
    "UndecodableError",
    "UnreadableFileError",
    "apply_manifest",
    "decode_bytes",
    "detect_regions",
    "find_document",
    "iter_corpus",
    "load_corpus",
    "parse_file",
    "read_manifest",
]
