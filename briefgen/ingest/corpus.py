"""Corpus: a folder of articles (+ sources.yaml) → Documents, parsing only what changed.

Each file goes to the reader for its suffix; its text gets regions; the analyst's
manifest entry is laid over what the file states. Parses are cached by content hash
(see cache.py). A file that cannot be read is skipped with one warning naming it; only
a missing corpus or a malformed manifest stops ingestion.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
from collections.abc import Generator, Iterator
from pathlib import Path

from briefgen.errors import IngestError
from briefgen.ingest.cache import Store, open_store, resolve_cache_dir
from briefgen.ingest.language import detect_language
from briefgen.ingest.metadata import MANIFEST, first_line_title, is_estimated, read_manifest
from briefgen.ingest.readers import BaseReader, Readers, UnreadableFileError
from briefgen.ingest.regions import detect_regions
from briefgen.models import Document

log = logging.getLogger("briefgen.ingest")

# New parses are written in batches this large (each one transaction), so a long run
# that is interrupted keeps most of its work.
FLUSH_EVERY = 200
MANIFEST_WINS = ("title", "author", "publisher", "kind", "url")
#: Largest file read, in megabytes (MB = 10^6 bytes); a larger one is skipped with a
#: warning naming --max-doc-mb. A document is held in memory several times over (bytes,
#: text, regions, cache row), so the limit bounds memory per document.
DEFAULT_MAX_DOC_MB = 20.0


def parse_file(path: Path, data: bytes, reader: BaseReader) -> tuple[Document, list[str]]:
    """Parse one file's bytes into a Document (no manifest applied yet).

    path (Path): the file, for its id and suffix.
    data (bytes): its content.
    reader (BaseReader): the reader for its suffix.
    RETURNS (tuple[Document, list[str]]): the document and warnings about it.
    Raises UnreadableFileError when the file cannot be ingested.
    """
    parsed = reader.read(data, path)
    meta = parsed.meta
    regions = parsed.regions if parsed.regions is not None else detect_regions(parsed.text)
    doc = Document(
        id=path.stem,
        text=parsed.text,
        title=meta.get("title") or first_line_title(parsed.text, regions),
        author=meta.get("author"),
        published=meta.get("published"),
        date_estimated=True,
        url=meta.get("url"),
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        regions=regions,
        # the reader's own tag (<html lang>) when it has one, else counted from the text
        language=meta.get("language") or detect_language(parsed.text),
    )
    return doc, parsed.warnings


def apply_manifest(doc: Document, entry: dict | None) -> Document:
    """Lay a sources.yaml entry over a parsed Document: the analyst's values win.

    RETURNS (Document): the same object, updated.
    """
    if not entry:
        doc.reliability = "F"
        return doc
    for name in MANIFEST_WINS:
        if entry.get(name):
            setattr(doc, name, str(entry[name]))
    if entry.get("published"):
        doc.published = entry["published"]
        doc.date_estimated = is_estimated(entry)
    doc.reliability = entry.get("reliability") or "F"
    doc.language = entry.get("language") or doc.language
    return doc


def _list_files(corpus: Path, readers: Readers) -> list[Path]:
    """The files ingestion reads, warning once about the ones it skips."""
    skipped: list[str] = []
    disabled: dict[str, list[str]] = {}
    files: list[Path] = []
    seen: dict[str, Path] = {}
    for path in sorted(corpus.iterdir()):
        if path.name.startswith(".") or path.name == MANIFEST or not path.is_file():
            continue
        ext = path.suffix.lower().lstrip(".")
        if readers.reader_for(path) is None:
            (disabled.setdefault(ext, []) if ext in readers.disabled else skipped).append(path.name)
            continue
        if path.stem in seen:
            log.warning(
                "%s: has the same id %r as %s; skipped (rename one of them)",
                path,
                path.stem,
                seen[path.stem].name,
            )
            continue
        seen[path.stem] = path
        files.append(path)
    if skipped:
        known = " ".join(f".{ext}" for ext in sorted(readers.readers))
        log.warning(
            "%s: skipped %d file(s) no reader handles (%s): %s",
            corpus,
            len(skipped),
            known,
            ", ".join(skipped),
        )
    for ext, names in disabled.items():
        log.warning("%s: skipped %s: %s", corpus, ", ".join(names), readers.disabled[ext])
    return files


def _check_corpus(corpus: Path | str) -> Path:
    corpus = Path(corpus)
    if not corpus.exists():
        raise IngestError(f"{corpus}: no such corpus directory; pass --corpus DIR")
    if not corpus.is_dir():
        raise IngestError(f"{corpus}: not a directory; pass --corpus DIR with your articles")
    return corpus


def iter_corpus(
    corpus: Path | str,
    *,
    cache_dir: Path | str | bool | None = None,
    max_doc_mb: float | None = DEFAULT_MAX_DOC_MB,
) -> Generator[Document, None, None]:
    """Yield the Documents of ``corpus`` one at a time, in file-name order.

    corpus (Path | str): the corpus directory (a sources.yaml beside the files is used).
    cache_dir (Path | str | bool | None): the cache directory; None → $BRIEFGEN_CACHE_DIR
        or ./.briefgen; False → no cache.
    max_doc_mb (float | None): files larger than this many MB are skipped with a warning;
        None or 0 reads any size.
    YIELDS (Document): each readable file as a Document, manifest applied.
    Raises IngestError (exit 2) for a missing corpus or a malformed sources.yaml.
    """
    corpus = _check_corpus(corpus)
    manifest = read_manifest(corpus)
    readers = Readers()
    files = _list_files(corpus, readers)
    stems = {p.stem for p in files}
    for stem, entry in manifest.items():
        if stem not in stems:
            log.warning(
                "%s: lists %s, which is not in the corpus (or cannot be read)",
                corpus / MANIFEST,
                entry["file"],
            )
    store = open_store(resolve_cache_dir(cache_dir))
    completed = False
    try:
        limit = int(max_doc_mb * 1_000_000) if max_doc_mb else None
        yield from _ingest(corpus, files, readers, manifest, store, limit)
        completed = True
    finally:
        if store is not None:
            key = str(corpus.resolve())
            try:
                store.flush(key, {p.name for p in files} if completed else None)
            except Exception as exc:  # a cache that cannot be written only costs speed
                log.warning("%s: cannot write the ingest cache (%s)", store.path, exc)
            store.close()


def _ingest(
    corpus: Path,
    files: list[Path],
    readers: Readers,
    manifest: dict,
    store: Store | None,
    limit: int | None = None,
) -> Iterator[Document]:
    key = str(corpus.resolve())
    known = store.known_files(key) if store is not None else {}
    for n, path in enumerate(files, 1):
        reader = readers.reader_for(path)
        assert reader is not None  # _list_files kept only files a reader handles
        reader_key = readers.key(path)
        try:
            doc, warnings = _read_one(
                path, reader, reader_key, store, key, known.get(path.name), limit
            )
        except UnreadableFileError as exc:
            log.warning("%s: %s; skipped", path, exc)
            continue
        except OSError as exc:
            log.warning("%s: cannot read (%s); skipped", path, exc.strerror or exc)
            continue
        except Exception as exc:  # one odd file must not stop a 100k-document run
            log.warning(
                "%s: unexpected %s while reading (%s); skipped, please report it",
                path,
                type(exc).__name__,
                exc,
            )
            continue
        for message in warnings:
            log.warning("%s: %s", path, message)
        doc.id, doc.path = path.stem, str(path)
        yield apply_manifest(doc, manifest.get(path.stem))
        if store is not None and n % FLUSH_EVERY == 0:
            store.flush()


def _read_one(
    path: Path,
    reader: BaseReader,
    reader_key: str,
    store: Store | None,
    corpus_key: str,
    known: tuple[int, int, str, str] | None,
    limit: int | None = None,
) -> tuple[Document, list[str]]:
    stat = path.stat()
    if limit is not None and stat.st_size > limit:
        raise UnreadableFileError(
            f"{stat.st_size / 1e6:.1f} MB is over the {limit / 1e6:g} MB limit per document; "
            f"pass --max-doc-mb {int(stat.st_size / 1e6) + 1} (or 0 for no limit) to read it"
        )
    if store is not None and known is not None:
        size, mtime, sha, cached_reader = known
        if (size, mtime, cached_reader) == (stat.st_size, stat.st_mtime_ns, reader_key):
            hit = store.get(sha, reader_key)
            if hit is not None:
                return hit
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    hit = store.get(sha, reader_key) if store is not None else None
    if hit is None:
        doc, warnings = parse_file(path, data, reader)
        if store is not None:
            store.put(doc, reader_key, warnings)
    else:
        doc, warnings = hit
    if store is not None:
        store.remember(corpus_key, path.name, stat, sha, reader_key)
    return doc, warnings


def load_corpus(
    corpus: Path | str,
    *,
    cache_dir: Path | str | bool | None = None,
    max_doc_mb: float | None = DEFAULT_MAX_DOC_MB,
) -> list[Document]:
    """Read every supported file of ``corpus`` into Documents, sorted by id.

    Same arguments as ``iter_corpus``. RETURNS (list[Document]).
    """
    return sorted(
        iter_corpus(corpus, cache_dir=cache_dir, max_doc_mb=max_doc_mb), key=lambda d: d.id
    )


def find_document(
    corpus: Path | str,
    doc_id: str,
    cache_dir: Path | str | bool | None = None,
    max_doc_mb: float | None = DEFAULT_MAX_DOC_MB,
) -> Document:
    """The document of ``corpus`` named ``doc_id`` (its id, file name or a unique id prefix).

    RETURNS (Document). Raises IngestError (exit 2) when none or several match, with a
    "did you mean" hint.
    """
    docs = load_corpus(corpus, cache_dir=cache_dir, max_doc_mb=max_doc_mb)
    by_id = {d.id: d for d in docs}
    wanted = doc_id.strip()
    if wanted in by_id:
        return by_id[wanted]
    for d in docs:
        if d.path and Path(d.path).name == wanted:
            return d
    prefixed = [d for d in docs if d.id.startswith(wanted)] if wanted else []
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        names = ", ".join(d.id for d in prefixed[:5])
        raise IngestError(
            f"{corpus}: {doc_id!r} matches {len(prefixed)} documents ({names}); give more of the id"
        )
    close = difflib.get_close_matches(wanted, list(by_id), n=3, cutoff=0.5)
    hint = (
        f"did you mean {' or '.join(close)}?"
        if close
        else "run `briefgen corpus list --corpus DIR` to see the ids"
    )
    raise IngestError(f"{corpus}: no document {doc_id!r}; {hint}")
