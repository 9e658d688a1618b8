"""Configuration: briefgen.toml (or [tool.briefgen] in pyproject.toml) → option defaults.

Precedence, highest first: command-line flags, the config file, built-in defaults. The
CLI hands the file's values to click as its ``default_map``, so every command sees them
as defaults and a flag still wins; ``briefgen config`` shows each effective value and
where it came from.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import ConfigError
from briefgen.models import DEFAULT_POWER, DEFAULT_REGION

#: key → (built-in default, help). Keys match the CLI option names (with _ for -).
SETTINGS: dict[str, tuple[Any, str]] = {
    "corpus": (None, "folder of articles for extract / update / check, and build's quote check"),
    "power": (
        DEFAULT_POWER,
        "the power whose engagement is tracked (lexicons/powers/<power>.yaml)",
    ),
    "region": (DEFAULT_REGION, "the countries covered (lexicons/regions/<region>.yaml)"),
    "data": ("data", "data directory with factsheets/<cc>.yaml"),
    "out": ("output", "output directory for briefings"),
    "handling": ("UNCLASSIFIED // FOR INTERNAL USE", "handling line on every page"),
    "templates": (None, "directory of template overrides"),
    "page_size": ("A4", "A4 or Letter"),
    "jobs": (None, "processes for build --all (default: CPU count)"),
    "lexicons": ([], "lexicon folders (powers/, regions/, languages/) searched first"),
}

#: Which command options each setting feeds (click default_map).
COMMAND_OPTIONS = {
    "build": {
        "data": "data_dir",
        "out": "out_dir",
        "handling": "handling",
        "templates": "templates_dir",
        "page_size": "page_size",
        "jobs": "jobs",
        "corpus": "corpus",
    },
    "check": {"data": "data_dir", "corpus": "corpus"},
    "update": {
        "data": "data_dir",
        "corpus": "corpus",
        "power": "power",
        "region": "region",
        "jobs": "jobs",
    },
    "extract": {"corpus": "corpus", "power": "power", "region": "region", "jobs": "jobs"},
    "list": {"data": "data_dir"},
    "facts": {"data": "data_dir"},
    "disagreements": {"data": "data_dir"},
    "diff": {"data": "data_dir"},
}


def default_jobs() -> int:
    """The CPUs this process may use (the default of every ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class Config:
    values: dict[str, Any]
    origins: dict[str, str]
    path: Path | None

    def default_map(self) -> dict[str, dict[str, Any]]:
        """Per-command option defaults for click, from the file's values only."""
        out: dict[str, dict[str, Any]] = {}
        for command, mapping in COMMAND_OPTIONS.items():
            for key, option in mapping.items():
                if self.origins.get(key, "default") != "default":
                    out.setdefault(command, {})[option] = self.values[key]
        return out


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest briefgen.toml, or pyproject.toml with [tool.briefgen], from ``start`` up."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "briefgen.toml"
        if own.is_file():
            return own, _read_toml(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _read_toml(project).get("tool", {}).get("briefgen")
            if table is not None:
                return project, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc}); fix or remove the file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}; fix the TOML syntax") from None


def load_config(start: Path | None = None) -> Config:
    """Effective settings and the origin of each ("default" or the file's name)."""
    values = {k: default for k, (default, _help) in SETTINGS.items()}
    origins = dict.fromkeys(SETTINGS, "default")
    found = find_config(start)
    if found is None:
        return Config(values, origins, None)
    path, table = found
    unknown = sorted(set(table) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(SETTINGS)}"
        )
    for key, value in table.items():
        default = SETTINGS[key][0]
        if default is not None and not isinstance(value, type(default)):
            raise ConfigError(f"{path}: {key} = {value!r} should be a {type(default).__name__}")
        if key == "page_size" and str(value).lower() not in ("a4", "letter"):
            raise ConfigError(f"{path}: page_size = {value!r}; use A4 or Letter")
        if key == "jobs" and (not isinstance(value, int) or value < 1):
            raise ConfigError(f"{path}: jobs = {value!r}; use a positive integer")
        if key == "lexicons":
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: lexicons = {value!r}; use a list of folder names")
            value = [
                v if Path(v).is_absolute() else str((path.parent / v).resolve()) for v in value
            ]
        if key in ("corpus", "data", "out", "templates") and value is not None:
            value = str((path.parent / value).resolve()) if not Path(value).is_absolute() else value
        values[key] = value
        origins[key] = path.name
    return Config(values, origins, path)
