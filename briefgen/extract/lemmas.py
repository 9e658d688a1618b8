"""Lemmas: words → their dictionary form, so cue words match every inflection.

"visitó", "visitará", "visitaram" and "visited" reach the cue "visitar" / "visit" without a
list of forms. The tables come from simplemma (a registry package that ships them; nothing
is downloaded). A word is looked up once per process and language: documents repeat their
words, so a run asks simplemma for each distinct word only once.
"""

from __future__ import annotations

import simplemma

_CACHE: dict[str, dict[str, str]] = {}


def lemma(word: str, language: str) -> str:
    """The lower-case dictionary form of ``word`` in ``language`` (the word itself, lower
    case, when the language or the word is unknown to the tables).

    Args:
        word (str): one token as written.
        language (str): ISO 639-1 code ("en", "es", "pt").
    RETURNS (str): e.g. lemma("Visitaram", "pt") == "visitar".
    """
    table = _CACHE.setdefault(language, {})
    low = word.lower()
    found = table.get(low)
    if found is None:
        found = low
        if any(c.isalpha() for c in low):
            try:
                found = simplemma.lemmatize(low, lang=language).lower()
            except ValueError:  # a language simplemma has no table for: the word itself
                found = low
        table[low] = found
    return found
