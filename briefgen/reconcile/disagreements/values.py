"""Facts, events and sentences → value conflicts: one event given different years,
quantities or sums by different documents (a year may be written or relative: "shortly
after X took office", "In December" after a year), numbers of one measure given
differently (figures.py does the comparing), and one leader's milestone (a return to
power) given different years.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import partial

from briefgen.errors import ConfigError
from briefgen.extract.dates import find_dates, pick_date
from briefgen.models import Disagreement, Document, Event, Fact
from briefgen.reconcile.disagreements.context import (
    _YEAR,
    _claim,
    _fact_claim,
    _sentence_year,
)
from briefgen.reconcile.disagreements.index import _Index
from briefgen.reconcile.events import content_words
from briefgen.reconcile.figures import figure_conflicts
from briefgen.reconcile.lexicon import ReconcileLexicon
from briefgen.reconcile.sentences import Sentence

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
#: How many words before a milestone phrase may hold the failure marker or the person.
NEAR_WORDS = 6
#: How many characters after a milestone phrase the year may sit.
YEAR_AFTER = 40
#: How many characters after "after"/"when" a person and their milestone may reach.
ANCHOR_REACH = 90


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


def _facts_by_event(facts: list[Fact]) -> dict[str, list[Fact]]:
    """The facts merged into each event, by event id, in the order given."""
    by_event: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.event:
            by_event[f.event].append(f)
    return by_event


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
    by_event = _facts_by_event(facts)
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
    by_event = _facts_by_event(facts)
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
        text = s.text
        found = lexicon.memo.get("milestones", text, partial(_text_milestones, text, lexicon))
        out += [(country, person, key, year, s) for country, person, key, year in found]
    return out


def _text_milestones(text: str, lexicon: ReconcileLexicon) -> tuple[tuple[str, str, str, str], ...]:
    """(country, person, milestone, year) of each dated milestone of a leader in ``text``."""
    out = []
    for key, terms in lexicon.milestones.items():
        for m in terms.finditer(text):
            before = text[: m.start()]
            near = " ".join(before.split()[-NEAR_WORDS:])
            if lexicon.failed_markers.search(near):
                continue
            y = _YEAR.search(text, m.end(), m.end() + YEAR_AFTER)
            person = _leader_near(before, lexicon)
            if not (y and person):
                # "the 2006 re-election of X": the year before, the person after
                y = _YEAR_BEFORE.search(before[-YEAR_BEFORE_REACH:])
                after = text[m.end() : m.end() + YEAR_AFTER].split(",")[0]
                of = re.match(r"\s+of\b", after)
                person = _leader_near(after, lexicon) if of else None
            if y and person:
                out.append((person[0], person[1], key, y.group(1)))
    return tuple(out)


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
