"""Categories of events as data: ``categories/<name>.yaml`` in every lexicon folder.

briefgen ships three (diplomatic visits, military cooperation, energy deals); a user's
lexicon folder may add one (``categories/trade.yaml``, with its cue words under
``categories: trade:`` in a language pack's ``cues.yaml``) or relabel a shipped one by
giving a file of the same name. Extraction, fact-sheet validation, ``check``, the
briefing's sections and timeline lanes and the index page all read the set from here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.errors import ConfigError


@dataclass(frozen=True)
class Category:
    """One category of events, as its file describes it."""

    name: str  # the identifier sheets carry ("energy_deal")
    label: str  # the section heading ("Energy deals")
    singular: str  # one event ("Energy deal")
    short: str  # a column heading ("Energy")
    adjective: str  # "energy" (… diplomatic, military and energy engagement)
    colour: str  # "#8a6a12": its timeline lane and section mark
    sectors: tuple[str, ...] = ()  # company and equipment sectors that hint at it
    order: int = 100
    description: str | None = None
    #: Events that recur (visits): two mentions of different months are two events, and a
    #: shared object class ("visit") is no evidence of one event.
    recurring: bool = False


def active() -> tuple[Category, ...]:
    """The categories of every lexicon folder searched (a user folder's file replaces the
    package's of the same name), by ``order`` then name. Cached until a file changes.

    Raises ConfigError listing every problem of the category files.
    """
    from briefgen import vocabulary

    files = [f for f in vocabulary.available("category") if not f.shadowed]
    stamps = []
    for f in files:
        stat = f.path.stat()
        stamps.append((str(f.path), stat.st_mtime_ns, stat.st_size))
    return _load(tuple(stamps))


@lru_cache(maxsize=8)
def _load(stamps: tuple[tuple[str, int, int], ...]) -> tuple[Category, ...]:
    from briefgen import vocabulary

    problems = []
    for path_text, _mtime, _size in stamps:
        problems += vocabulary.validate_file("category", path_text)
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the category lexicons:\n  "
            + "\n  ".join(str(p) for p in problems)
        )
    out = []
    for path_text, _mtime, _size in stamps:
        path = Path(path_text)
        data = vocabulary.read_yaml(path)
        label = str(data["label"])
        out.append(
            Category(
                name=path.stem,
                label=label,
                singular=str(data.get("singular") or label),
                short=str(data.get("short") or label),
                adjective=str(data.get("adjective") or label.lower()),
                colour=str(data["colour"]),
                sectors=tuple(data.get("sectors") or ()),
                order=int(data.get("order", 100)),
                description=data.get("description"),
                recurring=bool(data.get("recurring", False)),
            )
        )
    if not out:
        raise ConfigError(
            "categories/: no category found in any lexicon folder; reinstall briefgen"
        )
    return tuple(sorted(out, key=lambda c: (c.order, c.name)))


def names() -> tuple[str, ...]:
    """The active categories' names, in order."""
    return tuple(c.name for c in active())


def unknown(name: str) -> str:
    """The message for a category that is not active: the closest one and the list."""
    known = names()
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    return (
        f"{name!r} is not a category; {hint}categories: {', '.join(known)} "
        "(add one as categories/<name>.yaml in a lexicon folder, see docs/lexicons.md)"
    )
