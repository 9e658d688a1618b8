"""Hypothesis strategies shared by the fuzz tests and benchmarks/fuzz_long.py."""

from __future__ import annotations

from hypothesis import strategies as st

YAML_ATOMS = [
    "a",
    "b: ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "&x ",
    "*x",
    "!!int ",
    "!!binary ",
    "'",
    '"',
    "#",
    "|\n",
    ">\n",
    "\n",
    "\n  ",
    "\t",
    "2019-13-45",
    "2019-02-30",
    "2019-02-03",
    "1e9999",
    "0x1F",
    "~",
    "null",
    "<<: ",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "\\",
    "\x00",
    "\u202e",
    "\ud800",
]


def yaml_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """YAML-looking text: fragments of syntax, anchors, tags, dates, control characters."""
    return st.lists(st.sampled_from(YAML_ATOMS), max_size=max_size).map("".join)


def nested_yaml(max_depth: int = 200) -> st.SearchStrategy[str]:
    """Deep flow or block nesting, sometimes unbalanced."""
    return st.builds(
        lambda depth, opener, closer, tail: opener * depth + tail + closer * (depth // 2),
        st.integers(0, max_depth),
        st.sampled_from(["[", "{a: ", "- ", "[{", "a:\n "]),
        st.sampled_from(["]", "}", "", "]}"]),
        st.sampled_from(["", "x", "1", "*x", "&x y"]),
    )
