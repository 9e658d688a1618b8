"""Rules: one matched sentence → the events it states and the countries party to them.

Events: a trigger states an event alone ("warships", "state visit"); a domain word ("oil",
"military") needs an action word ("signed", "sold", "investment"); a visit needs a
visitor (a lexicon person or a word such as "minister" or "delegation"), or is implied by
people of both sides signing together, or by a visitor "in Russia". A sentence listing
several events of one category gives one per clause ("the delivery of tanks; the sale of
helicopters"), while a list of items ("tanks, aircraft and launchers") stays one event.
Negated evidence drops unless the sentence reports a denial (a disputed claim is still a
fact); so does evidence after a hypothetical word (could, would, if …), and questions.

Countries: those named in the clauses holding the evidence (with a bare list of names
that follows: "to Venezuela and Peru"), else in the sentence — except countries only
compared with the party ("unlike Brazil, …") and leaders named outside their terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from briefgen.extract.lexicon import NAME_KINDS, Entry, Lexicon
from briefgen.extract.matching import Mention, Sentence

#: Tokens after a negation that it reaches ("did not sign", "no such deal").
NEGATION_REACH = 2
#: Tokens after a contrast word that it reaches ("unlike its neighbour Brazil,").
CONTRAST_REACH = 8
_CLAUSE_END = {",", ";", ":", ".", "—", "–", "(", ")", "!", "?"}
PERSON_KINDS = ("official", "leader")
PLACE_KINDS = ("capital", "city")


@dataclass(frozen=True)
class Finding:
    """One event a sentence states: its category, its tokens and where its evidence starts.

    A sentence that states several events of one category ("the delivery of tanks; the
    sale of helicopters") yields one finding per clause; a single event spans the sentence.
    """

    category: str
    start: int  # token span of the clause (or sentence) stating it
    end: int
    anchor: int  # token index of its first trigger/object/action
    anchor_char: int
    evidence: tuple[int, ...] = ()  # every trigger/object/action token it rests on


def power_kinds(sentence: Sentence, lexicon: Lexicon) -> set[str]:
    """Kinds of the power's names in the sentence (name, demonym, official, company, …)."""
    return {
        e.kind
        for m in sentence.mentions
        for e in m.entries
        if e.owner == lexicon.power
        and e.kind in ("name", "demonym", "official", "company", "equipment")
    }


def has_kind(sentence: Sentence, kind: str) -> bool:
    return any(e.kind == kind for m in sentence.mentions for e in m.entries)


def clauses(sentence: Sentence, breaks) -> list[tuple[int, int]]:
    """Token spans of the sentence cut where a clause or list item begins (commas,
    semicolons, dashes, conjunctions: the language file's ``clause_breaks``)."""
    inner = (
        np.flatnonzero(breaks[sentence.tok_start + 1 : sentence.tok_end]) + sentence.tok_start + 1
    )
    cuts = [sentence.tok_start, *(int(i) for i in inner), sentence.tok_end]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


@dataclass
class _Marks:
    """A sentence's evidence tokens sorted by role, gathered once per sentence."""

    strong: dict[str, list[int]]  # category → triggers and power-only equipment
    weak: dict[str, list[int]]  # category → domain words and sector companies
    words: dict[str, list[int]]  # category → domain words only
    actions: list[int]
    triggers: list[tuple[int, str]]
    bound: set[int]  # actions right after an infinitive marker ("to acquire"): purposes


#: A sentence with at least this share of capitalised words is a headline in title case.
TITLE_CASE_SHARE = 0.6


def _inside_names(sentence: Sentence, tokens) -> set[int]:
    """Tokens that continue a capitalised name ("Fieldwood Energy", "Gulf Oil"): a
    capitalised word right after another one, in a sentence that is not in title case."""
    words = [t for t in tokens[sentence.tok_start : sentence.tok_end] if t.is_alpha]
    if not words or sum(t.is_title for t in words) >= TITLE_CASE_SHARE * len(words):
        return set()
    return {
        t
        for t in range(sentence.tok_start + 1, sentence.tok_end)
        if tokens[t].is_title and tokens[t - 1].is_title and t - 1 > sentence.tok_start
    }


def _hypotheses(sentence: Sentence) -> list[int]:
    """Tokens of the hypothetical words ("could", "plans to") that make what follows a
    conjecture; one after a denial ("denied Russia plans to reopen the post") is what is
    denied, a disputed event, not a conjecture."""
    denials = [c.start for c in sentence.cues if c.kind == "denial"]
    return [
        c.start
        for c in sentence.cues
        if c.kind == "hypothetical" and not any(d < c.start for d in denials)
    ]


def _bound(sentence: Sentence, lexicon: Lexicon, tokens, actions: list[int]) -> set[int]:
    """Action tokens that follow an infinitive marker ("agreed to pay … and costs to
    acquire a stake"): the purpose of another action, not an event of their own."""
    markers = set(lexicon.cues.infinitive_markers)
    return {t for t in actions if t > sentence.tok_start and tokens[t - 1].lower_ in markers}


def _marks(sentence: Sentence, lexicon: Lexicon, tokens) -> _Marks:
    names = lexicon.category_names
    marks = _Marks(
        {c: [] for c in names}, {c: [] for c in names}, {c: [] for c in names}, [], [], set()
    )
    sector_category = lexicon.sector_category
    # a domain phrase is not its own action ("oil production" is no event by itself)
    inside_objects = {t for c in sentence.cues if c.kind == "object" for t in range(c.start, c.end)}
    named = _inside_names(sentence, tokens)
    for c in sentence.cues:
        if c.kind == "object" and c.start in named:
            continue  # "Fieldwood Energy": a word of a name, not the domain of an event
        if c.kind == "trigger" and c.category:
            marks.strong[c.category].append(c.start)
            marks.triggers.append((c.start, c.category))
        elif c.kind == "object" and c.category:
            marks.weak[c.category].append(c.start)
            marks.words[c.category].append(c.start)
        elif c.kind in ("action", "denial") and c.start not in inside_objects:
            # a denial ("officials deny the station spies") reports a disputed event
            marks.actions.append(c.start)
    for m in sentence.mentions:
        for e in m.entries:
            category = sector_category.get(e.sector or "")
            if category:
                # equipment only the power makes states military cooperation on its own
                (marks.strong if e.kind == "equipment" else marks.weak)[category].append(m.start)
    marks.bound = _bound(sentence, lexicon, tokens, marks.actions)
    return marks


def _evidence(
    marks: _Marks, span: tuple[int, int], dead: set[int], categories: tuple[str, ...]
) -> dict[str, tuple[bool, bool, list[int]]]:
    """Per category within ``span``: (states the event, states a separate event,
    evidence tokens). A clause is a separate event only with an action word and a
    trigger or domain word of its own, so the items of a list ("tanks, aircraft and rocket
    launchers") stay one event."""
    a, b = span

    def keep(tokens: list[int]) -> list[int]:
        return [t for t in tokens if a <= t < b and t not in dead]

    actions = keep(marks.actions)
    out: dict[str, tuple[bool, bool, list[int]]] = {}
    for category in categories:
        strong = keep(marks.strong[category])
        weak = keep(marks.weak[category])
        if not strong and not weak:
            out[category] = (False, False, [])
            continue
        # an action word that is another category's trigger ("defence sector visits")
        # does not make this category's domain word a separate event
        others = {t for t, cat in marks.triggers if cat != category}
        own = [t for t in actions if t not in others and t not in marks.bound]
        words = keep(marks.words[category])
        states = bool(strong) or bool(actions)
        # a company named in passing is context, not the object of an event of its own
        separate = bool(own) and bool(strong or words)
        out[category] = (states, separate, sorted(strong + weak))
    return out


def _arrivals(sentence: Sentence, lexicon: Lexicon, tokens) -> list[int]:
    """A visitor or country leader, then "in"/"to" and the power's name ("Argentina's
    President in Russia"), or one of the power's officials, then "in"/"to" and a country's
    place ("Putin in Buenos Aires"): someone travelled."""
    words = {w.lower() for w in lexicon.cues.arrival_words}
    power_places, country_places = set(), set()
    for m in sentence.mentions:
        for e in m.entries:
            if e.owner == lexicon.power and e.kind == "name":
                power_places.add(m.start)
            elif e.kind in ("name", "capital", "city") and e.owner in lexicon.countries:
                country_places.add(m.start)
    travellers = [(c.end, c.start, power_places) for c in sentence.cues if c.kind == "visitor"]
    for m in sentence.mentions:
        for e in m.entries:
            if e.kind == "official" and e.owner == lexicon.power:
                travellers.append((m.end, m.start, country_places))
            elif e.kind == "leader":
                travellers.append((m.end, m.start, power_places))
    return [
        start
        for end, start, places in travellers
        if end < sentence.tok_end and tokens[end].lower_ in words and end + 1 in places
    ]


def _meetings(sentence: Sentence, lexicon: Lexicon, dead: set[int]) -> list[int]:
    """People of both sides and a word of signing ("X and her Russian counterpart signed
    a memorandum"): they met. RETURNS the tokens of those words."""
    signs = [c.start for c in sentence.cues if c.kind == "meeting" and c.start not in dead]
    if not signs:
        return []
    ours = theirs = False
    visitors = sum(1 for c in sentence.cues if c.kind == "visitor")
    for m in sentence.mentions:
        for e in m.entries:
            if e.owner == lexicon.power and e.kind == "official":
                ours = True
            elif e.kind == "leader":
                theirs = True
            elif e.owner == lexicon.power and e.kind in ("name", "demonym") and visitors:
                ours = ours or visitors >= 2 or theirs
            elif e.owner in lexicon.countries and e.kind in ("name", "demonym") and visitors:
                theirs = theirs or visitors >= 2 or ours
    return signs if ours and theirs else []


def find_events(sentence: Sentence, lexicon: Lexicon, tokens, breaks) -> list[Finding]:
    """The events ``sentence`` states, one Finding per event.

    Args:
        sentence (Sentence): a matched sentence.
        lexicon (Lexicon): supplies which categories need a visitor.
        tokens (Doc): the spaCy Doc the sentence indexes.
        breaks (ndarray): per token, True where a clause begins (Analysis.breaks).
    RETURNS (list[Finding]): in text order. Negated evidence ("no deal was signed") is
        ignored unless the sentence reports a denial; so is evidence after a
        hypothetical word ("could deploy missiles"), and the whole sentence when that
        word opens it ("Potentially, …").
    """
    if not _may_state(sentence, lexicon):
        return []  # most sentences: nothing to state
    parts = clauses(sentence, breaks)
    dead = _dead_tokens(sentence, parts)
    visitor = sentence.has("visitor") or any(
        e.kind in PERSON_KINDS for m in sentence.mentions for e in m.entries
    )
    names = lexicon.category_names
    marks = _marks(sentence, lexicon, tokens)
    whole = _evidence(marks, (sentence.tok_start, sentence.tok_end), dead, names)
    per_part = [_evidence(marks, span, dead, names) for span in parts]
    # items of a semicolon list are separate events even without an action word of their own
    for (a, _b), ev in zip(parts, per_part, strict=True):
        if tokens[a].text == ";":
            for category, (states, separate, evidence) in ev.items():
                if states and not separate:
                    ev[category] = (states, True, evidence)
    arrivals = [t for t in _arrivals(sentence, lexicon, tokens) if t not in dead]
    arrivals += _meetings(sentence, lexicon, dead)
    findings: list[Finding] = []
    for category in names:
        if lexicon.cues.needs_visitor.get(category):
            if not visitor:
                continue
            if arrivals and not whole[category][0]:
                whole[category] = (True, False, arrivals)
        findings += _category_findings(
            category, sentence, lexicon, tokens, parts, whole[category], per_part
        )
    return sorted(
        _port_calls(sentence, lexicon, findings),
        key=lambda f: (f.start, names.index(f.category)),
    )


def _may_state(sentence: Sentence, lexicon: Lexicon) -> bool:
    """False for a sentence with no cue, no sector name and no official of the power:
    it cannot state an event (most sentences)."""
    kinds = {c.kind for c in sentence.cues}
    return (
        "trigger" in kinds
        or "object" in kinds
        or any(
            e.sector in lexicon.sector_category
            or (("visitor" in kinds or "meeting" in kinds) and e.owner == lexicon.power)
            or (e.kind == "official" and e.owner == lexicon.power)
            for m in sentence.mentions
            for e in m.entries
        )
    )


def _dead_tokens(sentence: Sentence, parts: list[tuple[int, int]]) -> set[int]:
    """Tokens whose evidence does not count: what a negation reaches (unless the sentence
    reports a denial) and what follows a hypothetical word (the whole sentence when the
    word is in its first clause)."""
    dead = set() if sentence.has("denial") else _negated(sentence)
    hyps = _hypotheses(sentence)
    if hyps:
        first = min(hyps)
        dead.update(range(sentence.tok_start if first < parts[0][1] else first, sentence.tok_end))
    return dead


def _category_findings(
    category: str,
    sentence: Sentence,
    lexicon: Lexicon,
    tokens,
    parts: list[tuple[int, int]],
    whole: tuple[bool, bool, list[int]],
    per_part: list[dict[str, tuple[bool, bool, list[int]]]],
) -> list[Finding]:
    """The findings of one category: one for the sentence, or, when several clauses state
    separate events of it, one per such clause running to the next one's."""
    states, _separate, evidence = whole
    events = [i for i, ev in enumerate(per_part) if ev[category][1]]
    if not lexicon.cues.split_clauses.get(category, True):
        events = events[:1]
    if len(events) < 2:
        if not states:
            return []
        tok = evidence[0]
        return [
            Finding(
                category,
                sentence.tok_start,
                sentence.tok_end,
                tok,
                tokens[tok].idx,
                tuple(evidence),
            )
        ]
    out = []
    for n, i in enumerate(events):
        start = sentence.tok_start if n == 0 else parts[i][0]
        end = parts[events[n + 1]][0] if n + 1 < len(events) else sentence.tok_end
        evidence = per_part[i][category][2]
        out.append(
            Finding(category, start, end, evidence[0], tokens[evidence[0]].idx, tuple(evidence))
        )
    return out


def _port_calls(sentence: Sentence, lexicon: Lexicon, findings: list[Finding]) -> list[Finding]:
    """A naval port call or a bomber deployment ("the frigate arrived in Havana and was
    welcomed") is military cooperation; it is a visit too only when people meet: words of
    talks (the pack's talks_words), an official of the power, or a delegation."""
    military = lexicon.sector_category.get("military")
    if not any(f.category == military for f in findings):
        return findings
    if sentence.has("talks") or any(
        e.kind == "official" and e.owner == lexicon.power
        for m in sentence.mentions
        for e in m.entries
    ):
        return findings
    visit_only = [c for c, on in lexicon.cues.needs_visitor.items() if on]
    return [f for f in findings if f.category not in visit_only]


def frame_categories(sentence: Sentence, lexicon: Lexicon) -> dict[str, tuple[list[int], bool]]:
    """Categories a sentence speaks of without stating an event: per category, the tokens
    of its triggers, domain words and sector names that no negation or hypothesis
    reaches (a visit's own words count only with a visitor, as in find_events), and
    whether one of them is a trigger or the power's own equipment (strong)."""
    dead = set() if sentence.has("denial") else _negated(sentence)
    hyps = _hypotheses(sentence)
    if hyps:
        dead.update(range(min(hyps), sentence.tok_end))
    # "He then flew to Managua": in a sentence going on about a trip, a pronoun (or, in
    # languages that drop it, a word of sequence such as "luego") is the visitor
    visitor = (
        sentence.has("visitor")
        or sentence.has("pronoun")
        or sentence.has("sequence")
        or any(e.kind in PERSON_KINDS for m in sentence.mentions for e in m.entries)
    )
    out: dict[str, list[int]] = {}
    strong: set[str] = set()
    for c in sentence.cues:
        if c.kind in ("trigger", "object") and c.start not in dead and c.category:
            if lexicon.cues.needs_visitor.get(c.category) and not visitor:
                continue
            out.setdefault(c.category, []).append(c.start)
            if c.kind == "trigger":
                strong.add(c.category)
    for m in sentence.mentions:
        for e in m.entries:
            category = lexicon.sector_category.get(e.sector or "")
            if category and m.start not in dead:
                out.setdefault(category, []).append(m.start)
                if e.kind == "equipment":
                    strong.add(category)
    return {k: (sorted(v), k in strong) for k, v in out.items()}


def _negated(sentence: Sentence) -> set[int]:
    reach: set[int] = set()
    for cue in sentence.cues:
        if cue.kind == "negation":
            reach.update(range(cue.end, cue.end + NEGATION_REACH))
    return reach


def is_question(text: str) -> bool:
    """A sentence that asks ("Should we worry about …?") states nothing."""
    return text.rstrip("”\"’' ").endswith("?")


def _contrasted(sentence: Sentence, tokens) -> set[int]:
    """Token indices that a contrast or passage word reaches, up to the end of its clause."""
    reach: set[int] = set()
    for cue in sentence.cues:
        # "unlike Brazil", and a country only passed through ("after transiting the
        # Panama Canal", "via Cuba"): neither is a party to the event
        if cue.kind not in ("contrast", "passage"):
            continue
        i = cue.end
        while i < min(cue.end + CONTRAST_REACH, sentence.tok_end):
            if tokens[i].text in _CLAUSE_END:
                break
            reach.add(i)
            i += 1
    return reach


def country_entries(mention: Mention, lexicon: Lexicon, year: int | None) -> list[Entry]:
    """The country entries a mention may stand for in ``year`` (leaders by their terms)."""
    return [
        e
        for e in mention.entries
        if e.kind in NAME_KINDS
        and e.owner in lexicon.countries
        and e.owner != lexicon.power
        and e.in_office(year)
    ]


def evidence_clauses(sentence: Sentence, finding: Finding, tokens, breaks) -> list[tuple[int, int]]:
    """The clauses of ``sentence`` that hold the finding's evidence, each with the bare
    list of names that may follow it ("… to Venezuela | and Peru")."""
    parts = [
        (a, b) for a, b in clauses(sentence, breaks) if a >= finding.start and b <= finding.end
    ]
    named = {t for m in sentence.mentions for t in range(m.start, m.end)}
    out: list[tuple[int, int]] = []
    extending = False
    for a, b in parts:
        if any(a <= t < b for t in finding.evidence):
            out.append((a, b))
            extending = True
        elif extending and all(
            t in named
            or tokens[t].is_punct
            or tokens[t].is_space
            or tokens[t].is_stop
            or tokens[t].like_num
            for t in range(a, b)
        ):
            out.append((a, b))  # "and Peru": a name list continuing the clause
        else:
            extending = False
    return out


def find_countries(
    sentence: Sentence,
    lexicon: Lexicon,
    tokens,
    year: int | None,
    span: tuple[int, int] | list[tuple[int, int]] | None = None,
) -> list[tuple[str, int]]:
    """Countries the sentence makes party to its event: [(code, first char)], text order.

    Args:
        sentence (Sentence): a matched sentence.
        lexicon (Lexicon): the region's countries.
        tokens (Doc): the spaCy Doc (to find clause ends after contrast words).
        year (int | None): the event's year, to map leaders only inside their terms.
        span (tuple | list | None): only names inside these token spans (clauses).
    RETURNS (list[tuple[str, int]]): each country once.
    """
    contrasted = _contrasted(sentence, tokens)
    spans = [span] if isinstance(span, tuple) else span
    found: dict[str, int] = {}
    named = _inside_names(sentence, tokens)
    for m in sentence.mentions:
        if m.start in contrasted or (
            spans is not None and not any(a <= m.start < b for a, b in spans)
        ):
            continue
        if m.start in named and all(e.kind in PLACE_KINDS for e in m.entries):
            continue  # "the Mariscal Sucre project", "Hotel Lima": a place in another name
        owners = {e.owner for e in country_entries(m, lexicon, year)}
        if len(owners) != 1:  # ambiguous names ("Santiago" in two lexicons) stay unassigned
            continue
        found.setdefault(owners.pop(), m.start_char)
    return sorted(found.items(), key=lambda kv: kv[1])


def mentioned_countries(sentence: Sentence, lexicon: Lexicon, year: int | None) -> list[str]:
    """Every country the sentence names (for paragraph and section context)."""
    out: list[str] = []
    for m in sentence.mentions:
        owners = {e.owner for e in country_entries(m, lexicon, year)}
        if len(owners) == 1 and (code := owners.pop()) not in out:
            out.append(code)
    return out
