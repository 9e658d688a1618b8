"""Facts: a Document → the Facts it states (one per event, country and category).

Walks the matched sentences in order, keeping the context a reader keeps: the section a
heading opened (its country), the countries the last sentences named ("both countries"),
the last explicit year of the paragraph (for "on December 10"), the date of the event
just told (for "during their meeting" or a quoted statement about it), the citation date
of an endnote. A sentence becomes facts when it states an event (rules.find_events: one
per clause when it lists several), does not ask or merely imagine it, involves the power
(named, implied by its people, companies or equipment, or named in the paragraphs just
before, and no other outside power instead), is not about the predecessor state before
it ended, and has a country: one it names, or else the paragraph's or the section's.
The quote is the sentence, or the clause when a sentence states several events.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from briefgen.errors import ConfigError
from briefgen.extract import chunks, dates
from briefgen.extract.lexicon import Lexicon, has_language_pack, load_lexicon
from briefgen.extract.matching import Analysis, Sentence, matchers_for
from briefgen.extract.rules import (
    PERSON_KINDS,
    Finding,
    country_entries,
    evidence_clauses,
    find_countries,
    find_events,
    frame_categories,
    has_kind,
    is_question,
    mentioned_countries,
    power_kinds,
)
from briefgen.models import (
    DEFAULT_POWER,
    DEFAULT_REGION,
    Document,
    Fact,
    stable_id,
)

log = logging.getLogger("briefgen.extract")

#: Paragraphs before a sentence in which a mention of the power still counts.
POWER_REACH = 2
#: Paragraphs after an event in which a sentence may go on about it without naming it.
FRAME_REACH = 2
QUOTES = "“\"‘'«"
#: A quoted title inside a note: ‘Russia, Peru Sign Nuclear Cooperation Agreement’.
TITLE = re.compile(r"[‘“\"](?:[^‘“”’\"]|’(?=\w)){8,}[’”\"]")
YEARISH = re.compile(r"\d{4}")
#: Longest generated title, in words.
TITLE_WORDS = 12


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop the commas, semicolons and spaces a clause boundary leaves at either end."""
    while start < end and text[start] in " \n\t,;—–":
        start += 1
    while end > start and text[end - 1] in " \n\t,;—–":
        end -= 1
    return start, end


def _year(value: str | None) -> int | None:
    if value and value[:4].isdigit():
        return int(value[:4])
    return None


@dataclass
class Frame:
    """The event of one category the text last told: its countries, date, paragraph."""

    countries: list[str]
    date: str | None
    block: int


#: A line of fewer words that names a party but no event word is a caption or a credit.
CAPTION_WORDS = 7


_PLACES: dict[int, tuple[Lexicon, frozenset[str]]] = {}


def _places(lexicon: Lexicon) -> frozenset[str]:
    """The lexicon's not-names that hold a country's name ("Gulf of Mexico"): places.
    Worked out once per lexicon and process."""
    found = _PLACES.get(id(lexicon))
    if found is None or found[0] is not lexicon:
        found = _PLACES[id(lexicon)] = (lexicon, _find_places(lexicon))
    return found[1]


def _find_places(lexicon: Lexicon) -> frozenset[str]:
    names = {
        phrase
        for phrase, entries in lexicon.phrases.items()
        if any(e.kind == "name" and e.owner in lexicon.countries for e in entries)
    }
    pattern = (
        re.compile(
            r"(?<!\w)(?:"
            + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            + r")(?!\w)"
        )
        if names
        else None
    )
    return frozenset(
        phrase
        for phrase, entries in lexicon.phrases.items()
        if pattern is not None
        and any(e.kind == "not_name" for e in entries)
        and pattern.search(phrase)
    )


class _Reader:
    """Walks one analysed document, sentence by sentence, keeping the reader's context."""

    def __init__(self, analysis: Analysis, lexicon: Lexicon) -> None:
        self.a = analysis
        self.lex = lexicon
        self.doc = analysis.doc
        self.dates = dates
        self.date_language = lexicon.language
        self.published_year = _year(self.doc.published)
        self.power_blocks = {s.block for s in analysis.sentences if power_kinds(s, lexicon)}
        self.section_country: str | None = None
        self.section_year: int | None = None
        self.recent: list[str] = []  # countries the last sentence naming any named
        self.section_power = False
        self._note_date: str | None | bool = False
        self.block_years: dict[int, list[tuple[int, int]]] = {}
        self.event_date: str | None = None  # date of the last dated event told
        self.event_day: str | None = None  # …of the last one dated to the day ("the next day")
        self.continues = False
        self.title_dates: dict[str, str] = {}
        self.block = -1
        self.frames: dict[str, Frame] = {}  # category → the event of it last told
        self.last_category: str | None = None
        self.access_words = [w.lower() for w in lexicon.cues.access_words]
        self.openers = frozenset(w.lower() for w in lexicon.cues.clause_openers)
        self.country_nouns = {w.lower() for w in lexicon.cues.country_nouns}
        self.places = _places(lexicon)

    # -- dates ------------------------------------------------------------------------

    def find_dates(self, text: str, context_year: int | None) -> list:
        try:
            return self.dates.find_dates(
                text,
                published=self.doc.published,
                context_year=context_year,
                language=self.date_language,
                context_date=self.event_day,
            )
        except ConfigError as exc:  # cue words for a language, but no date words yet
            if self.date_language == "en":
                raise
            log.warning("%s; reading its dates with the English date words", exc)
            self.date_language = "en"
            return self.find_dates(text, context_year)

    def cited_after(self, block, offset: int) -> str | None:
        """The first full citation date after ``offset`` within ``block`` (before the next
        quoted title)."""
        text = self.doc.text[offset : block.end]
        nxt = TITLE.search(text)
        if nxt:
            text = text[: nxt.start()]
        return self.cited_date(text, first=True)

    def cited_date(self, block_text: str, first: bool = False) -> str | None:
        """The date a note cites (its last full date that is not an "accessed" date)."""
        best = None
        for m in self.find_dates(block_text, None):
            if getattr(m, "relative", False) or not m.value:
                continue
            before = block_text[max(0, m.start - 14) : m.start].lower()
            if any(w in before for w in self.access_words):
                continue
            best = m.value
            if first:
                break
        return best

    # -- walking ------------------------------------------------------------------------

    def enter_block(self, sentence: Sentence) -> None:
        previous = self.a.blocks[self.block] if self.block >= 0 else None
        self.block = sentence.block
        block = self.a.blocks[sentence.block]
        text = self.doc.text[block.start : block.end]
        self._note_date = False  # not yet looked up (dates are parsed only when needed)
        # a quoted statement introduced by "… reads:" continues the event told before it
        prev_text = self.doc.text[previous.start : previous.end] if previous else ""
        self.continues = bool(previous) and (
            prev_text.rstrip().endswith(":") or (self.continues and text[:1] in QUOTES)
        )
        if block.kind == "note":
            self.recent = []  # a note stands alone
            self.event_date = self.event_day = None
        if block.is_heading:
            self.recent = []
            self.event_date = self.event_day = None
            names = mentioned_countries(sentence, self.lex, None)
            self.section_country = names[0] if len(names) == 1 else None
            self.section_power = bool(power_kinds(sentence, self.lex))

    @property
    def note_date(self) -> str | None:
        """The citation date of the current note (None outside notes)."""
        if self._note_date is False:
            block = self.a.blocks[self.block]
            self._note_date = (
                self.cited_date(self.doc.text[block.start : block.end])
                if block.kind == "note"
                else None
            )
        return self._note_date if isinstance(self._note_date, str) else None

    def context_year(self, sentence: Sentence) -> int | None:
        """The year a sentence's partial dates ("on December 10") belong to: a note's
        citation year, else the last explicit year earlier in the same paragraph."""
        block = self.a.blocks[sentence.block]
        if block.kind == "note":
            return _year(self.note_date)
        years = self.block_years.get(sentence.block)
        if years is None:
            years = self.block_years[sentence.block] = []
            for other in self.a.sentences_in(sentence.block):
                text = self.doc.text[other.start : other.end]
                if YEARISH.search(text):
                    found = [
                        y
                        for m in self.find_dates(text, None)
                        if not getattr(m, "relative", False) and (y := _year(m.value))
                    ]
                    if found:
                        years.append((other.start, found[-1]))
        earlier = [y for start, y in years if start < sentence.start]
        return earlier[-1] if earlier else None

    def facts(self) -> Iterator[Fact]:
        for sentence in self.a.sentences:
            if sentence.block != self.block:
                self.enter_block(sentence)
            yield from self.read(sentence)

    def read(self, sentence: Sentence) -> Iterator[Fact]:
        text = self.doc.text[sentence.start : sentence.end]
        findings = (
            []
            if is_question(text)
            else find_events(sentence, self.lex, self.a.tokens, self.a.breaks)
        )
        stated: set[str] = set()
        if findings:
            # the paragraph's year is looked up only when a date needs it ("on December 10")
            mentions = self.find_dates(text, None)
            context_year = None
            if any(getattr(m, "relative", False) for m in mentions) or (
                not mentions and has_kind(sentence, "leader")
            ):  # leaders need a year
                context_year = self.context_year(sentence)
                if context_year is not None and mentions:
                    mentions = self.find_dates(text, context_year)
            for finding in findings:
                for fact in self.make_facts(sentence, finding, mentions, context_year):
                    stated.add(fact.category)
                    yield fact
        if not is_question(text):
            # what the sentence does not state itself may go on about an event told
            # before ("The deal was signed ahead of the visit": the deal, and a visit)
            yield from self.continue_frames(sentence, text, skip=stated)
        # what a reader carries to the next sentence
        named = [
            cc for cc, _ in find_countries(sentence, self.lex, self.a.tokens, self.published_year)
        ]
        if named:  # countries only compared with ("unlike Colombia") are not carried on
            self.recent = named

    def event_year(self, date: str | None, context_year: int | None) -> int | None:
        return _year(date) or context_year or self.published_year

    def between_countries(self, sentence: Sentence, finding: Finding) -> bool:
        """True when the sentence does not name the power and its event runs between two
        countries of the region, the first of them its subject ("Venezuela shipped oil to
        Cuba"): both must be parties, and the power is not one."""
        if power_kinds(sentence, self.lex):
            return False
        first_evidence = min(finding.evidence or (finding.anchor,))
        subjects: set[str] = set()
        others: set[str] = set()
        for m in sentence.mentions:
            owners = {
                e.owner
                for e in country_entries(m, self.lex, None)
                if e.kind in ("name", "demonym", "capital", "leader", "company")
            }
            if len(owners) != 1:
                continue
            (subjects if m.start < first_evidence else others).add(owners.pop())
        return bool(subjects) and bool(others - subjects)

    def nearest_country(self, sentence: Sentence, finding: Finding, year: int | None) -> list[str]:
        """The country whose mention stands nearest to the finding's evidence tokens."""
        named = find_countries(
            sentence, self.lex, self.a.tokens, year, (finding.start, finding.end)
        ) or find_countries(sentence, self.lex, self.a.tokens, year)
        if len(named) <= 1:
            return [cc for cc, _ in named]
        evidence = finding.evidence or (finding.anchor,)
        best: tuple[int, str] | None = None
        for m in sentence.mentions:
            owners = {e.owner for e in country_entries(m, self.lex, year)}
            if len(owners) != 1 or (cc := owners.pop()) not in dict(named):
                continue
            gap = min(abs(m.start - t) for t in evidence)
            if best is None or gap < best[0]:
                best = (gap, cc)
        return [best[1]] if best else [cc for cc, _ in named]

    def involves_power(self, sentence: Sentence) -> bool:
        """Named in the sentence; or named close before (this paragraph or the two before,
        or the section heading) and no other outside power is named instead — unless
        the sentence calls the event bilateral."""
        if power_kinds(sentence, self.lex):
            return True
        block = self.a.blocks[sentence.block]
        if block.kind == "note":
            near = {sentence.block}
        else:
            near = {sentence.block - i for i in range(POWER_REACH + 1)}
        close = bool(near & self.power_blocks) or (self.section_power and block.kind != "note")
        if has_kind(sentence, "outside"):
            return close and sentence.has("mutual")
        return close

    def date_of(
        self, sentence: Sentence, finding: Finding, mentions: list
    ) -> tuple[str | None, str | None]:
        """The mention dating the event; in a note, a quoted title's own date or else the
        note's citation date; for a sentence that refers back to an event ("during their
        meeting") or quotes a statement about it, that event's date. Second, when the
        mention opens a range, the precision the whole range shares (a tour "to Brazil,
        Argentina and Cuba from 17 to 23 July" reaches each country within the month)."""
        text = self.doc.text[sentence.start : sentence.end]
        anchor = finding.anchor_char - sentence.start
        block = self.a.blocks[sentence.block]
        title = None
        if block.kind == "note":
            title = next((m for m in TITLE.finditer(text) if m.start() <= anchor < m.end()), None)
            if title is not None:
                mentions = [m for m in mentions if title.start() <= m.start < title.end()]
        picked = None
        if mentions:
            picked = self.dates.pick_date(mentions, anchor, text=text, language=self.date_language)
        if picked is not None:
            return picked.value, (picked.shared if picked.until else None)
        return self.undated_date(block, sentence, title), None

    def undated_date(self, block, sentence: Sentence, title: re.Match[str] | None) -> str | None:
        """The date of a finding whose sentence gives none (see ``date_of``)."""
        if title is not None:
            # the citation a title belongs to is dated right after it (…’, TASS, 2 May 2008)
            cited = self.cited_after(block, sentence.start + title.end())
            if cited:
                self.title_dates[title.group()] = cited
                return cited
            if title.group() in self.title_dates:  # the same work cited again, undated
                return self.title_dates[title.group()]
        if block.kind == "note":
            return self.note_date
        if self.event_date and (self.continues or self.a.refers_back(sentence)):
            return self.event_date
        return None

    def of_the_past(self, sentence: Sentence, until: int) -> bool:
        """True when the sentence names a person whose every term ended by ``until``."""
        for m in sentence.mentions:
            for e in m.entries:
                if (
                    e.kind in PERSON_KINDS
                    and e.terms
                    and all(t.end is not None and t.end <= until for t in e.terms)
                ):
                    return True
        return False

    def officials_meet(self, sentence: Sentence) -> int | None:
        """The token of the power's official when the sentence also names a leader of a
        country of the region (both people, in office): None otherwise."""
        year = self.published_year
        ours = theirs = None
        for m in sentence.mentions:
            for e in m.entries:
                if e.kind == "official" and e.owner == self.lex.power and e.in_office(year):
                    ours = m.start if ours is None else ours
                elif e.kind == "leader" and e.owner in self.lex.countries and e.in_office(year):
                    theirs = m.start
        return ours if ours is not None and theirs is not None else None

    def is_region(self, mention) -> bool:
        """True when a mention names the region or a part of it ("Latin America", "the
        Caribbean"): a not-name, but not a place named after one country ("the Gulf of
        Mexico", "Lake Chad"), which speaks of that country's waters or shores."""
        return any(e.kind == "not_name" and e.label not in self.places for e in mention.entries)

    def names_region(self, sentence: Sentence, spans: list[tuple[int, int]]) -> bool:
        """True when the clauses speak of the whole region ("Latin American ports"), not
        of a group the sentence's country belongs to ("the first Latin American
        countries to …")."""
        group = {w.lower() for w in self.lex.cues.group_nouns}
        tokens = self.a.tokens
        for m in sentence.mentions:
            if not self.is_region(m):
                continue
            if not any(a <= m.start < b for a, b in spans):
                continue
            if m.end < len(tokens) and tokens[m.end].lower_ in group | self.country_nouns:
                continue
            return True
        return False

    def speaks_of_region(self, sentence: Sentence) -> bool:
        """True when the sentence names the region as such ("across Latin America"), not
        one of its countries by a description ("the South American nation", which points
        back to the country being told about)."""
        tokens = self.a.tokens
        for m in sentence.mentions:
            if self.is_region(m):
                if m.end < len(tokens) and tokens[m.end].lower_ in self.country_nouns:
                    continue
                return True
        return False

    def context_countries(self, sentence: Sentence) -> list[str]:
        """The countries a sentence that names none is about: those named just before when
        it says "both countries"; else the paragraph's or the section's country, unless it
        speaks of the whole region or of another outside power."""
        # the country named last in this section wins over the section's heading: an
        # article often moves on to another country without a new heading
        recent = self.recent
        if sentence.has("plural_anaphora") and len(recent) > 1:
            return list(recent)
        if self.speaks_of_region(sentence) or has_kind(sentence, "outside"):
            return []
        if len(recent) == 1:
            return list(recent)
        return [self.section_country] if self.section_country else []

    def make_facts(
        self, sentence: Sentence, finding: Finding, mentions: list, context_year: int | None
    ) -> Iterator[Fact]:
        start = self.a.tokens[finding.start].idx
        last = self.a.tokens[finding.end - 1]
        end = last.idx + len(last.text)
        date, range_date = self.date_of(sentence, finding, mentions)
        year = self.event_year(date, context_year)
        until = self.lex.predecessor_until
        if until is not None:
            date_year = _year(date)
            if date_year is not None and date_year <= until:
                return  # the predecessor's era: not the power's engagement
            if has_kind(sentence, "predecessor") and not (date_year and date_year > until):
                return
            if date is None and self.of_the_past(sentence, until):
                return  # a leader who left office before the predecessor ended
        if not self.involves_power(sentence):
            return
        if self.between_countries(sentence, finding):
            return
        if date:
            self.event_date = date
            if len(date) == len("YYYY-MM-DD"):
                self.event_day = date
        tokens = self.a.tokens
        span = (finding.start, finding.end)
        # the clauses holding the evidence first: "a stake in Venezuelan oil, and land in
        # Nicaragua" makes the oil stake Venezuela's only
        near = evidence_clauses(sentence, finding, tokens, self.a.breaks)
        if not self.lex.cues.split_clauses.get(finding.category, True):
            # a visit is one trip through every stop the sentence names ("stopped in
            # Brazil and Peru before arriving in Venezuela", "met X in Cuba, Y in Colombia")
            near = [span]
        countries = [cc for cc, _ in find_countries(sentence, self.lex, tokens, year, near)]
        if not countries and self.names_region(sentence, near):
            return  # "access to Latin American ports": the region, not one country
        if not countries:
            # the clauses of the evidence name no country: the one named nearest to the
            # evidence ("met Castro in Havana, signing energy accords" → Cuba), not every
            # stop of the sentence
            countries = self.nearest_country(sentence, finding, year)
        if not countries:
            countries = self.context_countries(sentence)
        if date is None and not mentions:
            date = self.frame_date(finding.category, countries, sentence)
        if range_date and len(countries) > 1:
            date = self.event_date = range_date  # one range for several stops
        yield from self.emit(sentence, finding, start, end, countries, date)

    def emit(
        self,
        sentence: Sentence,
        finding: Finding,
        start: int,
        end: int,
        countries: list[str],
        date: str | None,
        frame: bool = True,
    ) -> Iterator[Fact]:
        """The facts of one finding, one per country; a finding stated outright (``frame``)
        becomes the event that the next sentences may go on about."""
        start, end = _trim(self.doc.text, start, end)
        if start >= end or not countries:
            return
        quote = self.doc.quote(start, end)
        actors = self.actors(sentence, start, end)
        if frame:
            self.frames[finding.category] = Frame(list(countries), date, sentence.block)
            self.last_category = finding.category
        for cc in countries:
            yield Fact(
                id=stable_id("f", self.doc.id, start, end, cc, finding.category),
                country=cc,
                category=finding.category,
                date=date,
                title=self.title(finding, sentence, actors, cc),
                actors=actors,
                evidence=[quote],
            )

    # -- the event being told -------------------------------------------------------------

    def live_frame(self, category: str, sentence: Sentence) -> Frame | None:
        frame = self.frames.get(category)
        if frame is None or self.a.blocks[sentence.block].kind == "note":
            return None
        if sentence.block - frame.block > FRAME_REACH:
            return None
        return frame

    def frame_date(self, category: str, countries: list[str], sentence: Sentence) -> str | None:
        """An undated mention of the event just told (same category and country, a few
        paragraphs on) carries that event's date."""
        frame = self.live_frame(category, sentence)
        if frame is None or not frame.date or not set(countries) <= set(frame.countries):
            return None
        if sentence.has("timeless"):  # "for decades", "has always": not that one event
            return None
        return frame.date

    def continue_frames(
        self,
        sentence: Sentence,
        text: str,
        skip: set[str] | frozenset[str] = frozenset(),
    ) -> Iterator[Fact]:
        """A sentence that states no event of its own but goes on about the one just told:
        its vocabulary ("the base", "the transaction", "the two bombers") or a reference
        back ("during that visit") with no other party named gives a fact of that event —
        its country and, unless the sentence has its own, its date. Categories in
        ``skip`` (those the sentence states itself) are not continued."""
        if not self.frames or has_kind(sentence, "predecessor"):
            return
        if self.a.blocks[sentence.block].kind == "note":
            return
        refers = self.a.refers_back(sentence)
        categories = self.continued_categories(sentence, refers, skip)
        if not categories or self.speaks_of_region(sentence):
            return
        if (
            has_kind(sentence, "outside")
            and not power_kinds(sentence, self.lex)
            and not sentence.has("mutual")
        ):
            return  # another outside power's doing
        tokens = self.a.tokens
        named = [cc for cc, _ in find_countries(sentence, self.lex, tokens, self.published_year)]
        mentions = None
        for category in self.lex.category_names:
            if category not in categories or category in skip:
                continue
            frame = self.live_frame(category, sentence)
            if frame is None:
                continue
            countries = self.continued_countries(sentence, frame, named, refers)
            if not countries:
                continue
            if mentions is None:
                mentions = self.find_dates(text, _year(frame.date))
            finding = Finding(
                category,
                sentence.tok_start,
                sentence.tok_end,
                categories[category][0],
                tokens[categories[category][0]].idx,
                tuple(categories[category]),
            )
            date = self.continued_date(finding, sentence, text, mentions, frame.date)
            until = self.lex.predecessor_until
            year = _year(date)
            if until is not None and year is not None and year <= until:
                continue
            yield from self.emit(
                sentence, finding, sentence.start, sentence.end, countries, date, frame=False
            )

    def continued_categories(
        self, sentence: Sentence, refers: bool, skip: set[str] | frozenset[str]
    ) -> dict[str, list[int]]:
        """Category → evidence tokens of the events the sentence may go on about."""
        named_party = bool(power_kinds(sentence, self.lex)) or bool(
            mentioned_countries(sentence, self.lex, None)
        )
        # a domain word alone ("oil", "security") goes on about the event only beside a
        # name of a party; a trigger ("the frigate", "the base") or a reference back
        # ("during that visit") does on its own
        # …and a short line naming only a party ("File Photo: Lukoil", a caption) is no
        # statement about the event at all
        short = sum(t.is_alpha for t in self.a.tokens[sentence.tok_start : sentence.tok_end])
        categories = {
            c: toks
            for c, (toks, strong) in frame_categories(sentence, self.lex).items()
            if strong or (named_party and short >= CAPTION_WORDS)
        }
        # a reference back ("the deal", "his stay") says which event only in a sentence
        # that states none of its own
        if refers and self.last_category and not skip:
            categories.setdefault(self.last_category, [sentence.tok_start])
        # "Ortega reassured Putin that…": the power's official and a country's leader
        # together, while a visit is being told, go on about that visit
        together = None if skip or sentence.has("hypothetical") else self.officials_meet(sentence)
        if together is not None:
            for category, on in self.lex.cues.needs_visitor.items():
                if on:
                    categories.setdefault(category, [together])
        return categories

    def continued_countries(
        self, sentence: Sentence, frame: Frame, named: list[str], refers: bool
    ) -> list[str]:
        """The countries a continuing sentence is about: those it names, when the frame's
        event covers them (or the sentence says it is the same event); else the frame's
        one country. None when which stop of a tour is meant is not said."""
        if named:
            if not set(named) <= set(frame.countries) and not (
                refers or sentence.has("pronoun") or sentence.has("sequence")
            ):
                return []  # another country, and nothing says it is the same trip
            return named
        if len(frame.countries) == 1 or sentence.has("plural_anaphora"):
            return list(frame.countries)
        return []

    def continued_date(
        self,
        finding: Finding,
        sentence: Sentence,
        text: str,
        mentions: list,
        frame_date: str | None,
    ) -> str | None:
        """The sentence's own date nearest its evidence, else the frame's."""
        if mentions:
            picked = self.dates.pick_date(
                mentions,
                finding.anchor_char - sentence.start,
                text=text,
                language=self.date_language,
            )
            if picked is not None:
                return picked.value
        return frame_date

    # -- presentation -------------------------------------------------------------------

    def actors(self, sentence: Sentence, start: int, end: int) -> list[str]:
        """People and organisations the sentence names: lexicon people and companies first,
        then titled names ("President Juan Pérez") the lexicons do not know."""
        out: list[str] = []
        covered: list[tuple[int, int]] = []
        for m in sentence.mentions:
            if not start <= m.start_char < end:
                continue
            for e in m.entries:
                if e.kind == "equipment":  # "Admiral Gorshkov" is a ship, not an admiral
                    covered.append((m.start_char, m.end_char))
                elif e.kind in (*PERSON_KINDS, "company") and e.label not in out:
                    out.append(e.label)
                    covered.append((m.start_char, m.end_char))
        for a, b in self.a.titled(sentence):
            if not start <= a < end or any(s < b and a < e for s, e in covered):
                continue
            name = " ".join(self.doc.text[a:b].split())
            if name not in out and not any(name in other for other in out):
                out.append(name)
        return out

    def without_leading_date(self, phrase: str) -> str:
        """``phrase`` without the date it opens with ("April 2024 Russia and Brazil
        signed…" → "Russia and Brazil signed…"), when enough words are left."""
        mentions = self.find_dates(phrase, None) if phrase else []
        first = min(mentions, key=lambda m: m.start, default=None)
        if first is None or first.start != 0:
            return phrase
        rest = phrase[first.end :].lstrip(" ,;:")
        if len(rest.split()) < TITLE_MIN_WORDS:
            return phrase
        return rest[:1].upper() + rest[1:]

    def title(self, finding: Finding, sentence: Sentence, actors: list[str], cc: str) -> str:
        kind = self.lex.category(finding.category)
        label = kind.singular if kind else finding.category
        country = self.lex.countries.get(cc, cc)
        visit = self.lex.cues.needs_visitor.get(finding.category, False)
        if visit:
            # "<the power's official> meets <the country's leader>" when the quote names both
            ours = theirs = None  # (position, name)
            for m in sentence.mentions:
                for e in m.entries:
                    if e.kind == "official" and e.owner == self.lex.power and ours is None:
                        ours = (m.start, e.label)
                    elif e.kind == "leader" and e.owner == cc and theirs is None:
                        theirs = (m.start, e.label)
            if ours and theirs:  # the one named first is the subject
                first, second = sorted([ours, theirs])
                return f"{first[1]} meets {second[1]}"
        tokens = self.a.tokens
        # the title is the clause stating the event, opening at its subject
        cue_starts = {c.start for c in sentence.cues if c.kind in ("trigger", "object")}
        head = next((t for t in finding.evidence if t in cue_starts), finding.anchor)
        phrase = self.without_leading_date(
            clause_title(tokens, sentence.tok_start, sentence.tok_end, head, openers=self.openers)
        )
        if visit:
            return phrase or f"{label} — {self.lex.power_name} and {country}"
        return phrase or f"{label} — {country}"


CLAUSE_PUNCT = frozenset({",", ";", ":", "—", "–", "(", ")", '"', "“", "”"})
#: Words a title keeps at least once its leading date is cut ("April 2024 Russia and
#: Brazil signed…" → "Russia and Brazil signed…"): the date column gives the date.
TITLE_MIN_WORDS = 3


def clause_title(
    tokens,
    start: int,
    end: int,
    head: int,
    limit: int = TITLE_WORDS,
    openers: frozenset[str] = frozenset(),
) -> str:
    """A short title from the clause of tokens[start:end] that holds token ``head``.

    The clause runs between punctuation or subordinating words (``openers``, from the
    language pack's clause_openers); leading stop words go
    ("the news that two bombers landed…" → "Two bombers landed…"); a clause that opens
    with a verb borrows a short subject clause from the sentence's start ("Rosneft, a
    state company, has invested…" → "Rosneft has invested…"). At most ``limit`` words.
    """

    def boundary(tok) -> bool:
        return tok.text in CLAUSE_PUNCT or tok.lower_ in openers

    lo = head
    while lo > start and not boundary(tokens[lo - 1]):
        lo -= 1
    hi = head
    while hi < end and not boundary(tokens[hi]):
        hi += 1
    words = [t for t in tokens[lo:hi] if not t.is_space]
    while words and (words[0].is_stop or words[0].is_punct) and words[0].i < head:
        words.pop(0)
    if words and words[0].text[:1].islower() and lo > start:
        subject = []
        for tok in tokens[start:lo]:
            if boundary(tok):
                break
            subject.append(tok)
        if 0 < len(subject) <= 6 and subject[0].text[:1].isupper():
            words = subject + words
    words = words[:limit]
    while words and (words[-1].is_stop or words[-1].is_punct):
        words.pop()
    if len(words) < 2:
        return ""
    if words[0].i + len(words) - 1 == words[-1].i:  # one stretch of the text
        # a Span joins only its own tokens (Doc.text would rebuild the whole document)
        text = tokens[words[0].i : words[-1].i + 1].text
    else:  # a borrowed subject: two stretches
        text = " ".join(t.text for t in words)
    text = " ".join(text.replace("- ", "-").split()) if "-\n" in text else " ".join(text.split())
    return text[0].upper() + text[1:]


def extract_facts(doc: Document, lexicon: Lexicon | None = None) -> list[Fact]:
    """Every fact ``doc`` states: one per sentence, country and category.

    Args:
        doc (Document): clean text with its publication date (for relative dates) and
            regions (boilerplate is skipped, notes are dated by their citation).
        lexicon (Lexicon | None): defaults to load_lexicon() for the document's language.
    RETURNS (list[Fact]): in text order; each quote is doc.text[start:end].
    """
    language = doc.language or "en"
    if lexicon is None:
        lexicon = load_lexicon(language=language)
    if lexicon.language != language:
        _warn_no_pack(doc.id, language, lexicon)
        return []
    if len(doc.text) > chunks.CHUNK_CHARS:  # spaCy's limit and memory: read it in pieces
        return chunks.extract_in_chunks(doc, lambda piece: extract_facts(piece, lexicon))
    analysis = matchers_for(lexicon).analyse(doc)
    facts: dict[str, Fact] = {}
    for fact in _Reader(analysis, lexicon).facts():
        facts.setdefault(fact.id, fact)
    return dates.frame_dates(list(facts.values()), doc)  # undated facts the report dates


def _warn_no_pack(doc_id: str, language: str, lexicon: Lexicon) -> None:
    """Warn that a document's language has no pack, so nothing is read from it (English
    cue words on another language find noise, or silently nothing)."""
    have = (
        "" if has_language_pack(language) else (f"; add lexicons/languages/{language}/extract.yaml")
    )
    log.warning(
        "%s: written in %r, but the lexicon loaded is for %r: no facts extracted "
        "from it%s, or set its language: in sources.yaml",
        doc_id,
        language,
        lexicon.language,
        have,
    )


def extract_corpus(
    docs: Iterable[Document], *, power: str = DEFAULT_POWER, region: str = DEFAULT_REGION
) -> Iterator[Fact]:
    """Stream the facts of every document, with the lexicon of each document's language.

    Args:
        docs (Iterable[Document]): e.g. briefgen.ingest.load_corpus(path).
        power (str): a file stem in lexicons/powers/.
        region (str): a file stem in lexicons/regions/.
    RETURNS (Iterator[Fact]): document by document.
    """
    for doc in docs:
        lexicon = load_lexicon(power, region, doc.language or "en")
        yield from extract_facts(doc, lexicon)
