"""Sentences and facts → an index by country, with each text's comparable features (object
classes, identifiers, content words, phrases, specific names) worked out once.
"""

from __future__ import annotations

import re
from collections import defaultdict

from briefgen.extract.lemmas import is_word
from briefgen.models import Fact
from briefgen.reconcile.disagreements.denials import find_denial
from briefgen.reconcile.events import (
    _MONTHS,
    content_words,
    identifiers_in,
    objects_in,
    phrases_in,
)
from briefgen.reconcile.lexicon import ReconcileLexicon
from briefgen.reconcile.sentences import Sentence

_NAME_TOKEN = re.compile(r"(?<![\w-])[A-Z][\w]*(?:-[\w]+)*|\b[a-z]*\d[\w-]*")


class _Index:
    """Sentences and facts grouped by country, and each text's comparable features worked
    out once: a denial is compared only with what the same country's documents say, so the
    work grows with each country's share of the corpus, not with the whole corpus squared."""

    def __init__(
        self, sentences: dict[str, list[Sentence]], facts: list[Fact], lexicon: ReconcileLexicon
    ):
        self.lexicon = lexicon
        self.documents = sentences
        self.sentences: dict[str, list[Sentence]] = defaultdict(list)
        for doc_sentences in sentences.values():  # document order, then text order
            for o in doc_sentences:
                for country in set(o.countries):
                    self.sentences[country].append(o)
        self.facts: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            self.facts[f.country].append(f)
        self._features: dict[str, tuple[frozenset[str], frozenset[str], str]] = {}
        self._phrases: dict[str, frozenset[str]] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._denials: dict[str, bool] = {}

    def features(self, text: str) -> tuple[frozenset[str], frozenset[str], str]:
        """(object classes, identifiers, content words) of ``text``."""
        found = self._features.get(text)
        if found is None:
            lexicon = self.lexicon
            found = (
                objects_in(text, lexicon),
                identifiers_in(text, lexicon),
                content_words(text, lexicon),
            )
            self._features[text] = found
        return found

    def phrases(self, text: str) -> frozenset[str]:
        """Two-word phrases of ``text`` that are not generic ("training centre")."""
        found = self._phrases.get(text)
        if found is None:
            found = self._phrases[text] = phrases_in(text, self.lexicon)
        return found

    def names(self, text: str) -> frozenset[str]:
        """Specific names in ``text`` (see _names): "Lourdes", "Kornet-E"."""
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = frozenset(_names(text, self.lexicon))
        return found

    def named_alike(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` share a name or a phrase that is not generic."""
        return bool(
            self.features(a)[1] & self.features(b)[1]
            or self.names(a) & self.names(b)
            or self.phrases(a) & self.phrases(b)
        )

    def proper_names_alike(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` share an identifier, or a name that is no word of the
        language ("Kommersant", not "Navy"): a closer tie than named_alike."""
        shared = self.names(a) & self.names(b)
        return bool(
            self.features(a)[1] & self.features(b)[1]
            or any(not _common_word(n, self.lexicon) for n in shared)
        )

    def same_thing(self, a: str, b: str) -> bool:
        """True when texts ``a`` and ``b`` share something specific: an identifier or
        name, an object class that is not generic, or a phrase that is not ("training
        centre")."""
        objs, o_objs = self.features(a)[0], self.features(b)[0]
        return self.named_alike(a, b) or bool((objs & o_objs) - self.lexicon.generic_objects)

    def denies(self, text: str) -> bool:
        """True when ``text`` holds a denial (see find_denial)."""
        found = self._denials.get(text)
        if found is None:
            found = self._denials[text] = find_denial(text, self.lexicon) is not None
        return found


def _name_stem(token: str) -> str:
    """A name's comparable stem: "Igor-M", "Igors" and "Igor" are one name."""
    t = token.lower()
    t = re.sub(r"-[a-z]$", "", t)
    return t[:-1] if len(t) > 4 and t.endswith("s") and not t.endswith("ss") else t


def _common_word(token: str, lexicon: ReconcileLexicon) -> bool:
    """Whether ``token`` is a word of one of the lexicon's languages ("However", "Según"),
    not a name ("Arequipa"): a capital opening a sentence may be either."""
    return any(is_word(token.lower(), lang) for lang in lexicon.languages or (lexicon.language,))


def _names(text: str, lexicon: ReconcileLexicon) -> set[str]:
    """Stems of the specific names in ``text``: capitalised words and model numbers that
    name neither a country nor the power, nor a month, nor a common word (worked out
    once per text and process)."""
    return set(lexicon.memo.get("names", text, lambda: _find_names(text, lexicon)))


def _find_names(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    skip = lexicon.memo.get(
        "names_skip",
        None,
        lambda: frozenset(
            lexicon.country_words | lexicon.power_words | lexicon.stopwords | _MONTHS
        ),
    )
    out = set()
    for m in _NAME_TOKEN.finditer(text):
        token = m.group(0)
        opening = re.search(r"(?:^|[.!?:\"“‘'(]|\n)\s*$", text[max(0, m.start() - 4) : m.start()])
        if (
            opening
            and not (re.search(r"\d|-", token) or (token.isupper() and len(token) > 2))
            and _common_word(token, lexicon)
        ):
            continue  # "However", "The": a capital that only opens a sentence names nothing
        stem = _name_stem(token)
        parts = set(re.findall(r"[a-z]+", stem))
        if len(stem) < 3 or (parts and parts <= skip) or stem in lexicon.generic_words:
            continue
        out.add(stem)
    return frozenset(out)
