#!/usr/bin/env python3
"""Long fuzz runs of every parser: the CI-sized targets in tests/test_fuzz.py, for longer.

    python benchmarks/fuzz_long.py                      # every target, 5,000 examples each
    python benchmarks/fuzz_long.py --target yaml --examples 50000 --seed 7

Each target feeds hypothesis-generated input to one parser and accepts only its
documented outcomes (a value, or the parser's own error naming the file); anything else
is printed with the input that caused it and the run exits 1. The slowest example of
each target is reported, so a parser that goes superlinear shows up here before it
hangs a user's run (the tests stay fast and untimed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefgen.errors import IngestError, SheetError  # noqa: E402
from briefgen.ingest import Readers, UnreadableFileError, parse_file  # noqa: E402
from briefgen.ingest.metadata import read_manifest  # noqa: E402
from briefgen.yamlio import YamlError, load_yaml  # noqa: E402
from tests.fuzzing import nested_yaml, yaml_text  # noqa: E402

READERS = Readers()
HTML_ATOMS = [
    "<div>",
    "</div>",
    "<div/>",
    "<svg>",
    "</svg>",
    "<g/>",
    "<br/>",
    "<p>",
    "<li>",
    "<table>",
    "<td>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<b>",
    "x",
    " ",
]


def _yaml(text: str) -> None:
    try:
        load_yaml(text, "f.yaml")
    except YamlError as exc:
        assert str(exc).startswith("f.yaml"), exc


def _sheet(text: str) -> None:
    from briefgen.factsheets import read_tree, validate_tree

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bo.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            tree = read_tree(path)
        except SheetError as exc:
            assert str(path) in exc.message, exc
            return
        validate_tree(tree, path)


def _manifest(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sources.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            read_manifest(tmp)
        except IngestError as exc:
            assert "sources.yaml" in exc.message, exc


def _reader(name: str, data: bytes) -> None:
    path = Path(name)
    try:
        parse_file(path, data, READERS.reader_for(path))
    except UnreadableFileError as exc:
        assert str(exc)


TARGETS = {
    "yaml": (st.one_of(yaml_text(200), nested_yaml(3000)), _yaml),
    "sheet": (st.one_of(yaml_text(200), nested_yaml(3000)), _sheet),
    "manifest": (st.one_of(yaml_text(200), nested_yaml(3000)), _manifest),
    "front_matter": (
        st.tuples(st.one_of(yaml_text(200), nested_yaml(3000)), st.text(max_size=500)),
        lambda pair: _reader(
            "m.md", f"---\n{pair[0]}\n---\n{pair[1]}".encode("utf-8", "surrogatepass")
        ),
    ),
    "html": (
        st.lists(st.sampled_from(HTML_ATOMS), max_size=20_000).map("".join),
        lambda body: _reader("p.html", f"<html><body>{body}</body></html>".encode()),
    ),
    "bytes": (
        st.tuples(st.sampled_from(["a.txt", "a.md", "a.html", "a.pdf"]), st.binary(max_size=4000)),
        lambda pair: _reader(*pair),
    ),
}


def run(name: str, examples: int, seed_value: int) -> bool:
    strategy, check = TARGETS[name]
    slowest = [0.0, None]
    count = [0]

    @seed(seed_value)
    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(value=strategy)
    def target(value):
        started = time.perf_counter()
        check(value)
        took = time.perf_counter() - started
        count[0] += 1
        if took > slowest[0]:
            slowest[:] = [took, value]

    started = time.perf_counter()
    try:
        target()
    except Exception as exc:  # hypothesis re-raises the failing example's error
        print(f"{name}: FAILED: {type(exc).__name__}: {exc}")
        return False
    shown = repr(slowest[1])
    shown = shown if len(shown) < 120 else shown[:117] + "..."
    print(
        f"{name}: {count[0]} examples in {time.perf_counter() - started:.1f}s; slowest "
        f"{slowest[0] * 1000:.1f} ms ({len(repr(slowest[1]))} chars: {shown})"
    )
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = list(TARGETS) if args.target == "all" else [args.target]
    ok = [run(name, args.examples, args.seed) for name in names]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
