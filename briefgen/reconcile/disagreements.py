"""Facts, events and document sentences → Disagreements of three kinds.

- value_conflict: one event (or one person's milestone, such as a return to power) given
  different years or quantities by different documents.
- reported_dispute: a party denies or disputes what is reported; the claims are the
  denial and the report (the clause or sentence it answers, and mentions of the same
  event in other documents).
- assessment_conflict: sentences that judge the same question about one country (economic
  or political motives, who drives the engagement, interventionist or not) and take
  opposite sides. Opinions are not facts, so this reads the documents' sentences.

All cue words come from the language's reconcile.yaml; see docs/method.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefgen.models import Claim, Disagreement, Document, Event, Fact, Quote
from briefgen.reconcile.events import content_words, identifiers_in, objects_in
from briefgen.reconcile.lexicon import Question, ReconcileLexicon, Terms
from briefgen.reconcile.sentences import Sentence, split_sentences, words

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.-])(\d[\d,]*)\s+(?:[\w-]+\s+){0,3}?$")
#: Claims kept per side of an assessment conflict, and per dispute's reported side.
CLAIMS_PER_SIDE = 3
#: Similarity (0-100) a denial needs with an event's evidence to be tied to that event.
DENIAL_MATCH = 60
#: Similarity (0-100) a sentence sharing an object with a denial needs to count as its report.
RELATED_MATCH = 45
#: A sentence naming more countries than this speaks of the region, not of each.
MAX_COUNTRIES = 2
#: How many words before a milestone phrase may hold the failure marker or the person.
NEAR_WORDS = 6
#: How many characters after a milestone phrase the year may sit.
YEAR_AFTER = 40


@dataclass
class Assessment:
    """A sentence that takes one side of one question about one country (or the region)."""

    sentence: Sentence
    question: Question
    side: str
    country: str | None


def _claim(sentence: Sentence, position: str) -> Claim:
    return Claim(sentence.quote(), position)


def _fact_claim(fact: Fact, position: str) -> Claim:
    return Claim(fact.quote, position)


# ----------------------------------------------------------------------------------------
# value conflicts


def _date_conflicts(facts: list[Fact], events: list[Event]) -> list[Disagreement]:
    """Events whose mentions in different documents give different years."""
    by_event: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.event:
            by_event[f.event].append(f)
    out = []
    for event in events:
        dated = sorted(
            (f for f in by_event[event.id] if f.date), key=lambda f: (f.quote.doc, f.quote.start)
        )
        years = {f.date[:4] for f in dated}
        if len(years) < 2 or len({f.quote.doc for f in dated}) < 2:
            continue
        claims, seen = [], set()
        for f in dated:
            key = (f.quote.doc, f.date[:4])
            if key not in seen:
                seen.add(key)
                claims.append(_fact_claim(f, f"dated {f.date}"))
        out.append(Disagreement(event.country, f"Date of {event.title}", "value_conflict", claims))
    return out


def _quantities(text: str, lexicon: ReconcileLexicon) -> dict[str, int]:
    """Object class → the number written just before it ("50 T-72 tanks" → tank: 50)."""
    found: dict[str, int] = {}
    for cls, terms in lexicon.objects.items():
        for m in terms.finditer(text):
            n = _NUMBER.search(text[max(0, m.start() - 40) : m.start()])
            if n:
                value = int(n.group(1).replace(",", ""))
                if not 1900 <= value <= 2099:  # a year, not a quantity
                    found.setdefault(cls, value)
    return found


def _quantity_conflicts(
    facts: list[Fact], events: list[Event], lexicon: ReconcileLexicon
) -> list[Disagreement]:
    """Events whose mentions in different documents give different numbers of one thing."""
    by_event: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.event:
            by_event[f.event].append(f)
    out = []
    for event in events:
        per_class: dict[str, dict[int, Fact]] = defaultdict(dict)
        for f in sorted(by_event[event.id], key=lambda f: (f.quote.doc, f.quote.start)):
            for cls, value in _quantities(f.quote.text, lexicon).items():
                per_class[cls].setdefault(value, f)
        for cls, values in sorted(per_class.items()):
            docs = {f.quote.doc for f in values.values()}
            if len(values) >= 2 and len(docs) >= 2:
                claims = [
                    _fact_claim(f, f"{v} ({cls.replace('_', ' ')})")
                    for v, f in sorted(values.items())
                ]
                topic = f"Number of {cls.replace('_', ' ')}s: {event.title}"
                out.append(Disagreement(event.country, topic, "value_conflict", claims))
    return out


def _milestone_mentions(
    sentences: list[Sentence], lexicon: ReconcileLexicon
) -> list[tuple[str, str, str, str, Sentence]]:
    """(country, person, milestone, year, sentence) for each dated milestone of a leader."""
    out = []
    for s in sentences:
        for key, terms in lexicon.milestones.items():
            for m in terms.finditer(s.text):
                before = s.text[: m.start()]
                near = " ".join(before.split()[-NEAR_WORDS:])
                if lexicon.failed_markers.search(near):
                    continue
                y = _YEAR.search(s.text, m.end(), m.end() + YEAR_AFTER)
                person = _leader_near(before, lexicon)
                if y and person:
                    out.append((person[0], person[1], key, y.group(1), s))
    return out


def _leader_near(before: str, lexicon: ReconcileLexicon) -> tuple[str, str] | None:
    """The region leader named last before a milestone phrase, as (country, surname)."""
    best: tuple[int, str, str] | None = None
    window = before[-120:]
    for country in lexicon.countries:
        for name, spellings in country.leaders.items():
            for m in spellings.finditer(window):
                if best is None or m.end() > best[0]:
                    best = (m.end(), country.code, name)
    return (best[1], best[2]) if best else None


def _milestone_conflicts(
    sentences: dict[str, list[Sentence]], lexicon: ReconcileLexicon
) -> list[Disagreement]:
    """One leader's milestone (e.g. return to power) given different years by documents."""
    groups: dict[tuple[str, str, str], dict[str, tuple[str, Sentence]]] = defaultdict(dict)
    for doc_sentences in sentences.values():
        for country, person, key, year, s in _milestone_mentions(doc_sentences, lexicon):
            groups[(country, person, key)].setdefault(f"{s.doc}/{year}", (year, s))
    out = []
    for (country, person, key), found in sorted(groups.items()):
        years = {y for y, _ in found.values()}
        docs = {s.doc for _, s in found.values()}
        if len(years) < 2 or len(docs) < 2:
            continue
        claims = [
            _claim(s, f"{key} in {y}")
            for y, s in sorted(found.values(), key=lambda v: (v[1].doc, v[1].start))
        ]
        topic = f"Year of {person}'s {key}"
        out.append(Disagreement(country, topic, "value_conflict", claims))
    return out


# ----------------------------------------------------------------------------------------
# reported disputes


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


def _related_facts(
    s: Sentence,
    country: str,
    facts: list[Fact],
    lexicon: ReconcileLexicon,
) -> list[Fact]:
    """Mentions of the same thing as sentence ``s`` in ``country``, best first."""
    objs, ids, toks = (
        objects_in(s.text, lexicon),
        identifiers_in(s.text, lexicon),
        content_words(s.text, lexicon),
    )
    scored = []
    for f in facts:
        if f.country != country or (
            f.quote.doc == s.doc and f.quote.start < s.end and s.start < f.quote.end
        ):
            continue
        score = fuzz.token_set_ratio(toks, content_words(f.quote.text, lexicon))
        if ids & identifiers_in(f.quote.text, lexicon):
            score = max(score, 90)
        elif objs & objects_in(f.quote.text, lexicon):
            score = max(score, 55 + 10 * len(objs & objects_in(f.quote.text, lexicon)))
        if score >= DENIAL_MATCH:
            scored.append((-score, f.quote.doc, f.quote.start, f))
    return [f for *_, f in sorted(scored, key=lambda t: t[:3])]


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
    spokesman for the navy denied"); else one after it; else the power."""
    matches = lexicon.denial_parties.finditer(text)
    before = [m for m in matches if m.end() <= cue.start()]
    if before:
        return before[0].group(0)
    if matches:
        return matches[0].group(0)
    power = lexicon.power.search(text)
    return power.group(0) if power else None


def _related_sentences(
    s: Sentence, country: str, sentences: dict[str, list[Sentence]], lexicon: ReconcileLexicon
) -> list[Sentence]:
    """Other sentences about the same thing in the same country (a report a denial answers)."""
    objs, ids, toks = (
        objects_in(s.text, lexicon),
        identifiers_in(s.text, lexicon),
        content_words(s.text, lexicon),
    )
    scored = []
    for doc_sentences in sentences.values():
        for o in doc_sentences:
            if o is s or country not in o.countries or find_denial(o.text, lexicon):
                continue
            shared = objs & objects_in(o.text, lexicon)
            if not (shared or ids & identifiers_in(o.text, lexicon)):
                continue
            score = fuzz.token_set_ratio(toks, content_words(o.text, lexicon))
            if score >= RELATED_MATCH:
                scored.append((-score, o.doc, o.start, o))
    return [o for *_, o in sorted(scored, key=lambda t: t[:3])]


def _reported_disputes(
    sentences: dict[str, list[Sentence]],
    facts: list[Fact],
    facts_at: dict,
    lexicon: ReconcileLexicon,
) -> list[Disagreement]:
    """A party's denial, with what it denies (same sentence, sentence before, other mentions)."""
    out = []
    for doc_sentences in sentences.values():
        for i, s in enumerate(doc_sentences):
            cue = find_denial(s.text, lexicon)
            party = _party(s.text, cue, lexicon) if cue else None
            if not cue or not party:
                continue
            countries = _context_countries(doc_sentences, i, facts_at)
            if not countries:
                continue  # guessing the country from similar reports proved unreliable
            country = countries[0]
            who = " ".join(party.split())
            split = _split_clause(s, cue, lexicon)
            if split:
                claims = [Claim(split[1], "reported"), Claim(split[0], f"denied by {who}")]
            else:
                claims = [_claim(s, f"denied by {who}")]
            prev = doc_sentences[i - 1] if i else None
            if prev is not None and prev.paragraph == s.paragraph and _answers(s, prev, lexicon):
                claims.insert(0, _claim(prev, "reported"))
            taken = {(c.quote.doc, c.quote.start) for c in claims}
            reports: list[Quote] = [f.quote for f in _related_facts(s, country, facts, lexicon)]
            reports += [o.quote() for o in _related_sentences(s, country, sentences, lexicon)]
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
            if len(claims) < 2:
                continue
            topic = f"{who.capitalize()} denial: {' '.join(s.text.split()[:10])}…"
            out.append(Disagreement(country, topic, "reported_dispute", claims))
    return out


def _opens_with(text: str, terms: Terms) -> bool:
    """True when ``text`` starts with one of ``terms``."""
    m = terms.search(text[:30])
    return bool(m) and m.start() == 0


def _answers(s: Sentence, prev: Sentence, lexicon: ReconcileLexicon) -> bool:
    """True when denial ``s`` answers the sentence before it: it opens with a contrast or
    points back ("no such"), or the sentence before is a hedged report of the same thing."""
    if _opens_with(s.text, lexicon.contrast) or lexicon.points_back.search(s.text):
        return True
    same = (objects_in(s.text, lexicon) & objects_in(prev.text, lexicon)) or (
        identifiers_in(s.text, lexicon) & identifiers_in(prev.text, lexicon)
    )
    return bool(same) and bool(lexicon.hedges.search(prev.text))


# ----------------------------------------------------------------------------------------
# assessment conflicts


def _side_votes(text: str, question: Question, lexicon: ReconcileLexicon) -> dict[str, int]:
    """Votes per side: a side's word counts for the other side after a reversing word."""
    sides = list(question.sides)
    votes = dict.fromkeys(sides, 0)
    flips = [m.end() for m in lexicon.reversers.finditer(text)]
    neutral = [m.end() for m in lexicon.neutral.finditer(text)]

    filler = lexicon.stopwords | lexicon.power_words | lexicon.country_words

    def close(ends: list[int], start: int) -> bool:
        # a reversal reaches the next content word or so, never past a clause break
        return any(
            e <= start
            and not re.search(r"[,;:.!?—–]", text[e:start])
            and len([w for w in words(text[e:start]) if w not in filler]) <= lexicon.reverse_window
            for e in ends
        )

    taken: list[tuple[int, int]] = []
    foil = lexicon.foils.search(text[:25])
    power = lexicon.power.search(text) if foil else None
    skip_to = power.start() if power else 0  # the foil's words describe someone else
    for side in sides:
        for m in question.sides[side].finditer(text):
            if m.start() < skip_to:
                continue
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # one phrase votes once
            taken.append((m.start(), m.end()))
            if close(neutral, m.start()):
                continue
            other = sides[1 - sides.index(side)]
            votes[other if close(flips, m.start()) else side] += 1
    return votes


def _headline(text: str) -> bool:
    """True for Title Case text (headlines, cited article titles)."""
    tokens = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) > 3]
    return len(tokens) >= 3 and sum(w[0].isupper() for w in tokens) / len(tokens) > 0.6


def _assessments(
    sentences: dict[str, list[Sentence]], facts_at: dict, lexicon: ReconcileLexicon
) -> list[Assessment]:
    out = []
    for doc_sentences in sentences.values():
        for i, s in enumerate(doc_sentences):
            if _headline(s.text):
                continue  # titles and citations name topics, they do not judge
            marked = bool(lexicon.markers.search(s.text))
            if (
                lexicon.power
                and not lexicon.power.search(s.text)
                and not lexicon.relationship.search(s.text)
            ):
                continue
            countries = _context_countries(doc_sentences, i, facts_at) or [None]
            for question in lexicon.questions:
                if question.needs_marker and not marked:
                    continue
                votes = _side_votes(s.text, question, lexicon)
                ranked = sorted(votes.items(), key=lambda kv: -kv[1])
                if ranked[0][1] >= 1 and ranked[0][1] > ranked[1][1]:
                    for country in countries:
                        out.append(Assessment(s, question, ranked[0][0], country))
    return out


def _assessment_conflicts(assessments: list[Assessment]) -> list[Disagreement]:
    """Per country and question, sentences taking opposite sides in different documents.

    For questions marked ``regional``, a judgment about the whole region (no country, or
    a list of them) stands against a country's one-sided judgments too: "Russia never
    interferes" contradicts "Russia meddled in X's election".
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
        by_side: dict[str, list[Assessment]] = defaultdict(list)
        for a in sorted(found, key=lambda a: (a.sentence.doc, a.sentence.start)):
            by_side[a.side].append(a)
        if len(by_side) < 2:
            continue
        docs = {a.sentence.doc for a in found}
        if len(docs) < 2:
            continue
        claims = []
        for side, items in sorted(by_side.items()):
            for a in items[:CLAIMS_PER_SIDE]:
                claims.append(_claim(a.sentence, side.replace("_", " ")))
        question = found[0].question
        out.append(Disagreement(country, question.topic, "assessment_conflict", claims))
    return out


# ----------------------------------------------------------------------------------------


def find_disagreements(
    facts: list[Fact],
    events: list[Event],
    documents: list[Document],
    lexicon: ReconcileLexicon,
) -> list[Disagreement]:
    """Every disagreement the facts, events and documents show.

    Args:
        facts (list[Fact]): extracted mentions, with ``event`` set by merge_events.
        events (list[Event]): the merged events.
        documents (list[Document]): the documents, read sentence by sentence.
        lexicon (ReconcileLexicon): cue words of the documents' language.
    RETURNS (list[Disagreement]): sorted by country, kind, topic; duplicates removed.
    """
    sentences = {d.id: split_sentences(d, lexicon) for d in documents}
    facts_at: dict[tuple[str, int], list[str]] = defaultdict(list)
    for f in facts:
        for s in sentences.get(f.quote.doc, []):
            if (
                s.start < f.quote.end
                and f.quote.start < s.end
                and f.country not in facts_at[(s.doc, s.index)]
            ):
                facts_at[(s.doc, s.index)].append(f.country)
    found = (
        _date_conflicts(facts, events)
        + _quantity_conflicts(facts, events, lexicon)
        + _milestone_conflicts(sentences, lexicon)
        + _reported_disputes(sentences, facts, facts_at, lexicon)
        + _assessment_conflicts(_assessments(sentences, facts_at, lexicon))
    )
    unique: dict[str, Disagreement] = {}
    for d in found:
        unique.setdefault(d.id, d)
    return sorted(unique.values(), key=lambda d: (d.country, d.kind, d.topic, d.id))
