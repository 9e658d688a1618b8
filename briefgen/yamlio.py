"""YAML input: the text of a manifest, sheet, front matter or lexicon → values, under limits.

Every YAML file briefgen reads goes through here, so one set of limits holds for
adversarial input everywhere:
- size (``max_bytes``, per kind of file);
- nesting depth (``MAX_DEPTH``): PyYAML's pure-Python scanner does quadratic work per
  open ``[`` and its composer recurses once per level, so 30 KB of ``[`` hung the tool;
- aliases (``max_aliases``, none by default): nested aliases expand exponentially
  ("billion laughs") the moment the value is walked;
- values YAML resolves implicitly but Python cannot build (``2019-13-45``), and duplicate
  keys, which YAML silently collapses to the last one: both become an error naming the
  file and line instead of an "unexpected ValueError" or a lost entry.

The checks run on libyaml's event stream (the C parser, which also stops at 1,000
levels of its own); without libyaml, a pure-Python scanner that stops at ``MAX_DEPTH``
runs instead. Values are then built by the C loader (``load_yaml``), or by ruamel's
round-trip loader for fact sheets (``check_yaml`` first, then ruamel; see factsheets.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

#: Deepest nesting of mappings and sequences accepted (a fact sheet needs 5).
MAX_DEPTH = 64
#: Default largest YAML file, in bytes (a 100,000-document manifest is about 30 MB).
MAX_BYTES = 64_000_000
#: Largest Markdown front matter, in bytes.
MAX_FRONT_MATTER_BYTES = 64_000

_TIMESTAMP = re.compile(
    r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
)


class YamlError(ValueError):
    """A YAML file refused: ``str()`` is ``file[:line]: problem; fix``."""

    def __init__(self, path: Path | str, line: int | None, problem: str, fix: str):
        self.path, self.line, self.problem, self.fix = Path(path), line, problem, fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.problem}; {self.fix}"


class _GuardedLoader(yaml.SafeLoader):
    """Pure-Python fallback: the scanner stops before nesting gets deep (libyaml does too)."""

    def fetch_more_tokens(self) -> None:
        if self.flow_level > MAX_DEPTH or len(self.indents) > MAX_DEPTH:
            raise yaml.scanner.ScannerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", self.get_mark()
            )
        super().fetch_more_tokens()


_EVENT_LOADER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else _GuardedLoader
_VALUE_LOADER = _EVENT_LOADER
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _line(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _syntax_error(exc: yaml.YAMLError, path: Path, what: str) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    problem = (problem or str(exc).splitlines()[0] or "invalid YAML").strip()
    line = mark.line + 1 if mark is not None else None
    if "nesting depth" in problem or "nested more than" in problem:
        return YamlError(
            path,
            line,
            f"nested more than {MAX_DEPTH} levels deep (the limit for a {what})",
            "flatten the structure, or close the brackets",
        )
    return YamlError(
        path,
        mark.line + 1 if mark is not None else None,
        f"malformed YAML ({problem})",
        "check the indentation, brackets and quoting there",
    )


def check_yaml(
    text: str,
    path: Path | str,
    *,
    what: str = "YAML file",
    max_bytes: int = MAX_BYTES,
    max_aliases: int = 0,
) -> None:
    """Refuse YAML that is too big, too deep, aliased, or holds duplicate keys or bad dates.

    text (str): the YAML text.
    path (Path | str): its file, for messages.
    what (str): what the file is ("fact sheet", "manifest"), for messages.
    max_bytes (int): largest text accepted (UTF-8 bytes).
    max_aliases (int): aliases (``*name``) accepted; 0 refuses any.
    Raises YamlError naming file, line and limit. Linear in the text.
    """
    path = Path(path)
    _check_size(text, path, what, max_bytes)
    try:
        _check_events(yaml.parse(text, Loader=_EVENT_LOADER), path, what, max_aliases)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, path, what) from None


def _check_size(text: str, path: Path, what: str, max_bytes: int) -> None:
    """Refuse text that is not valid Unicode or is over ``max_bytes`` in UTF-8."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:  # lone surrogates: not text any parser can take
        line = text.count("\n", 0, exc.start) + 1
        raise YamlError(
            path, line, "not valid Unicode (a lone surrogate)", "save the file as UTF-8"
        ) from None
    if size > max_bytes:
        raise YamlError(
            path,
            None,
            f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit for a {what}",
            "split the file or check that it is the right one",
        )


def _check_events(events: Iterable[yaml.Event], path: Path, what: str, max_aliases: int) -> None:
    """Walk the event stream once: duplicate keys, aliases, bad dates, nesting depth."""
    depth = 0
    aliases = 0
    # One frame per open mapping: (keys seen, whether the next node is a key).
    frames: list[list[Any] | None] = []
    for event in events:
        if isinstance(event, yaml.NodeEvent):
            _check_key(event, frames[-1] if frames else None, path)
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > max_aliases:
                    allowed = f"more than {max_aliases}" if max_aliases else "any"
                    raise YamlError(
                        path,
                        _line(event),
                        f"YAML alias *{event.anchor}: {allowed} alias is not allowed in a "
                        f"{what} (nested aliases expand exponentially)",
                        "write the value out in full",
                    )
            elif isinstance(event, yaml.ScalarEvent):
                if event.implicit[0] and _TIMESTAMP.match(event.value):
                    _check_timestamp(event, path)
            else:  # a collection starts
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(
                        path,
                        _line(event),
                        f"nested more than {MAX_DEPTH} levels deep (the limit for a {what})",
                        "flatten the structure",
                    )
                frames.append([{}, True] if isinstance(event, yaml.MappingStartEvent) else None)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            frames.pop()


def _check_key(event: yaml.NodeEvent, top: list[Any] | None, path: Path) -> None:
    """Alternate key and value in the open mapping ``top``; refuse a duplicate key."""
    if top is None:
        return
    is_key = top[1]
    top[1] = not is_key
    if is_key and isinstance(event, yaml.ScalarEvent):
        if event.value in top[0]:
            raise YamlError(
                path,
                _line(event),
                f"duplicate key {event.value!r} (also line "
                f"{top[0][event.value]}); YAML keeps only the last one",
                "merge the two entries or rename one",
            )
        top[0][event.value] = _line(event)


def _check_timestamp(event: yaml.ScalarEvent, path: Path) -> None:
    node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", event.value)
    try:
        _CONSTRUCTOR.construct_yaml_timestamp(node)
    except (ValueError, TypeError, OverflowError):
        raise YamlError(
            path,
            _line(event),
            f"{event.value} is not a valid date",
            "fix the date (YYYY-MM-DD), or quote it if it is meant as text",
        ) from None


def load_yaml(text: str, path: Path | str, **limits: Any) -> Any:
    """Check (``check_yaml``) and load YAML text into plain Python values.

    limits: ``what``, ``max_bytes``, ``max_aliases`` as for check_yaml.
    RETURNS (Any): the value (None for an empty document). Raises YamlError.
    """
    return load_yaml_node(text, path, **limits)[0]


def load_yaml_node(text: str, path: Path | str, **limits: Any) -> tuple[Any, yaml.Node | None]:
    """Like load_yaml, and also the composed root node (its marks give line numbers).

    RETURNS (tuple[Any, yaml.Node | None]): the value and its node (None when empty).
    """
    path = Path(path)
    check_yaml(text, path, **limits)
    loader = _VALUE_LOADER(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, path, limits.get("what", "YAML file")) from None
    except (ValueError, TypeError, OverflowError, IndexError, KeyError, AttributeError) as exc:
        raise YamlError(
            path, None, f"a value cannot be read ({exc})", "fix or quote the value"
        ) from None
    finally:
        loader.dispose()
    return value, node


def read_yaml(path: Path | str, **limits: Any) -> Any:
    """Read and load a YAML file (UTF-8, a BOM allowed).

    RETURNS (Any): its value. Raises YamlError, also when the file cannot be read.
    """
    path = Path(path)
    limit = limits.get("max_bytes", MAX_BYTES)
    try:
        size = path.stat().st_size
        if size > limit:  # refused before it is read
            what = limits.get("what", "YAML file")
            raise YamlError(
                path,
                None,
                f"{size / 1e6:.1f} MB is over the {limit / 1e6:g} MB limit for a {what}",
                "split the file or check that it is the right one",
            )
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise YamlError(
            path, None, f"cannot read ({exc.strerror or exc})", "check the path"
        ) from None
    except UnicodeDecodeError as exc:
        raise YamlError(path, None, f"not UTF-8 (byte {exc.start})", "save it as UTF-8") from None
    return load_yaml(text, path, **limits)


__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_FRONT_MATTER_BYTES",
    "YamlError",
    "check_yaml",
    "load_yaml",
    "load_yaml_node",
    "read_yaml",
]
