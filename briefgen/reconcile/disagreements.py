"""Facts, events and document sentences → Disagreements of three kinds.

- value_conflict: one event (or one person's milestone, such as a return to power) given
  different years, quantities or sums by different documents; a year may be written or
  relative ("shortly after X took office", "In December" after a year).
- reported_dispute: a party denies or disputes what is reported; the claims are the
  denial and the report (the clause or sentence it answers, and mentions of the same
  event in other documents). A denial in an endnote that names no country takes the
  country of the object it denies, as the same document reports it elsewhere.
- assessment_conflict: sentences that judge the same generic question about one country
  (economic or political motives, who drives the engagement, interventionist or not,
  deepening or cooling ties, will the power keep supporting the government) and take
  opposite sides. Opinions are not facts, so this reads the documents' sentences.

All cue words come from the language's reconcile.yaml; see docs/method.md.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefgen.errors import ConfigError
from briefgen.extract.dates import find_dates, pick_date
from briefgen.extract.lemmas import is_word
from briefgen.models import Claim, Disagreement, Document, Event, Fact, Quote
from briefgen.reconcile.days import day_conflicts
from briefgen.reconcile.events import (
    _MONTHS,
    content_words,
    identifiers_in,
    objects_in,
    phrases_in,
)
from briefgen.reconcile.figures import figure_conflicts
from briefgen.reconcile.lexicon import Question, ReconcileLexicon, Terms
from briefgen.reconcile.sentences import Sentence, split_sentences, words

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_YEAR_BEFORE = re.compile(r"\b(1[89]\d\d|20\d\d)\s+$")
#: How many characters before a milestone phrase its year may sit ("the 2006 re-election").
YEAR_BEFORE_REACH = 8
_MONEY = re.compile(
    r"(?:US\s?)?\$\s?(\d[\d,]*(?:\.\d+)?)\s*(million|billion|bn|m)?\b"
    r"|\b(\d[\d,]*(?:\.\d+)?)\s+(million|billion)\s+(?:US\s+)?dollars",
    re.I,
)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
#: Two amounts of money for one event differ when one exceeds the other by this ratio.
MONEY_RATIO = 1.1
_NUMBER = re.compile(r"(?<![\w.-])(\d[\d,]*)\s+(?:[\w-]+\s+){0,3}?$")
#: A document is about one country when this share of its facts are.
DOCUMENT_COUNTRY_SHARE = 0.6
#: Claims kept per dispute's reported side.
CLAIMS_PER_SIDE = 3
#: Claims kept per assessment conflict (both sides together, strongest first).
MAX_CLAIMS = 5
#: Similarity (0-100) a denial needs with an event's evidence to be tied to that event.
DENIAL_MATCH = 60
#: Similarity (0-100) a sentence sharing an object with a denial needs to count as its report.
RELATED_MATCH = 45
#: The same when what they share is only a generic class ("weapons", "an agreement").
GENERIC_MATCH = 55
#: A sentence naming more countries than this speaks of the region, not of each.
MAX_COUNTRIES = 2
#: How many words before a milestone phrase may hold the failure marker or the person.
NEAR_WORDS = 6
#: How many characters after a milestone phrase the year may sit.
YEAR_AFTER = 40
#: How many characters after "after"/"when" a person and their milestone may reach.
ANCHOR_REACH = 90


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


def _claim(sentence: Sentence, position: str) -> Claim:
    return Claim(sentence.quote(), position)


def _fact_claim(fact: Fact, position: str) -> Claim:
    return Claim(fact.quote, position)


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


# ----------------------------------------------------------------------------------------
# value conflicts


def anchored_year(
    text: str, published: str | None, lexicon: ReconcileLexicon
) -> tuple[int, str] | None:
    """The year a date relative to a person's milestone stands for: "shortly after X took
    office" → the first year of X's term, with the words that say so.

    Only when X has exactly one term (or role) begun by the publication year: a second
    term would make the year a guess.

    Args:
        text (str): a sentence or quote.
        published (str | None): the document's publication date (ISO partial).
        lexicon (ReconcileLexicon): anchor words, milestone phrases and people with terms.
    RETURNS (tuple[int, str] | None): (year, "after <name> <milestone>"), or None.
    """
    pub = _YEAR.match(published or "")
    limit = int(pub.group(1)) if pub else None
    for m in lexicon.anchor_words.finditer(text):
        tail = text[m.end() : m.end() + ANCHOR_REACH]
        for person in lexicon.people:
            who = person.spellings.search(tail)
            if not who or who.start() > ANCHOR_REACH // 3:
                continue
            rest = tail[who.end() :]
            done = lexicon.anchor_milestones.search(rest)
            if not done or len(rest[: done.start()].split()) > 2:
                continue
            starts = [y for y in person.starts if limit is None or y <= limit]
            if len(starts) == 1:
                return starts[0], f"after {who.group(0)} {done.group(0)}"
    return None


def _mention_year(
    f: Fact,
    sentences: list[Sentence],
    doc: Document | None,
    lexicon: ReconcileLexicon,
) -> tuple[str, str] | None:
    """(year, position) of one mention: its own date; else a date its sentence gives only
    relative to the text around it ("in December", with the paragraph's year, or the
    publication date), or relative to a person's milestone ("after X took office")."""
    if f.date:
        return f.date[:4], f"dated {f.date}"
    if doc is None:
        return None
    s = next(
        (
            o
            for o in sentences
            if o.start <= f.quote.start < o.end or f.quote.start <= o.start < f.quote.end
        ),
        None,
    )
    text = s.text if s else f.quote.text
    anchored = anchored_year(text, doc.published, lexicon)
    if anchored:
        year, how = anchored
        return str(year), f"dated {year} ({how})"
    if s is None:
        return None
    context = _sentence_year(sentences, s.index - 1, None) if s.index else None
    prev = sentences[s.index - 1] if s.index else None
    if prev is None or prev.paragraph != s.paragraph:
        context = None
    try:
        mentions = find_dates(
            s.text,
            published=doc.published,
            context_year=context,
            language=doc.language or lexicon.language,
        )
    except ConfigError:
        return None
    relative = [m for m in mentions if m.relative]
    best = pick_date(
        relative,
        max(0, f.quote.start - s.start),
        text=s.text,
        language=doc.language or lexicon.language,
    )
    if best:
        return best.value[:4], f'dated {best.value} (from "{best.text}")'
    return None


def _date_conflicts(
    facts: list[Fact],
    events: list[Event],
    sentences: dict[str, list[Sentence]],
    documents: dict[str, Document],
    lexicon: ReconcileLexicon,
    index: _Index,
) -> list[Disagreement]:
    """Events whose mentions in different documents give different years (a mention the
    extractor left undated may be dated by relative wording, see _mention_year)."""
    by_event: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.event:
            by_event[f.event].append(f)
    out = []
    for event in events:
        if len({f.quote.doc for f in by_event[event.id]}) < 2:
            continue  # one document cannot disagree with itself about a date
        dated = []
        for f in sorted(by_event[event.id], key=lambda f: (f.quote.doc, f.quote.start)):
            found = _mention_year(
                f, sentences.get(f.quote.doc, []), documents.get(f.quote.doc), lexicon
            )
            if found:
                dated.append((f, *found))
        dated = _named_alike(dated, index)
        years = {y for _, y, _ in dated}
        if len(years) < 2 or len({f.quote.doc for f, _, _ in dated}) < 2:
            continue
        claims, seen = [], set()
        for f, year, position in dated:
            key = (f.quote.doc, year)
            if key not in seen:
                seen.add(key)
                claims.append(_fact_claim(f, position))
        out.append(Disagreement(event.country, f"Date of {event.title}", "value_conflict", claims))
    return out


def _named_alike(dated: list[tuple[Fact, str, str]], index: _Index) -> list[tuple[Fact, str, str]]:
    """The dated mentions that name the same specific thing (an identifier or a phrase
    that is not generic) as a mention of another document giving another year: an
    event merged on a class of thing ("oil fields") is no proof that two years given
    in two documents are for one event."""
    kept = []
    for f, year, position in dated:
        ids, phrases = index.features(f.quote.text)[1], index.phrases(f.quote.text)
        for g, other, _ in dated:
            if g.quote.doc == f.quote.doc or other == year:
                continue
            if ids & index.features(g.quote.text)[1] or phrases & index.phrases(g.quote.text):
                kept.append((f, year, position))
                break
    return kept


def _quantities(text: str, lexicon: ReconcileLexicon) -> dict[str, int]:
    """Object class → the number written just before it ("50 T-72 tanks" → tank: 50)."""
    return dict(lexicon.memo.get("quantities", text, lambda: _count_quantities(text, lexicon)))


def _count_quantities(text: str, lexicon: ReconcileLexicon) -> dict[str, int]:
    found: dict[str, int] = {}
    units = lexicon.figures.words if lexicon.figures else frozenset()
    for cls, terms in lexicon.objects.items():
        for m in terms.finditer(text):
            n = _NUMBER.search(text[max(0, m.start() - 40) : m.start()])
            if n and units & set(re.findall(r"\w+", n.group(0).lower())[1:]):
                continue  # "564 million barrels of oil": a volume of oil, not a count
            if n:
                value = int(n.group(1).replace(",", ""))
                if not 1900 <= value <= 2099:  # a year, not a quantity
                    found.setdefault(cls, value)
    return found


def amounts_in(text: str) -> list[float]:
    """Sums of money written in ``text``, in dollars ("$80 million", "2 billion dollars")."""
    out = []
    for m in _MONEY.finditer(text):
        number, scale = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        value = float(number.replace(",", "")) * _SCALE.get((scale or "").lower(), 1)
        if value not in out:
            out.append(value)
    return out


def _format_money(value: float) -> str:
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"${value / scale:g} {word}"
    return f"${value:,.0f}"


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
        money: dict[float, Fact] = {}
        for f in sorted(by_event[event.id], key=lambda f: (f.quote.doc, f.quote.start)):
            amounts = amounts_in(f.quote.text)
            if len(amounts) == 1:  # several sums in one mention: which is the deal's?
                money.setdefault(amounts[0], f)
        values_m = sorted(money)
        docs_m = {f.quote.doc for f in money.values()}
        if len(docs_m) >= 2 and values_m[-1] > values_m[0] * MONEY_RATIO:
            claims = [_fact_claim(money[v], f"{_format_money(v)}") for v in values_m]
            topic = f"Value of {event.title}"
            out.append(Disagreement(event.country, topic, "value_conflict", claims))
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


def _figure_conflicts(facts: list[Fact], index: _Index) -> list[Disagreement]:
    """Numbers of one measure that documents about one country give differently, for
    what their names or their shared event say is one thing (see figures.py)."""
    lexicon = index.lexicon
    if not lexicon.figures:
        return []
    events: dict[tuple[str, str], set[str]] = defaultdict(set)  # (event, country) → docs
    for f in facts:
        if f.event:
            events[(f.event, f.country)].add(f.quote.doc)
    shared = {
        (a, b, country)
        for (_, country), docs in events.items()
        for a in docs
        for b in docs
        if a != b
    }
    return figure_conflicts(
        _with_document_country(index, facts),
        lexicon.figures,
        named_alike=index.named_alike,
        content=lambda text: frozenset(content_words(text, lexicon).split()),
        one_event=lambda a, b, country: (a, b, country) in shared,
    )


def _with_document_country(index: _Index, facts: list[Fact]) -> dict[str, list[Sentence]]:
    """Each country's sentences, and the sentences naming no country of a document whose
    facts are mostly about one ("the base had 400 advisers" in a report on Cuba)."""
    per_doc: dict[str, Counter[str]] = defaultdict(Counter)
    for f in facts:
        per_doc[f.quote.doc][f.country] += 1
    main = {}
    for doc, counts in per_doc.items():
        (country, n), total = counts.most_common(1)[0], sum(counts.values())
        if n >= DOCUMENT_COUNTRY_SHARE * total:
            main[doc] = country
    out = {country: list(sents) for country, sents in index.sentences.items()}
    for doc_sentences in index.documents.values():
        for s in doc_sentences:
            if not s.countries and s.doc in main:
                out.setdefault(main[s.doc], []).append(s)
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
                if not (y and person):
                    # "the 2006 re-election of X": the year before, the person after
                    y = _YEAR_BEFORE.search(before[-YEAR_BEFORE_REACH:])
                    after = s.text[m.end() : m.end() + YEAR_AFTER].split(",")[0]
                    of = re.match(r"\s+of\b", after)
                    person = _leader_near(after, lexicon) if of else None
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


_NOTE_ITEM = re.compile(r"(?:^|\n)[ \t]*\d+[a-z]?\.(?=\s)")
_NAME_TOKEN = re.compile(r"(?<![\w-])[A-Z][\w]*(?:-[\w]+)*|\b[a-z]*\d[\w-]*")
#: A name shared with more sentences of the document than this is no specific object.
RARE_NAME = 3


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
    name neither a country nor the power, nor a month, nor a common word."""
    skip = lexicon.country_words | lexicon.power_words | lexicon.stopwords | _MONTHS
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
    return out


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
            countries = _context_countries(doc_sentences, i, facts_at)
            doc = documents.get(doc_id)
            if not countries and doc is not None and doc.region_at(s.start) == "notes":
                # an endnote often names no country: take the country of the thing it
                # denies, as the same document reports it elsewhere
                found = _object_country(doc, doc_sentences, s, facts, facts_at, lexicon)
                countries = [found] if found else []
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
            subjects = [s]
            if prev is not None and prev.paragraph == s.paragraph and _answers(s, prev, lexicon):
                claims.insert(0, _claim(prev, "reported"))
                subjects.append(prev)  # what the denial answers names the thing denied
            taken = {(c.quote.doc, c.quote.start) for c in claims}
            reports: list[Quote] = []
            for subject in subjects:
                reports += [
                    f.quote for f in _related_facts(subject, country, facts, lexicon, index)
                ]
                reports += [
                    o.quote()
                    for o in _related_sentences(subject, country, sentences, lexicon, index)
                ]
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
            # a denial alone is kept: it may deny what another dispute reports, and
            # _merge_disputes joins them; one left alone is dropped (_both_sides)
            topic = f"{who.capitalize()} denial: {' '.join(s.text.split()[:10])}…"
            out.append(Disagreement(country, topic, "reported_dispute", claims))
    return out


def _opens_with(text: str, terms: Terms) -> bool:
    """True when ``text`` starts with one of ``terms``."""
    m = terms.search(text[:30])
    return m is not None and m.start() == 0


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


_PASSIVE_AUX = re.compile(r"\b(?:was|were|is|are|be|been|being|fue|fueron|foi|foram)\s+$", re.I)


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


def _headline(text: str) -> bool:
    """True for Title Case text (headlines, cited article titles)."""
    tokens = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if len(w) > 3]
    return len(tokens) >= 3 and sum(w[0].isupper() for w in tokens) / len(tokens) > 0.6


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


def _about_power(sents: list[Sentence], i: int, lexicon: ReconcileLexicon) -> bool:
    """True when sentence ``i`` speaks of the power: it names it or the relationship, or it
    points back ("this period") at the sentence before, in the same paragraph, that does."""
    s = sents[i]
    if not lexicon.power or lexicon.power.search(s.text) or lexicon.relationship.search(s.text):
        return True
    if i and lexicon.anaphors.search(s.text):
        prev = sents[i - 1]
        return prev.paragraph == s.paragraph and bool(lexicon.power.search(prev.text))
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
            if _headline(s.text):
                continue  # titles and citations name topics, they do not judge
            if not _about_power(doc_sentences, i, lexicon):
                continue
            marked = bool(lexicon.markers.search(s.text))
            found = _context_countries(doc_sentences, i, facts_at)
            countries: list[str | None] = [*found] if found else [None]
            year = None
            for question in lexicon.questions:
                if question.needs_marker and not marked:
                    continue
                votes = _side_votes(s.text, question, lexicon)
                ranked = sorted(votes.items(), key=lambda kv: -kv[1])
                if ranked[0][1] >= 1 and ranked[0][1] > ranked[1][1]:
                    if question.years_apart is not None and year is None:
                        year = _sentence_year(
                            doc_sentences, i, published.get(doc_id), lexicon.present
                        )
                    strength = ranked[0][1] - ranked[1][1] + int(marked)
                    for country in countries:
                        out.append(
                            Assessment(
                                s,
                                question,
                                ranked[0][0],
                                country,
                                strength=strength,
                                year=year,
                                voice=_voice(s.text, lexicon),
                            )
                        )
    return out


_QUOTE_MARK = re.compile(r"[\"“”]")
#: Words a quotation needs to cite a voice: one or two are scare quotes or a term.
QUOTATION_WORDS = 3


def _has_quotation(text: str) -> bool:
    """True when ``text`` quotes three words or more: marks pair up in order (an
    unclosed last one runs to the end, as in a sentence cut mid-quote)."""
    marks = [m.start() for m in _QUOTE_MARK.finditer(text)] + [len(text)]
    return any(
        len(text[a + 1 : b].split()) >= QUOTATION_WORDS for a, b in zip(marks[::2], marks[1::2])
    )


#: Words before a speech verb that may name who speaks ("Ms. Richardson", "Beijing").
SPEAKER_WORDS = 4
_CLAUSE_BREAK = re.compile(r"[,;:—–(]")


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
    index = _Index(sentences, facts, lexicon)
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
        _date_conflicts(facts, events, sentences, {d.id: d for d in documents}, lexicon, index)
        + _quantity_conflicts(facts, events, lexicon)
        + _milestone_conflicts(sentences, lexicon)
        + _figure_conflicts(facts, index)
        + day_conflicts(
            _with_document_country(index, facts),
            {d.id: d for d in documents},
            lexicon,
            named_alike=index.proper_names_alike,
        )
        + _reported_disputes(
            sentences, facts, facts_at, lexicon, {d.id: d for d in documents}, index
        )
        + _assessment_conflicts(
            _assessments(sentences, facts_at, lexicon, {d.id: d.published for d in documents})
        )
    )
    unique: dict[str, Disagreement] = {}
    for d in _merge_disputes(found, index):
        if d.kind == "reported_dispute" and not _both_sides(d):
            continue  # two denials and no report: nobody on the other side
        unique.setdefault(d.id, d)
    return sorted(unique.values(), key=lambda d: (d.country, d.kind, d.topic, d.id))


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
