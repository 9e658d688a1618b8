"""Documents → sentences with offsets, paragraph numbers and the countries they name.

Disagreement detection reads sentences, not only facts: opinions and denials are not
facts. Splitting is deliberately simple (terminal punctuation, blank lines, list
markers) and keeps exact offsets into ``Document.text``; boilerplate regions are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from briefgen.models import Document, Quote
from briefgen.reconcile.lexicon import ReconcileLexicon

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace and a capital,
# digit or opening quote; or at a blank line; or before a new list item.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_ITEM = re.compile(r"\n[ \t]*(?=[•\-*–]\s|\d+[a-z]?\.\s)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass
class Sentence:
    """One sentence of one document: exact span, paragraph index, countries named."""

    doc: str
    start: int
    end: int
    text: str
    paragraph: int
    index: int = 0
    countries: list[str] = field(default_factory=list)

    def quote(self) -> Quote:
        return Quote(self.doc, self.text, self.start, self.end)


def _is_abbreviation(text: str, dot: int, lexicon: ReconcileLexicon) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial (U.S., J.)."""
    if text[dot] != ".":
        return False
    m = _WORD_BEFORE.search(text[max(0, dot - 20) : dot])
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    return word in lexicon.abbreviations or (len(word) == 1 and word.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n•*–-":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return start, end


def split_sentences(doc: Document, lexicon: ReconcileLexicon) -> list[Sentence]:
    """Split ``doc.text`` into sentences, each with the countries it names.

    Args:
        doc (Document): the document; its boilerplate regions are skipped.
        lexicon (ReconcileLexicon): abbreviations and the region's country names.
    RETURNS (list[Sentence]): in text order, with exact offsets (new objects each call;
    the split itself is worked out once per process and document).
    """
    key = (doc.id, doc.text, tuple((r.start, r.end, r.kind) for r in doc.regions))
    found = lexicon.memo.get("sentences", key, lambda: _split(doc, lexicon), size=4096)
    return [replace(s, countries=list(s.countries)) for s in found]


def _split(doc: Document, lexicon: ReconcileLexicon) -> list[Sentence]:
    text = doc.text
    sentences: list[Sentence] = []
    paragraph = 0
    para_start = 0
    blocks = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)] + [(len(text),) * 2]
    for block_end, next_start in blocks:
        cuts = [para_start]
        for m in _ITEM.finditer(text, para_start, block_end):
            cuts.append(m.end())
        for m in _END.finditer(text, para_start, block_end):
            if not _is_abbreviation(text, m.start(), lexicon):
                cuts.append(m.end())
        cuts = sorted(set(cuts)) + [block_end]
        for a, b in zip(cuts, cuts[1:], strict=False):
            s, e = _trim(text, a, b)
            if e - s < 3 or doc.region_at(s) == "boilerplate":
                continue
            sentences.append(Sentence(doc.id, s, e, text[s:e], paragraph))
        paragraph += 1
        para_start = next_start
    for i, sentence in enumerate(sentences):
        sentence.index = i
        sentence.countries = find_countries(sentence.text, lexicon)
    return sentences


def find_countries(text: str, lexicon: ReconcileLexicon) -> list[str]:
    """ISO codes of the region's countries that ``text`` names, in order of first mention."""
    return list(lexicon.memo.get("countries", text, lambda: _find_countries(text, lexicon)))


def _find_countries(text: str, lexicon: ReconcileLexicon) -> list[str]:
    found: list[tuple[int, str]] = []
    for country in lexicon.countries:
        m = country.terms.search(text)
        if m:
            found.append((m.start(), country.code))
    return [code for _, code in sorted(found)]


def words(text: str) -> list[str]:
    """Lower-case word tokens, hyphenated designators kept whole ("t-72")."""
    return re.findall(r"[\w]+(?:-[\w]+)*", text.lower())
