"""Country resolution: what a user types (VE, VEN, Venezuela, venezuela) → ISO alpha-2.

Names come from pycountry (ISO 3166 names, official and common names) plus every name
the region lexicons list (Spanish and Portuguese names, aliases), compared without case
or accents. An unknown name raises CountryError (exit 2) with close matches to suggest.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pycountry
import yaml

from briefgen.errors import CountryError

#: Names people use that ISO does not list.
ALIASES = {
    "UK": "GB",
    "BRITAIN": "GB",
    "GREAT BRITAIN": "GB",
    "USA": "US",
    "AMERICA": "US",
    "UNITED STATES": "US",
    "RUSSIA": "RU",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
}


UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")


def normalise(name: str) -> str:
    """Upper case, accents stripped, punctuation and runs of spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]+", " ", plain.upper()).strip()


def _lexicon_names() -> dict[str, str]:
    """Names listed by the region lexicons shipped with the package (all languages)."""
    names: dict[str, str] = {}
    try:
        regions = resources.files("briefgen") / "lexicons" / "regions"
        files = [f for f in regions.iterdir() if f.name.endswith(".yaml")]
    except (FileNotFoundError, NotADirectoryError):
        return names
    for file in files:
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        except yaml.YAMLError:
            continue  # a broken lexicon is reported by the extractor, not here
        for entry in data.get("countries") or []:
            code = str(entry.get("code", "")).upper()
            raw = entry.get("names") or []
            if isinstance(raw, dict):  # names by language
                raw = [n for group in raw.values() for n in (group or [])]
            for name in raw:
                if isinstance(name, str):
                    names[normalise(name)] = code
    return names


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index[normalise(value)] = country.alpha_2
        index[country.alpha_2] = country.alpha_2
        index[country.alpha_3] = country.alpha_2
    index.update(_lexicon_names())
    index.update(ALIASES)
    return index


def resolve_country(name: str) -> str:
    """Resolve a code or name to an upper-case ISO 3166-1 alpha-2 code.

    Args:
        name (str): "VE", "ven", "Venezuela", "República Bolivariana de Venezuela", ...
    RETURNS (str): the alpha-2 code, e.g. "VE".
    Raises CountryError (exit 2) naming the input and suggesting close matches.
    """
    if UNSAFE.search(name) or name.strip().startswith("."):
        # never let something path-like reach a file name, even if it normalises to a code
        raise CountryError(f"unknown country {name!r}: give an ISO code or a country name")
    key = normalise(name)
    code = _index().get(key)
    if code:
        return code
    hint = ""
    suggestions = suggest_countries(name)
    if suggestions:
        hint = " Did you mean " + " or ".join(suggestions) + "?"
    raise CountryError(f"unknown country {name!r}: give an ISO code or a country name.{hint}")


def suggest_countries(name: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` country names close to ``name`` (for "did you mean …?")."""
    from rapidfuzz import fuzz, process, utils

    key = normalise(name)
    if len(key) < 3:
        return []
    choices = [k for k in _index() if len(k) > 3]
    found = process.extract(
        key,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit * 3,
        score_cutoff=80,
    )
    seen: dict[str, str] = {}
    for match, _score, _ in found:
        code = _index()[match]
        seen.setdefault(code, country_name(code))
    return list(seen.values())[:limit]


def country_name(code: str) -> str:
    """The common English name of an alpha-2 code ("VE" → "Venezuela")."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code.upper()
    common = getattr(country, "common_name", None) or country.name
    # ISO's "Venezuela, Bolivarian Republic of" reads badly in a title.
    return common.split(",")[0] if "," in common else common
