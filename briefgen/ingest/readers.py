"""Readers: one corpus file's bytes → clean text plus the metadata the file itself states.

One reader class per format, chosen by suffix (pelican's ``Readers``): each declares
``file_extensions``; a reader whose optional dependency is missing is disabled and says
why in ``disabled_message``. Plain text and Markdown are kept exactly as decoded, so
quote offsets also index the file itself; HTML loses its page furniture (navigation,
scripts, cookie banners, comments, related lists, footers) before it becomes text; PDF
gives its text layer (no OCR).

HTML goes through selectolax (lexbor) rather than trafilatura: on the fixtures in
tests/fixtures/ingest/html (``benchmarks/bench_ingest.py --html``) both kept every
article phrase, but trafilatura let 2 of 16 furniture phrases through (it drops a
"Comments" heading yet keeps the thread under it, so regions can no longer see it), and
it needs lxml_html_clean, a further dependency.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from briefgen.ingest.decode import UndecodableError, decode_bytes
from briefgen.ingest.metadata import find_stated_date, normalise_date
from briefgen.ingest.regions import cues_fingerprint, detect_regions
from briefgen.models import Region

# Bump when a reader's output changes, so cached parses are redone.
READER_VERSION = 2


class UnreadableFileError(ValueError):
    """One file cannot be ingested; the message says why (the caller names the file)."""


@dataclass
class Parsed:
    """What a reader makes of one file: clean text, stated metadata, warnings."""

    text: str
    # title, author, published, url as the file states them; a missing title is taken
    # from the first line outside boilerplate once regions are known.
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    regions: list[Region] | None = None  # None: detect them from the text


class BaseReader:
    """A reader for some file suffixes; subclasses implement ``read``."""

    file_extensions: ClassVar[tuple[str, ...]] = ()
    enabled: ClassVar[bool] = True
    disabled_message: ClassVar[str] = ""

    def read(self, data: bytes, path: Path) -> Parsed:  # pragma: no cover - interface
        """Turn the bytes of ``path`` into a Parsed; raise UnreadableFileError when it cannot."""
        raise NotImplementedError


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        decoded = decode_bytes(data)
    except UndecodableError as exc:
        raise UnreadableFileError(str(exc)) from None
    return decoded.text, decoded.warnings


class TextReader(BaseReader):
    """Plain text: the decoded file is the clean text (BOM dropped, NFC)."""

    file_extensions = ("txt", "text")

    def read(self, data: bytes, path: Path) -> Parsed:
        text, warnings = _decode(data)
        meta = {"published": find_stated_date(text)}
        return Parsed(text, meta, warnings)


class MarkdownReader(BaseReader):
    """Markdown: kept as written (offsets must index the file); YAML front matter read."""

    file_extensions = ("md", "markdown")
    FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)

    def read(self, data: bytes, path: Path) -> Parsed:
        text, warnings = _decode(data)
        meta: dict[str, Any] = {}
        regions = None
        match = self.FRONT_MATTER.match(text)
        if match:
            try:
                front = yaml.safe_load(match.group(1))
            except yaml.YAMLError:
                front = None
                warnings.append("front matter is not valid YAML; ignored")
            if isinstance(front, dict):
                meta = {
                    "title": front.get("title"),
                    "author": front.get("author"),
                    "published": normalise_date(front.get("date") or front.get("published")),
                    "url": front.get("url"),
                }
            cut = match.end()
            regions = [Region("boilerplate", 0, cut)] + [
                Region(r.kind, r.start + cut, r.end + cut) for r in detect_regions(text[cut:])
            ]
            rest = text[cut:]
        else:
            rest = text
        meta = {k: (str(v) if v is not None else None) for k, v in meta.items()}
        meta["published"] = meta.get("published") or find_stated_date(rest)
        return Parsed(text, meta, warnings, regions)


class HtmlReader(BaseReader):
    """Saved web pages: the article's text, without page furniture (selectolax/lexbor)."""

    file_extensions = ("html", "htm", "xhtml")
    try:
        from selectolax.lexbor import LexborHTMLParser as _Parser
    except ImportError:  # pragma: no cover - selectolax is a declared dependency
        enabled = False
        disabled_message = "needs selectolax: pip install selectolax"

    def read(self, data: bytes, path: Path) -> Parsed:
        text, warnings = _decode_html(data)
        # lexbor's parse time grows with the square of the nesting (3 s for 50,000 levels
        # here), so a hostile page is refused on a cheap estimate before parsing.
        if _estimated_depth_exceeds(text, 4 * MAX_HTML_DEPTH):
            raise UnreadableFileError(
                f"HTML elements nested more than {4 * MAX_HTML_DEPTH} deep (a broken or "
                "hostile page); not parsed"
            )
        tree = self._Parser(text)
        if _nesting_exceeds(tree.root, MAX_HTML_DEPTH):
            raise UnreadableFileError(
                f"HTML elements nested more than {MAX_HTML_DEPTH} deep (a broken or hostile "
                "page; browsers' parsers stop there too)"
            )
        meta = html_metadata(tree)
        body = html_to_text(tree)
        if not body.strip():
            raise UnreadableFileError("no article text found in the HTML")
        body = unicodedata.normalize("NFC", body)
        meta["published"] = meta.get("published") or find_stated_date(body)
        return Parsed(body, meta, warnings)


class PdfReader(BaseReader):
    """PDF: the text layer of every page (pypdf); scanned PDFs without text are refused."""

    file_extensions = ("pdf",)
    try:
        import pypdf as _pypdf
    except ImportError:  # pragma: no cover - pypdf is a declared dependency
        enabled = False
        disabled_message = "needs pypdf: pip install pypdf"

    # Typographic ligatures PDFs keep as single characters (NFC leaves them alone).
    LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})

    def read(self, data: bytes, path: Path) -> Parsed:
        if not data.strip():
            raise UnreadableFileError("empty file")
        if not data.lstrip()[:5] == b"%PDF-":
            raise UnreadableFileError("not a PDF (no %PDF- header)")
        pypdf = self._pypdf
        warnings: list[str] = []
        if b"%%EOF" not in data[-2048:]:
            warnings.append("no %%EOF marker (truncated?); read what could be recovered")
        # pypdf logs its repairs without naming the file; our own warning names it.
        pypdf_log = logging.getLogger("pypdf")
        level = pypdf_log.level
        pypdf_log.setLevel(logging.ERROR)
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableFileError("encrypted PDF; save an unencrypted copy")
            pages = [_page_text(page) for page in reader.pages]
        except UnreadableFileError:
            raise
        except Exception as exc:  # pypdf raises many types on damaged files
            raise UnreadableFileError(f"damaged PDF ({type(exc).__name__}: {exc})") from None
        finally:
            pypdf_log.setLevel(level)
        pages = [unicodedata.normalize("NFC", p.translate(self.LIGATURES)).strip() for p in pages]
        text = "\n\n".join(p for p in pages if p)
        if not text.strip():
            raise UnreadableFileError(
                f"no text layer in {len(pages)} page(s) (a scan?); OCR is not supported"
            )
        meta = self._metadata(reader)
        meta["published"] = find_stated_date(text) or meta.get("published")
        return Parsed(text + "\n", meta, warnings)

    @staticmethod
    def _metadata(reader: Any) -> dict[str, Any]:
        try:
            info = reader.metadata
        except Exception:  # damaged info dictionaries are common; the text still counts
            return {}
        if not info:
            return {}
        published = None
        try:
            published = normalise_date(info.creation_date)
        except Exception:
            published = normalise_date(info.get("/CreationDate"))
        title = (info.title or "").strip() or None
        author = (info.author or "").strip() or None
        return {"title": title, "author": author, "published": published}


def _page_text(page: Any) -> str:
    """A page's text with paragraph breaks.

    pypdf's plain mode keeps reading order but loses the gaps between paragraphs; its
    layout mode keeps the gaps (blank lines) but lays columns side by side. So the lines
    come from plain mode, and a paragraph ends wherever layout mode shows a gap before
    the next line; if the two cannot be aligned (columns), plain mode alone is used.
    """
    plain = page.extract_text() or ""
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout mode is a refinement; never fail the page on it
        return _join_hyphenated(plain)
    grid = [" ".join(line.split()) for line in layout.splitlines()]
    paragraphs: list[list[str]] = []
    cursor = 0
    for line in plain.splitlines():
        wanted = " ".join(line.split())
        if not wanted:
            continue
        try:
            found = grid.index(wanted, cursor)
        except ValueError:
            return _join_hyphenated(plain)
        if not paragraphs or any(not g for g in grid[cursor:found]):
            paragraphs.append([])
        paragraphs[-1].append(wanted)
        cursor = found + 1
    # A paragraph becomes one line, as in a web page: its wrapped lines were one sentence
    # stream, and a quote should not carry the PDF's line breaks.
    return "\n\n".join(_join_hyphenated("\n".join(p)).replace("\n", " ") for p in paragraphs)


def _join_hyphenated(text: str) -> str:
    """Join a line that ends in a hyphen with the next one ("twenty-\nfour" → "twenty-four")."""
    return re.sub(r"(?<=\w)-\n(?=\w)", "-", text)


# --------------------------------------------------------------------------- registry


class Readers:
    """The suffix → reader map; readers missing their dependency are listed as disabled."""

    def __init__(self, classes: tuple[type[BaseReader], ...] | None = None):
        classes = classes or (TextReader, MarkdownReader, HtmlReader, PdfReader)
        self.readers: dict[str, BaseReader] = {}
        self.disabled: dict[str, str] = {}
        for cls in classes:
            for ext in cls.file_extensions:
                if cls.enabled:
                    self.readers[ext] = cls()
                else:
                    self.disabled[ext] = cls.disabled_message

    def reader_for(self, path: Path) -> BaseReader | None:
        """The reader for ``path``'s suffix, or None when no enabled reader handles it."""
        return self.readers.get(path.suffix.lower().lstrip("."))

    def key(self, path: Path) -> str:
        """Names the reader and its version: a cached parse is valid only for the same key."""
        reader = self.reader_for(path)
        return f"{type(reader).__name__}:{READER_VERSION}:{cues_fingerprint()}"


# --------------------------------------------------------------------------- HTML

# Deepest element nesting read; the text walk recurses once per level (Python's limit is
# 1000), and Blink's HTML parser stops nesting at 512 as well.
MAX_HTML_DEPTH = 512

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

# Elements that are never article text.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "aside",
    "footer",
    "dialog",
    "head",
    "menu",
)
DROP_ROLES = (
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
)
# class/id words of page furniture; matched as whole words inside the attribute.
FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|cookies?|consent|gdpr|cmp|"
    r"banner|comments?|commentlist|disqus|replies|related|recommended|recirculation|"
    r"more-stories|share|sharing|social|newsletter|subscribe|subscription|promo|advert|"
    r"advertisement|ads?|sponsored|sidebar|footer|masthead|popup|modal|paywall|outbrain|"
    r"taboola|skip-link|toolbar|widget|tags)(?:$|[\s_-])",
    re.I,
)
LINK_LIST_TAGS = frozenset(("div", "ul", "ol", "p", "section", "table", "span", "dl"))
ARTICLE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:article|post|entry|story)[-_]?(?:body|content|text)(?:$|[\s_-])", re.I
)
BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table tr section article header main "
    "figure figcaption dl dt dd address hr details summary caption".split()
)
META_DATES = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="citation_publication_date"]',
    'meta[name="citation_date"]',
    'meta[name="dc.date"]',
    'meta[name="DC.date"]',
    'meta[name="dcterms.created"]',
    'meta[name="date"]',
    'meta[name="pubdate"]',
    'meta[name="publish-date"]',
    'meta[property="og:published_time"]',
)


def _decode_html(data: bytes) -> tuple[str, list[str]]:
    match = _DECLARED_CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = match.group(1).decode("ascii", "replace").lower()
        if declared not in ("utf-8", "utf8"):
            try:
                return unicodedata.normalize("NFC", data.decode(declared)), []
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall back to detection
    return _decode(data)


# Tags that never nest: void elements, and those the parser closes implicitly when the
# next one opens (<p>, <li>, table cells …), so unclosed ones do not deepen the tree.
_FLAT_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen "
    "p li dt dd tr td th option optgroup rb rt rp thead tbody tfoot colgroup caption "
    "html head body".split()
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
_RAW_TEXT_TAGS = ("script", "style")  # their bodies are not markup


def _estimated_depth_exceeds(text: str, limit: int) -> bool:
    """A parser-free upper estimate of nesting: running opens minus closes of nesting tags.

    Linear in the text: script and style bodies are skipped with one find each.
    """
    depth, pos, lowered = 0, 0, None
    while True:
        match = _TAG.search(text, pos)
        if match is None:
            return False
        pos = match.end()
        closing, name, self_closing = match.groups()
        name = name.lower()
        if name in _RAW_TEXT_TAGS and not closing:
            lowered = lowered if lowered is not None else text.lower()
            end = lowered.find(f"</{name}", pos)
            if end < 0:
                return False  # the rest of the page is script text
            pos = end
            continue
        if self_closing or name in _FLAT_TAGS:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > limit:
            return True


def _nesting_exceeds(root: Any, limit: int) -> bool:
    """True when some element of the tree lies more than ``limit`` levels below ``root``.

    Iterative, so the check itself cannot hit the recursion limit it guards.
    """
    if root is None:
        return False
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        child = node.child
        while child is not None:
            if child.is_element_node:
                stack.append((child, depth + 1))
            child = child.next
    return False


def _attr(node: Any, name: str) -> str:
    return (node.attributes.get(name) or "").strip()


def html_metadata(tree: Any) -> dict[str, Any]:
    """Title, author, date and URL from a page's <head> (Open Graph, citation_*, <title>).

    RETURNS (dict): keys title, author, published, url (None when absent).
    """

    def content(selector: str) -> str | None:
        node = tree.css_first(selector)
        value = _attr(node, "content") if node is not None else ""
        return value or None

    title_node = tree.css_first("title")
    title = (
        content('meta[property="og:title"]')
        or content('meta[name="citation_title"]')
        or (title_node.text(strip=True) if title_node is not None else None)
    )
    published = None
    for selector in META_DATES:
        published = normalise_date(content(selector))
        if published:
            break
    if not published:
        time_node = tree.css_first("article time[datetime]") or tree.css_first("time[datetime]")
        if time_node is not None:
            published = normalise_date(_attr(time_node, "datetime"))
    author = content('meta[name="author"]') or content('meta[name="citation_author"]')
    canonical = tree.css_first('link[rel="canonical"]')
    url = (_attr(canonical, "href") if canonical is not None else "") or content(
        'meta[property="og:url"]'
    )
    return {
        "title": " ".join(title.split()) if title else None,
        "author": author,
        "published": published,
        "url": url or None,
    }


def _is_furniture(node: Any) -> bool:
    if node.tag in DROP_TAGS:
        return True
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if (attrs.get("role") or "").lower() in DROP_ROLES:
        return True
    words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return bool(FURNITURE.search(words)) and not ARTICLE_CLASS.search(words)


def _is_link_list(node: Any) -> bool:
    # Menus and headline lists without telling class names: mostly link text, 3+ links.
    if node.tag not in LINK_LIST_TAGS:
        return False
    links = node.css("a")
    if len(links) < 3:
        return False
    text = len(node.text(strip=True))
    linked = sum(len(a.text(strip=True)) for a in links)
    return text > 0 and linked >= 0.8 * text


def _article_root(tree: Any) -> Any:
    candidates = tree.css("article") or tree.css("main") or tree.css('[role="main"]')
    if not candidates:
        candidates = [
            n
            for n in tree.css("div, section")
            if ARTICLE_CLASS.search(f"{_attr(n, 'class')} {_attr(n, 'id')}")
        ]
    if candidates:
        return max(candidates, key=lambda n: len(n.text(strip=True)))
    return tree.body or tree.root


def html_to_text(tree: Any) -> str:
    """The article's text: furniture removed, one paragraph per block, lists numbered.

    tree: a parsed selectolax document (changed in place: furniture is removed).
    RETURNS (str): paragraphs separated by blank lines.
    """
    root = _article_root(tree)

    def prune(node: Any) -> None:
        # Top-down, so a removed element's descendants are never visited afterwards.
        for child in list(node.iter()):
            if _is_furniture(child) or _is_link_list(child):
                child.decompose()
            else:
                prune(child)

    prune(root)
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            blocks.append(line)
        current.clear()

    def walk(node: Any, list_kind: str | None = None, item: int = 0) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                current.append(child.text_content or "")
            elif tag == "br":
                flush()
            elif tag in ("ul", "ol"):
                flush()
                walk(child, tag)
                flush()
            elif tag == "li":
                flush()
                item += 1
                current.append(f"{item}. " if list_kind == "ol" else "• ")
                walk(child)
                flush()
            elif tag in ("td", "th"):
                current.append(" ")  # cells of one row stay on one line, apart
                walk(child)
                current.append(" ")
            elif tag in BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            elif child.is_element_node:
                walk(child)

    walk(root)
    flush()
    return "\n\n".join(blocks) + "\n" if blocks else ""
