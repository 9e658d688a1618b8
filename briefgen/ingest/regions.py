"""Regions: a document's clean text → body, notes and boilerplate spans.

Saved web pages and papers carry more than the article: comment threads, cookie and
privacy notices, "related" headline lists, disclaimers, footers (boilerplate, which
extraction skips) and endnote blocks (notes, which extraction reads: they carry dated
claims). The text is never changed; regions only label stretches of it.

Detection works line by line with a small state machine. A heading line ("Comments",
"Related", "Notes", "This website uses cookies") opens a section; each kind of section
has its own rule for how far it runs (a cookie notice runs over lines that mention
cookies or privacy, a headline list over short blocks, a comment thread over blocks
near timestamps and reply buttons, notes to the next heading). Numbered lists whose
items read like citations open notes without a heading. The cue words are data
(cues/<language>.yaml), so other languages are added as files.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefgen.models import Region
from briefgen.yamlio import load_yaml

CUES_DIR = Path(__file__).parent / "cues"

# Sections whose region kind is "notes"; every other section is boilerplate.
NOTES_SECTIONS = ("notes", "urls")
# A block (lines between blank lines) longer than this is article prose, not a headline
# list item, an author name or a footer line.
SHORT_BLOCK = 250
# A short block that ends a sentence and has this many words is prose, not a headline
# or a standfirst (news paragraphs are often one sentence).
PROSE_WORDS = 14
MIN_SENTENCE_WORDS = 5
# Lines this short inside a cookie notice are its buttons.
BUTTON_WORDS = 4
SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", ")")
# How many non-blank lines a section heading or a note list is checked ahead.
LOOKAHEAD = 12

NUMBERED_ITEM = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[a-z]?[.)]|\^)(?:\s|$)")
# A year between 1800 and 2099: citations nearly always carry one.
YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
# A quoted title, in typographic or straight quotes.
QUOTED = re.compile(r"[‘“\"'«][^‘’“”\"«»]{8,}[’”\"'»]")
# A heading followed by a colon and a headline on the same line.
INLINE_TEASER = re.compile(r"^[^:]{3,40}:\s*\S+(?:\s+\S+){2,}")
URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
HEADING_TRIM = re.compile(r"^[#*\s•·\-–—]*(?:\d{1,2}[.)]\s+)?|[\s:.*#]*$")


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns, merged over every language file in cues/."""

    headings: dict[str, re.Pattern]
    section_cues: dict[str, re.Pattern]
    comment_meta: re.Pattern
    ui_lines: re.Pattern
    citation: re.Pattern
    prose: re.Pattern


def _alternation(patterns: list[str], *, full: bool) -> re.Pattern:
    body = "|".join(f"(?:{p})" for p in patterns) or r"(?!)"
    return re.compile(f"^(?:{body})$" if full else body, re.IGNORECASE)


@cache
def load_cues(cues_dir: Path = CUES_DIR) -> Cues:
    """Read and compile every cues/<language>.yaml (merged, so one text may mix languages).

    RETURNS (Cues): the compiled patterns.
    """
    headings: dict[str, list[str]] = {}
    section_cues: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {
        "comment_meta": [],
        "ui_lines": [],
        "citation_cues": [],
        "prose_words": [],
    }
    for path in sorted(cues_dir.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"), path, what="cue file") or {}
        for name, patterns in (data.get("headings") or {}).items():
            headings.setdefault(name, []).extend(patterns)
        for name, patterns in (data.get("section_cues") or {}).items():
            section_cues.setdefault(name, []).extend(patterns)
        for name in lists:
            lists[name].extend(data.get(name) or [])
    return Cues(
        headings={k: _alternation(v, full=True) for k, v in headings.items()},
        section_cues={k: _alternation(v, full=False) for k, v in section_cues.items()},
        comment_meta=_alternation(lists["comment_meta"], full=False),
        ui_lines=_alternation(lists["ui_lines"], full=True),
        citation=_alternation(lists["citation_cues"], full=False),
        prose=re.compile(
            r"\b(?:" + "|".join(f"(?:{p})" for p in lists["prose_words"] or [r"(?!)"]) + r")\b",
            re.IGNORECASE,
        ),
    )


@cache
def cues_fingerprint(cues_dir: Path = CUES_DIR) -> str:
    """A short hash of the cue files: cached regions are redone when the cues change."""
    digest = hashlib.sha256()
    for path in sorted(cues_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped
    block: int = -1  # index of its paragraph block; -1 for blank lines
    indented: bool = False


def _split_lines(text: str) -> list[_Line]:
    lines = []
    for match in re.finditer(r"[^\n]*\n|[^\n]+$", text):
        raw = match.group().rstrip("\r\n")
        lines.append(_Line(match.start(), match.end(), raw.strip(), indented=raw[:1].isspace()))
    block, previous_blank = -1, True
    for line in lines:
        if line.text:
            if previous_blank:
                block += 1
            line.block = block
        previous_blank = not line.text
    return lines


class _Detector:
    """Labels each line of one text; see the module docstring for the rules."""

    def __init__(self, text: str, cues: Cues):
        self.cues = cues
        self._meta_memo: dict[str, bool] = {}
        self.lines = _split_lines(text)
        self.nonblank = [i for i, line in enumerate(self.lines) if line.text]
        self.position = {i: n for n, i in enumerate(self.nonblank)}
        blocks: dict[int, list[int]] = {}
        for i in self.nonblank:
            blocks.setdefault(self.lines[i].block, []).append(i)
        self.blocks = blocks
        self.block_size = {
            b: sum(len(self.lines[i].text) + 1 for i in members) for b, members in blocks.items()
        }
        # Article prose: long blocks and finished sentences (see _is_prose).
        self.prose_blocks = {b for b, members in blocks.items() if self._is_prose(members)}
        self.meta_blocks = {
            self.lines[i].block for i in self.nonblank if self._is_meta(self.lines[i].text)
        }
        # Whether a numbered item stands above each line in its block (a wrapped note).
        self.item_above = [False] * len(self.lines)
        seen_in_block = -1
        for i in self.nonblank:
            line = self.lines[i]
            self.item_above[i] = seen_in_block == line.block
            if NUMBERED_ITEM.match(line.text):
                seen_in_block = line.block
        self._cued_blocks: dict[tuple[str, int], bool] = {}
        self.labels: list[str] = ["body"] * len(self.lines)

    # -- line features -------------------------------------------------------------
    def _is_prose(self, members: list[int]) -> bool:
        texts = [self.lines[i].text for i in members]
        if sum(len(t) + 1 for t in texts) > SHORT_BLOCK:
            return True
        if not texts[-1].endswith(SENTENCE_ENDS):
            return False
        words = sum(len(t.split()) for t in texts)
        # Headlines and standfirsts are verbless noun phrases; a finished sentence with a
        # verb is the article going on.
        return words >= PROSE_WORDS or (
            words >= MIN_SENTENCE_WORDS and any(self.cues.prose.search(t) for t in texts)
        )

    def _heading(self, text: str) -> str | None:
        if len(text) > 90:
            return None
        trimmed = HEADING_TRIM.sub("", text)
        for name, pattern in self.cues.headings.items():
            if pattern.match(trimmed) or pattern.match(text):
                return name
        return None

    def _is_meta(self, text: str) -> bool:
        # asked several times per line (meta blocks, thread openings): remember answers
        try:
            return self._meta_memo[text]
        except KeyError:
            found = len(text) <= 120 and bool(self.cues.comment_meta.search(text))
            self._meta_memo[text] = found
            return found

    def _is_citation(self, text: str) -> bool:
        return is_citation(text, self.cues)

    def _ahead(self, i: int, count: int = LOOKAHEAD) -> list[int]:
        n = self.position.get(i)
        if n is None:
            return []
        return self.nonblank[n + 1 : n + 1 + count]

    # -- section openers -----------------------------------------------------------
    def _notes_follow(self, i: int) -> bool:
        ahead = [self.lines[j].text for j in self._ahead(i, 8)]
        return any(NUMBERED_ITEM.match(t) or self._is_citation(t) for t in ahead)

    def _note_list_starts(self, i: int) -> bool:
        window = [i, *self._ahead(i, 20)]
        texts = [self.lines[j].text for j in window]
        items = sum(1 for j in window if NUMBERED_ITEM.match(self.lines[j].text))
        citations = sum(1 for t in texts if self._is_citation(t))
        return items >= 2 and citations >= 2

    def _thread_starts(self, i: int) -> bool:
        ahead = self._ahead(i, 10)
        return sum(1 for j in ahead if self._is_meta(self.lines[j].text)) >= 2

    # -- section continuation ------------------------------------------------------
    def _continues(self, section: str, i: int) -> bool:
        line = self.lines[i]
        text = line.text
        block = line.block
        short = block not in self.prose_blocks
        if section == "notes":
            return True
        if section == "urls":
            return bool(URL_LINE.match(text))
        if section == "note_list":
            if NUMBERED_ITEM.match(text) or line.indented or self._is_citation(text):
                return True
            if self.item_above[i]:
                return True
            return any(NUMBERED_ITEM.match(self.lines[j].text) for j in self._ahead(i, 4))
        if section == "comments":
            near = {block - 1, block, block + 1}
            return short or bool(near & self.meta_blocks)
        if section == "cookies" and len(text.split()) <= BUTTON_WORDS:
            return True  # "Accept", "Manage preferences", and menus the banner hid
        cue = self.cues.section_cues.get(section)
        if cue is not None:
            if cue.search(text):
                return True
            # A consent list of vendors names cookies or privacy on many of its lines.
            key = (section, block)
            if key not in self._cued_blocks:
                members = self.blocks[block]
                cued = sum(1 for j in members if cue.search(self.lines[j].text))
                self._cued_blocks[key] = cued >= 0.3 * len(members)
            if self._cued_blocks[key]:
                return True
            if section == "cookies":
                # Consent banners often stand above the article: its title must survive.
                return False
        return short

    # -- the pass ------------------------------------------------------------------
    def detect(self) -> list[Region]:
        section: str | None = None
        for i, line in enumerate(self.lines):
            if not line.text:
                self.labels[i] = self._kind(section)
                continue
            heading = self._heading(line.text)
            if heading == "notes" and not self._notes_follow(i):
                heading = None
            if heading == "related" and INLINE_TEASER.match(line.text):
                # "Read more: <headline>" inside an article is one line, not a list.
                self.labels[i] = "boilerplate"
                continue
            if heading is not None:
                section = heading
                self.labels[i] = self._kind(section)
                continue
            if section is not None and not self._continues(section, i):
                section = None
            if section is None:
                section = self._opens(i)
            if section is None and self.cues.ui_lines.match(line.text):
                self.labels[i] = "boilerplate"
                continue
            self.labels[i] = self._kind(section)
        return self._regions()

    def _opens(self, i: int) -> str | None:
        text = self.lines[i].text
        if NUMBERED_ITEM.match(text) and self._note_list_starts(i):
            return "note_list"
        if URL_LINE.match(text):
            return "urls"
        if self._is_meta(text) and self._thread_starts(i):
            # The commenter's name usually stands just before the first timestamp.
            n = self.position[i]
            if n > 0:
                previous = self.nonblank[n - 1]
                name = self.lines[previous].text
                if len(name) <= 60 and not name.endswith(SENTENCE_ENDS):
                    self.labels[previous] = "boilerplate"
            return "comments"
        return None

    @staticmethod
    def _kind(section: str | None) -> str:
        if section is None:
            return "body"
        if section in NOTES_SECTIONS or section == "note_list":
            return "notes"
        return "boilerplate"

    def _regions(self) -> list[Region]:
        # Blank lines join the region before them, unless the same kind resumes after.
        previous = "body"
        for n, i in enumerate(self.nonblank):
            following = self.nonblank[n + 1] if n + 1 < len(self.nonblank) else len(self.lines)
            kind = self.labels[i]
            nxt = self.labels[following] if following < len(self.lines) else kind
            for j in range(i + 1, following):
                self.labels[j] = nxt if nxt == kind else kind
            previous = kind
        for j in range(self.nonblank[0] if self.nonblank else len(self.lines)):
            self.labels[j] = self.labels[self.nonblank[0]] if self.nonblank else previous
        regions: list[Region] = []
        for line, kind in zip(self.lines, self.labels, strict=True):
            if regions and regions[-1].kind == kind and regions[-1].end == line.start:
                regions[-1] = Region(kind, regions[-1].start, line.end)
            else:
                regions.append(Region(kind, line.start, line.end))
        return regions


def is_citation(text: str, cues: Cues | None = None) -> bool:
    """True when ``text`` reads as a reference: a year, and a citation cue ("pp. 4",
    "accessed", "Google Scholar", a URL, a news agency) or a quoted title.

    The one test of what a citation is: note lists here, note blocks in
    extract/layout.py and the endnote headlines extraction leaves out all use it.
    """
    cues = cues or load_cues()
    return bool(YEAR.search(text)) and bool(cues.citation.search(text) or QUOTED.search(text))


def detect_regions(text: str, cues: Cues | None = None) -> list[Region]:
    """Label every stretch of ``text`` as body, notes or boilerplate.

    text (str): a document's clean text.
    cues (Cues | None): compiled cue patterns; the bundled ones when None.
    RETURNS (list[Region]): contiguous regions covering the whole text, in order.
    """
    if not text:
        return []
    return _Detector(text, cues or load_cues()).detect()
