"""Benchmark: briefgen.extract.dates.find_dates, CPU time per 10 kB and per sentence.

    python benchmarks/bench_dates.py [CORPUS] [--repeat N]

Prints the best-of-N CPU time of find_dates over (a) every .txt file in CORPUS (default
../shared/corpus, skipped when absent), (b) a dense invented 10 kB paragraph and (c) one
sentence, plus the one-off cost of compiling the English lexicon. Target: well under a
millisecond per sentence, a few milliseconds per 10 kB. CPU time, not wall time, so other
work on the machine does not skew it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from briefgen.extract import dates

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "The navy visited the port in June of this year, officials said on Tuesday."
PARAGRAPH = (
    "In 2008, two bombers flew to the region. On 10 December they landed; last month some "
    "2000 troops arrived, and the following year a deal was signed (Ortiz 2011, p. 4). "
) * 60


def best_cpu(work, repeat: int) -> float:
    """Least CPU time of ``work()`` over ``repeat`` runs (seconds)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.process_time()
    dates.find_dates("in 2019")  # compiles the English lexicon once
    print(f"compile en lexicon: {(time.process_time() - started) * 1e3:.1f} ms")

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(args.corpus).glob("*.txt"))]
    if texts:
        size = sum(len(t) for t in texts)
        cpu = best_cpu(
            lambda: [dates.find_dates(t, published="2019-12-21") for t in texts], args.repeat
        )
        print(f"corpus {size} chars: {cpu * 1e3:.1f} ms, {cpu * 1e3 / (size / 1e4):.2f} ms/10 kB")
    else:
        print(f"corpus: none at {args.corpus}, skipped")

    paragraph = PARAGRAPH[:10_000]
    cpu = best_cpu(lambda: dates.find_dates(paragraph, published="2019-12-21"), args.repeat)
    found = len(dates.find_dates(paragraph, published="2019-12-21"))
    print(f"dense 10 kB paragraph ({found} mentions): {cpu * 1e3:.2f} ms")

    cpu = best_cpu(
        lambda: [dates.find_dates(SENTENCE, published="2019-12-21") for _ in range(1000)],
        args.repeat,
    )
    print(f"one sentence: {cpu:.3f} ms")  # 1000 calls: seconds per 1000 = ms per call


if __name__ == "__main__":
    main()
