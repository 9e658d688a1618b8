"""Lexicons for reconciliation: YAML cue words → compiled matchers.

Three kinds of data feed this stage, all under ``briefgen/lexicons/``:
``languages/<lang>/reconcile.yaml`` (denial, hedge and assessment cues, object classes),
``regions/*.yaml`` (countries with their names, demonyms, capitals, cities, leaders and
companies, to say which country a sentence is about) and ``powers/*.yaml`` (the power's
names, officials, companies and equipment). Region and power files belong to the
extraction stage; they are read defensively, so a missing or partial file only narrows
what is found. A broken reconcile.yaml raises ConfigError naming the file.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

from briefgen.errors import ConfigError

log = logging.getLogger("briefgen.reconcile")

_T = TypeVar("_T")


class Terms:
    """A list of words and phrases compiled into one case-insensitive whole-word regex.

    A space in a term matches any run of whitespace (articles wrap lines); a ``*`` at the
    end of a word matches any word ending ("prop* up" matches "propping up").
    """

    def __init__(self, terms: list[str] | tuple[str, ...] = (), *, hyphen_bound: bool = True):
        self.terms = tuple(t for t in (str(x).strip() for x in terms) if t)
        if not self.terms:
            self.regex = None
            return
        parts = []
        # longest first, so "rather than" wins over "than"
        for term in sorted(set(self.terms), key=lambda t: (-len(t), t)):
            # a straight apostrophe in a term matches the typographic one too
            body = r"\s+".join(
                re.escape(w.rstrip("*")) + (r"[\w-]*" if w.endswith("*") else "")
                for w in term.split()
            ).replace("'", "['’]")
            parts.append(body)
        # "non-interference" is not "interference"; but "Russo-Venezuelan" is Venezuelan
        before = r"(?<![\w-])" if hyphen_bound else r"(?<!\w)"
        # the terms' first characters, tried before the long alternation: most words
        # start with none of them (a quarter less time, the same matches)
        firsts = {term[0] for term in self.terms}
        if "'" in firsts:
            firsts.add("’")
        first = "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
        if "*" in firsts:  # a term opening with a wildcard can start anywhere
            first = ""
        self.regex = re.compile(before + first + "(?:" + "|".join(parts) + r")(?![\w])", re.I)

    def __bool__(self) -> bool:
        return self.regex is not None

    def finditer(self, text: str) -> list[re.Match[str]]:
        return list(self.regex.finditer(text)) if self.regex else []

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.regex else None


@dataclass
class Country:
    """What the region lexicon says about one country: its code and the words naming it."""

    code: str
    terms: Terms
    leaders: dict[str, Terms] = field(default_factory=dict)  # name → its spellings


@dataclass
class Question:
    """An assessment question ("economic or political motives") and its sides' terms."""

    key: str
    topic: str
    sides: dict[str, Terms]
    needs_marker: bool = True
    regional: bool = False  # region-wide judgments count against each country's
    years_apart: int | None = None  # dated claims further apart describe different times
    agency: tuple[str, str] | None = None  # sides voted by "the power / a country reaches out"


@dataclass
class Person:
    """Someone whose years in office can date "after X took office": a region leader, an
    official of the power or a leader of an outside power."""

    name: str
    spellings: Terms
    starts: tuple[int, ...]  # the first year of each term or role
    country: str | None = None  # ISO code for region leaders


class Memo:
    """Results of pure functions of a text under one lexicon, kept for this process.

    Reconciled country by country, a document touching five countries is read by five
    tasks; its sentences, the countries each names and the votes each gives are the same
    every time, so a worker works them out once. Each table is emptied when it reaches
    ``size`` entries (bounded memory, the same results). A pickled lexicon travels
    without its memo.
    """

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self.tables: dict[str, dict[Any, Any]] = {}

    def __reduce__(self) -> tuple[type[Memo], tuple[int]]:
        return (Memo, (self.size,))

    def get(self, kind: str, key: Any, compute: Callable[[], _T], size: int | None = None) -> _T:
        """The value of ``compute()`` for ``key`` in table ``kind``, computed once."""
        table = self.tables.setdefault(kind, {})
        try:
            return cast(_T, table[key])
        except KeyError:
            pass
        value = compute()
        if len(table) >= (size or self.size):
            table.clear()
        table[key] = value
        return value


@dataclass
class ReconcileLexicon:
    """Everything reconciliation reads from the lexicons, compiled once."""

    language: str
    abbreviations: frozenset[str]
    stopwords: frozenset[str]
    objects: dict[str, Terms]
    recurring_categories: frozenset[str]
    generic_objects: frozenset[str]
    generic_words: frozenset[str]  # words that pair into no identity ("military equipment")
    milestones: dict[str, Terms]
    failed_markers: Terms
    denial_cues: Terms
    denial_phrases: Terms
    denial_statement: Terms
    statement_window: int
    denial_parties: Terms
    contrast: Terms
    points_back: Terms
    concessive: Terms
    hedges: Terms
    markers: Terms
    relationship: Terms
    reversers: Terms
    neutral: Terms
    foils: Terms
    reverse_window: int
    questions: list[Question]
    anaphors: Terms
    present: Terms  # "today", "currently": a judgment of the time of writing
    attribution: Terms  # "According to": the sentence is a source the author cites
    speech: Terms  # "said", "told": with quotation marks, a cited source
    reported: Terms  # "that", "que": after a speech verb, reported speech (no quotes)
    outreach: Terms
    causatives: Terms
    passive: Terms
    agency_window: int
    anchor_words: Terms  # "after", "shortly after": a date relative to a milestone
    anchor_milestones: Terms  # "took office", "was sworn in": the milestone it names
    people: list[Person]
    rivals: Terms  # other outside powers (the region's outside_powers minus the power)
    countries: list[Country]
    power: Terms  # the power's names, demonyms, officials and companies
    power_words: frozenset[str]  # the same, as lower-case words (not identities of events)
    country_words: frozenset[str]
    # the power's companies, as words: they name a party, not what an event is about
    company_words: frozenset[str] = frozenset()
    figures: Any = None  # a figures.FigureLexicon: numbers sources may give differently
    languages: tuple[str, ...] = ()  # every language joined into it ("en+es": both)
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)


def _strings(node: Any) -> list[str]:
    """Every name in a lexicon entry: plain strings, lists, {name:/names:} dicts, by language."""
    if node is None:
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [s for item in node for s in _strings(item)]
    if isinstance(node, dict):
        if "name" in node or "names" in node or "aliases" in node:
            return (
                _strings(node.get("name"))
                + _strings(node.get("names"))
                + _strings(node.get("aliases"))
            )
        return [s for value in node.values() for s in _strings(value)]
    return []


def _read_yaml(path: Path | Any, *, required: bool) -> dict[str, Any]:
    from briefgen.vocabulary import read_yaml  # one reader for every lexicon file

    try:
        return read_yaml(Path(str(path)))
    except ConfigError as exc:
        if required:
            raise
        log.warning("%s; ignored by reconcile", exc.message)
        return {}


def _lexicon_root() -> Any:
    return resources.files("briefgen") / "lexicons"


def _yaml_files(folder: Any, stem: str | None = None) -> list[Any]:
    """The YAML files of ``folder``: all of them, or only ``<stem>.yaml`` (searched in
    ``folder``, then in the configured lexicon folders; a path to a .yaml file is itself)."""
    from briefgen import vocabulary

    if stem is not None:
        if vocabulary._is_path(stem):
            path = Path(stem).expanduser()
            return [path] if path.is_file() else []
        # a test root first; the package's own folder last, after the user's folders
        here = Path(str(folder))
        first = [here] if here.parent != vocabulary.package_folder() else []
        for base in [*first, *(f / folder.name for f in vocabulary.folders())]:
            if (base / f"{stem}.yaml").is_file():
                return [base / f"{stem}.yaml"]
        log.warning(
            "%s/%s.yaml not found: reconcile reads no %s lexicon", folder, stem, folder.name
        )
        return []
    try:
        return sorted(
            (f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name
        )
    except (FileNotFoundError, NotADirectoryError):
        return []


def _read_countries(root: Any, region: str | None) -> list[Country]:
    countries: list[Country] = []
    for file in _yaml_files(root / "regions", region):
        for entry in _read_yaml(file, required=False).get("countries") or []:
            if not isinstance(entry, dict) or not entry.get("code"):
                continue
            leaders = {}
            for leader in entry.get("leaders") or []:
                spellings = _with_plain(_strings(leader))
                if spellings:
                    leaders[spellings[0]] = Terms(spellings)
            words = []
            for key in (
                "names",
                "demonyms",
                "capitals",
                "cities",
                "ports",
                "companies",
                "name",
                "leaders",
            ):
                words += _strings(entry.get(key))
            countries.append(
                Country(
                    str(entry["code"]).upper(),
                    Terms(_with_plain(words), hyphen_bound=False),
                    leaders,
                )
            )
    return countries


def _starts(entry: dict[str, Any]) -> tuple[int, ...]:
    """First years of a person's terms (``terms: [[2006, 2011]]``) or roles (``from:``)."""
    years = []
    for term in entry.get("terms") or []:
        if isinstance(term, list | tuple) and term and isinstance(term[0], int):
            years.append(term[0])
    for role in entry.get("roles") or []:
        if isinstance(role, dict) and isinstance(role.get("from"), int):
            years.append(role["from"])
    return tuple(sorted(set(years)))


def _person(entry: Any, country: str | None) -> Person | None:
    if not isinstance(entry, dict):
        return None
    spellings = _with_plain(_strings(entry))
    starts = _starts(entry)
    if not spellings or not starts:
        return None
    return Person(spellings[0], Terms(spellings), starts, country)


def _read_people(root: Any, region: str | None, power: str | None) -> list[Person]:
    """Everyone with dated terms: the region's leaders, its ``outside_leaders`` (leaders of
    other powers, e.g. a rival's presidents) and the power's officials."""
    people = []
    for file in _yaml_files(root / "regions", region):
        data = _read_yaml(file, required=False)
        for entry in data.get("countries") or []:
            if isinstance(entry, dict):
                code = str(entry.get("code") or "").upper() or None
                people += [_person(p, code) for p in entry.get("leaders") or []]
        people += [_person(p, None) for p in data.get("outside_leaders") or []]
    for file in _yaml_files(root / "powers", power):
        data = _read_yaml(file, required=False)
        people += [_person(p, None) for p in data.get("officials") or []]
        people += [_person(p, None) for p in data.get("leaders") or []]
    return [p for p in people if p]


def _read_rivals(root: Any, region: str | None, power_names: list[str]) -> Terms:
    """The region file's ``outside_powers`` that are not the power: a side word right after
    one of them ("Washington's withdrawal") speaks of that power, not of ours."""
    ours = {n.lower() for n in power_names}
    names = []
    for file in _yaml_files(root / "regions", region):
        names += _strings(_read_yaml(file, required=False).get("outside_powers"))
    return Terms([n for n in names if n.lower() not in ours], hyphen_bound=False)


def _read_power(root: Any, power: str | None) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """The power's (names and people, companies, equipment by object class)."""
    names: list[str] = []
    companies: list[str] = []
    equipment: dict[str, list[str]] = {}
    for file in _yaml_files(root / "powers", power):
        data = _read_yaml(file, required=False)
        for key in ("names", "name", "demonyms", "officials", "capital", "capitals"):
            names += _strings(data.get(key))
        companies += _strings(data.get("companies"))
        if isinstance(data.get("equipment"), dict):  # {object class: [model names]}
            for cls, terms in data["equipment"].items():
                equipment.setdefault(str(cls), []).extend(_strings(terms))
    return names, companies, equipment


def _plain(term: str) -> str:
    decomposed = unicodedata.normalize("NFKD", term)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _with_plain(terms: list[str]) -> list[str]:
    """Terms plus their accent-free spellings (texts often drop accents: Chavez)."""
    return list(dict.fromkeys(terms + [_plain(t) for t in terms]))


def _expand_power(terms: list[str], power_names: list[str]) -> list[str]:
    """Terms with ``{power}`` written out once per name of the power (none: dropped)."""
    out = []
    for term in terms:
        if "{power}" in term:
            out += [term.replace("{power}", name) for name in power_names]
        else:
            out.append(term)
    return out


def _agency_sides(
    value: Any, sides: dict[str, Terms], path: Any, key: str
) -> tuple[str, str] | None:
    """A question's ``agency: [power side, partner side]``, checked against its sides."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2 or not set(value) <= set(sides):
        raise ConfigError(
            f"{path}: assessment.questions.{key}.agency must list two of its sides "
            f"({', '.join(sides)}): the power's, then the partners'"
        )
    return str(value[0]), str(value[1])


def _merge(a: Any, b: Any) -> Any:
    """``b``'s lexicon data laid over ``a``'s: mappings merge, lists join, scalars of ``a``
    win (the first language's windows and settings)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = _merge(a[key], value) if key in a else value
        return out
    if isinstance(a, list) and isinstance(b, list):
        return a + [x for x in b if x not in a]
    return a if a is not None else b


def _read_languages(base: Any, language: str, root: str | None) -> tuple[Any, dict[str, Any]]:
    """The reconcile.yaml of ``language``, or of several joined by "+" ("en+es+pt"): one
    lexicon for a corpus in several languages, so that a Spanish denial and an English
    report meet, and object classes ("bombers", "bombarderos") compare across languages.
    The first language is required; another without a reconcile.yaml adds nothing."""
    from briefgen.vocabulary import language_file

    path: Any = None
    data: dict[str, Any] = {}
    for n, lang in enumerate(dict.fromkeys(language.split("+"))):
        file = Path(root) / "languages" / lang / "reconcile.yaml" if root else None
        if file is None or not file.is_file():  # a test root may hold only regions/, powers/
            file = language_file(lang, "reconcile.yaml") or (
                _lexicon_root() / "languages" / lang / "reconcile.yaml"
            )
        if n and not file.is_file():
            log.debug("%s: no reconcile lexicon for %s, English cues only", file, lang)
            continue
        found = _read_yaml(file, required=True)
        path, data = (file, found) if n == 0 else (path, _merge(data, found))
    return path, data


def _terms(data: dict[str, Any], key: str) -> Terms:
    return Terms(_strings(data.get(key)))


def load_lexicon(
    language: str = "en",
    root: str | None = None,
    *,
    power: str | None = None,
    region: str | None = None,
) -> ReconcileLexicon:
    """Load and compile the reconciliation lexicon for ``language``.

    Args:
        language (str): folder under lexicons/languages/, or several joined by "+"
            ("en+es"): their cue words together, the first one's settings.
        power (str | None): powers/<power>.yaml only (default: every power file).
        region (str | None): regions/<region>.yaml only (default: every region file).
        root (str | None): another lexicons folder (tests) for regions/ and powers/, and
            for languages/ when it has one; default the packaged lexicons.
    RETURNS (ReconcileLexicon): compiled matchers.
    Raises ConfigError when the language's reconcile.yaml is missing or broken.
    """
    from briefgen.vocabulary import user_folders

    # the configured lexicon folders decide which files a name means: part of the key
    return _load_lexicon(language, root, power, region, tuple(user_folders()))


@lru_cache(maxsize=8)
def _load_lexicon(
    language: str,
    root: str | None,
    power: str | None,
    region: str | None,
    _folders: tuple[Path, ...],
) -> ReconcileLexicon:
    """The compiled lexicon (cached per arguments and configured lexicon folders)."""
    base = Path(root) if root else _lexicon_root()
    path, data = _read_languages(base, language, root)
    countries = _read_countries(base, region)
    power_names, power_companies, equipment = _read_power(base, power)
    power_names = _with_plain(power_names)
    questions = _read_questions(data.get("assessment") or {}, power_names, path)
    from briefgen.reconcile.figures import FigureLexicon  # (it reads this module's Terms)

    return ReconcileLexicon(
        language=language.split("+")[0],
        **_word_sets(data),
        objects=_objects(data, equipment),
        milestones={str(k): Terms(_strings(v)) for k, v in (data.get("milestones") or {}).items()},
        **_cue_terms(data),
        questions=questions,
        people=_read_people(base, region, power),
        rivals=_read_rivals(base, region, power_names),
        countries=countries,
        **_name_words(countries, power_names, _with_plain(power_companies)),
        figures=FigureLexicon(data.get("figures"), path),
        languages=tuple(dict.fromkeys(language.split("+"))),
    )


def _read_questions(
    assessment: dict[str, Any], power_names: list[str], path: Any
) -> list[Question]:
    """The assessment questions, each side's terms with ``{power}`` written out."""
    questions = []
    for key, spec in (assessment.get("questions") or {}).items():
        sides = {
            str(s): Terms(_expand_power(_strings(t), power_names))
            for s, t in (spec.get("sides") or {}).items()
        }
        if len(sides) != 2:
            raise ConfigError(f"{path}: assessment.questions.{key}.sides needs exactly two sides")
        questions.append(
            Question(
                str(key),
                str(spec.get("topic") or key),
                sides,
                bool(spec.get("needs_marker", True)),
                bool(spec.get("regional", False)),
                int(spec["years_apart"]) if spec.get("years_apart") is not None else None,
                _agency_sides(spec.get("agency"), sides, path, key),
            )
        )
    return questions


def _objects(data: dict[str, Any], equipment: dict[str, list[str]]) -> dict[str, Terms]:
    """Object classes: the language's words for each, plus the power's equipment in it."""
    objects = {str(k): list(_strings(v)) for k, v in (data.get("objects") or {}).items()}
    for cls, terms in equipment.items():
        objects.setdefault(cls, []).extend(terms)
    return {k: Terms(v) for k, v in objects.items()}


def _word_sets(data: dict[str, Any]) -> dict[str, Any]:
    """ReconcileLexicon's plain word sets: abbreviations, stopwords, recurring categories
    (the language's and the active categories'), generic objects and generic words."""
    from briefgen.categories import active as active_categories

    return {
        "abbreviations": frozenset(
            a.lower().rstrip(".") for a in _strings(data.get("abbreviations"))
        ),
        "stopwords": frozenset(w.lower() for w in _strings(data.get("stopwords"))),
        "recurring_categories": frozenset(_strings(data.get("recurring_categories")))
        | {c.name for c in active_categories() if c.recurring},
        "generic_objects": frozenset(_strings(data.get("generic_objects"))),
        "generic_words": frozenset(
            w.lower()
            for w in _strings(data.get("generic_words"))
            + [
                t
                for c in _strings(data.get("generic_objects"))
                for t in _strings((data.get("objects") or {}).get(c))
            ]
            # "state-owned" as one word (how words() tokenises it) and as its parts
            for w in [w, *re.findall(r"\w+", w)]
        ),
    }


def _cue_terms(data: dict[str, Any]) -> dict[str, Any]:
    """ReconcileLexicon's cue terms and windows: failed markers, denial, hedges,
    assessment, agency and relative-date anchors."""
    denial = data.get("denial") or {}
    assessment = data.get("assessment") or {}
    agency = assessment.get("agency") or {}
    anchors = data.get("relative_anchors") or {}
    return {
        "failed_markers": _terms(data, "failed_markers"),
        "denial_cues": _terms(denial, "cues"),
        "denial_phrases": _terms(denial, "phrases"),
        "denial_statement": _terms(denial, "statement"),
        "statement_window": int(denial.get("statement_window", 6)),
        "denial_parties": _terms(denial, "parties"),
        "contrast": _terms(denial, "contrast"),
        "points_back": _terms(denial, "points_back"),
        "concessive": _terms(denial, "concessive"),
        "hedges": _terms(data, "hedges"),
        "markers": _terms(assessment, "markers"),
        "relationship": _terms(assessment, "relationship"),
        "reversers": _terms(assessment, "reversers"),
        "neutral": _terms(assessment, "neutral"),
        "foils": _terms(assessment, "foils"),
        "reverse_window": int(assessment.get("reverse_window", 0)),
        "anaphors": _terms(assessment, "anaphors"),
        "present": _terms(assessment, "present"),
        "attribution": _terms(assessment, "attribution"),
        "speech": _terms(assessment, "speech"),
        "reported": _terms(assessment, "reported_speech"),
        "outreach": _terms(agency, "outreach"),
        "causatives": _terms(agency, "causatives"),
        "passive": _terms(agency, "passive"),
        "agency_window": int(agency.get("window", 80)),
        "anchor_words": _terms(anchors, "words"),
        "anchor_milestones": _terms(anchors, "milestones"),
    }


def _name_words(
    countries: list[Country], power_names: list[str], companies: list[str]
) -> dict[str, Any]:
    """ReconcileLexicon's power terms and the lower-case words of the power's names, the
    countries' names and the power's companies."""
    country_words = {
        w.lower() for c in countries for t in c.terms.terms for w in re.findall(r"\w+", t)
    }
    return {
        "power": Terms(power_names + companies, hyphen_bound=False),
        "power_words": frozenset(w.lower() for n in power_names for w in re.findall(r"\w+", n)),
        "country_words": frozenset(country_words),
        "company_words": frozenset(w.lower() for n in companies for w in re.findall(r"\w+", n)),
    }
