"""Document sentences → assessment conflicts: sentences that judge the same generic
question about one country (economic or political motives, who drives the engagement,
interventionist or not, deepening or cooling ties, will the power keep supporting the
government) and take opposite sides. Opinions are not facts, so this reads the
documents' sentences; each voice of a document (its author, the power, a source it
quotes) counts on its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from briefgen.models import Disagreement
from briefgen.reconcile.disagreements.context import (
    MAX_CLAIMS,
    _claim,
    _context_countries,
    _opens_with,
    _sentence_year,
)
from briefgen.reconcile.disagreements.votes import _side_votes
from briefgen.reconcile.lexicon import Question, ReconcileLexicon
from briefgen.reconcile.sentences import Sentence

_QUOTE_MARK = re.compile(r"[\"“”]")
#: Words a quotation needs to cite a voice: one or two are scare quotes or a term.
QUOTATION_WORDS = 3
#: Words before a speech verb that may name who speaks ("Ms. Richardson", "Beijing").
SPEAKER_WORDS = 4
_CLAUSE_BREAK = re.compile(r"[,;:—–(]")


@dataclass
class Assessment:
    """A sentence that takes one side of one question about one country (or the region)."""

    sentence: Sentence
    question: Question
    side: str
    country: str | None
    strength: int = 1  # vote margin, plus one for an opinion marker
    voice: str = "author"  # or "quoted": a source the author cites, another source
    year: int | None = None  # the year it speaks of, for questions that change over time


def _headline(text: str) -> bool:
    """True for Title Case text (headlines, cited article titles)."""
    tokens = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) > 3]
    return len(tokens) >= 3 and sum(w[0].isupper() for w in tokens) / len(tokens) > 0.6


def _names_power(text: str, lexicon: ReconcileLexicon) -> bool:
    """True when ``text`` names the power (worked out once per text and process: every
    country's task reads the documents it shares with others)."""
    return lexicon.memo.get("names_power", text, lambda: bool(lexicon.power.search(text)))


def _about_power(sents: list[Sentence], i: int, lexicon: ReconcileLexicon) -> bool:
    """True when sentence ``i`` speaks of the power: it names it or the relationship, or it
    points back ("this period") at the sentence before, in the same paragraph, that does."""
    s = sents[i]
    if not lexicon.power or _names_power(s.text, lexicon) or lexicon.relationship.search(s.text):
        return True
    if i and lexicon.anaphors.search(s.text):
        prev = sents[i - 1]
        return prev.paragraph == s.paragraph and _names_power(prev.text, lexicon)
    return False


def _assessments(
    sentences: dict[str, list[Sentence]],
    facts_at: dict,
    lexicon: ReconcileLexicon,
    published: dict[str, str | None],
) -> list[Assessment]:
    """Every sentence that takes one side of a question, once per country it is about."""
    out = []
    for doc_id, doc_sentences in sentences.items():
        for i, s in enumerate(doc_sentences):
            judged = _judgments(s.text, lexicon)
            if not judged or not _about_power(doc_sentences, i, lexicon):
                continue
            found = _context_countries(doc_sentences, i, facts_at)
            countries: list[str | None] = [*found] if found else [None]
            year = None
            for question, side, strength in judged:
                if question.years_apart is not None and year is None:
                    year = _sentence_year(doc_sentences, i, published.get(doc_id), lexicon.present)
                voice = _voice(s.text, lexicon)
                out += [
                    Assessment(
                        s, question, side, country, strength=strength, year=year, voice=voice
                    )
                    for country in countries
                ]
    return out


def _judgments(text: str, lexicon: ReconcileLexicon) -> tuple[tuple[Question, str, int], ...]:
    """(question, side, strength) of each question ``text`` takes a side on; none for a
    headline or citation (Title Case: they name topics, they do not judge). Worked out
    once per text and process."""
    return lexicon.memo.get("judgments", text, partial(_find_judgments, text, lexicon))


def _find_judgments(text: str, lexicon: ReconcileLexicon) -> tuple[tuple[Question, str, int], ...]:
    if _headline(text):
        return ()
    marked = bool(lexicon.markers.search(text))
    out = []
    for question in lexicon.questions:
        if question.needs_marker and not marked:
            continue
        votes = _side_votes(text, question, lexicon)
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if ranked[0][1] >= 1 and ranked[0][1] > ranked[1][1]:
            out.append((question, ranked[0][0], ranked[0][1] - ranked[1][1] + int(marked)))
    return tuple(out)


def _has_quotation(text: str) -> bool:
    """True when ``text`` quotes three words or more: marks pair up in order (an
    unclosed last one runs to the end, as in a sentence cut mid-quote)."""
    marks = [m.start() for m in _QUOTE_MARK.finditer(text)] + [len(text)]
    return any(
        len(text[a + 1 : b].split()) >= QUOTATION_WORDS
        for a, b in zip(marks[::2], marks[1::2], strict=False)
    )


def _voice(text: str, lexicon: ReconcileLexicon) -> str:
    """Who speaks in an assessment's sentence: "power" when the power itself says it
    ("Beijing insists that…"), "quoted" when it is clearly someone else the author cites
    ("According to a banker, …", a quotation or reported speech after a speech verb),
    else "author". One document's voices may disagree with each other."""
    if _opens_with(text, lexicon.attribution):
        return "quoted"
    for verb in lexicon.speech.finditer(text):
        before = _CLAUSE_BREAK.split(text[: verb.start()])[-1].split()[-SPEAKER_WORDS:]
        if lexicon.power.search(" ".join(before)):
            return "power"
        after = text[verb.end() :].split()[:1]
        if _has_quotation(text) or (after and lexicon.reported.search(after[0])):
            return "quoted"
    return "author"


def _opposed(a: Assessment, b: Assessment) -> bool:
    """True when ``a`` and ``b`` take opposite sides from different documents, at times
    close enough (for questions that change over time) to disagree."""
    if a.side == b.side or (a.sentence.doc, a.voice) == (b.sentence.doc, b.voice):
        return False
    apart = a.question.years_apart
    if apart is None or a.year is None or b.year is None:
        return True
    return abs(a.year - b.year) <= apart


def _one_side_per_document(
    by_side: dict[str, list[Assessment]],
) -> dict[str, list[Assessment]]:
    """Each voice of a document (its author, the sources it quotes) on one side only: the
    side of its strongest claim. A voice on both sides of a question is no second source
    against itself; sides left empty are dropped."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for side, items in sorted(by_side.items()):
        for a in items:
            rank = (a.strength, side)
            voice = (a.sentence.doc, a.voice)
            if voice not in best or rank[:1] > best[voice][:1]:
                best[voice] = rank
    out = {
        side: [a for a in items if best[(a.sentence.doc, a.voice)][1] == side]
        for side, items in by_side.items()
    }
    return {side: items for side, items in out.items() if items}


def _assessment_conflicts(assessments: list[Assessment]) -> list[Disagreement]:
    """Per country and question, sentences taking opposite sides in different documents.

    For questions marked ``regional``, a judgment about the whole region (no country, or
    a list of them) stands against a country's one-sided judgments too: "Russia never
    interferes" contradicts "Russia meddled in X's election". Each claim must be opposed
    by a claim of another document; the strongest claims are kept, at most MAX_CLAIMS.
    """
    groups: dict[tuple[str, str], list[Assessment]] = defaultdict(list)
    regional: dict[str, list[Assessment]] = defaultdict(list)
    for a in assessments:
        if a.country:
            groups[(a.country, a.question.key)].append(a)
        else:
            regional[a.question.key].append(a)
    out = []
    for (country, key), found in sorted(groups.items()):
        sides = {a.side for a in found}
        if len(sides) == 1 and found[0].question.regional:
            found = found + [a for a in regional[key] if a.side not in sides]
        kept = [a for a in found if any(_opposed(a, b) for b in found)]
        by_side: dict[str, list[Assessment]] = defaultdict(list)
        for a in sorted(kept, key=lambda a: (-a.strength, a.sentence.doc, a.sentence.start)):
            if all(a.sentence is not b.sentence for b in by_side[a.side]):
                by_side[a.side].append(a)
        by_side = _one_side_per_document(by_side)
        if len(by_side) < 2:
            continue
        chosen: list[Assessment] = []
        queues = [list(items) for _, items in sorted(by_side.items())]
        while len(chosen) < MAX_CLAIMS and any(queues):
            for queue in queues:  # alternate sides, strongest first
                if queue and len(chosen) < MAX_CLAIMS:
                    chosen.append(queue.pop(0))
        chosen.sort(key=lambda a: (a.side, a.sentence.doc, a.sentence.start))
        claims = [_claim(a.sentence, a.side.replace("_", " ")) for a in chosen]
        question = found[0].question
        out.append(Disagreement(country, question.topic, "assessment_conflict", claims))
    return out
