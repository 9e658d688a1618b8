"""Lexicon files: folders of YAML → located, read and validated power, region and language data.

A lexicon folder is laid out like the one shipped in ``briefgen/lexicons/``::

    powers/<name>.yaml              the power tracked (its names, officials, companies…)
    regions/<name>.yaml             the countries covered
    categories/<name>.yaml          a category of events: label, colour, hinting sectors
    languages/<lang>/extract.yaml   cue words per category (also dates.yaml, reconcile.yaml)

User folders (``--lexicons DIR``, the ``lexicons = [...]`` setting or
``$BRIEFGEN_LEXICONS``) are searched before the package's own, file by file, so a user
folder may add a power or replace one without copying the rest. ``--power`` and
``--region`` take a name (searched in every folder) or a path to a ``.yaml`` file.

Every power and region file is checked against a strict model (:class:`PowerFile`,
:class:`RegionFile`) before any work starts: an unknown key, a wrong type, a country code
that is not ISO 3166-1 alpha-2 or an alias that names two things is an error naming the
file, line, key and the closest valid key. Files are read once per process with the C YAML
loader (re-read only when they change on disk).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import typing
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from briefgen.errors import ConfigError

#: kind → sub-folder of a lexicon folder.
KINDS = {
    "power": "powers",
    "region": "regions",
    "category": "categories",
    "language": "languages",
}
#: Files a language pack may hold.
LANGUAGE_FILES = ("extract.yaml", "dates.yaml", "reconcile.yaml", "cues.yaml")
#: Environment variable naming user folders (os.pathsep-separated); worker processes
#: inherit it, so they search the same folders as the command that started them.
ENV = "BRIEFGEN_LEXICONS"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_folders_override: list[Path] | None = None


# --------------------------------------------------------------------------- folders


def package_folder() -> Path:
    """The lexicon folder shipped with briefgen."""
    return Path(str(resources.files("briefgen") / "lexicons"))


def user_folders() -> list[Path]:
    """The user's lexicon folders, highest priority first (none by default)."""
    if _folders_override is not None:
        return list(_folders_override)
    raw = os.environ.get(ENV, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def folders() -> list[Path]:
    """Every lexicon folder searched, in order: the user's, then the package's."""
    return [*user_folders(), package_folder()]


def use_folders(paths: list[str | Path] | tuple[str | Path, ...] | None) -> None:
    """Search ``paths`` (before the package's folder) from now on, in this process and in
    the worker processes it starts. None: back to ``$BRIEFGEN_LEXICONS`` as it was."""
    global _folders_override
    if paths is None:
        _folders_override = None
        return
    resolved = []
    for path in paths:
        folder = Path(path).expanduser().resolve()
        if not folder.is_dir():
            raise ConfigError(
                f"{path}: lexicon folder not found; give a folder holding "
                "powers/, regions/ or languages/"
            )
        resolved.append(folder)
    _folders_override = resolved
    if resolved:
        os.environ[ENV] = os.pathsep.join(str(p) for p in resolved)
    else:
        os.environ.pop(ENV, None)


@contextmanager
def folders_used(paths: list[str | Path] | tuple[str | Path, ...]) -> Iterator[None]:
    """Search ``paths`` inside the block; restore the previous folders afterwards."""
    global _folders_override
    before, env = _folders_override, os.environ.get(ENV)
    use_folders(paths)
    try:
        yield
    finally:
        _folders_override = before
        if env is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = env


def _is_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or os.sep in name


@dataclass(frozen=True)
class LexiconFile:
    """One power, region or language pack found in a folder."""

    kind: str  # power | region | category | language
    name: str  # file stem, or the language code
    path: Path
    folder: Path
    shadowed: bool = False  # a folder searched earlier has the same name


def available(kind: str | None = None) -> list[LexiconFile]:
    """Every power, region and language pack in every folder, in search order."""
    out: list[LexiconFile] = []
    seen: set[tuple[str, str]] = set()
    for folder in folders():
        for k, sub in KINDS.items():
            if kind is not None and k != kind:
                continue
            base = folder / sub
            if not base.is_dir():
                continue
            if k == "language":
                items = [(p.name, p) for p in sorted(base.iterdir()) if p.is_dir()]
            else:
                items = [(p.stem, p) for p in sorted(base.glob("*.yaml"))]
            for name, path in items:
                out.append(LexiconFile(k, name, path, folder, (k, name) in seen))
                seen.add((k, name))
    return out


def names(kind: str) -> list[str]:
    """The names ``--power`` / ``--region`` accept (each once)."""
    return sorted({f.name for f in available(kind)})


def locate(kind: str, name: str | Path) -> Path:
    """The file of a power or region: a path to a .yaml file, or a name searched in
    every folder. Raises ConfigError listing the available names and the closest one."""
    text = str(name)
    if isinstance(name, Path) or _is_path(text):
        path = Path(text).expanduser()
        if path.is_file():
            return path.resolve()
        raise ConfigError(f"{text}: {kind} lexicon not found; check the path")
    for folder in folders():
        path = folder / KINDS[kind] / f"{text}.yaml"
        if path.is_file():
            return path
    known = names(kind)
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]}? " if close else ""
    raise ConfigError(
        f"{KINDS[kind]}/{text}.yaml: lexicon not found; no {kind} {text!r} in "
        f"{', '.join(str(f) for f in folders())}; {hint}available: {', '.join(known) or 'none'}"
    )


def language_file(language: str, filename: str) -> Path | None:
    """``languages/<language>/<filename>`` from the first folder that has it, or None."""
    for folder in folders():
        path = folder / "languages" / language / filename
        if path.is_file():
            return path
    return None


def fingerprint() -> str:
    """A hash of the user folders' files (the package's are hashed with the code), so a
    cache of results made with other vocabularies is not reused ("" without user folders)."""
    if not user_folders():
        return ""
    digest = hashlib.sha256()
    for folder in user_folders():
        for path in sorted(folder.rglob("*.y*ml")):
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
    return digest.hexdigest()[:16]


# --------------------------------------------------------------------------- reading


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A lexicon file's top-level mapping (cached until the file changes).

    Raises ConfigError naming the file (and line) when it is missing or not YAML.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise ConfigError(
            f"{path}: lexicon not found; check the power, region or language name"
        ) from None
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_cached(path: str, _mtime: int, _size: int) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc}); fix the file") from None
    from briefgen.yamlio import YamlError, load_yaml  # the limits every YAML file gets

    try:
        data = load_yaml(text, path, what="lexicon")
    except YamlError as exc:
        raise ConfigError(str(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping of keys at the top level")
    return data


def _lines(path: Path) -> Any:
    """The file's YAML node tree (for line numbers), or None."""
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _line_of(root: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the node at ``loc`` (a key's own line for mapping keys)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    node, line = value, key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# --------------------------------------------------------------------------- models


def _strict_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _names_value(value: Any) -> Any:
    """Names: a list, or lists by language ({en: [...], es: [...]}); None means none."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        for lang, group in value.items():
            if not (isinstance(lang, str) and len(lang) in (2, 3) and lang.isalpha()):
                raise ValueError(
                    f"names by language need language codes (en, es, pt, fr…), got {lang!r}"
                )
            if group is not None and not (
                isinstance(group, list) and all(isinstance(n, str) for n in group)
            ):
                raise ValueError(f"{lang}: expected a list of names")
        return value
    if isinstance(value, list):
        bad = [n for n in value if not isinstance(n, str)]
        if bad:
            raise ValueError(f"expected names (text), got {bad[0]!r}; quote it")
        return value
    raise ValueError("expected a list of names, or names by language {en: [...], es: [...]}")


Names = Annotated[list[str] | dict[str, list[str] | None], BeforeValidator(_names_value)]


class Strict(BaseModel):
    """No unknown keys, no coercion ("2012" is not a year); an empty key (``companies:``)
    means an empty list."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_default(cls, data: Any) -> Any:
        if isinstance(data, dict):
            fields = cls.model_fields
            return {
                k: v
                for k, v in data.items()
                if not (v is None and k in fields and isinstance(fields[k].default, list | dict))
            }
        return data


class Role(Strict):
    role: str | None = None
    start: int = Field(alias="from")
    end: int | None = Field(default=None, alias="to")


def _term_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError("a term is [from, to] (to: null while in office)")
        return {"from": value[0], "to": value[1]}
    return value


class Term(Strict):
    start: int = Field(alias="from")
    end: int | None = Field(default=None, alias="to")


class Person(Strict):
    """An official of the power, or a leader of a country: terms limit them to their years."""

    name: str
    aliases: Names = []
    roles: list[Role] = []
    terms: list[Annotated[Term, BeforeValidator(_term_value)]] = []
    role: str | None = None


def _thing_value(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


#: Sectors a company or piece of equipment may have; energy, mining and military hint at
#: a category (a category's own name, default or added, is a sector too).
SECTORS = (
    "energy",
    "mining",
    "military",
    "security",
    "nuclear",
    "finance",
    "space",
    "transport",
    "health",
    "technology",
    "telecoms",
    "trade",
    "agriculture",
    "diplomacy",
    "culture",
    "media",
    "infrastructure",
    "industry",
)


class Thing(Strict):
    """A company, agency or piece of equipment: a mention implies its owner."""

    name: str
    aliases: Names = []
    sector: str | None = None

    @field_validator("sector")
    @classmethod
    def _known_sector(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = (*SECTORS, *(info.context or {}).get("categories", ()))
        if value is not None and value not in known:
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"use one of {', '.join(known)}"
            raise ValueError(f"unknown sector {value!r}; {hint}")
        return value


Things = list[Annotated[Thing, BeforeValidator(_thing_value)]]


class Predecessor(Strict):
    name: str
    until: int
    names: Names = []


def _alpha2(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    import pycountry

    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        close = [
            c.alpha_2 for c in pycountry.countries if _fold(c.name).startswith(_fold(value)[:4])
        ][:1]
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}")
    return code


Alpha2 = Annotated[str, BeforeValidator(_alpha2)]


class PowerFile(Strict):
    """powers/<name>.yaml: the outside power whose engagement is tracked."""

    schema_version: int = 1
    code: Alpha2 | None = None
    name: str | None = None
    names: Names = []
    demonyms: Names = []
    capitals: Names = []
    officials: list[Person] = []
    leaders: list[Person] = []
    companies: Things = []
    equipment: Things | dict[str, list[str]] = []
    predecessor: Predecessor | None = None

    @field_validator("names")
    @classmethod
    def _some_name(cls, value: Any) -> Any:
        if not value:
            raise ValueError("list at least one name of the power (China, Beijing…)")
        return value


class Country(Strict):
    code: Alpha2
    names: Names
    demonyms: Names = []
    capitals: Names = []
    cities: Names = []
    ports: Names = []
    leaders: list[Person] = []
    companies: Things = []


class RegionFile(Strict):
    """regions/<name>.yaml: the countries covered."""

    schema_version: int = 1
    name: str
    countries: list[Country]
    not_names: Names = []
    outside_powers: Names = []
    outside_leaders: list[Person] = []


#: A category's name is an identifier: it becomes a key in sheets and an HTML id.
CATEGORY_NAME = re.compile(r"[a-z][a-z0-9_]*")


class CategoryFile(Strict):
    """categories/<name>.yaml: one category of events (its cue words are in the language
    packs, under ``categories: <name>:``)."""

    schema_version: int = 1
    label: str  # the section heading, plural ("Energy deals")
    singular: str | None = None  # one event ("Energy deal"); default: label
    short: str | None = None  # a column heading ("Energy"); default: label
    adjective: str | None = None  # "energy" in "diplomatic, military and energy engagement"
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    sectors: list[str] = []  # company and equipment sectors that hint at the category
    order: int = 100  # sections, lanes and columns run by order, then name
    description: str | None = None
    recurring: bool = False  # events that recur (visits): other months, other events

    @field_validator("sectors")
    @classmethod
    def _known_sectors(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (*SECTORS, *(info.context or {}).get("categories", ()))
        for sector in value:
            if sector not in known:
                close = difflib.get_close_matches(sector, known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}?" if close else f"use one of {', '.join(known)}"
                raise ValueError(f"unknown sector {sector!r}; {hint}")
        return value


MODELS: dict[str, type[Strict]] = {
    "power": PowerFile,
    "region": RegionFile,
    "category": CategoryFile,
}


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Problem:
    """One fault in a lexicon file, printed as ``file:line key: fault; fix``."""

    path: Path
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where} {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (to suggest its keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _pydantic_problems(path: Path, kind: str, exc: ValidationError, root: Any) -> list[Problem]:
    model = MODELS[kind]
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors():
        # drop pydantic's internal steps (union branches, validator names) from the path
        loc = tuple(
            p for p in error["loc"] if isinstance(p, int) or not any(c in str(p) for c in "[]()")
        )
        key = _dotted(loc)
        line = _line_of(root, loc)
        if error["type"] == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            options = _keys_of(parent) if parent else []
            close = difflib.get_close_matches(str(loc[-1]), options, n=1, cutoff=0.5)
            hint = (
                f"did you mean {close[0]}?"
                if close
                else f"use one of {', '.join(options)}"
                if options
                else "remove it"
            )
            message = f"unknown key; {hint}"
        elif error["type"] == "missing":
            message = "missing; add it"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] in (
                "int_type",
                "string_type",
                "list_type",
                "dict_type",
                "bool_type",
                "model_type",
            ):
                message += f" (got {error.get('input')!r})"
        if key + message in seen:
            continue
        seen.add(key + message)
        problems.append(Problem(path, line, key, message))
    return problems


def _entries(kind: str, data: Any) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """(YAML path, entity, alias) for every name a file gives: an entity is one thing
    (a country's own names, a person, a company), so one name may not stand for two."""

    def names_at(loc: tuple[Any, ...], value: Any, entity: str):
        if isinstance(value, dict):
            for lang, group in value.items():
                for i, name in enumerate(group or []):
                    yield (*loc, lang, i), entity, name
        else:
            for i, name in enumerate(value or []):
                yield (*loc, i), entity, name

    def people_or_things(loc: tuple[Any, ...], items: Any, owner: str):
        for i, item in enumerate(items or []):
            item = {"name": item} if isinstance(item, str) else item
            if not isinstance(item, dict):
                continue
            entity = f"{owner} {item.get('name')}"
            yield (*loc, i, "name"), entity, item.get("name")
            yield from names_at((*loc, i, "aliases"), item.get("aliases"), entity)

    if kind == "power":
        for key in ("names", "demonyms", "capitals"):
            yield from names_at((key,), data.get(key), "the power")
        for key in ("officials", "leaders", "companies"):
            yield from people_or_things((key,), data.get(key), key)
        if isinstance(data.get("equipment"), list):
            yield from people_or_things(("equipment",), data["equipment"], "equipment")
        predecessor = data.get("predecessor") or {}
        yield from names_at(("predecessor", "names"), predecessor.get("names"), "predecessor")
    else:
        for i, country in enumerate(data.get("countries") or []):
            code = country.get("code")
            for key in ("names", "demonyms", "capitals", "cities", "ports"):
                yield from names_at(("countries", i, key), country.get(key), f"country {code}")
            for key in ("leaders", "companies"):
                yield from people_or_things(
                    ("countries", i, key), country.get(key), f"{code} {key}"
                )
        yield from names_at(("not_names",), data.get("not_names"), "not_names")
        yield from names_at(("outside_powers",), data.get("outside_powers"), "outside_powers")


def _duplicates(path: Path, kind: str, data: dict[str, Any], root: Any) -> list[Problem]:
    first: dict[str, tuple[tuple[Any, ...], str]] = {}
    problems = []
    for loc, entity, name in _entries(kind, data):
        if not isinstance(name, str):
            continue
        folded = name.strip()
        if folded in first:
            where, owner = first[folded]
            if owner != entity or where[:-1] == loc[:-1]:
                problems.append(
                    Problem(
                        path,
                        _line_of(root, loc),
                        _dotted(loc),
                        f"duplicate alias {name!r}: already at {_dotted(where)} "
                        f"(line {_line_of(root, where)}); keep one, or make it more specific",
                    )
                )
            continue
        first[folded] = (loc, entity)
    return problems


def validate_file(kind: str, path: str | Path) -> list[Problem]:
    """Every problem of one power or region file (empty when it is valid)."""
    path = Path(path)
    try:
        data = read_yaml(path)
    except ConfigError as exc:
        text = exc.message
        head, _, rest = text.partition(": ")
        return [Problem(path, None, "", rest or text)]
    del data  # read (and cached) above so a broken file is reported like any other
    categories = tuple(sorted({f.name for f in available("category")}))
    return list(_validate_cached(kind, str(path), *_stamp(path), categories))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=64)
def _validate_cached(
    kind: str, path_text: str, _mtime: int, _size: int, categories: tuple[str, ...]
) -> tuple[Problem, ...]:
    path = Path(path_text)
    data = read_yaml(path)
    root = _lines(path)
    try:
        MODELS[kind].model_validate(data, context={"categories": categories})
        problems: list[Problem] = []
        if kind == "category" and not CATEGORY_NAME.fullmatch(path.stem):
            line = None
            problems.append(
                Problem(
                    path,
                    line,
                    "",
                    f"{path.stem!r} is no category name; name the file in lower case "
                    "letters, digits and underscores (trade_deal.yaml)",
                )
            )
    except ValidationError as exc:
        problems = _pydantic_problems(path, kind, exc, root)
    found = [*problems, *_duplicates(path, kind, data, root)]
    return tuple(sorted(found, key=lambda p: (p.line or 0, p.key)))


def validate_language(path: str | Path) -> list[Problem]:
    """A language pack, leniently: each file is YAML with a mapping at the top, and the
    ``categories:`` of extract.yaml and cues.yaml map a known category (a file in some
    folder's ``categories/``) to its cues. The rest of the cue format is still growing."""
    folder = Path(path)
    known = sorted({f.name for f in available("category")})
    problems = []
    for file in sorted(folder.glob("*.y*ml")):
        try:
            data = read_yaml(file)
        except ConfigError as exc:
            problems.append(Problem(file, None, "", exc.message.partition(": ")[2]))
            continue
        if file.name not in ("extract.yaml", "cues.yaml"):
            continue
        categories = data.get("categories", {})
        if not isinstance(categories, dict):
            problems.append(
                Problem(
                    file,
                    _line_of(_lines(file), ("categories",)),
                    "categories",
                    "expected a mapping of category → cues",
                )
            )
            continue
        for name in categories:
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}?" if close else f"add categories/{name}.yaml"
                problems.append(
                    Problem(
                        file,
                        _line_of(_lines(file), ("categories", name)),
                        f"categories.{name}",
                        f"unknown category; {hint} (categories: {', '.join(known)})",
                    )
                )
    return problems


def load(kind: str, name: str | Path) -> tuple[Path, dict[str, Any]]:
    """Locate, read and validate a power or region: (its path, its data).

    Raises ConfigError listing every problem of the file (file:line key: fault; fix).
    """
    path = locate(kind, name)
    problems = validate_file(kind, path)
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the {kind} lexicon:\n  "
            + "\n  ".join(str(p) for p in problems)
        )
    return path, read_yaml(path)


def check_folder(folder: str | Path | None = None) -> tuple[list[LexiconFile], list[Problem]]:
    """Validate every file of one lexicon folder (default: every folder searched); a
    folder is checked together with the package's (its cues may name shipped categories).

    RETURNS (tuple): the files checked and their problems.
    """
    if folder is None:
        return _check(available())
    base = Path(folder)
    if not base.is_dir():
        raise ConfigError(f"{folder}: not a folder; give a lexicon folder")
    with folders_used([base]):
        return _check([f for f in available() if f.folder == base.resolve()])


def _check(files: list[LexiconFile]) -> tuple[list[LexiconFile], list[Problem]]:
    problems: list[Problem] = []
    for file in files:
        if file.kind == "language":
            problems += validate_language(file.path)
        else:
            problems += validate_file(file.kind, file.path)
    return files, problems
