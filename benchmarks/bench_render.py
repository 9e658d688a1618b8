"""Time the renderer: the invented sample sheet (and a large synthetic one) → HTML, PDF.

Prints seconds per render and output sizes; no assertions (tests stay untimed).
Run: python benchmarks/bench_render.py [--events N]
"""

from __future__ import annotations

import argparse
import copy
import time
from dataclasses import replace
from datetime import date

from briefgen.render import RenderOptions, render_html, render_pdf
from tests.test_render import make_sample_sheet


def _scaled_sheet(events: int):
    """The sample sheet with its events repeated (fresh ids) up to ``events``."""
    sheet = make_sample_sheet()
    base = list(sheet.events)
    sheet.events = [
        replace(copy.deepcopy(base[i % len(base)]), id=f"e-{i:05d}") for i in range(events)
    ]
    return sheet


def _time(label: str, func, repeat: int = 3) -> None:
    best, size = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
        size = len(out)
    print(f"{label:<34} {best:7.3f} s  {size / 1024:8.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200, help="events in the large sheet")
    args = parser.parse_args()
    options = RenderOptions(generated=date(2024, 7, 15))
    for label, sheet in [
        ("sample (12 events)", make_sample_sheet()),
        (f"synthetic ({args.events} events)", _scaled_sheet(args.events)),
    ]:
        _time(f"{label} html", lambda s=sheet: render_html(s, options))
        _time(f"{label} fragment", lambda s=sheet: render_html(s, options, fragment=True))
        _time(f"{label} pdf", lambda s=sheet: render_pdf(s, options), repeat=1)


if __name__ == "__main__":
    main()
