"""Ingest: a folder of articles → clean, dated, citable Documents.

Minimal first version (plain text and Markdown, sources.yaml manifest); the full
reader set, encoding detection, regions and the cache build on this interface.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from briefgen.errors import IngestError
from briefgen.models import Document

MANIFEST = "sources.yaml"


def read_manifest(corpus: Path) -> dict[str, dict]:
    """Manifest entries by file stem; empty when the corpus has no sources.yaml."""
    path = corpus / MANIFEST
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {Path(e["file"]).stem: e for e in data.get("sources", [])}


def load_corpus(corpus: Path | str) -> list[Document]:
    """Read every supported file of ``corpus`` into Documents, sorted by id."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise IngestError(f"{corpus}: not a directory; pass --corpus DIR with your articles")
    manifest = read_manifest(corpus)
    docs = []
    for path in sorted(corpus.iterdir()):
        if path.suffix not in (".txt", ".md"):
            continue
        meta = manifest.get(path.stem, {})
        docs.append(
            Document(
                id=path.stem,
                text=path.read_text(encoding="utf-8"),
                title=meta.get("title"),
                author=meta.get("author"),
                publisher=meta.get("publisher"),
                published=str(meta["published"]) if meta.get("published") else None,
                date_estimated="estimate" in str(meta.get("date_basis", "estimate")),
                reliability=meta.get("reliability") or "F",
                kind=meta.get("kind"),
                language=meta.get("language") or "en",
                path=str(path),
            )
        )
    return docs
