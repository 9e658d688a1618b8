"""Benchmark the CLI as analysts feel it: `build --all` with -j 1 vs -j 2, and `--help` start-up.

    python benchmarks/bench_cli.py [--data DIR] [--repeat N]

Prints the -j 2 speed-up over -j 1 for `briefgen build --all` (target ≥ 1.6× on 2 cores) and
the time of `briefgen --help` as a ratio to `python -c "import click"` (target ≤ 2).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], repeat: int) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs (seconds)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "data"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as out:
        build = [
            py,
            "-m",
            "briefgen",
            "build",
            "--all",
            "--data",
            args.data,
            "--out",
            out,
            "--format",
            "pdf,html,fragment",
        ]
        one = timed(build + ["-j", "1"], args.repeat)
        two = timed(build + ["-j", "2"], args.repeat)
    click_import = timed([py, "-c", "import click"], args.repeat * 3)
    help_time = timed([py, "-m", "briefgen", "--help"], args.repeat * 3)
    print(f"{'measure':<34} {'value':>10}")
    print(f"{'build --all -j 1 (s)':<34} {one:>10.2f}")
    print(f"{'build --all -j 2 (s)':<34} {two:>10.2f}")
    print(f"{'speed-up -j 2 / -j 1 (target 1.6)':<34} {one / two:>10.2f}")
    print(f"{'python -c import click (s)':<34} {click_import:>10.3f}")
    print(f"{'briefgen --help (s)':<34} {help_time:>10.3f}")
    print(f"{'--help / import click (target 2)':<34} {help_time / click_import:>10.2f}")


if __name__ == "__main__":
    main()
