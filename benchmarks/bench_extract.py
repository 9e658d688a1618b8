"""Benchmark: extraction throughput against a bare spaCy blank pipeline + sentencizer.

    python benchmarks/bench_extract.py [CORPUS] [--repeat N]

Prints documents per CPU-second for (a) spacy.blank + sentencizer over the same texts and
(b) briefgen.extract.extract_facts, and their ratio (target: extraction ≥ 0.5 × bare).
Both run warm (pipelines and lexicons built before timing), interleaved over N rounds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from briefgen.extract import extract_facts, load_lexicon
from briefgen.extract.matching import matchers_for
from briefgen.ingest import load_corpus

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def timed(run, docs) -> float:
    """CPU seconds of ``run`` over ``docs`` (process time: steadier than wall time on a
    shared machine)."""
    t0 = time.process_time()
    for doc in docs:
        run(doc)
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--copies",
        type=int,
        default=4,
        help="repeat the corpus this many times per round (steadier figures)",
    )
    args = parser.parse_args()

    docs = load_corpus(args.corpus) * args.copies
    chars = sum(len(d.text) for d in docs)
    bare = spacy.blank("en")
    bare.add_pipe("sentencizer")
    lexicon = load_lexicon()
    matchers_for(lexicon)
    extract_facts(docs[0], lexicon)  # warm: lexicon, matchers, date grammar

    # interleave the two so that a busy machine slows both alike; report the best rates
    # and the median of the per-round ratios
    bare_times, extract_times = [], []
    for _ in range(args.repeat):
        bare_times.append(timed(lambda d: bare(d.text), docs))
        extract_times.append(timed(lambda d: extract_facts(d, lexicon), docs))
    ratios = sorted(b / e for b, e in zip(bare_times, extract_times, strict=True))
    bare_rate = len(docs) / min(bare_times)
    extract_rate = len(docs) / min(extract_times)
    facts = sum(len(extract_facts(d, lexicon)) for d in docs)
    print(f"corpus      {args.corpus} ({len(docs)} docs, {chars:,} chars, {facts} facts)")
    print(f"bare        {bare_rate:8.1f} docs/s  (spacy.blank('en') + sentencizer)")
    print(f"extraction  {extract_rate:8.1f} docs/s  (briefgen.extract.extract_facts)")
    print(f"ratio       {extract_rate / bare_rate:8.2f}  best/best (target ≥ 0.50)")
    print(
        f"            {ratios[len(ratios) // 2]:8.2f}  median of {len(ratios)} interleaved rounds"
    )


if __name__ == "__main__":
    main()
