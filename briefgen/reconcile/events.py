"""Facts (one mention each) → Events (one real-world event each, with all its evidence).

Two mentions are the same event when they share country and category, their dates are
compatible, and what they are about overlaps: a specific identifier both name ("GLONASS",
"T-72"), object classes both mention ("Tu-160 bombers" ~ "two strategic bombers", via
the lexicon's object classes, weighted so generic ones count less), a two-word phrase
that is not generic ("training centre") or close wording (rapidfuzz). Mentions join
clusters greedily in order of publication, then clusters that turn out to be one event
are joined. Mentions whose years differ merge only when they share a specific identifier
and the category does not recur (visits do): that is one event reported with different
dates, which disagreements.py turns into a value conflict.

Event ids hash the country, category and anchor mention (the earliest published
document's first mention), so adding a later article keeps every id; pass ``known`` to
keep ids for events reviewed earlier whatever arrives.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from briefgen.models import Document, Event, Fact, stable_id
from briefgen.reconcile.lexicon import ReconcileLexicon, load_lexicon
from briefgen.reconcile.sentences import words

#: Wording similarity (0-100) above which two mentions with nothing else in common merge.
FUZZ_SAME = 82
#: Average similarity (0-1) a mention needs with a cluster's members to join it.
JOIN = 0.5
TITLE_CHARS = 80
#: Similarity of two mentions sharing a two-word phrase that is not generic.
PHRASE_SAME = 0.6
#: Weight of a generic object class ("agreement") against a specific one ("bomber").
GENERIC_WEIGHT = 1 / 3
#: How many years two dates given for one event may differ (sources that disagree).
MAX_YEARS_APART = 2
#: Wording similarity (0-100) of two publishers' mentions that makes them copies of one
#: wire story: one source, not two.
WIRE_COPY = 90
#: Wording similarity (0-100) at which two mentions state the same claim (corroboration).
CLAIM_WORDING = 65

# model numbers (Tu-160), acronyms (GLONASS), multi-word proper names (Admiral Gorshkov)
_IDENT = re.compile(
    r"\b(?:[A-Z][A-Za-z]*-?\d+[A-Za-z]*|[A-Z]{3,}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)\b"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december"
    " monday tuesday wednesday thursday friday saturday sunday".split()
)


@dataclass
class Mention:
    """A fact with what merging compares: year, objects, identifiers, words."""

    fact: Fact
    order: tuple
    publisher: str
    reliability: str
    year: str | None
    objects: frozenset[str]
    idents: frozenset[str]
    tokens: str
    actors: frozenset[str]
    phrases: frozenset[str] = frozenset()
    published: str | None = None


@dataclass
class Cluster:
    members: list[Mention] = field(default_factory=list)


def publisher_of(doc: Document | None, doc_id: str) -> str:
    """The independent publisher behind a document; a document without one is its own."""
    if doc is not None and doc.publisher:
        return re.sub(r"\W+", " ", doc.publisher).strip().lower()
    return f"doc:{doc_id}"


def objects_in(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    """The lexicon's object classes that ``text`` mentions ("bombers" → bomber)."""
    return lexicon.memo.get("objects_in", text, lambda: _objects_in(text, lexicon))


def _objects_in(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    return frozenset(cls for cls, terms in lexicon.objects.items() if terms.search(text))


def identifiers_in(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    """Specific names in ``text`` (model numbers, acronyms, multi-word proper names).

    Country and power names are not identities: every mention of a country's events has
    them.
    """
    return lexicon.memo.get("identifiers_in", text, lambda: _identifiers_in(text, lexicon))


def _identifiers_in(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    out = set()
    for m in _IDENT.finditer(text):
        ident = m.group(0).lower()
        parts = set(re.findall(r"\w+", ident))
        if parts <= (lexicon.country_words | lexicon.power_words | _MONTHS | lexicon.stopwords):
            continue
        if re.fullmatch(r"\d{4}", ident) or len(ident) < 3:
            continue
        out.add(ident)
    return frozenset(out)


def content_words(text: str, lexicon: ReconcileLexicon) -> str:
    """The words of ``text`` that can tell one event from another, space-separated."""
    return lexicon.memo.get("content_words", text, lambda: _content_words(text, lexicon))


def _content_words(text: str, lexicon: ReconcileLexicon) -> str:
    # country and power names are in every mention of a country's events: no evidence
    skip = lexicon.stopwords | lexicon.country_words | lexicon.power_words
    return " ".join(w for w in words(text) if w not in skip and not w.isdigit() and len(w) > 2)


def phrases_in(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    """Adjacent content-word pairs ("training centre"), unless both words are generic."""
    return lexicon.memo.get("phrases_in", text, lambda: _phrases_in(text, lexicon))


def _phrases_in(text: str, lexicon: ReconcileLexicon) -> frozenset[str]:
    skip = lexicon.stopwords | lexicon.country_words | lexicon.power_words | lexicon.company_words
    tokens = words(text)
    out = set()
    for x, y in zip(tokens, tokens[1:], strict=False):
        if x in skip or y in skip or x.isdigit() or y.isdigit() or len(x) < 3 or len(y) < 3:
            continue
        if x in lexicon.generic_words and y in lexicon.generic_words:
            continue
        out.add(f"{x} {y}")
    return frozenset(out)


def describe(fact: Fact, doc: Document | None, lexicon: ReconcileLexicon) -> Mention:
    """The comparable features of one fact."""
    q = fact.quote
    text = " ".join(e.text for e in fact.evidence) + " " + fact.title
    published = (doc.published if doc else None) or "9999"
    # the power and the country are party to every event of the country: no evidence
    actors = frozenset(
        a.lower()
        for a in fact.actors
        if a and not lexicon.power.search(a) and not _is_country(a, fact.country, lexicon)
    )
    return Mention(
        fact=fact,
        order=(published, q.doc, q.start),
        publisher=publisher_of(doc, q.doc),
        reliability=(doc.reliability if doc else "F") or "F",
        year=(fact.date or "")[:4] or None,
        objects=objects_in(text, lexicon),
        idents=identifiers_in(q.text, lexicon),
        tokens=content_words(q.text, lexicon),
        actors=actors,
        phrases=phrases_in(q.text, lexicon),
        published=doc.published if doc else None,
    )


def _drop_common_idents(mentions: list[Mention], also: Iterable[str] = ()) -> None:
    """Forget identifiers seen under several countries or categories: those name sources
    ("ITAR-TASS"), institutions or generic things, not one event. ``also``: identifiers
    known to be common from facts not given (a run reconciled country by country)."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for m in mentions:
        for ident in m.idents:
            seen.setdefault(ident, set()).add((m.fact.country, m.fact.category))
    common = {ident for ident, keys in seen.items() if len(keys) > 1} | set(also)
    for m in mentions:
        m.idents = m.idents - common


def _is_country(name: str, code: str, lexicon: ReconcileLexicon) -> bool:
    """True when ``name`` names the country itself (not one of its leaders)."""
    plain = set(re.findall(r"\w+", name.lower()))
    return plain <= lexicon.country_words and not any(
        terms.search(name)
        for c in lexicon.countries
        if c.code == code
        for terms in c.leaders.values()
    )


def dates_compatible(a: str | None, b: str | None, *, recurring: bool) -> bool:
    """Two partial dates can name the same event: one unknown, or one a prefix of the other.

    For recurring categories two different months of one year are different events; for
    the others a month is often approximate, so one year is enough.
    """
    if not a or not b:
        return True
    if a[:4] != b[:4]:
        return False
    if not recurring:
        return True
    n = min(len(a), len(b))
    return a[:n] == b[:n] or n <= 4


def similarity(
    a: Mention, b: Mention, *, recurring: bool = False, generic: frozenset[str] = frozenset()
) -> float:
    """How likely two mentions of one country and category are the same event (0-1).

    For recurring categories (visits) a shared object class says nothing: every visit is
    a visit.
    """
    if a.fact.quote.doc == b.fact.quote.doc and _overlaps(a, b):
        return 1.0
    score = 0.0
    if a.idents & b.idents:
        score = 1.0
    elif a.objects & b.objects and not recurring:
        # weighted Jaccard: a mention of tanks, ports and training is not one of ports
        # alone, and sharing "an agreement" is weaker than sharing "bombers"
        # (counted, not summed in set order: float sums depend on the order, and set
        # order on PYTHONHASHSEED, which made clustering differ from run to run)
        def weight(classes: frozenset[str]) -> float:
            n_generic = len(classes & generic)
            return n_generic * GENERIC_WEIGHT + (len(classes) - n_generic)

        shared = a.objects & b.objects
        score = 0.7 * weight(shared) / weight(a.objects | b.objects)
        if shared - generic:
            score += 0.3
    ratio = _wording(a.tokens, b.tokens)
    if ratio >= FUZZ_SAME:
        score = max(score, ratio / 100)
    if a.phrases & b.phrases:  # "training centre" in both
        score = max(score, PHRASE_SAME)
    if a.actors and b.actors and a.actors & b.actors:
        score = min(1.0, score + 0.1)
    return score


def _wording(a: str, b: str) -> float:
    """Wording similarity 0-100; a short text inside a long one is no proof of identity."""
    if not a or not b:
        return 0.0
    if min(len(a.split()), len(b.split())) >= 5:
        return fuzz.token_set_ratio(a, b)
    return fuzz.token_sort_ratio(a, b)


def _overlaps(a: Mention, b: Mention) -> bool:
    qa, qb = a.fact.quote, b.fact.quote
    return qa.start < qb.end and qb.start < qa.end


def _can_join(m: Mention, cluster: Cluster, lexicon: ReconcileLexicon) -> float:
    """Average similarity of ``m`` to the cluster, or 0 when a hard constraint fails."""
    # the hard constraints first (different years, different visitors): they are cheap,
    # and a cluster failing them needs no similarity at all
    if not _compatible_all(m, cluster, lexicon):
        return 0.0
    recurring = m.fact.category in lexicon.recurring_categories
    scores = [
        similarity(m, other, recurring=recurring, generic=lexicon.generic_objects)
        for other in cluster.members
    ]
    strongest = max(scores)
    mean = sum(scores) / len(scores)
    return mean if strongest >= JOIN and mean >= JOIN * 0.8 else 0.0


def _link(a: Cluster, b: Cluster, lexicon: ReconcileLexicon) -> float:
    """Average similarity between two clusters' members, 0 when any pair cannot be one
    event (incompatible dates, different visitors)."""
    scores = []
    for m in b.members:
        # (_can_join is 0 whenever the hard constraints fail, so they alone decide here)
        if not _compatible_all(m, a, lexicon):
            return 0.0
        recurring = m.fact.category in lexicon.recurring_categories
        scores += [
            similarity(m, o, recurring=recurring, generic=lexicon.generic_objects)
            for o in a.members
        ]
    strongest, mean = max(scores), sum(scores) / len(scores)
    return mean if strongest >= JOIN and mean >= JOIN * 0.8 else 0.0


def _compatible_all(m: Mention, cluster: Cluster, lexicon: ReconcileLexicon) -> bool:
    """The hard constraints of _can_join alone: dates and visitors, not similarity.

    One event given different years needs a shared specific identifier to say so; two
    visits by different people on different dates are two visits."""
    recurring = m.fact.category in lexicon.recurring_categories
    for other in cluster.members:
        if not dates_compatible(m.fact.date, other.fact.date, recurring=recurring) and (
            recurring or not _same_thing_other_year(m, other, lexicon)
        ):
            return False
        if not (_undated_fits(m, other, lexicon) and _undated_fits(other, m, lexicon)):
            return False
        if (
            recurring
            and m.actors
            and other.actors
            and not (m.actors & other.actors)
            and not (m.fact.date and m.fact.date == other.fact.date)
        ):
            return False
    return True


def _same_thing_other_year(a: Mention, b: Mention, lexicon: ReconcileLexicon) -> bool:
    """Two mentions dated in different years that are one event sources date differently
    (a value conflict): they share a model number ("K-8") or a specific identifier and a
    specific object class ("the GLONASS ground station"), and the years are close.
    Things that recur (loans, arms purchases, agreements, reports of interest) are
    different events in different years: a 2009 loan and a 2013 loan are two."""
    shared = a.idents & b.idents
    if not (a.year and b.year and shared):
        return False
    model = any(re.search(r"\d", ident) for ident in shared)  # "K-8", "Tu-160"
    if not model and not (a.objects & b.objects) - lexicon.generic_objects:
        return False
    return abs(int(a.year) - int(b.year)) <= MAX_YEARS_APART


def _undated_fits(m: Mention, other: Mention, lexicon: ReconcileLexicon) -> bool:
    """An undated mention may join a dated one of a year other than its document's only
    on a specific identifier or object class they share, never on shared words alone
    (an undated mention speaks, by default, of its own time)."""
    if m.fact.date or not other.fact.date or not m.published:
        return True
    if other.fact.date[:4] == m.published[:4]:
        return True
    return bool(m.idents & other.idents or (m.objects & other.objects) - lexicon.generic_objects)


def _merge_clusters(clusters: list[Cluster], lexicon: ReconcileLexicon) -> list[Cluster]:
    """Join clusters that a later mention showed to be one event (greedy assignment
    can split "GPS station" and "GLONASS station" until a mention names both).

    Clusters of different (country, category) never join, so each such group is merged
    on its own: the same result as one loop over all pairs, without its quadratic cost
    across countries (docs/performance.md)."""
    order = {id(c): n for n, c in enumerate(clusters)}
    groups: dict[tuple[str, str], list[Cluster]] = {}
    for cluster in clusters:
        first = cluster.members[0].fact
        groups.setdefault((first.country, first.category), []).append(cluster)
    out = [c for group in groups.values() for c in _merge_group(group, lexicon)]
    return sorted(out, key=lambda c: order[id(c)])


def _merge_group(clusters: list[Cluster], lexicon: ReconcileLexicon) -> list[Cluster]:
    """Merge clusters of one country and category until no pair links."""
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(clusters):
            for b in clusters[i + 1 :]:
                if _link(a, b, lexicon) > 0:
                    a.members.extend(b.members)
                    clusters.remove(b)
                    merged = True
                    break
            if merged:
                break
    return clusters


def _best_date(members: list[Mention]) -> tuple[str | None, tuple[str, str] | None]:
    """The date most independent publishers give, and the range when they differ."""
    dated = [m for m in members if m.fact.date]
    if not dated:
        return None, None
    support: dict[str, set[str]] = {}
    for m in dated:
        support.setdefault(m.year or "", set()).add(m.publisher)
    best_rel = {y: min(m.reliability for m in dated if m.year == y) for y in support}
    year = sorted(support, key=lambda y: (-len(support[y]), best_rel[y], y))[0]
    in_year = [d for m in dated if m.year == year and (d := m.fact.date)]
    # the most specific date of that year that the others there do not contradict
    counts = Counter(in_year)
    date = sorted(counts, key=lambda d: (-len(d), -counts[d], d))[0]
    if any(not date.startswith(d) for d in in_year):
        date = year
    distinct = sorted({d for m in dated if (d := m.fact.date)})
    spread = [d for d in distinct if not any(o != d and o.startswith(d) for o in distinct)]
    rng = (min(distinct), max(distinct)) if len(spread) > 1 else None
    return date, rng


def _title(members: list[Mention]) -> str:
    best = sorted(members, key=lambda m: (m.reliability, -len(m.fact.actors), m.order))[0]
    title = " ".join(best.fact.title.split())
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return title


def _sources(members: list[Mention]) -> dict[str, str]:
    """Publisher → the independent source it stands for: publishers whose mentions are
    near-identical copies (one wire story printed by two outlets) are one source."""
    parent = {m.publisher: m.publisher for m in members}

    def root(p: str) -> str:
        while parent[p] != p:
            p = parent[p]
        return p

    ordered = sorted(members, key=lambda m: (m.publisher, m.order))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.publisher == b.publisher or root(a.publisher) == root(b.publisher):
                continue
            if fuzz.ratio(a.fact.quote.text.lower(), b.fact.quote.text.lower()) >= WIRE_COPY:
                x, y = sorted((root(a.publisher), root(b.publisher)))
                parent[y] = x
    return {p: root(p) for p in parent}


def corroboration(members: list[Mention], lexicon: ReconcileLexicon) -> int:
    """How many independent sources state the same claim as the best-supported mention.

    Two mentions state the same claim when they are very similar (a shared identifier,
    the same specific objects, close wording); a related but
    different claim merged into the same event ("joint ventures" and "a refinery
    stake") does not corroborate it. Wire copies count once; one publisher's repeated
    captions and headlines count once.
    """
    source = _sources(members)
    best = 0
    for m in members:
        backing = {source[m.publisher]}
        for o in members:
            if source[o.publisher] not in backing and same_claim(m, o, lexicon):
                backing.add(source[o.publisher])
        best = max(best, len(backing))
    return best


def same_claim(a: Mention, b: Mention, lexicon: ReconcileLexicon) -> bool:
    """True when two mentions of one event state the same thing: they name the same
    specific thing (an identifier, a phrase that is not generic: "training centre"),
    say it in close words, or give the same specific objects at compatible dates
    ("Tu-160 bombers" landed in November 2020 ~ "strategic bombers" in 2020). Sharing a
    class of thing ("oil", "a loan") without a date is not enough: that is how a joint
    venture and a refinery stake end up in one event."""
    if a.idents & b.idents or a.phrases & b.phrases:
        return True
    if _wording(a.tokens, b.tokens) >= CLAIM_WORDING:
        return True
    specific_a = a.objects - lexicon.generic_objects
    if not specific_a or specific_a != b.objects - lexicon.generic_objects:
        return False
    # (dates that differ in year are a value conflict about a claim both make)
    return bool(a.fact.date and b.fact.date)


def _build(
    cluster: Cluster, known: dict[tuple[str, str, str, int], str], lexicon: ReconcileLexicon
) -> Event:
    members = sorted(cluster.members, key=lambda m: m.order)
    anchor = members[0].fact
    event_id = next(
        (
            known[(m.fact.country, m.fact.category, m.fact.quote.doc, m.fact.quote.start)]
            for m in members
            if (m.fact.country, m.fact.category, m.fact.quote.doc, m.fact.quote.start) in known
        ),
        stable_id("e", anchor.country, anchor.category, anchor.quote.doc, anchor.quote.start),
    )
    date, rng = _best_date(members)
    evidence, seen = [], set()
    for m in sorted(members, key=lambda m: (m.fact.quote.doc, m.fact.quote.start)):
        for q in m.fact.evidence:
            # a caption or headline printed twice in one document is one piece of evidence
            key = (q.doc, " ".join(q.text.split()).lower())
            if (q.doc, q.start, q.end) not in seen and key not in seen:
                seen.update({(q.doc, q.start, q.end), key})
                evidence.append(q)
    actors: list[str] = []
    for m in members:
        actors += [a for a in m.fact.actors if a not in actors]
    return Event(
        id=event_id,
        country=anchor.country,
        category=anchor.category,
        title=_title(members),
        date=date,
        date_range=rng,
        actors=actors,
        evidence=evidence,
        sources=len({q.doc for q in evidence}),
        publishers=corroboration(members, lexicon),
        reliability=min(m.reliability for m in members),
    )


def merge_events(
    facts: list[Fact],
    documents: list[Document],
    *,
    lexicon: ReconcileLexicon | None = None,
    known: Iterable[Event] = (),
    common_idents: Iterable[str] = (),
) -> list[Event]:
    """Merge mentions of the same event into Events and set ``fact.event`` on each fact.

    Args:
        facts (list[Fact]): every extracted mention.
        documents (list[Document]): their documents (publisher, date, reliability).
        lexicon (ReconcileLexicon | None): default the English one.
        known (Iterable[Event]): events from an earlier run; a new event holding any of
            their evidence keeps that id.
        common_idents (Iterable[str]): identifiers seen under several countries or
            categories in facts not given here (see _drop_common_idents).
    RETURNS (list[Event]): sorted by country, category, date; credibility not yet set.
    """
    lexicon = lexicon or load_lexicon("en")
    docs = {d.id: d for d in documents}
    # keyed by country and category too: one sentence can state a visit and an arms deal,
    # or the same deal for several countries
    known_ids = {(e.country, e.category, q.doc, q.start): e.id for e in known for q in e.evidence}
    mentions = [describe(f, docs.get(f.quote.doc), lexicon) for f in facts if f.evidence]
    _drop_common_idents(mentions, common_idents)
    mentions.sort(key=lambda m: (m.fact.country, m.fact.category, m.order))
    clusters: list[Cluster] = []
    by_key: dict[tuple[str, str], list[Cluster]] = {}
    for m in mentions:
        candidates = by_key.setdefault((m.fact.country, m.fact.category), [])
        scored = [(_can_join(m, c, lexicon), i) for i, c in enumerate(candidates)]
        best = max(scored, default=(0.0, -1))
        if best[0] > 0:
            candidates[best[1]].members.append(m)
        else:
            cluster = Cluster([m])
            candidates.append(cluster)
            clusters.append(cluster)
    clusters = _merge_clusters(clusters, lexicon)
    events = []
    used: set[str] = set()
    for cluster in clusters:
        event = _build(cluster, known_ids, lexicon)
        if event.id in used:  # two clusters claiming one known id: the later gets a fresh one
            a = sorted(cluster.members, key=lambda m: m.order)[0].fact
            event.id = stable_id("e", a.country, a.category, a.quote.doc, a.quote.start)
        used.add(event.id)
        for m in cluster.members:
            m.fact.event = event.id
        events.append(event)
    events.sort(key=lambda e: (e.country, e.category, e.date or "9999", e.id))
    return events
