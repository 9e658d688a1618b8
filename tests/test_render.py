"""Tests for briefgen.render: FactSheet → standalone HTML, fragment and PDF.

Sheets are invented in code (no corpus text). Rendering is the slow part, so each format
of each sheet is rendered once per module and shared. Browser checks (Nu HTML checker,
axe-core, computed styles) live in test_render_browser.py.

Regenerate the golden files with: python -m pytest tests/test_render.py --update-golden
(or BRIEFGEN_UPDATE_GOLDEN=1)
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
from datetime import date
from pathlib import Path

import pypdf
import pytest
import tinycss2
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from briefgen.errors import RenderError
from briefgen.models import Claim, Disagreement, Event, FactSheet, KeyJudgment, Quote, Source
from briefgen.render import (
    RenderOptions,
    _url_fetcher,
    default_templates_dir,
    format_date,
    format_range,
    layout_pdf,
    render_html,
    render_pdf,
    write_briefing,
)

SCRIPT = "<script>alert(1)</script>"


def _quote(doc: str, text: str, start: int = 0) -> Quote:
    return Quote(doc=doc, text=text, start=start, end=start + len(text))


def _event(
    n: int,
    category: str,
    date: str | None,
    title: str,
    quote: Quote,
    *,
    status: str = "accepted",
    **kw,
) -> Event:
    return Event(
        id=f"e-{n:04d}",
        country=kw.pop("country", "PE"),
        category=category,
        title=title,
        date=date,
        evidence=[quote],
        status=status,
        **kw,
    )


SOURCES = {
    "doc-a": Source(
        doc="doc-a",
        title="Andean partners look east",
        author="M. Quispe",
        publisher="Harbour Review",
        published="2023-05-14",
        reliability="B",
        kind="analysis",
        url="https://example.org/andean-partners",
    ),
    "doc-b": Source(
        doc="doc-b",
        title="Ministry statement on the energy memorandum",
        publisher="Ministry of Energy and Mines",
        published="2022-11",
        reliability="A",
        kind="official statement",
    ),
    "doc-c": Source(
        doc="doc-c",
        title="Helicopters, loans and leverage",
        author="J. Ortega",
        publisher="Pacific Monitor",
        published="2024",
        reliability="C",
        kind="news report",
        url="https://example.net/helicopters",
    ),
    "doc-d": Source(
        doc="doc-d",
        title="Rumours from the port",
        publisher="Coastal Wire",
        published="2024-02-02",
        reliability="E",
        kind="blog",
    ),
}


def make_sheet(country: str = "PE", *, injected: bool = False) -> FactSheet:
    """A small sheet: one accepted event per category, a proposed, a rejected and a stale one."""
    risky = f"Officials said {SCRIPT} was not on the agenda." if injected else None
    events = [
        _event(
            1,
            "diplomatic_visit",
            "2023-03-09",
            "Foreign minister visits Lima",
            _quote(
                "doc-a",
                "The foreign minister arrived in Lima on Thursday for two days of talks.",
                120,
            ),
            actors=["Foreign minister", "President"],
            reliability="B",
            credibility=2,
            sources=2,
            publishers=2,
            country=country,
        ),
        _event(
            2,
            "military_cooperation",
            "2022-07",
            "Helicopter maintenance contract",
            _quote(
                "doc-c",
                risky or "A maintenance contract for transport helicopters was signed in July.",
                40,
            ),
            reliability="C",
            credibility=3,
            country=country,
        ),
        _event(
            3,
            "energy_deal",
            "2022-11-21",
            "Memorandum on gas exploration",
            _quote("doc-b", "Both sides signed a memorandum on offshore gas exploration.", 300),
            reliability="A",
            credibility=1,
            status="edited",
            summary="A non-binding memorandum covering two offshore blocks.",
            country=country,
        ),
        _event(
            4,
            "energy_deal",
            "2024-01",
            "Unconfirmed refinery stake",
            _quote("doc-d", "Sources claim a refinery stake is under discussion.", 10),
            reliability="E",
            credibility=4,
            status="proposed",
            country=country,
        ),
        _event(
            5,
            "diplomatic_visit",
            "2021-05-01",
            "Rejected visit",
            _quote("doc-a", "A rejected sentence that must never appear.", 900),
            status="rejected",
            country=country,
        ),
        _event(
            6,
            "military_cooperation",
            "2020",
            "Stale exercise",
            _quote("doc-c", "A stale sentence that must never appear.", 700),
            stale=True,
            country=country,
        ),
    ]
    disagreements = [
        Disagreement(
            country=country,
            topic="Value of the helicopter contract",
            kind="value_conflict",
            status="accepted",
            claims=[
                Claim(
                    _quote("doc-c", "The contract is worth about 40 million dollars.", 500),
                    "About 40 million dollars",
                ),
                Claim(
                    _quote("doc-a", "Officials put the contract at 25 million dollars.", 640),
                    "25 million dollars",
                ),
            ],
        )
    ]
    return FactSheet(
        country=country,
        power="Russia",
        events=events,
        disagreements=disagreements,
        key_judgments=[
            KeyJudgment(
                "Engagement is broadening from diplomacy into energy.",
                "moderate",
                ["e-0001", "e-0003", "e-0005"],
            )
        ],
        sources=dict(SOURCES),
        bottom_line="A slow, cautious widening of ties.",
        outlook="Expect further energy talks.",
        reviewer="A. Analyst",
        reviewed="2024-03-01",
    )


def make_sample_sheet(country: str = "PE") -> FactSheet:
    """A realistic invented sheet: a dozen events, two disagreements, three key judgments."""
    rows = [
        (
            "diplomatic_visit",
            "2019-04-11",
            "Deputy foreign minister opens consultations",
            "doc-a",
            "The deputy foreign minister opened political consultations in the capital, "
            "the first such round in six years.",
            "B",
            2,
            ["Deputy foreign minister"],
        ),
        (
            "diplomatic_visit",
            "2021-09",
            "Parliamentary delegation visits Moscow",
            "doc-c",
            "A cross-party delegation of eight legislators travelled to Moscow in September.",
            "C",
            3,
            ["Congress delegation", "State Duma"],
        ),
        (
            "diplomatic_visit",
            "2023-03-09",
            "Foreign minister visits Lima",
            "doc-a",
            "The foreign minister arrived in Lima on Thursday for two days of talks.",
            "B",
            1,
            ["Foreign minister", "President"],
        ),
        (
            "diplomatic_visit",
            "2024-06-18",
            "President meets envoy at regional summit",
            "doc-b",
            "The President received the special envoy on the margins of the regional summit.",
            "A",
            2,
            ["President", "Special envoy"],
        ),
        (
            "military_cooperation",
            "2019",
            "Training places for officers",
            "doc-c",
            "Twelve army officers will take up training places at a Russian academy this year.",
            "C",
            3,
            ["Ministry of Defence"],
        ),
        (
            "military_cooperation",
            "2020-02-05",
            "Helicopter maintenance centre agreed",
            "doc-c",
            "The ministry agreed to set up a maintenance centre for its transport helicopters.",
            "C",
            2,
            ["Ministry of Defence", "Helicopter holding"],
        ),
        (
            "military_cooperation",
            "2022-10",
            "Naval port call",
            "doc-d",
            "A training ship is said to have docked for three days in October.",
            "E",
            4,
            ["Navy"],
        ),
        (
            "military_cooperation",
            "2023-11-20",
            "Air defence radar offer",
            "doc-a",
            "Moscow offered to supply two radar systems on credit, officials confirmed.",
            "B",
            2,
            ["Ministry of Defence", "Export agency"],
        ),
        (
            "energy_deal",
            "2019-08-30",
            "Power plant turbine contract",
            "doc-b",
            "The state utility signed a contract for two gas turbines for the northern plant.",
            "A",
            1,
            ["State utility", "Turbine maker"],
        ),
        (
            "energy_deal",
            "2021-03",
            "Nuclear research memorandum",
            "doc-b",
            "The agencies signed a memorandum on a nuclear research centre.",
            "A",
            2,
            ["Nuclear agency", "State utility"],
        ),
        (
            "energy_deal",
            "2022-11-21",
            "Offshore gas exploration memorandum",
            "doc-b",
            "Both sides signed a memorandum on offshore gas exploration.",
            "A",
            1,
            ["Energy ministry", "Oil major"],
        ),
        (
            "energy_deal",
            "2024-01",
            "Refinery stake under discussion",
            "doc-d",
            "Sources claim a refinery stake is under discussion.",
            "E",
            4,
            ["Oil major"],
        ),
    ]
    events = []
    for n, (cat, when, title, doc, text, rel, cred, actors) in enumerate(rows, start=1):
        events.append(
            _event(
                n,
                cat,
                when,
                title,
                _quote(doc, text, 100 * n),
                reliability=rel,
                credibility=cred,
                actors=actors,
                sources=1 + n % 3,
                publishers=1 + n % 2,
                country=country,
            )
        )
    events[2].date_range = ("2023-03-09", "2023-03-10")
    events[7].evidence.append(
        _quote("doc-c", "Two radar systems were offered on soft credit terms.", 2200)
    )
    events[8].notes = "Turbine delivery was later delayed by sanctions; see outlook."
    disagreements = [
        Disagreement(
            country=country,
            topic="Value of the radar offer",
            kind="value_conflict",
            status="accepted",
            claims=[
                Claim(
                    _quote("doc-a", "The offer is worth about 90 million dollars.", 3000),
                    "About 90 million dollars",
                ),
                Claim(
                    _quote("doc-c", "The credit line would reach 150 million dollars.", 3100),
                    "Up to 150 million dollars",
                ),
            ],
        ),
        Disagreement(
            country=country,
            topic="Whether the port call happened",
            kind="reported_dispute",
            status="accepted",
            claims=[
                Claim(
                    _quote("doc-d", "A training ship is said to have docked for three days.", 3200),
                    "The ship docked",
                ),
                Claim(
                    _quote(
                        "doc-b", "The ministry denied that any foreign warship had docked.", 3300
                    ),
                    "No ship docked",
                ),
            ],
        ),
    ]
    judgments = [
        KeyJudgment(
            "Energy is the most durable strand of the relationship: contracts signed "
            "since 2019 tie state utilities to Russian suppliers for a decade.",
            "high",
            ["e-0009", "e-0010", "e-0011"],
        ),
        KeyJudgment(
            "Military cooperation remains small and centred on maintaining legacy "
            "equipment rather than new acquisitions.",
            "moderate",
            ["e-0006", "e-0008"],
        ),
        KeyJudgment(
            "High-level visits are likely to continue, but reporting on naval activity "
            "is thin and partly contradicted.",
            "low",
            ["e-0007"],
        ),
    ]
    return FactSheet(
        country=country,
        power="Russia",
        events=events,
        disagreements=disagreements,
        key_judgments=judgments,
        sources=dict(SOURCES),
        bottom_line="Russia is a steady but second-tier partner: energy contracts give it "
        "lasting ties to state companies, while military links stay modest.",
        outlook="Expect energy talks to continue under sanctions pressure and occasional "
        "high-level visits; a large arms deal is unlikely in the next two years.",
        reviewer="A. Analyst",
        reviewed="2024-07-01",
    )


# --------------------------------------------------------------------------- fixtures

GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1720000000"  # 2024-07-03T09:46:40Z
FIXED = RenderOptions(generated=date(2024, 7, 15))
SECTION_HEADINGS = [
    "Key judgments",
    "Diplomatic visits",
    "Military cooperation",
    "Energy deals",
    "Points of disagreement",
    "Sources",
    "Method note",
]
SHOWN_QUOTES = [
    "The foreign minister arrived in Lima on Thursday for two days of talks.",
    "A maintenance contract for transport helicopters was signed in July.",
    "Both sides signed a memorandum on offshore gas exploration.",
    "The contract is worth about 40 million dollars.",
    "Officials put the contract at 25 million dollars.",
]
HIDDEN_QUOTES = [
    "A rejected sentence that must never appear.",
    "A stale sentence that must never appear.",
]
PROPOSED_QUOTE = "Sources claim a refinery stake is under discussion."


def squash(text: str) -> str:
    """Text without whitespace, so line breaks in extracted PDF text do not matter."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def outputs() -> dict[str, object]:
    """Every format of the small sheet, rendered once, with warnings captured."""
    capture = _Capture()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("briefgen")]
    for logger in loggers:
        logger.addHandler(capture)
    try:
        sheet = make_sheet()
        result = {
            "html": render_html(sheet, FIXED),
            "fragment": render_html(sheet, FIXED, fragment=True),
            "pdf": render_pdf(sheet, FIXED),
        }
    finally:
        for logger in loggers:
            logger.removeHandler(capture)
    result["warnings"] = [r.getMessage() for r in capture.records]
    return result


@pytest.fixture(scope="module")
def draft_outputs() -> dict[str, object]:
    sheet = make_sheet()
    options = RenderOptions(generated=date(2024, 7, 15), include_proposed=True)
    return {"html": render_html(sheet, options), "pdf": render_pdf(sheet, options)}


@pytest.fixture(scope="module")
def injected_outputs() -> dict[str, object]:
    sheet = make_sheet(injected=True)
    sheet.events[0].title = f"Visit {SCRIPT}"
    # a copy: the module's shared SOURCES must stay clean for the golden files
    sheet.sources["doc-a"] = dataclasses.replace(sheet.sources["doc-a"], title=f"Title {SCRIPT}")
    options = RenderOptions(generated=date(2024, 7, 15), handling=f"SECRET {SCRIPT}")
    return {
        "html": render_html(sheet, options),
        "fragment": render_html(sheet, options, fragment=True),
        "pdf": render_pdf(sheet, options),
    }


def text_of(outputs: dict[str, object], fmt: str) -> str:
    if fmt == "pdf":
        return pdf_text(outputs["pdf"])
    return (
        HTMLParser(outputs[fmt]).body.text(separator=" ")
        if fmt == "html"
        else HTMLParser(outputs[fmt]).css_first(".briefgen").text(separator=" ")
    )


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize("fmt", ["html", "fragment", "pdf"])
def test_render_output_holds_every_section_heading(outputs, fmt):
    text = squash(text_of(outputs, fmt))
    for heading in SECTION_HEADINGS:
        assert squash(heading) in text, heading


@pytest.mark.parametrize("fmt", ["html", "fragment", "pdf"])
def test_render_output_holds_every_shown_quote_with_citation(outputs, fmt):
    text = squash(text_of(outputs, fmt))
    for quote in SHOWN_QUOTES:
        assert squash(quote) in text, quote
    # Each quote carries its source number and, where the source has one, its web address;
    # "chars 120–191" means nothing to a reader and is gone from the text.
    assert squash("[1], example.org") in text
    assert "chars" not in text
    if fmt != "pdf":  # the offsets stay in the HTML for tools
        node = HTMLParser(outputs[fmt]).css_first('blockquote[data-doc="doc-a"]')
        assert (node.attributes["data-start"], node.attributes["data-end"]) == ("120", "191")


@pytest.mark.parametrize("fmt", ["html", "fragment", "pdf"])
def test_render_output_omits_rejected_stale_and_unreviewed(outputs, fmt):
    text = squash(text_of(outputs, fmt))
    for quote in [*HIDDEN_QUOTES, PROPOSED_QUOTE]:
        assert squash(quote) not in text, quote
    assert "DRAFT" not in text


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_render_include_proposed_marks_draft(draft_outputs, fmt):
    text = squash(text_of(draft_outputs, fmt))
    assert squash(PROPOSED_QUOTE) in text
    assert "Unreviewed" in text
    for quote in HIDDEN_QUOTES:
        assert squash(quote) not in text
    if fmt == "pdf":
        pages = pypdf.PdfReader(io.BytesIO(draft_outputs["pdf"])).pages
        assert len(pages) > 1
        for page in pages:  # the running header repeats the draft line on every page
            assert squash("DRAFT — not reviewed") in squash(page.extract_text())
    else:
        assert squash("DRAFT — not reviewed") in text


def test_render_sources_are_numbered_and_linked(outputs):
    tree = HTMLParser(outputs["html"])
    rows = tree.css(".bg-source-table tbody tr")
    # Only cited documents are listed, numbered in order of first citation.
    assert [r.css_first(".bg-col-ref").text() for r in rows] == ["[1]", "[2]", "[3]"]
    assert "Harbour Review" in rows[0].text() and "usually reliable" in rows[0].text().lower()
    ids = {node.attributes["id"] for node in tree.css("[id]")}
    for link in tree.css("a.bg-cite"):
        assert link.attributes["href"][1:] in ids


def test_render_overview_counts_span_and_actors(outputs):
    tree = HTMLParser(outputs["html"])
    overviews = [n.text() for n in tree.css(".bg-category .bg-overview")]
    assert overviews[0].startswith("One event on 9 March 2023, drawn from one source.")
    assert "Main actors: Foreign minister and President." in overviews[0]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024", "2024"),
        ("2024-03", "March 2024"),
        ("2024-03-05", "5 March 2024"),
        (None, "Undated"),
        ("sometime", "sometime"),
    ],
)
def test_render_format_date(value, expected):
    assert format_date(value) == expected


@pytest.mark.parametrize(
    "start,end,expected",
    [
        ("2024-03-03", "2024-03-05", "3–5 March 2024"),
        ("2024-03-30", "2024-04-02", "30 March – 2 April 2024"),
        ("2023-12-30", "2024-01-02", "30 December 2023 – 2 January 2024"),
        ("2023", "2024-01", "2023 – January 2024"),
    ],
)
def test_render_format_range(start, end, expected):
    assert format_range(start, end) == expected


def test_render_timeline_is_inline_svg_with_text_alternative(outputs):
    tree = HTMLParser(outputs["html"])
    svg = tree.css_first("svg.bg-timeline-svg")
    assert svg is not None and svg.attributes["role"] == "img"
    labelled = svg.attributes["aria-labelledby"].split()
    assert all(tree.css_first(f"#{i}") is not None for i in labelled)
    assert len(svg.css("circle")) == 3  # the three dated, shown events


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_render_html_escapes_injected_markup(injected_outputs, fmt):
    html = injected_outputs[fmt]
    assert "<script" not in html.lower()
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert SCRIPT in HTMLParser(html).text()  # shown to the reader as inert text


def test_render_pdf_shows_injected_markup_as_text(injected_outputs):
    text = squash(pdf_text(injected_outputs["pdf"]))
    assert squash(f"Officials said {SCRIPT} was not on the agenda.") in text
    assert squash(f"SECRET {SCRIPT}") in text


def test_render_strict_undefined_fails_loudly(tmp_path):
    (tmp_path / "_body.html").write_text("<p>{{ no_such_value }}</p>\n", encoding="utf-8")
    with pytest.raises(RenderError, match="undefined"):
        render_html(make_sheet(), RenderOptions(templates_dir=tmp_path))


def test_render_template_syntax_error_names_file(tmp_path):
    (tmp_path / "briefing.html").write_text("{% block x %}\n", encoding="utf-8")
    with pytest.raises(RenderError, match=r"briefing\.html:\d+: template syntax error"):
        render_html(make_sheet(), RenderOptions(templates_dir=tmp_path))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/x.css",
        "file:///etc/passwd",
        "ftp://example.com/f",
    ],
)
def test_render_url_fetcher_refuses_outside_resources(url):
    with pytest.raises(ValueError):
        _url_fetcher([default_templates_dir()]).fetch(url)


def test_render_url_fetcher_serves_data_urls():
    response = _url_fetcher([default_templates_dir()]).fetch("data:text/plain,ok")
    assert response.read() == b"ok"


# --------------------------------------------------------------------------- fragment


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :where(...))."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in [*parts, current.strip()] if p]


def _selectors(rules) -> list[str]:
    found = []
    for rule in rules:
        if rule.type == "qualified-rule":
            found += _split_selectors(tinycss2.serialize(rule.prelude))
        elif rule.type == "at-rule":
            assert rule.lower_at_keyword in ("media", "supports"), f"@{rule.at_keyword}"
            found += _selectors(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            )
    return found


def test_render_fragment_css_is_scoped(outputs):
    tree = HTMLParser(outputs["fragment"])
    css = "".join(node.text() for node in tree.css("style"))
    selectors = _selectors(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    assert len(selectors) > 50
    unscoped = [s for s in selectors if not re.match(r"\.briefgen(?![\w-])", s)]
    assert unscoped == []


def test_render_fragment_is_one_root_without_page_or_scripts(outputs):
    fragment = outputs["fragment"].strip()
    assert not re.search(r"<(html|head|body|script|link|!doctype)\b", fragment, re.I)
    assert re.match(r'<article class="briefgen" id="briefgen-pe" lang="en">', fragment)
    assert fragment.endswith("</article>")
    # Exactly one top-level element: the closing tag of the root is the last tag.
    depth = 0
    for match in re.finditer(r"<(/?)(article)\b[^>]*>", fragment):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            assert match.end() == len(fragment)


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_render_ids_prefixed_and_links_resolve(outputs, fmt):
    tree = HTMLParser(outputs[fmt])
    ids = [node.attributes["id"] for node in tree.css("[id]")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("briefgen-pe") for i in ids), ids
    for link in tree.css('a[href^="#"]'):
        assert link.attributes["href"][1:] in ids
    for node in tree.css("[aria-labelledby]"):
        assert all(i in ids for i in node.attributes["aria-labelledby"].split())


def test_render_fragment_headings_start_one_level_down(outputs):
    assert re.search(r"<h1\b", outputs["html"]) and not re.search(r"<h1\b", outputs["fragment"])
    assert re.search(r'<h2 class="bg-title"', outputs["fragment"])


# --------------------------------------------------------------------------- PDF


def test_render_pdf_has_a_bookmark_per_section(outputs):
    outline = pypdf.PdfReader(io.BytesIO(outputs["pdf"])).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    for heading in SECTION_HEADINGS + ["Bottom line", "Timeline of engagement", "Outlook"]:
        assert heading in titles


def test_render_pdf_metadata(outputs):
    reader = pypdf.PdfReader(io.BytesIO(outputs["pdf"]))
    meta = reader.metadata
    assert meta.title == "Peru: Russia’s engagement — country briefing"
    assert meta.author == "A. Analyst"
    assert "engagement with Peru" in meta.subject
    assert "Energy deals" in meta["/Keywords"]
    assert (
        meta["/CreationDate"].startswith("D:20240715") and meta["/ModDate"] == meta["/CreationDate"]
    )
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_render_pdf_running_header_and_page_numbers(outputs):
    pages = pypdf.PdfReader(io.BytesIO(outputs["pdf"])).pages
    for number, page in enumerate(pages, start=1):
        text = squash(page.extract_text())
        assert squash(f"Page {number} of {len(pages)}") in text
        assert squash("UNCLASSIFIED // FOR INTERNAL USE") in text
        if number > 1:
            assert squash("Peru · Russia’s engagement") in text


def test_render_pdf_citations_link_to_sources(outputs):
    reader = pypdf.PdfReader(io.BytesIO(outputs["pdf"]))
    targets = [
        annot.get_object().get("/Dest")
        for page in reader.pages
        for annot in page.get("/Annots") or []
    ]
    sources = {t for t in targets if t and t.startswith("briefgen-pe-src-")}
    assert sources == {"briefgen-pe-src-doc-a", "briefgen-pe-src-doc-b", "briefgen-pe-src-doc-c"}
    assert sources <= set(reader.named_destinations)


@pytest.mark.parametrize("size,box", [("A4", (595, 842)), ("Letter", (612, 792))])
def test_render_pdf_page_size(size, box):
    sheet = make_sheet()
    sheet.events = sheet.events[:1]
    data = render_pdf(sheet, RenderOptions(page_size=size, generated=date(2024, 7, 15)))
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == box


def test_render_pdf_repeats_table_headers_across_pages():
    sheet = make_sheet()
    long_quote = _quote(
        "doc-a",
        "A delegation met officials to review trade and transport "
        "links in a long session that ran late into the evening.",
        50,
    )
    sheet.events = [
        _event(
            100 + n,
            "diplomatic_visit",
            f"2023-{1 + n % 12:02d}-0{1 + n % 9}",
            f"Visit number {n}",
            long_quote,
        )
        for n in range(40)
    ]
    pages = pypdf.PdfReader(io.BytesIO(render_pdf(sheet, FIXED))).pages
    with_rows = [
        squash(p.extract_text()) for p in pages if "Visitnumber" in squash(p.extract_text())
    ]
    assert len(with_rows) >= 3
    assert all("EVENTANDEVIDENCE" in text for text in with_rows)


def _flow_boxes(box, found: list) -> list:
    """Every box of a page except its margin boxes (running header and footer)."""
    from weasyprint.formatting_structure import boxes

    if not isinstance(box, boxes.MarginBox):
        found.append(box)
        for child in getattr(box, "children", None) or []:
            _flow_boxes(child, found)
    return found


@pytest.mark.parametrize("drop", [0, 1, 3])  # 1 and 3 strand a heading without the rules
def test_render_pdf_keeps_headings_with_their_text(drop):
    from weasyprint.formatting_structure import boxes

    sheet = make_sample_sheet()
    del sheet.events[:drop]  # shifts every later heading to a different place on its page
    document, _html = layout_pdf(sheet, FIXED)
    for number, page in enumerate(document.pages, start=1):
        flow = _flow_boxes(page._page_box, [])
        text_bottom = max(b.position_y + b.height for b in flow if isinstance(b, boxes.TextBox))
        for heading in flow:
            if isinstance(heading, boxes.BlockBox) and heading.element_tag in ("h2", "h3"):
                below = heading.position_y + heading.margin_height()
                assert text_bottom > below + 20, f"page {number}: heading stranded at its foot"


def test_render_pdf_is_tagged(outputs):
    root = pypdf.PdfReader(io.BytesIO(outputs["pdf"])).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


def test_render_pdf_without_warnings(outputs):
    assert outputs["warnings"] == []


def test_render_reproducible_under_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    sheet = make_sheet()
    first = render_pdf(sheet, RenderOptions()), render_html(sheet, RenderOptions())
    second = render_pdf(make_sheet(), RenderOptions()), render_html(make_sheet(), RenderOptions())
    assert first[0] == second[0]
    assert first[1] == second[1]
    meta = pypdf.PdfReader(io.BytesIO(first[0])).metadata
    assert meta["/CreationDate"] == "D:20240703094640Z"
    assert "3 July 2024" in first[1]


def test_render_bad_source_date_epoch_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH"):
        render_html(make_sheet(), RenderOptions())


# --------------------------------------------------------------------------- overrides


def test_render_override_extends_default_block(tmp_path):
    (tmp_path / "_body.html").write_text(
        '{% extends "default:_body.html" %}\n'
        '{% block logo %}<p class="bg-logo">ACME Analysis</p>{% endblock %}\n',
        encoding="utf-8",
    )
    (tmp_path / "_theme.css").write_text(
        '{% include "default:_theme.css" %}\n.briefgen { --bg-accent: #7a1f5c; }\n',
        encoding="utf-8",
    )
    html = render_html(make_sheet(), RenderOptions(templates_dir=tmp_path))
    assert '<p class="bg-logo">ACME Analysis</p>' in html
    assert "--bg-accent: #7a1f5c" in html
    assert "Diplomatic visits" in html  # the rest of the default body is still there


def test_render_override_most_specific_template_first(tmp_path):
    (tmp_path / "briefing.html").write_text("generic {{ country }}\n", encoding="utf-8")
    (tmp_path / "briefing-pe.html").write_text("peru only {{ country }}\n", encoding="utf-8")
    options = RenderOptions(templates_dir=tmp_path)
    assert render_html(make_sheet("PE"), options) == "peru only Peru\n"
    assert render_html(make_sheet("CL"), options) == "generic Chile\n"


def test_render_override_handling_line(outputs):
    sheet = make_sheet()
    html = render_html(sheet, RenderOptions(handling="RESTRICTED // PARTNERS"))
    assert "RESTRICTED // PARTNERS" in html and "UNCLASSIFIED" not in html


# --------------------------------------------------------------------------- files


def test_render_write_briefing_writes_each_format(tmp_path):
    out = tmp_path / "out" / "nested"
    written = write_briefing(make_sheet(), out, ["html", "fragment", "pdf"], FIXED)
    assert written == {
        "html": out / "pe.html",
        "fragment": out / "pe.fragment.html",
        "pdf": out / "pe.pdf",
    }
    assert written["pdf"].read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in out.iterdir()) == ["pe.fragment.html", "pe.html", "pe.pdf"]


def test_render_write_briefing_rejects_unknown_format(tmp_path):
    with pytest.raises(RenderError, match="docx"):
        write_briefing(make_sheet(), tmp_path, ["docx"], FIXED)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- golden


@pytest.mark.parametrize("name,fragment", [("pe.html", False), ("pe.fragment.html", True)])
def test_render_golden(name, fragment):
    html = render_html(make_sample_sheet(), FIXED, fragment=fragment)
    golden = GOLDEN / name
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.exists(), f"{golden} missing; run with BRIEFGEN_UPDATE_GOLDEN=1"
    assert html == golden.read_text(encoding="utf-8"), (
        f"{name} differs from {golden}; if the change is intended, regenerate with "
        "BRIEFGEN_UPDATE_GOLDEN=1 and review the diff"
    )


def test_render_environment_is_kept_and_sees_template_edits(tmp_path):
    # one environment per search path (templates compiled once), yet an override edited
    # on disk is read again
    from briefgen.render import make_environment

    (tmp_path / "extra.html").write_text("one", encoding="utf-8")
    env = make_environment(tmp_path)
    assert make_environment(tmp_path) is env
    assert env.get_template("extra.html").render() == "one"
    import os

    (tmp_path / "extra.html").write_text("two", encoding="utf-8")
    stat = (tmp_path / "extra.html").stat()
    os.utime(tmp_path / "extra.html", ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert make_environment(tmp_path).get_template("extra.html").render() == "two"
