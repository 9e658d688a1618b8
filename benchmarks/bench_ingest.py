"""Benchmark ingestion: cold vs warm (cached) runs, and HTML extraction methods compared.

    python benchmarks/bench_ingest.py [CORPUS] [--files 300]
    python benchmarks/bench_ingest.py --html tests/fixtures/ingest/html

The first form builds a synthetic corpus of ``--files`` documents in a temporary
directory by copying and varying CORPUS (default ../shared/corpus), then times a cold
ingest (empty cache), a warm one (nothing changed) and one after a single file changed,
and prints the speed-up. The second scores selectolax (briefgen's reader) and
trafilatura on HTML fixtures with an expected.yaml (phrases to keep and to drop).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def build_corpus(source: Path, target: Path, files: int) -> None:
    """Copy the readable files of ``source`` into ``target`` until there are ``files``.

    Each copy gets one distinct trailing line, so every file has its own hash.
    """
    originals = [
        p
        for p in sorted(source.iterdir())
        if p.is_file() and p.suffix in (".txt", ".md", ".html", ".htm")
    ]
    if not originals:
        sys.exit(f"{source}: no .txt/.md/.html files to copy")
    for n in range(files):
        original = originals[n % len(originals)]
        data = original.read_bytes() + f"\nCopy {n} of {original.name}.\n".encode()
        copy = target / f"{n:05d}_{original.stem[:20]}{original.suffix}"
        copy.write_bytes(data)
        # An analyst's corpus is older than the run; files written this second are
        # re-hashed by design (see cache.RACY_NS), which would not be a fair warm run.
        os.utime(copy, ns=(time.time_ns() - 3600 * 10**9,) * 2)


def time_run(corpus: Path, cache: Path) -> tuple[float, int]:
    from briefgen.ingest import load_corpus

    start = time.perf_counter()
    docs = load_corpus(corpus, cache_dir=cache)
    return time.perf_counter() - start, len(docs)


def bench_cache(source: Path, files: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        corpus.mkdir()
        build_corpus(source, corpus, files)
        colds, warms, changed = [], [], []
        for _ in range(repeats):
            shutil.rmtree(cache, ignore_errors=True)
            cold, count = time_run(corpus, cache)
            warm, _ = time_run(corpus, cache)
            first = sorted(corpus.iterdir())[0]
            first.write_bytes(first.read_bytes() + b"\nOne more line.\n")
            one, _ = time_run(corpus, cache)
            colds.append(cold)
            warms.append(warm)
            changed.append(one)
        cold, warm, one = (statistics.median(x) for x in (colds, warms, changed))
        print(f"corpus: {count} documents built from {source} ({repeats} runs, medians)")
        print(f"cold ingest (empty cache):   {cold * 1000:8.1f} ms")
        print(f"warm ingest (unchanged):     {warm * 1000:8.1f} ms")
        print(f"one file changed:            {one * 1000:8.1f} ms")
        print(f"speed-up warm vs cold:       {cold / warm:8.1f}x")


def _outside_boilerplate(text: str) -> str:
    from briefgen.ingest import detect_regions

    return "".join(text[r.start : r.end] for r in detect_regions(text) if r.kind != "boilerplate")


def _extract_selectolax(data: bytes, path: Path) -> str:
    from briefgen.ingest.readers import HtmlReader

    return HtmlReader().read(data, path).text


def _extract_trafilatura(data: bytes, path: Path) -> str:
    import trafilatura

    return (
        trafilatura.extract(data, include_comments=False, include_tables=True, favor_recall=True)
        or ""
    )


def bench_html(folder: Path) -> None:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    methods = {"selectolax": _extract_selectolax, "trafilatura": _extract_trafilatura}
    for name, extract in methods.items():
        kept = keep_total = leaked = drop_total = 0
        elapsed = 0.0
        try:
            extract((folder / next(iter(expected))).read_bytes(), folder)  # warm-up: imports
            for file, phrases in expected.items():
                data = (folder / file).read_bytes()
                start = time.perf_counter()
                text = extract(data, folder / file)
                elapsed += time.perf_counter() - start
                visible = _outside_boilerplate(text)
                kept += sum(p in text for p in phrases["keep"])
                keep_total += len(phrases["keep"])
                leaked += sum(p in visible for p in phrases["drop"])
                drop_total += len(phrases["drop"])
        except ImportError as exc:
            print(f"{name:12} unavailable ({exc})")
            continue
        print(
            f"{name:12} article kept {kept}/{keep_total}, furniture leaked "
            f"{leaked}/{drop_total}, {elapsed * 1000:.1f} ms for {len(expected)} pages"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--html", type=Path, help="compare HTML extraction on this folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.html:
        bench_html(args.html)
        return
    if not args.corpus.is_dir():
        sys.exit(f"{args.corpus}: not a directory; pass a corpus folder")
    bench_cache(args.corpus, args.files, args.repeats)


if __name__ == "__main__":
    main()
