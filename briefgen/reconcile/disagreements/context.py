"""A sentence in its document → what it is about (countries, year), how it opens, and the
claims that quote it or a fact: the readings every kind of disagreement shares.
"""

from __future__ import annotations

import re

from briefgen.models import Claim, Fact
from briefgen.reconcile.lexicon import Terms
from briefgen.reconcile.sentences import Sentence

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
#: Claims kept per assessment conflict (both sides together, strongest first); a merged
#: reported dispute keeps one more.
MAX_CLAIMS = 5
#: A sentence naming more countries than this speaks of the region, not of each.
MAX_COUNTRIES = 2


def _claim(sentence: Sentence, position: str) -> Claim:
    return Claim(sentence.quote(), position)


def _fact_claim(fact: Fact, position: str) -> Claim:
    return Claim(fact.quote, position)


def _opens_with(text: str, terms: Terms) -> bool:
    """True when ``text`` starts with one of ``terms``."""
    m = terms.search(text[:30])
    return m is not None and m.start() == 0


def _context_countries(sents: list[Sentence], i: int, facts_at: dict) -> list[str]:
    """Countries sentence ``i`` is about: its own, its facts', else the one country of the
    sentence before it (same paragraph, or the paragraph a quotation's colon introduces).

    A sentence listing many countries speaks of the region, not of each: none.
    """
    s = sents[i]
    own = list(dict.fromkeys(s.countries + facts_at.get((s.doc, s.index), [])))
    if len(own) > MAX_COUNTRIES:
        return []
    if own:
        return own
    if i == 0:
        return []
    prev = sents[i - 1]
    introduced = prev.text.rstrip().endswith(":")
    if prev.paragraph == s.paragraph or introduced:
        found = list(dict.fromkeys(prev.countries + facts_at.get((prev.doc, prev.index), [])))
        if len(found) == 1:
            return found
        if not found and introduced and i >= 2:
            return _context_countries(sents, i - 1, facts_at)
    return []


def _sentence_year(
    sents: list[Sentence], i: int, published: str | None, present: Terms | None = None
) -> int | None:
    """The year sentence ``i`` speaks of: the first it writes, else (unless it speaks of
    the present: "today") the last one written before it in the same paragraph (outside
    parentheses: those are citations), else the year of publication (an undated judgment
    speaks of its own time)."""
    s = sents[i]
    now = bool(present and present.search(s.text))
    for j in range(i, -1 if not now else i - 1, -1):
        o = sents[j]
        if o.paragraph != s.paragraph:
            break
        text = re.sub(r"\([^)]*\)", " ", o.text)
        years = _YEAR.findall(text)
        if years:
            return int(years[0] if j == i else years[-1])
    year = _YEAR.match(published or "")
    return int(year.group(1)) if year else None
