"""A sentence and a question → the votes it casts for each side: side words (a reversing
word turns one to the other side) and, for questions of agency, who reaches out to whom
("Moscow courted Quito", "Quito turned to Moscow").
"""

from __future__ import annotations

import re

from briefgen.reconcile.lexicon import Question, ReconcileLexicon
from briefgen.reconcile.sentences import words

_PASSIVE_AUX = re.compile(r"\b(?:was|were|is|are|be|been|being|fue|fueron|foi|foram)\s+$", re.I)


def _side_votes(text: str, question: Question, lexicon: ReconcileLexicon) -> dict[str, int]:
    """Votes per side: a side's word counts for the other side after a reversing word
    (worked out once per process, sentence and question)."""
    return dict(
        lexicon.memo.get(
            "votes", (text, question.key), lambda: _count_votes(text, question, lexicon)
        )
    )


def _count_votes(text: str, question: Question, lexicon: ReconcileLexicon) -> dict[str, int]:
    sides = list(question.sides)
    votes = dict.fromkeys(sides, 0)
    found = {side: question.sides[side].finditer(text) for side in sides}
    if not any(found.values()):  # most sentences: no need to look for reversals
        if question.agency:
            for kind in _agency(text, lexicon):
                votes[question.agency[0] if kind == "P" else question.agency[1]] += 1
        return votes
    flips = [m.end() for m in lexicon.reversers.finditer(text)]
    neutral = [m.end() for m in lexicon.neutral.finditer(text)]
    rivals = [m.end() for m in lexicon.rivals.finditer(text)]

    filler = lexicon.stopwords | lexicon.power_words | lexicon.country_words

    def close(ends: list[int], start: int, window: int | None = None) -> bool:
        # a reversal reaches the next content word or so, never past a clause break
        window = lexicon.reverse_window if window is None else window
        return any(
            e <= start
            and not re.search(r"[,;:.!?—–]", text[e:start])
            and len([w for w in words(text[e:start]) if w not in filler]) <= window
            for e in ends
        )

    taken: list[tuple[int, int]] = []
    foil = lexicon.foils.search(text[:25])
    power = lexicon.power.search(text) if foil else None
    skip_to = power.start() if power else 0  # the foil's words describe someone else
    for side in sides:
        for m in found[side]:
            if m.start() < skip_to:
                continue
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # one phrase votes once
            taken.append((m.start(), m.end()))
            if close(neutral, m.start()) or close(rivals, m.start(), 1):
                continue  # "not only X but also Y"; "Washington's withdrawal" is not ours
            other = sides[1 - sides.index(side)]
            votes[other if close(flips, m.start()) else side] += 1
    if question.agency:
        for kind in _agency(text, lexicon):
            votes[question.agency[0] if kind == "P" else question.agency[1]] += 1
    return votes


def _entities(text: str, lexicon: ReconcileLexicon) -> list[tuple[int, int, str]]:
    """(start, end, "P" for the power or "C" for a country of the region), in text order."""
    found = [(m.start(), m.end(), "P") for m in lexicon.power.finditer(text)]
    for country in lexicon.countries:
        found += [(m.start(), m.end(), "C") for m in country.terms.finditer(text)]
    found.sort()
    out: list[tuple[int, int, str]] = []
    for e in found:  # "Russo-Venezuelan": keep the first of overlapping names
        if not out or e[0] >= out[-1][1]:
            out.append(e)
    return out


def _agency(text: str, lexicon: ReconcileLexicon) -> list[str]:
    """Who reaches out, once per outreach verb: "P" when the power courts a country ("Moscow
    courted Quito"), "C" when a country reaches out to the power ("Quito turned to
    Moscow", "fear drove Quito to seek Moscow's help"). Negated verbs do not count."""
    verbs = lexicon.outreach.finditer(text)
    drives = lexicon.causatives.finditer(text)
    if not (verbs or drives):
        return []  # most sentences: no need to find who is named where
    ents = _entities(text, lexicon)
    kinds = {k for *_, k in ents}
    window = lexicon.agency_window
    out = []

    def clear(a: int, b: int) -> bool:
        return not re.search(r"[;:!?]|\.\s", text[a:b])

    def negated(start: int) -> bool:
        before = " ".join(text[:start].split()[-3:])
        return bool(re.search(r"\b(?:not|never|no longer)\b|n't\b", before, re.I))

    def vote(actor: str | None, target: str | None) -> None:
        if actor is None:
            return
        other = "C" if actor == "P" else "P"
        if target == other or (target is None and other in kinds):
            out.append(actor)

    for m in verbs:
        if negated(m.start()):
            continue
        if _PASSIVE_AUX.search(text[max(0, m.start() - 12) : m.start()]) and not (
            lexicon.passive.search(text[m.end() : m.end() + 5])
        ):
            continue  # "X was asked": who asked is not said
        before = [e for e in ents if e[1] <= m.start() and m.start() - e[1] <= window]
        before = [e for e in before if clear(e[1], m.start())]
        after = [e for e in ents if e[0] >= m.end() and e[0] - m.end() <= window]
        after = [e for e in after if clear(m.end(), e[0])]
        passive = lexicon.passive.search(text[m.end() : m.end() + 5])
        if passive:
            actor = after[0][2] if after else None
            target = before[-1][2] if before else None
        else:
            actor = before[-1][2] if before else None
            target = after[0][2] if after else None
        if actor is not None and target == actor:
            continue  # "Moscow turned to Russian firms": no one reaches across
        vote(actor, target)
    for m in drives:
        if negated(m.start()):
            continue
        # "fear drove Quito to ...": the one driven is the one who acts
        nxt = [e for e in ents if e[0] >= m.end() and e[0] - m.end() <= 30]
        if not nxt or not re.match(r"(?:['’]s)?(?:\s+\w+){0,2}\s+to\b", text[nxt[0][1] :]):
            continue
        later = [e for e in ents if e[0] > nxt[0][1] and clear(nxt[0][1], e[0])]
        target = next((e[2] for e in later if e[2] != nxt[0][2]), None)
        vote(nxt[0][2], target)
    return out
