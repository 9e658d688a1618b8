"""Matching: a Document → sentences, each with the lexicon names and cue words it holds.

One blank spaCy pipeline (tokenizer + sentencizer) is built once per process; the
PhraseMatchers and the title Matcher are built once per Lexicon. Sentences are cut by the
sentencizer inside the blocks that layout.py finds (a block's first token always starts a
sentence), so a heading or a caption never runs into the next paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, LOWER, SENT_START
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from briefgen.extract.layout import Block, is_hard_wrapped, split_blocks
from briefgen.extract.lemmas import lemma
from briefgen.extract.lexicon import Cues, Entry, Lexicon
from briefgen.models import Document

#: Longest name after a title ("Andrés Manuel López Obrador").
MAX_NAME_TOKENS = 5
#: Lower-case words inside Spanish and Portuguese names ("Padrino de la Rosa").
NAME_PARTICLES = {"de", "del", "la", "da", "do", "dos", "das", "y"}
_SOFT_BREAK = re.compile(r"(?<![\n])\n(?![\n])")


@dataclass(frozen=True)
class Mention:
    """A lexicon name found in the text (tokens [start, end), chars [start_char, end_char))."""

    start: int
    end: int
    start_char: int
    end_char: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Cue:
    """A cue word of the language lexicon: kind is trigger/object/action/visitor/…"""

    kind: str
    category: str | None
    start: int
    end: int
    start_char: int


@dataclass
class Sentence:
    """One sentence of a block, with what the matchers found in it."""

    start: int  # char offsets into the document text, trimmed of spaces
    end: int
    tok_start: int
    tok_end: int
    block: int
    mentions: list[Mention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)

    def has(self, kind: str, category: str | None = None) -> bool:
        return any(
            c.kind == kind and (category is None or c.category == category) for c in self.cues
        )


@dataclass
class Analysis:
    """A document after matching: its blocks, sentences and spaCy Doc."""

    doc: Document
    blocks: list[Block]
    sentences: list[Sentence]
    tokens: Doc
    matchers: Matchers | None = None
    breaks: np.ndarray | None = None  # per token: does a clause start here?
    _by_block: dict[int, list[Sentence]] | None = None

    def sentences_in(self, block: int) -> list[Sentence]:
        """The sentences of one block, in order."""
        if self._by_block is None:
            self._by_block = {}
            for s in self.sentences:
                self._by_block.setdefault(s.block, []).append(s)
        return self._by_block.get(block, [])

    def titled(self, sentence: Sentence) -> list[tuple[int, int]]:
        """Char spans of the names that follow a title ("President Juan Pérez" → "Juan
        Pérez"): two to MAX_NAME_TOKENS capitalised words. Headlines, where every word
        but the small ones is capitalised, give none."""
        doc = self.tokens
        words = [t for t in doc[sentence.tok_start : sentence.tok_end] if t.is_alpha]
        if len(words) > 3 and not any(t.is_lower and not t.is_stop for t in words):
            return []  # a headline: only its small words are lower case
        spans: dict[int, int] = {}  # name start → end token; the longest title wins
        for cue in sentence.cues:
            if cue.kind != "title" or not doc[cue.start].is_title:
                continue
            end = cue.end
            while (
                end < sentence.tok_end
                and end - cue.end < MAX_NAME_TOKENS
                and (
                    doc[end].is_title
                    or (
                        doc[end].lower_ in NAME_PARTICLES
                        and end + 1 < sentence.tok_end
                        and doc[end + 1].is_title
                    )
                )
            ):
                end += 1
            if end - cue.end >= 2:  # one capitalised word after a title is too often a verb
                spans[cue.end] = max(end, spans.get(cue.end, end))
        return [
            (doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for s, e in sorted(spans.items())
        ]

    def refers_back(self, sentence: Sentence) -> bool:
        """True when the sentence names an event told before ("during their meeting")."""
        if self.matchers is None or self.matchers.references is None:
            return False
        return bool(self.matchers.references(self.tokens[sentence.tok_start : sentence.tok_end]))


@lru_cache(maxsize=4)
def pipeline(language: str = "en") -> spacy.language.Language:
    """The blank pipeline with a sentencizer, built once (nothing is downloaded)."""
    try:
        nlp = spacy.blank(language)
    except Exception:  # a language spaCy does not know: its tokenizer rules are close enough
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


class Matchers:
    """The PhraseMatchers and Matcher for one lexicon, built once."""

    def __init__(self, lexicon: Lexicon) -> None:
        nlp = pipeline(lexicon.language)
        self.nlp = nlp
        self.names = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries: dict[int, tuple[Entry, ...]] = {}
        self._add_names(lexicon.phrases)

        # cue words match on lemmas ("visitar" finds "visitó", "visitará"); a phrase
        # written "=word" matches that form only (lower case), where the lemma would
        # reach too far ("=talks" is a meeting, "talk" is not)
        self.language = lexicon.language
        self._lemma_ids: dict[int, int] = {}
        self.cues = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.exact = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.cue_kinds: dict[int, tuple[str, str | None]] = {}
        cues = lexicon.cues
        self._add_cue_words(cues)
        self.references: Matcher | None = self._reference_matcher(cues)
        self.break_keys = np.array(
            [nlp.vocab.strings.add(w.lower()) for w in cues.clause_breaks], dtype=np.uint64
        )
        self._add_cue("C:titles", "title", None, cues.titles)

    def _add_names(self, phrases: dict[str, list[Entry]]) -> None:
        """One name pattern per lexicon phrase, its entries kept under the match key."""
        nlp = self.nlp
        for phrase, entries in phrases.items():
            key = nlp.vocab.strings.add(f"N:{phrase}")
            self.entries[key] = tuple(entries)
            self.names.add(f"N:{phrase}", [nlp.make_doc(phrase)])

    def _add_cue(self, label: str, kind: str, category: str | None, phrases: list[str]) -> None:
        """Add ``phrases`` under ``label``: "=word" to the exact matcher, others by lemma."""
        if not phrases:
            return
        nlp = self.nlp
        key = nlp.vocab.strings.add(label)
        self.cue_kinds[key] = (kind, category)
        exact = [nlp.make_doc(p[1:]) for p in phrases if p.startswith("=")]
        lemmas = [self.lemmatise(nlp.make_doc(p)) for p in phrases if not p.startswith("=")]
        if exact:
            self.exact.add(label, exact)
        if lemmas:
            self.cues.add(label, lemmas)

    def _add_cue_words(self, cues: Cues) -> None:
        """The per-category cues (triggers, objects, exclude), then the plain cue lists."""
        for category, phrases in cues.triggers.items():
            self._add_cue(f"C:trigger:{category}", "trigger", category, phrases)
        for category, phrases in cues.objects.items():
            self._add_cue(f"C:object:{category}", "object", category, phrases)
        for category, phrases in cues.exclude.items():
            self._add_cue(f"C:exclude:{category}", "exclude", category, phrases)
        # Cues field → the kind its matches carry (Sentence.has("denial") …)
        for field_name, kind in (
            ("actions", "action"),
            ("visitors", "visitor"),
            ("hypothetical", "hypothetical"),
            ("negations", "negation"),
            ("denials", "denial"),
            ("contrast", "contrast"),
            ("anaphora", "anaphora"),
            ("plural_anaphora", "plural_anaphora"),
            ("mutual", "mutual"),
            ("meeting", "meeting"),
            ("reporting", "reporting"),
            ("timeless", "timeless"),
            ("passage", "passage"),
            ("talks", "talks"),
            ("pronouns", "pronoun"),
            ("sequence", "sequence"),
        ):
            self._add_cue(f"C:{field_name}", kind, None, getattr(cues, field_name))

    def _reference_matcher(self, cues: Cues) -> Matcher | None:
        """The Matcher of phrases naming an event told before (None: the language has none)."""
        if not (cues.reference_determiners and cues.reference_nouns):
            return None
        # "the (Russian) delegation", "their meeting", "esa visita": up to two
        # modifiers between
        nouns = sorted({self.lemma_of(n) for n in cues.reference_nouns})
        references = Matcher(self.nlp.vocab)
        references.add(
            "C:reference",
            [
                [
                    {"LOWER": {"IN": [d.lower() for d in cues.reference_determiners]}},
                    {"IS_ALPHA": True, "OP": "{0,2}"},
                    {"LEMMA": {"IN": nouns}},
                ]
            ],
            greedy="LONGEST",
        )
        return references

    def lemma_of(self, word: str) -> str:
        return lemma(word, self.language)

    def lemmatise(self, doc: Doc) -> Doc:
        """Set every token's LEMMA (looked up once per distinct word and process)."""
        if len(doc) == 0:
            return doc
        strings = self.nlp.vocab.strings
        lower = doc.to_array([LOWER]).astype(np.uint64).ravel()
        uniq, inverse = np.unique(lower, return_inverse=True)
        ids = np.empty(len(uniq), dtype=np.uint64)
        cache = self._lemma_ids
        for n, key in enumerate(uniq.tolist()):
            found = cache.get(key)
            if found is None:
                found = cache[key] = strings.add(self.lemma_of(strings[key]))
            ids[n] = found
        doc.from_array([LEMMA], ids[inverse].reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def analyse(self, document: Document) -> Analysis:
        """Tokenise, cut sentences inside blocks and attach every match to its sentence."""
        wrapped = is_hard_wrapped(document.text)
        blocks = split_blocks(document, wrapped)
        doc = self._tokenise(document.text, wrapped)
        if len(doc) == 0:
            return Analysis(document, blocks, [], doc, self)
        offsets = doc.to_array([IDX]).astype(np.int64).ravel()
        doc, bounds = self._sentence_bounds(doc, offsets, blocks)
        idx: list[int] = offsets.tolist()  # plain lists index far faster than numpy scalars
        sentences = _sentences(document.text, doc, bounds, idx, blocks)
        owner = _owner(sentences)
        self._attach_mentions(doc, idx, owner)
        self._attach_cues(doc, idx, owner)
        _drop_excluded(sentences)
        lower = doc.to_array([LOWER]).astype(np.uint64).ravel()
        breaks = np.isin(lower, self.break_keys)
        return Analysis(document, blocks, sentences, doc, self, breaks)

    def _tokenise(self, text: str, wrapped: bool) -> Doc:
        """The lemmatised Doc of ``text``; token offsets are those of ``text``."""
        if wrapped:
            # a line break inside a paragraph is a space: names broken across lines
            # ("Latin\nAmerican") must still match; offsets stay the same
            text = _SOFT_BREAK.sub(" ", text)
        return self.lemmatise(self.nlp.make_doc(text))

    def _sentence_bounds(
        self, doc: Doc, idx: np.ndarray, blocks: list[Block]
    ) -> tuple[Doc, list[Any]]:
        """The sentencized Doc and its sentences' first tokens, then ``len(doc)``: every
        block's first token (``idx``: each token's char offset) starts a sentence, the
        sentencizer cuts the rest."""
        # a block's first token starts a sentence (set as an array: the Token setter
        # rescans the whole Doc on every call)
        preset = np.zeros(len(doc), dtype=np.int32)
        block_tokens = np.searchsorted(idx, [b.start for b in blocks])
        preset[block_tokens[block_tokens < len(doc)]] = 1
        doc.from_array([SENT_START], preset.reshape(-1, 1).astype(np.uint64))  # type: ignore[arg-type]
        doc = self.nlp.get_pipe("sentencizer")(doc)
        sent_starts = np.flatnonzero(doc.to_array([SENT_START]).astype(np.int64).ravel() == 1)
        bounds = list(sent_starts) + [len(doc)]
        if not bounds or bounds[0] != 0:
            bounds.insert(0, 0)
        return doc, bounds

    def _attach_mentions(
        self, doc: Doc, idx: list[int], owner: Callable[[int], Sentence | None]
    ) -> None:
        """Add each name found to its sentence's mentions (names overlap: the longest wins)."""
        # longest name wins ("Gulf of Mexico" over "Mexico"), then the earliest
        found = sorted(self.names(doc), key=lambda m: (m[1] - m[2], m[1]))
        taken = np.zeros(len(doc), dtype=bool)
        kept = []
        for key, s, e in found:
            if not taken[s:e].any():
                taken[s:e] = True
                kept.append((s, e, key))
        lengths: list[Any] = doc.to_array([LENGTH]).ravel().tolist()  # ints, typed floats
        for s, e, key in sorted(kept):
            sentence = owner(s)
            if sentence is None:
                continue
            entries = self.entries[key]
            if (
                e + 1 < len(doc)
                and doc[e].text == "-"
                and not doc[e - 1].whitespace_
                and doc[e + 1].is_title
                and all(en.kind == "company" for en in entries)
            ):
                continue  # "Gazprom-Bank": a compound name the lexicon does not know
            sentence.mentions.append(
                Mention(s, e, idx[s], idx[e - 1] + lengths[e - 1], self.entries[key])
            )

    def _attach_cues(
        self, doc: Doc, idx: list[int], owner: Callable[[int], Sentence | None]
    ) -> None:
        """Add each cue word found (by lemma or exact form) to its sentence, in text order."""
        for key, s, e in sorted([*self.cues(doc), *self.exact(doc)], key=lambda m: (m[1], m[2])):
            sentence = owner(s)
            if sentence is not None:
                kind, category = self.cue_kinds[key]
                sentence.cues.append(Cue(kind, category, s, e, idx[s]))


def _sentences(
    text: str, doc: Doc, bounds: list[int], idx: list[int], blocks: list[Block]
) -> list[Sentence]:
    """The sentences between ``bounds``, trimmed of spaces; none in boilerplate or keywords."""
    space = doc.to_array([IS_SPACE]).ravel().tolist()
    block_starts = [b.start for b in blocks]
    sentences: list[Sentence] = []
    for s, e in zip(bounds, bounds[1:], strict=False):
        s, e = int(s), int(e)
        # trim leading/trailing whitespace tokens so quotes are tight
        while s < e and space[s]:
            s += 1
        while e > s and space[e - 1]:
            e -= 1
        if s == e:
            continue
        start_char = idx[s]
        end_char = idx[e] if e < len(doc) else len(text)
        while end_char > start_char and text[end_char - 1].isspace():
            end_char -= 1
        b = bisect_right(block_starts, start_char) - 1
        if b < 0 or blocks[b].kind in ("boilerplate", "keywords"):
            continue
        sentences.append(Sentence(start_char, end_char, s, e, b))
    return sentences


def _owner(sentences: list[Sentence]) -> Callable[[int], Sentence | None]:
    """A function: token index → the sentence holding it (None outside every sentence)."""
    starts = [s.tok_start for s in sentences]

    def owner(token: int) -> Sentence | None:
        i = bisect_right(starts, token) - 1
        if i >= 0 and token < sentences[i].tok_end:
            return sentences[i]
        return None

    return owner


def _drop_excluded(sentences: list[Sentence]) -> None:
    """Drop the cues inside an ``exclude`` phrase of their category ("think tank")."""
    for sentence in sentences:
        excluded = [c for c in sentence.cues if c.kind == "exclude"]
        if excluded:
            sentence.cues = [
                c
                for c in sentence.cues
                if c.kind == "exclude"
                or not any(
                    x.category == c.category and x.start <= c.start < x.end for x in excluded
                )
            ]


_CACHE: dict[int, tuple[Lexicon, Matchers]] = {}


def matchers_for(lexicon: Lexicon) -> Matchers:
    """The Matchers of ``lexicon``, built on first use and kept for the process."""
    found = _CACHE.get(id(lexicon))
    if found is None or found[0] is not lexicon:
        found = _CACHE[id(lexicon)] = (lexicon, Matchers(lexicon))
    return found[1]
