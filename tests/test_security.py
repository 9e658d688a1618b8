"""Security: hostile sheet and corpus text renders inert; paths, kills and races lose nothing.

Threat → test map: docs/security.md. Every sheet here is invented; none of the text comes
from the sample corpus.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.errors import RenderError
from briefgen.factsheets import save_tree, sheet_path, sheet_to_tree
from briefgen.ingest import load_corpus
from briefgen.models import (
    Claim,
    Disagreement,
    Event,
    FactSheet,
    KeyJudgment,
    Quote,
    Source,
)
from briefgen.render import (
    RenderOptions,
    clean_text,
    render_html,
    render_pdf,
    safe_link,
    write_briefing,
)
from tests.sheets import sample_sheet

ROOT = Path(__file__).resolve().parents[1]
FIXED = RenderOptions(generated=date(2024, 7, 15))

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(2)">',
    "style": "}</style><style>body{display:none}",
    "jinja": "Q{{ 7*7 }}Q",
    "jinja_block": "{% raw %}R{% endraw %}",
    "attr": '" onmouseover="alert(4)" x="',
    "js_url": "javascript:alert(3)",
    "control": "c\x00o\x07n\x1bt\x0cr\x7fol",
    "bidi": "left\u202eevil\u202c\u2066iso\u2069\u2067x\u2068y\u2069",
}
HOSTILE = " ".join(PAYLOADS.values())
CONTROL_OR_BIDI = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Source URLs: only the first two may become links.
URLS = {
    "https://example.org/ok?a=1&b=2": True,
    "HTTP://EXAMPLE.NET/CAPS": True,
    "javascript:alert(3)": False,
    "JaVaScRiPt:alert(5)": False,
    " javascript:alert(6)": False,
    "data:text/html,<script>alert(7)</script>": False,
    "file:///etc/passwd": False,
    "//evil.example/protocol-relative": False,
    "https://": False,
    "vbscript:msgbox(8)": False,
    "https://exa mple.org/space": False,
}


def hostile_sheet(country: str = "BO") -> FactSheet:
    """Every free-text field of a sheet holds every payload; doc ids look like markup."""
    docs = [f"doc{i}<img src=x onerror=alert({i})>" for i in range(len(URLS))]
    text = f"quoted {HOSTILE}"

    def quote(i: int) -> Quote:
        return Quote(docs[i % len(docs)], text, 10 * i, 10 * i + len(text))

    events = [
        Event(
            id=f"e-{i}<b>",
            country=country,
            category=category,
            title=f"Title {i} {HOSTILE}",
            date=f"2021-0{i + 1}-1{i}",
            summary=f"Summary {HOSTILE}",
            actors=[HOSTILE, "Agency"],
            evidence=[quote(i), quote(i + 3)],
            reliability="B",
            credibility=2,
            status="accepted",
            notes=f"Note {HOSTILE}",
            confidence=f"high {HOSTILE}",
        )
        for i, category in enumerate(["diplomatic_visit", "military_cooperation", "energy_deal"])
    ]
    dispute = Disagreement(
        country=country,
        topic=f"Topic {HOSTILE}",
        kind="value_conflict",
        status="accepted",
        notes=f"Dispute note {HOSTILE}",
        claims=[Claim(quote(5), f"Position {HOSTILE}"), Claim(quote(6), "Other")],
    )
    sources = {
        doc: Source(
            doc=doc,
            title=f"Source {HOSTILE}",
            author=HOSTILE,
            publisher=HOSTILE,
            published="2022-01-01",
            reliability="C",
            kind=HOSTILE,
            url=url,
        )
        for doc, url in zip(docs, URLS, strict=True)
    }
    # Cite every source, so each URL appears in the list.
    events[0].evidence.extend(quote(i) for i in range(len(docs)))
    return FactSheet(
        country=country,
        power=f"Power {HOSTILE}",
        events=events,
        disagreements=[dispute],
        key_judgments=[KeyJudgment(f"Judgment {HOSTILE}", f"moderate {HOSTILE}", [events[0].id])],
        sources=sources,
        bottom_line=f"Bottom {HOSTILE}",
        outlook=f"Outlook {HOSTILE}",
        reviewer=f"Reviewer {HOSTILE}",
        reviewed="2024-01-02",
    )


class _Markup(HTMLParser):
    """Collects every start tag with its attributes, and the text inside <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_text.append(data)


def markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def hostile_outputs() -> dict[str, object]:
    sheet = hostile_sheet()
    options = dataclasses.replace(FIXED, handling=f"SECRET {HOSTILE}")
    clean = sample_sheet()
    return {
        "html": render_html(sheet, options),
        "fragment": render_html(sheet, options, fragment=True),
        "pdf": render_pdf(sheet, options),
        "policy_html": render_html(sheet, dataclasses.replace(options, content_policy=True)),
        "baseline_html": render_html(clean, FIXED),
        "baseline_fragment": render_html(clean, FIXED, fragment=True),
    }


# --------------------------------------------------------------------------- injection


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_security_injected_markup_creates_no_live_tags(hostile_outputs, fmt):
    found = markup(hostile_outputs[fmt])
    baseline = markup(hostile_outputs[f"baseline_{fmt}"])
    tags = {t for t, _ in found.tags}
    assert tags <= {t for t, _ in baseline.tags}, tags - {t for t, _ in baseline.tags}
    assert "script" not in tags and "img" not in tags
    assert sum(t == "style" for t, _ in found.tags) == sum(t == "style" for t, _ in baseline.tags)
    assert "display:none" not in "".join(found.style_text)


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_security_injected_markup_creates_no_handlers_or_script_urls(hostile_outputs, fmt):
    for tag, attrs in markup(hostile_outputs[fmt]).tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "xlink:href"):
            value = (attrs.get(name) or "").strip().lower()
            assert value.startswith(("#", "http://", "https://")) or not value, (tag, attrs)


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_security_jinja_syntax_in_data_stays_literal(hostile_outputs, fmt):
    html = hostile_outputs[fmt]
    assert "Q{{ 7*7 }}Q" in html
    assert "Q49Q" not in html
    assert "{% raw %}R{% endraw %}" in html


@pytest.mark.parametrize("fmt", ["html", "fragment", "pdf"])
def test_security_control_and_bidi_characters_are_stripped(hostile_outputs, fmt):
    if fmt == "pdf":
        text = "".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(hostile_outputs["pdf"])).pages
        )
    else:
        text = hostile_outputs[fmt]
    assert not CONTROL_OR_BIDI.search(text)
    # What was around them survives, in stored order.
    assert "control" in text and "leftevilisoxy" in squash(text)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("a\x00b", "ab"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("cr\r\nlf", "cr\nlf"),
        ("\u202eabc\u202c", "abc"),
        ("\u2066x\u2069", "x"),
        ("mark\u200fkept", "mark\u200fkept"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("", ""),
    ],
)
def test_security_clean_text(value, expected):
    assert clean_text(value) == expected


def test_security_pdf_shows_payloads_as_literal_text(hostile_outputs):
    text = squash(
        "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(hostile_outputs["pdf"])).pages)
    )
    for name in ("script", "img", "style", "jinja", "jinja_block"):
        assert squash(PAYLOADS[name]) in text, name


def test_security_pdf_links_are_http_only_and_has_no_javascript(hostile_outputs):
    data = hostile_outputs["pdf"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris and all(u.lower().startswith(("http://", "https://")) for u in uris), uris
    assert b"/JavaScript" not in data and b"/JS " not in data
    assert "/OpenAction" not in reader.trailer["/Root"]


@pytest.mark.parametrize("url,linked", list(URLS.items()))
def test_security_source_links_only_http(hostile_outputs, url, linked):
    href, text = safe_link(url)
    assert (href is not None) == linked
    assert text == url.strip() or (text is None and not url.strip())
    anchors = [
        a
        for t, a in markup(hostile_outputs["html"]).tags
        if t == "a" and "bg-url" in (a.get("class") or "")
    ]
    hrefs = {a["href"] for a in anchors}
    assert (url in hrefs) == linked
    assert all(set((a.get("rel") or "").split()) >= {"noopener", "noreferrer"} for a in anchors)


def test_security_unlinked_source_url_is_printed_as_text(hostile_outputs):
    body = markup(hostile_outputs["html"])
    assert "javascript:alert(3)" in hostile_outputs["html"]  # shown, as text
    assert not any((a.get("href") or "").lower().startswith("javascript") for _, a in body.tags)


def test_security_sheet_from_yaml_renders_inert(tmp_path):
    """The same payloads through the YAML loader (the analyst's file), not just the model."""
    sheet = hostile_sheet()
    # The schema admits only http(s) URLs, plain ids and known confidence words.
    for source in sheet.sources.values():
        source.url = 'https://example.org/"><script>alert(9)</script>'
    for n, event in enumerate(sheet.events):
        event.id, event.confidence = f"e-{n}", "high"
    sheet.key_judgments[0].confidence, sheet.key_judgments[0].events = "low", ["e-0"]
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sheet))
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "bo",
            "--format",
            "html,fragment",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("bo.html", "bo.fragment.html"):
        found = markup((tmp_path / "out" / name).read_text(encoding="utf-8"))
        assert not {"script", "img"} & {t for t, _ in found.tags}
        assert not [a for _, attrs in found.tags for a in attrs if a.startswith("on")]


def test_security_doc_ids_become_slugged_anchors_only(tmp_path):
    """Corpus file names that look like markup or paths never reach a file name or a raw id."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = [
        "<img src=x onerror=alert(1)>.txt",
        "x..%2f..%2fetc%2fpasswd.txt",
        "a\"b'c.txt",
        "..hidden-dots...txt",
    ]
    for name in names:
        (corpus / name).write_text("Officials met in the capital on 3 May 2021 to talk.\n")
    docs = load_corpus(corpus, cache_dir=False)
    # Dot files are never read (they are hidden, like .briefgen); the rest keep their names.
    assert {d.id for d in docs} == {Path(n).stem for n in names if not n.startswith(".")}
    quote_text = "Officials met in the capital"
    sheet = FactSheet(
        country="BO",
        events=[
            Event(
                id="e-1",
                country="BO",
                category="diplomatic_visit",
                title="Meeting",
                date="2021-05-03",
                status="accepted",
                evidence=[Quote(d.id, quote_text, 0, len(quote_text)) for d in docs],
            )
        ],
        sources={d.id: d.to_source() for d in docs},
    )
    out = tmp_path / "out"
    written = write_briefing(sheet, out, ["html"], FIXED)
    assert sorted(p.name for p in out.iterdir()) == ["bo.html"] == [written["html"].name]
    found = markup(written["html"].read_text(encoding="utf-8"))
    ids = [a["id"] for _, a in found.tags if a.get("id")]
    hrefs = [a["href"] for t, a in found.tags if t == "a" and a["href"].startswith("#")]
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids
    assert all(re.fullmatch(r"#[a-z0-9-]+", h) for h in hrefs), hrefs
    assert "img" not in {t for t, _ in found.tags}


# --------------------------------------------------------------------------- fetching


def test_security_pdf_fetches_nothing_outside_the_package(tmp_path, monkeypatch, caplog):
    """Template overrides pointing at the network or the file system: refused, logged."""
    import socket

    from weasyprint.urls import URLFetcher

    (tmp_path / "_body.html").write_text(
        '{% extends "default:_body.html" %}{% block logo %}'
        '<img src="http://example.com/x.png" alt=""><img src="file:///etc/passwd" alt="">'
        '<img src="../../../../etc/hostname" alt="">{% endblock %}',
        encoding="utf-8",
    )
    (tmp_path / "briefing.html").write_text(
        '{% extends "default:briefing.html" %}{% block head_extra %}'
        '<link rel="stylesheet" href="https://example.com/evil.css">{% endblock %}'
        '{% block extra_css %}@import url("file:///etc/passwd");'
        "body { background: url(http://example.com/bg.png) }{% endblock %}",
        encoding="utf-8",
    )
    fetched: list[str] = []
    real_fetch = URLFetcher.fetch

    def spy(self, url, *args, **kwargs):
        fetched.append(url)
        return real_fetch(self, url, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    sheet = sample_sheet()
    sheet.sources["alpha"].url = "http://example.com/tracker.png"
    with caplog.at_level(logging.WARNING):
        pdf = render_pdf(sheet, dataclasses.replace(FIXED, templates_dir=tmp_path))
    assert pdf.startswith(b"%PDF-")
    outside = [u for u in fetched if not u.startswith("data:")]
    assert outside == [], outside  # the base fetcher was never reached for these
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "example.com" in refused and "/etc/passwd" in refused


# --------------------------------------------------------------------------- paths


@pytest.fixture
def data_dir(tmp_path) -> Path:
    data = tmp_path / "data"
    save_tree(sheet_path(data, "bo"), sheet_to_tree(sample_sheet()))
    return data


@pytest.mark.parametrize(
    "country",
    [
        "../bo",
        "/etc/passwd",
        "bo/../../x",
        "CON",
        "NUL",
        "bo\x00",
        "..",
        "~/bo",
        "C:\\bo",
        "bo.yaml",
    ],
)
def test_security_path_like_country_exits_2(data_dir, tmp_path, country):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", country, "--format", "html", "--data", str(data_dir), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_security_out_is_a_file_exits_2(data_dir, tmp_path):
    target = tmp_path / "not-a-dir"
    target.write_text("keep me")
    result = CliRunner().invoke(
        cli, ["build", "bo", "--format", "html", "--data", str(data_dir), "--out", str(target)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and target.read_text() == "keep me"


def test_security_out_below_a_file_is_a_clear_error(data_dir, tmp_path):
    target = tmp_path / "not-a-dir"
    target.write_text("keep me")
    result = CliRunner().invoke(
        cli,
        ["build", "bo", "--format", "html", "--data", str(data_dir), "--out", str(target / "sub")],
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and str(target / "sub") in result.output
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("country", ["../x", "b/o", "", "B\n", "bo.", "\u0431\u043e"])
def test_security_write_briefing_refuses_path_like_country(tmp_path, country):
    sheet = dataclasses.replace(sample_sheet(), country=country)
    with pytest.raises(RenderError, match="two-letter"):
        write_briefing(sheet, tmp_path / "out", ["html"], FIXED)
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- atomic writes


def _big_sheet(n: int) -> FactSheet:
    text = "An invented sentence about a visit, long enough to wrap a line or two in a table."
    events = [
        Event(
            id=f"e-{i:05d}",
            country="BO",
            category=("diplomatic_visit", "military_cooperation", "energy_deal")[i % 3],
            title=f"Invented event {i}",
            date=f"{2000 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            summary="A summary of moderate length.",
            actors=["Ministry", "Agency"],
            evidence=[Quote(f"d{i % 20}", text, i, i + len(text))],
            reliability="B",
            credibility=2,
            status="accepted",
        )
        for i in range(n)
    ]
    return FactSheet(
        country="BO",
        events=events,
        sources={
            f"d{j}": Source(doc=f"d{j}", title=f"Source {j}", url="https://example.org/a")
            for j in range(20)
        },
    )


@pytest.fixture(scope="module")
def slow_build(tmp_path_factory) -> dict[str, Path]:
    """A sheet big enough that its PDF takes several seconds, and a previous briefing."""
    root = tmp_path_factory.mktemp("slow")
    data = root / "data"
    save_tree(sheet_path(data, "bo"), sheet_to_tree(_big_sheet(300)))
    out = root / "out"
    out.mkdir()
    return {"root": root, "data": data, "out": out}


def _start_build(paths: dict[str, Path], *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFGEN_CACHE_DIR": str(paths["root"])}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefgen",
            "build",
            "bo",
            "--format",
            "pdf,html",
            "--data",
            str(paths["data"]),
            "--out",
            str(paths["out"]),
            *extra,
        ],
        cwd=paths["root"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_until_rendering(proc, timeout: float = 30.0) -> None:
    """Wait until the build has loaded Pango (WeasyPrint is rendering), however loaded the
    machine is, so the signal lands mid-render rather than during start-up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if "pango" in Path(f"/proc/{proc.pid}/maps").read_text():
                time.sleep(0.5)
                return
        except OSError:
            pass
        time.sleep(0.1)


@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGKILL, signal.SIGTERM], ids=["SIGINT", "SIGKILL", "SIGTERM"]
)
def test_security_killed_build_keeps_previous_briefing(slow_build, sig):
    out = slow_build["out"]
    previous = {
        "bo.pdf": b"%PDF-1.7 previous briefing\n%%EOF\n",
        "bo.html": b"<!DOCTYPE html><title>previous</title>\n",
    }
    for name, data in previous.items():
        (out / name).write_bytes(data)
    proc = _start_build(slow_build)
    _wait_until_rendering(proc)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert b"Traceback" not in stderr
    for name, data in previous.items():
        assert (out / name).read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == ["bo.html", "bo.pdf"]


def test_security_ctrl_c_stops_a_parallel_build_cleanly(tmp_path):
    """Ctrl-C (SIGINT to the whole process group) during `build --all -j 2`: exit 130 at
    once, previous briefings untouched, no partial or temporary file."""
    data, out = tmp_path / "data", tmp_path / "out"
    for cc in ("BO", "VE"):
        sheet = _big_sheet(300)
        sheet.country = cc
        for event in sheet.events:
            event.country = cc
        save_tree(sheet_path(data, cc), sheet_to_tree(sheet))
    out.mkdir()
    (out / "bo.pdf").write_bytes(b"%PDF-1.7 previous\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFGEN_CACHE_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefgen",
            "build",
            "--all",
            "-j",
            "2",
            "--data",
            str(data),
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(2.5)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr
    assert [p.name for p in out.iterdir()] == ["bo.pdf"]
    assert (out / "bo.pdf").read_bytes() == b"%PDF-1.7 previous\n"


def test_security_stale_temp_files_are_removed_on_next_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = out / f".bo.html.{dead.pid}.k1ll3d.tmp"
    legacy = out / ".bo.html.abc123.tmp"  # no pid in the name
    live = out / f".bo.html.{os.getpid()}.busy.tmp"  # a concurrent writer's, still running
    other = out / f".bo.pdf.{dead.pid}.other.tmp"  # another target: not touched by an html write
    for path in (stale, legacy, live, other):
        path.write_bytes(b"partial")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    write_briefing(sample_sheet(), out, ["html"], FIXED)
    assert not stale.exists() and not legacy.exists()
    assert live.exists() and other.exists()
    assert (out / "bo.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_security_concurrent_builds_give_valid_outputs(data_dir, tmp_path):
    out = tmp_path / "out"
    paths = {"root": tmp_path, "data": data_dir, "out": out}
    procs = [_start_build(paths) for _ in range(2)]
    for proc in procs:
        _stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr.decode()
    assert len(pypdf.PdfReader(str(out / "bo.pdf")).pages) >= 1
    html = (out / "bo.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert sorted(p.name for p in out.iterdir()) == ["bo.html", "bo.pdf"]


# --------------------------------------------------------------------------- limits


def test_security_pdf_over_event_limit_is_refused_with_flag(data_dir, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "bo",
            "--format",
            "pdf",
            "--max-events",
            "2",
            "--data",
            str(data_dir),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "--max-events 3" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("bo.*"))


def test_security_event_limit_zero_means_no_limit():
    options = dataclasses.replace(FIXED, max_events=None)
    assert render_pdf(sample_sheet(), options).startswith(b"%PDF-")
    with pytest.raises(RenderError, match="--max-events"):
        render_pdf(sample_sheet(), dataclasses.replace(FIXED, max_events=1))


def test_security_html_with_5000_events_in_bounded_memory():
    """5,000 events as HTML in a fresh process: its peak memory stays modest."""
    code = (
        "import resource, sys\n"
        "from tests.test_security import _big_sheet\n"
        "from briefgen.render import render_html\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "html = render_html(_big_sheet(5000))\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(html.count('<tr id=\"briefgen-bo-event-'), (after - before) // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    rows, growth_mb = map(int, result.stdout.split())
    assert rows == 5000
    assert growth_mb < 500, growth_mb


def test_security_standalone_page_forbids_scripts_by_policy(hostile_outputs):
    """Content-Security-Policy: even a tag that slipped through escaping could not run."""
    metas = [
        a
        for t, a in markup(hostile_outputs["policy_html"]).tags
        if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1
    policy = {d.split()[0]: d.split()[1:] for d in metas[0]["content"].split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy
    assert policy["base-uri"] == ["'none'"]


# --------------------------------------------------------------------------- concurrency


def _hold_lock(data_dir: str, ready, release) -> None:
    from briefgen.factsheets import data_lock

    with data_lock(Path(data_dir)):
        ready.set()
        release.wait(30)


def test_security_update_lock_held_elsewhere_gives_a_clear_message(tmp_path):
    """A second writer waits for the data lock, then gives up with a message, not a hang."""
    import multiprocessing

    from briefgen.errors import BriefgenError
    from briefgen.factsheets import data_lock

    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(BriefgenError, match="another briefgen update"),
            data_lock(tmp_path, timeout=0.3),
        ):
            pass
    finally:
        release.set()
        holder.join(30)
    assert holder.exitcode == 0
    with data_lock(tmp_path, timeout=1):  # released: the next writer gets it at once
        pass
