"""A sentence that denies → its denial cue, who denies, and what it answers: the report in
its own other clause ("While officials deny X, Y") or in the sentence before it.
"""

from __future__ import annotations

import re

from briefgen.models import Quote
from briefgen.reconcile.disagreements.context import _opens_with
from briefgen.reconcile.events import identifiers_in, objects_in
from briefgen.reconcile.lexicon import ReconcileLexicon
from briefgen.reconcile.sentences import Sentence


def find_denial(text: str, lexicon: ReconcileLexicon) -> re.Match[str] | None:
    """The first denial in ``text``: a denial phrase, or a denial verb followed closely by
    a statement ("denied that…", "deny the base is…"), not by a mere thing."""
    found = []
    phrase = lexicon.denial_phrases.search(text)
    if phrase:
        found.append(phrase)
    for m in lexicon.denial_cues.finditer(text):
        after = " ".join(text[m.end() :].split()[: lexicon.statement_window])
        if lexicon.denial_statement.search(after):
            found.append(m)
            break
    return min(found, key=lambda m: m.start()) if found else None


def _party(text: str, cue: re.Match[str], lexicon: ReconcileLexicon) -> str | None:
    """Who denies: the first party noun before the cue, the subject in English ("a
    spokesman for the navy denied"); else the power named before it; else a party noun
    after it; else the power."""
    matches = lexicon.denial_parties.finditer(text)
    before = [m for m in matches if m.end() <= cue.start()]
    if before:
        return before[0].group(0)
    # "The Kremlin on Sunday denied news reports that ... military contractors": the
    # power named before the verb is who denies, not a party noun after it
    powers = lexicon.power.finditer(text)
    power_before = [m for m in powers if m.end() <= cue.start()]
    if power_before:
        return power_before[0].group(0)
    if matches:
        return matches[0].group(0)
    return powers[0].group(0) if powers else None


def _split_clause(
    s: Sentence, cue: re.Match[str], lexicon: ReconcileLexicon
) -> tuple[Quote, Quote] | None:
    """Split "While officials deny X, Y" / "Y, but officials deny X" into (denial, report)."""
    text = s.text
    commas = [m.start() for m in re.finditer(r",|;|—| - ", text)]
    after = [c for c in commas if c > cue.end()]
    before = [c for c in commas if c < cue.start()]
    lead = lexicon.concessive.search(text[:12].lstrip())
    lead = lead if lead and lead.start() == 0 else None
    # "X reported Y, but officials deny it": a break followed by a contrast word
    turns = [
        c
        for c in before
        if text[c] == ";" or _opens_with(text[c + 1 :].lstrip(",;—- "), lexicon.contrast)
    ]
    if lead and after:
        cut = after[0]
        denial, report = (s.start, s.start + cut), (s.start + cut + 1, s.end)
    elif turns:
        cut = turns[-1]
        report, denial = (s.start, s.start + cut), (s.start + cut + 1, s.end)
    else:
        return None

    def q(span: tuple[int, int]) -> Quote:
        a, b = span
        seg = text[a - s.start : b - s.start]
        a += len(seg) - len(seg.lstrip())
        b -= len(seg) - len(seg.rstrip())
        return Quote(s.doc, text[a - s.start : b - s.start], a, b)

    d, r = q(denial), q(report)
    if len(r.text.split()) < 4:
        return None
    return d, r


def _answers(s: Sentence, prev: Sentence, lexicon: ReconcileLexicon) -> bool:
    """True when denial ``s`` answers the sentence before it: it opens with a contrast or
    points back ("no such"), or the sentence before is a hedged report of the same thing."""
    if _opens_with(s.text, lexicon.contrast) or lexicon.points_back.search(s.text):
        return True
    same = (objects_in(s.text, lexicon) & objects_in(prev.text, lexicon)) or (
        identifiers_in(s.text, lexicon) & identifiers_in(prev.text, lexicon)
    )
    return bool(same) and bool(lexicon.hedges.search(prev.text))
