"""Sentences and facts → reported disputes: a party denies or disputes what is reported.
The claims are the denial and the report (the clause or sentence it answers, and
mentions of the same thing in other documents). A denial in an endnote that names no
country takes the country of the object it denies, as the same document reports it
elsewhere. Disputes of one country that share a claim or deny the same thing are merged.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz

from briefgen.models import Claim, Disagreement, Document, Fact, Quote
from briefgen.reconcile.disagreements.context import (
    MAX_CLAIMS,
    _claim,
    _context_countries,
)
from briefgen.reconcile.disagreements.denials import (
    _answers,
    _party,
    _split_clause,
    find_denial,
)
from briefgen.reconcile.disagreements.index import _Index, _names
from briefgen.reconcile.events import objects_in
from briefgen.reconcile.lexicon import ReconcileLexicon
from briefgen.reconcile.sentences import Sentence

#: Claims kept per dispute's reported side.
CLAIMS_PER_SIDE = 3
#: Similarity (0-100) a denial needs with an event's evidence to be tied to that event.
DENIAL_MATCH = 60
#: Similarity (0-100) a sentence sharing an object with a denial needs to count as its report.
RELATED_MATCH = 45
#: The same when what they share is only a generic class ("weapons", "an agreement").
GENERIC_MATCH = 55
_NOTE_ITEM = re.compile(r"(?:^|\n)[ \t]*\d+[a-z]?\.(?=\s)")
#: A name shared with more sentences of the document than this is no specific object.
RARE_NAME = 3


def _reported_disputes(
    sentences: dict[str, list[Sentence]],
    facts: list[Fact],
    facts_at: dict,
    lexicon: ReconcileLexicon,
    documents: dict[str, Document],
    index: _Index | None = None,
) -> list[Disagreement]:
    """A party's denial, with what it denies (same sentence, sentence before, other mentions)."""
    index = index or _Index(sentences, facts, lexicon)
    out = []
    for doc_id, doc_sentences in sentences.items():
        for i, s in enumerate(doc_sentences):
            cue = find_denial(s.text, lexicon)
            party = _party(s.text, cue, lexicon) if cue else None
            if not cue or not party:
                continue
            doc = documents.get(doc_id)
            country = _denial_country(doc_sentences, i, facts, facts_at, lexicon, doc)
            if country is None:
                continue  # guessing the country from similar reports proved unreliable
            who = " ".join(party.split())
            claims, subjects = _denial_claims(doc_sentences, i, cue, who, lexicon)
            _add_reports(claims, _reports_of(subjects, country, facts, sentences, lexicon, index))
            # a denial alone is kept: it may deny what another dispute reports, and
            # _merge_disputes joins them; one left alone is dropped (_both_sides)
            topic = f"{who.capitalize()} denial: {' '.join(s.text.split()[:10])}…"
            out.append(Disagreement(country, topic, "reported_dispute", claims))
    return out


def _denial_country(
    doc_sentences: list[Sentence],
    i: int,
    facts: list[Fact],
    facts_at: dict,
    lexicon: ReconcileLexicon,
    doc: Document | None,
) -> str | None:
    """The country denial sentence ``i`` is about: the first its context gives (see
    _context_countries); for an endnote naming none, the country of what it denies."""
    s = doc_sentences[i]
    countries = _context_countries(doc_sentences, i, facts_at)
    if not countries and doc is not None and doc.region_at(s.start) == "notes":
        # an endnote often names no country: take the country of the thing it
        # denies, as the same document reports it elsewhere
        found = _object_country(doc, doc_sentences, s, facts, facts_at, lexicon)
        countries = [found] if found else []
    return countries[0] if countries else None


def _denial_claims(
    doc_sentences: list[Sentence],
    i: int,
    cue: re.Match[str],
    who: str,
    lexicon: ReconcileLexicon,
) -> tuple[list[Claim], list[Sentence]]:
    """The claims of denial sentence ``i`` itself (the denial, the report its other clause
    gives, the sentence before when the denial answers it) and the sentences that name
    the thing denied."""
    s = doc_sentences[i]
    split = _split_clause(s, cue, lexicon)
    if split:
        claims = [Claim(split[1], "reported"), Claim(split[0], f"denied by {who}")]
    else:
        claims = [_claim(s, f"denied by {who}")]
    prev = doc_sentences[i - 1] if i else None
    subjects = [s]
    if prev is not None and prev.paragraph == s.paragraph and _answers(s, prev, lexicon):
        claims.insert(0, _claim(prev, "reported"))
        subjects.append(prev)  # what the denial answers names the thing denied
    return claims, subjects


def _reports_of(
    subjects: list[Sentence],
    country: str,
    facts: list[Fact],
    sentences: dict[str, list[Sentence]],
    lexicon: ReconcileLexicon,
    index: _Index,
) -> list[Quote]:
    """Quotes of the mentions, then the sentences, of ``country`` about the same thing as
    each of ``subjects`` in turn, best first."""
    reports: list[Quote] = []
    for subject in subjects:
        reports += [f.quote for f in _related_facts(subject, country, facts, lexicon, index)]
        reports += [
            o.quote() for o in _related_sentences(subject, country, sentences, lexicon, index)
        ]
    return reports


def _add_reports(claims: list[Claim], reports: list[Quote]) -> None:
    """Append the first CLAIMS_PER_SIDE - 1 of ``reports`` that overlap no claim to
    ``claims`` (in place), as reported."""
    taken = {(c.quote.doc, c.quote.start) for c in claims}
    added = 0
    for q in reports:
        if (
            added >= CLAIMS_PER_SIDE - 1
            or any(
                q.doc == c.quote.doc and q.start < c.quote.end and c.quote.start < q.end
                for c in claims
            )
            or (q.doc, q.start) in taken
        ):
            continue
        claims.append(Claim(q, "reported"))
        added += 1


def _related_facts(
    s: Sentence,
    country: str,
    facts: list[Fact],
    lexicon: ReconcileLexicon,
    index: _Index | None = None,
) -> list[Fact]:
    """Mentions of the same thing as sentence ``s`` in ``country``, best first."""
    index = index or _Index({}, facts, lexicon)
    objs, ids, toks = index.features(s.text)
    scored = []
    for f in index.facts.get(country, ()):
        if f.quote.doc == s.doc and f.quote.start < s.end and s.start < f.quote.end:
            continue
        f_objs, f_ids, f_toks = index.features(f.quote.text)
        score = fuzz.token_set_ratio(toks, f_toks)
        if ids & f_ids:
            score = max(score, 90)
        elif index.named_alike(s.text, f.quote.text) and score >= RELATED_MATCH:
            score = max(score, DENIAL_MATCH)
        elif index.same_thing(s.text, f.quote.text) and score >= RELATED_MATCH:
            # a missile and "a missile defence system" share a class, not a thing: the
            # wording must come close too
            score = max(score, 55 + 10 * len(objs & f_objs))
        elif objs & f_objs and score >= GENERIC_MATCH:
            score = DENIAL_MATCH  # a generic class ("training") and close wording
        # else nothing but words in common: only closer wording makes it one thing
        if score >= DENIAL_MATCH:
            scored.append((-score, f.quote.doc, f.quote.start, f))
    return [f for *_, f in sorted(scored, key=lambda t: t[:3])]


def _related_sentences(
    s: Sentence,
    country: str,
    sentences: dict[str, list[Sentence]],
    lexicon: ReconcileLexicon,
    index: _Index | None = None,
) -> list[Sentence]:
    """Other sentences about the same thing in the same country (a report a denial answers)."""
    index = index or _Index(sentences, [], lexicon)
    objs, ids, toks = index.features(s.text)
    scored = []
    for o in index.sentences.get(country, ()):
        if o is s:
            continue
        o_objs, o_ids, o_toks = index.features(o.text)
        named = index.named_alike(s.text, o.text)
        if not (objs & o_objs or named) or index.denies(o.text):
            continue
        score = fuzz.token_set_ratio(toks, o_toks)
        # a shared name or phrase makes one thing; a shared class ("missiles") needs
        # closer wording, a generic one ("weapons") closer still
        if ids & o_ids or index.phrases(s.text) & index.phrases(o.text):
            need = RELATED_MATCH
        elif named:  # a single name ("Lourdes", but also "Soviet") needs closer wording
            need = GENERIC_MATCH
        elif (objs & o_objs) - lexicon.generic_objects:
            need = GENERIC_MATCH
        else:
            need = DENIAL_MATCH
        if score >= need:
            scored.append((-score, o.doc, o.start, o))
    return [o for *_, o in sorted(scored, key=lambda t: t[:3])]


def _note_span(doc: Document, s: Sentence) -> tuple[int, int]:
    """The endnote holding sentence ``s``: from its number ("35.") to the next note's."""
    text = doc.text
    starts = [m.end() for m in _NOTE_ITEM.finditer(text, 0, s.start)]
    nxt = _NOTE_ITEM.search(text, s.end)
    low = max(starts) if starts else 0
    high = nxt.start() if nxt else len(text)
    for region in doc.regions:  # a note never reaches past its region
        if region.start <= s.start < region.end:
            low, high = max(low, region.start), min(high, region.end)
    return low, high


def _object_country(
    doc: Document,
    doc_sentences: list[Sentence],
    s: Sentence,
    facts: list[Fact],
    facts_at: dict,
    lexicon: ReconcileLexicon,
) -> str | None:
    """The country of what a country-less endnote denies: the country under which the
    same object (a shared specific name, e.g. a model, plus the same object class when
    both have one) appears elsewhere in the same document. None unless exactly one."""
    low, high = _note_span(doc, s)
    note = doc.text[low:high]
    opening = note[: len(note) - len(note.lstrip())]
    names = _names(note, lexicon)
    classes = objects_in(note, lexicon) - lexicon.generic_objects
    if not names:
        return None
    # a name found all over the document (a journal, a news agency) is no object
    seen: dict[str, int] = defaultdict(int)
    for o in doc_sentences:
        if not low <= o.start < high:
            for stem in _names(o.text, lexicon) & names:
                seen[stem] += 1
    rare = {n for n in names if 0 < seen[n] <= RARE_NAME}
    found: set[str] = set()
    for j, o in enumerate(doc_sentences):
        if low - len(opening) <= o.start < high or not rare & _names(o.text, lexicon):
            continue
        if classes and not classes & objects_in(o.text, lexicon):
            continue
        found.update(_context_countries(doc_sentences, j, facts_at))
    for f in facts:
        q = f.quote
        if q.doc != doc.id or low <= q.start < high:
            continue
        if rare & _names(q.text, lexicon) and (
            not classes or classes & objects_in(q.text, lexicon)
        ):
            found.add(f.country)
    return found.pop() if len(found) == 1 else None


def _both_sides(d: Disagreement) -> bool:
    """True when a dispute quotes a report and a denial."""
    positions = {c.position == "reported" for c in d.claims}
    return positions == {True, False}


def _shares_claim(a: Disagreement, b: Disagreement) -> bool:
    return any(
        x.quote.doc == y.quote.doc and x.quote.start < y.quote.end and y.quote.start < x.quote.end
        for x in a.claims
        for y in b.claims
    )


def _deny_the_same(a: Disagreement, b: Disagreement, index: _Index) -> bool:
    """True when a denial of ``a`` and one of ``b`` deny the same thing: what follows
    their denial words shares a name or an object class that is not generic ("…denied
    that it planned any base", "…rejected reports that bases would be built")."""

    def denied(text: str) -> str:
        cue = find_denial(text, index.lexicon)
        return text[cue.end() :] if cue else text

    return any(
        index.same_thing(denied(x.quote.text), denied(y.quote.text))
        for x in a.claims
        if x.position != "reported"
        for y in b.claims
        if y.position != "reported"
    )


def _merge_disputes(found: list[Disagreement], index: _Index) -> list[Disagreement]:
    """Reported disputes of one country that share a claim, or whose denials deny the
    same thing, are one question (two outlets reporting the same denial, or a denial in
    each): one disagreement with every denial and the reports they answer, the earliest
    denial's topic, at most MAX_CLAIMS + 1 claims."""
    out: list[Disagreement] = []
    groups: list[list[Disagreement]] = []
    for d in found:
        if d.kind != "reported_dispute":
            out.append(d)
            continue
        linked = [
            g
            for g in groups
            if g[0].country == d.country
            and any(_shares_claim(d, o) or _deny_the_same(d, o, index) for o in g)
        ]
        group = [d]
        for g in linked:
            group += g
            groups.remove(g)
        groups.append(group)
    for group in groups:
        if len(group) == 1:
            out.append(group[0])
            continue
        group.sort(key=lambda d: d.id)
        claims: list[Claim] = []
        denials = [c for d in group for c in d.claims if c.position != "reported"]
        reports = [c for d in group for c in d.claims if c.position == "reported"]
        for c in denials + reports:
            if len(claims) > MAX_CLAIMS or any(
                c.quote.doc == k.quote.doc
                and c.quote.start < k.quote.end
                and k.quote.start < c.quote.end
                for k in claims
            ):
                continue
            claims.append(c)
        claims.sort(key=lambda c: (c.position == "reported", c.quote.doc, c.quote.start))
        first = min(group, key=lambda d: min((c.quote.doc, c.quote.start) for c in d.claims))
        out.append(Disagreement(first.country, first.topic, "reported_dispute", claims))
    return out
