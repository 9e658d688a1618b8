"""Building briefings an analyst would sign (issue 19), through the CLI on invented data.

Quote verification against the corpus, DRAFT readiness and --strict, the information
cut-off, editions with their "Changes since" section and `briefgen diff`, the locator
map in every format, and the reading fixes (one pair of quotation marks, whitespace,
repeated quotes, locators, titles from URLs, PDF text). Every sheet and corpus here is
written in tmp_path from tests/sheets.py (invented text); nothing touches data/.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from briefgen.cli import cli
from briefgen.factsheets import read_tree, save_tree, sheet_path, sheet_to_tree
from briefgen.models import Quote, Source
from briefgen.render import RenderOptions, display_quote, render_html, render_pdf
from tests.sheets import TEXTS, event, quote, sample_sheet

EPOCH = "1720000000"  # 2024-07-03


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    """A data directory with the invented Bolivia sheet, and its corpus."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data, corpus, out = tmp_path / "data", tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for doc, text in TEXTS.items():
        (corpus / f"{doc}.txt").write_text(text + "\n", encoding="utf-8")
    save_tree(sheet_path(data, "bo"), sheet_to_tree(sample_sheet()))
    return {"data": data, "corpus": corpus, "out": out, "sheet": sheet_path(data, "bo")}


def build(p: dict[str, Path], *extra: str, formats: str = "html"):
    return invoke(
        "build", "bo", "--format", formats, "--data", str(p["data"]), "--out", str(p["out"]), *extra
    )


def html_of(p: dict[str, Path], name: str = "bo.html") -> str:
    return (p["out"] / name).read_text(encoding="utf-8")


def _set_in_sheet(path: Path, old: str, new: str) -> int:
    """Replace text in a sheet file; RETURNS the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


# --------------------------------------------------------------------------- verification


def test_render_build_refuses_a_tampered_quote_naming_its_line(project):
    line = _set_in_sheet(
        project["sheet"], "Foreign Minister Ana Ruiz visited", "Foreign Minister Ana Ruiz toured"
    )
    result = build(project, "--corpus", str(project["corpus"]))
    assert result.exit_code == 1, result.output
    assert f"{project['sheet']}:{line} events[" in result.output
    assert "toured" in result.output and "visited" in result.output
    assert "Traceback" not in result.output
    assert not (project["out"] / "bo.html").exists()  # nothing half-built
    assert not (project["data"] / "editions").exists()


def test_render_build_with_corpus_says_quotes_were_checked_now(project):
    result = build(project, "--corpus", str(project["corpus"]))
    assert result.exit_code == 0, result.output
    page = html_of(project)
    assert "was checked against its source’s text when this briefing was built" in page
    assert "para. 1" in page  # the locator a reader understands


def test_render_build_without_corpus_says_quotes_were_checked_at_review(project):
    result = build(project)
    assert result.exit_code == 0, result.output
    assert (
        "The quotes were checked against their sources at review time (1 August 2022), "
        "not when this briefing was built."
    ) in html_of(project)


def test_render_build_takes_the_corpus_from_the_config_file(project, tmp_path, monkeypatch):
    (tmp_path / "briefgen.toml").write_text(f'corpus = "{project["corpus"]}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _set_in_sheet(
        project["sheet"], "Two Russian instructors arrived", "Two Russian generals arrived"
    )
    result = build(project)
    assert result.exit_code == 1 and "generals" in result.output, result.output


# --------------------------------------------------------------------------- readiness


def test_render_build_marks_an_unready_briefing_draft_and_strict_fails(project):
    tree = read_tree(project["sheet"])
    tree["bottom_line"] = None
    tree["key_judgments"] = []
    save_tree(project["sheet"], tree)
    result = build(project)
    assert result.exit_code == 0, result.output
    page = html_of(project)
    assert "DRAFT — not ready for release" in page
    assert "no bottom line, no key judgments" in page
    assert "marked DRAFT" in result.output  # the warning
    strict = build(project, "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.output, strict.output
    listed = invoke("list", "--data", str(project["data"]), "--format", "json")
    row = json.loads(listed.output)[0]
    assert row["ready"] is False and "no bottom line" in row["missing"]


def test_render_build_ready_briefing_has_no_draft_mark(project):
    assert build(project, "--strict").exit_code == 0
    assert "DRAFT" not in html_of(project)
    row = json.loads(invoke("list", "--data", str(project["data"]), "--format", "json").output)[0]
    assert row["ready"] is True and row["edition"] == 1


# --------------------------------------------------------------------------- currency


def test_render_build_prints_the_information_cutoff_and_edition(project):
    assert build(project).exit_code == 0
    tree = HTMLParser(html_of(project))
    cutoff = tree.css_first(".bg-cutoff").text()
    assert "latest source July 2022" in cutoff and "latest dated event May 2022" in cutoff
    meta = tree.css_first(".bg-meta").text()
    assert "Edition" in meta and "1" in meta


def test_render_undated_events_grouped_with_the_date_of_their_source():
    sheet = sample_sheet()
    sheet.events[1].date = None  # the reactor deal, reported by alpha (2022-06-01) and beta
    html = render_html(sheet, RenderOptions())
    group = HTMLParser(html).css_first("tbody.bg-undated")
    assert group is not None and "Undated" in group.css_first("th").text()
    assert "Reported 1 June 2022" in group.text()  # the earlier of its two sources
    assert "one undated event listed by the date of its source" in html


# --------------------------------------------------------------------------- editions


def test_render_build_editions_and_changes_section(project):
    first = build(project, formats="html,fragment")
    assert first.exit_code == 0, first.output
    editions = project["data"] / "editions" / "bo"
    assert sorted(p.name for p in editions.iterdir()) == ["1.json"]
    assert 'id="changes"' not in html_of(project)
    # An unchanged rebuild keeps the number and records nothing.
    assert build(project, formats="html").exit_code == 0
    assert sorted(p.name for p in editions.iterdir()) == ["1.json"]
    # The analyst accepts a new event: the next build is edition 2 and says so.
    tree = read_tree(project["sheet"])
    new = event(
        "energy_deal",
        "Lithium survey agreed",
        "2022-05",
        quote("beta", "Officials in La Paz deny"),
        status="accepted",
    )
    from briefgen.factsheets import event_to_map

    tree["events"].append(event_to_map(new))
    save_tree(project["sheet"], tree)
    second = build(project, formats="html,fragment")
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in editions.iterdir()) == ["1.json", "2.json"]
    for name in ("bo.html", "bo.fragment.html"):
        section = HTMLParser(html_of(project, name)).css_first("section#changes")
        assert section is not None, name
        text = section.text()
        assert "Changes since edition 1 (3 July 2024)" in text
        assert "New event" in text and "Lithium survey agreed" in text
    record = json.loads((editions / "2.json").read_text(encoding="utf-8"))
    assert record["edition"] == 2 and record["date"] == "2024-07-03" and record["hash"]
    # `briefgen diff` prints the same.
    diff = invoke("diff", "bo", "--data", str(project["data"]), "--format", "json")
    assert diff.exit_code == 0, diff.output
    found = json.loads(diff.output)
    assert found["since"]["number"] == 1 and found["edition"] == 2
    assert [e["title"] for e in found["changes"]["new_events"]] == ["Lithium survey agreed"]
    text = invoke("diff", "bo", "--data", str(project["data"]), "--since", "1")
    assert "New event: Lithium survey agreed (May 2022)" in text.output


def test_render_build_withdrawn_and_changed_events_are_listed(project):
    assert build(project).exit_code == 0
    _set_in_sheet(
        project["sheet"],
        "title: Bolivian foreign minister in Moscow",
        "title: Foreign minister Ruiz in Moscow",
    )
    tree = read_tree(project["sheet"])
    training = next(e for e in tree["events"] if e["category"] == "military_cooperation")
    training["status"] = "rejected"
    save_tree(project["sheet"], tree)
    assert build(project).exit_code == 0
    section = HTMLParser(html_of(project)).css_first("section#changes").text()
    assert "Withdrawn" in section and "rejected on review" in section
    assert "Foreign minister Ruiz in Moscow" in section and "title (was Bolivian" in section


def test_render_build_no_edition_and_drafts_record_nothing(project):
    assert build(project, "--no-edition").exit_code == 0
    assert not (project["data"] / "editions").exists()
    assert build(project, "--include-proposed").exit_code == 0
    assert not (project["data"] / "editions").exists()
    none = invoke("diff", "bo", "--data", str(project["data"]))
    assert none.exit_code == 2 and "no edition recorded" in none.output


def test_render_build_reproducible_with_editions(project, tmp_path):
    assert build(project, formats="pdf,html").exit_code == 0
    first = (project["out"] / "bo.pdf").read_bytes(), html_of(project)
    assert build(project, formats="pdf,html").exit_code == 0  # the same edition again
    assert ((project["out"] / "bo.pdf").read_bytes(), html_of(project)) == first


# --------------------------------------------------------------------------- map


def test_render_map_svg_in_every_format(project):
    result = build(project, "--corpus", str(project["corpus"]), formats="pdf,html,fragment")
    assert result.exit_code == 0, result.output
    for name in ("bo.html", "bo.fragment.html"):
        tree = HTMLParser(html_of(project, name))
        svg = tree.css_first("figure.bg-map svg")
        assert svg is not None and svg.attributes["role"] == "img", name
        assert len(svg.css("path")) >= 3  # Bolivia and neighbours
        assert "La Paz" in tree.css_first("figure.bg-map figcaption").text()
        assert "La Paz" in svg.css_first("desc").text()
        assert "<script" not in html_of(project, name)
    reader = pypdf.PdfReader(io.BytesIO((project["out"] / "bo.pdf").read_bytes()))
    first_page = reader.pages[0].extract_text()
    assert "Natural Earth · GeoNames" in first_page  # the SVG's own text, drawn


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "stored,shown",
    [
        ('"Venezuela\'s president met Putin."', "Venezuela's president met Putin."),
        ("“Both sides signed.”", "Both sides signed."),
        ('"The deal was signed, he said', "The deal was signed, he said"),
        (
            'The minister called it "historic" on Monday.',
            "The minister called it ‘historic’ on Monday.",
        ),
        ("shake\n   hands  during\ta meeting", "shake hands during a meeting"),
        ("plain words", "plain words"),
    ],
)
def test_render_display_quote_one_pair_of_marks(stored, shown):
    assert display_quote(stored) == shown


def test_render_quotes_shown_once_with_count_and_no_doubled_marks():
    sheet = sample_sheet()
    text = TEXTS["alpha"]
    start = text.index("Rosatom signed")
    caption = '"Rosatom signed a deal\nto build a research reactor"'
    twice = [
        Quote("alpha", caption, start, start + 10),
        Quote("alpha", caption, start + 20, start + 30),
    ]
    sheet.events[1].evidence = twice
    html = render_html(sheet, RenderOptions())
    node = HTMLParser(html).css_first(f"#briefgen-bo-event-{sheet.events[1].id}")
    quotes = node.css("blockquote")
    assert len(quotes) == 1
    assert "(twice)" in quotes[0].text()
    assert "“Rosatom signed a deal to build a research reactor”" in quotes[0].text()
    assert quotes[0].attributes["data-offsets"].count("alpha:") == 2
    assert not re.search('[“”]"|"[“”]', HTMLParser(html).body.text())


def test_render_source_without_title_is_named_by_its_url():
    sheet = sample_sheet()
    sheet.sources["beta"] = Source(
        doc="beta", url="https://news.example.org/reactor", reliability="C", published="2022-07"
    )
    tree = HTMLParser(render_html(sheet, RenderOptions()))
    row = tree.css_first("#briefgen-bo-src-beta")
    link = row.css_first("a.bg-source-title")
    assert link.attributes["href"] == "https://news.example.org/reactor"
    assert "Untitled" not in row.text()


def test_render_pdf_headings_copy_as_words():
    data = render_pdf(sample_sheet(), RenderOptions())
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "BOTTOM LINE" in text.upper()
    assert "B OT TOM" not in text
