"""Browser checks of rendered briefings: Nu HTML checker, axe-core, computed styles.

They need a JRE (java), node, Chromium and the npm dev dependencies (`npm ci` in the repo:
vnu-jar, axe-core, playwright-core); each test skips with the reason when one is missing.
One Chromium run (tests/browser/check.mjs) serves every axe and style check of the module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from briefgen.editions import compare, edition_content
from briefgen.render import RenderOptions, render_html
from tests.test_render import make_sample_sheet

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHECK_SCRIPT = ROOT / "tests" / "browser" / "check.mjs"
CHROMIUM = (
    os.environ.get("CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
    or "/usr/bin/chromium"
)
OPTIONS = RenderOptions(generated=date(2024, 7, 15))

# Styles a host page commonly sets on bare elements (a CMS theme plus a Bootstrap-like
# reboot); the fragment must look the same inside it as on a blank page.
HOST_CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 18px/1.8 Georgia, serif; color: #202020; background: #fbfbf8; }
h1, h2, h3, h4 { margin: 1.5em 0 .5em; font-family: Impact, sans-serif; font-weight: 500;
  line-height: 1.2; color: #b00020; text-transform: uppercase; letter-spacing: 2px; }
p { margin: 0 0 1.5em; font-size: 19px; line-height: 2; color: #115511; }
a { color: #c000c0; font-weight: bold; text-decoration: none; }
a:hover { text-decoration: underline; }
table { margin: 2em 0; border: 3px solid #000; border-collapse: separate;
  border-spacing: 4px; caption-side: bottom; }
th, td { padding: 12px; border: 1px solid #999; text-align: center;
  vertical-align: middle; background: #ffffee; }
th { font-weight: 700; text-align: inherit; }
ul, ol { margin: 1em 0; padding-left: 2.5em; }
li { margin-bottom: .75em; list-style: square; }
blockquote { margin: 2em; padding: 1em 1.5em; font-size: 22px; font-style: normal;
  background: #eeeeee; border-left: 8px solid #b00020; }
figure { margin: 2em 3em; }
figcaption { font-size: 14px; color: #777777; text-align: center; }
dl { margin: 0 0 1em; } dt { font-weight: 700; } dd { margin: 0 0 .5em 1.5em; }
section, article, header { margin: 1em 0; padding: 1em; border: 1px dotted #cccccc; }
img, svg { max-width: 100%; vertical-align: middle; }
strong, b { font-weight: bolder; }
time { font-style: italic; }
.title, .meta, .summary, .sources, .timeline, .grade, .badge, .note, .overview {
  color: #9a3d00; font-size: 30px; border: 2px solid #9a3d00; }
"""
HOST_BODY = """
<header data-key="header" class="meta"><p data-key="brand" class="title">Host site</p>
<nav aria-label="Site"><ul data-key="nav"><li data-key="nav-li"><a data-key="nav-a"
href="#top">Home</a></li></ul></nav></header>
<main id="top"><h1 data-key="h1">Host page</h1>
<p data-key="p" class="summary">A host paragraph with <a data-key="a" href="#top">a link</a>
and <strong data-key="strong">strong text</strong>.</p>
<h2 data-key="h2" class="overview">Host section</h2>
<table data-key="table"><caption data-key="caption">Host table</caption><thead><tr>
<th data-key="th" scope="col">Key</th><th scope="col">Value</th></tr></thead><tbody><tr>
<td data-key="td" class="grade">A</td><td>1</td></tr></tbody></table>
<blockquote data-key="blockquote" class="note"><p>Quoted host text.</p></blockquote>
<ul data-key="ul"><li data-key="li" class="badge">Item</li></ul>
<section data-key="section" class="sources" aria-label="Host sources">
<p data-key="section-p" class="timeline">Sources</p></section>
<div id="slot">{fragment}</div>
</main>
"""
PROPERTIES = [
    "color",
    "background-color",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "letter-spacing",
    "text-transform",
    "text-align",
    "text-decoration-line",
    "vertical-align",
    "display",
    "list-style-type",
    "border-collapse",
    "caption-side",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border-top-width",
    "border-right-width",
    "border-bottom-width",
    "border-left-width",
    "border-top-style",
    "border-left-style",
    "border-top-color",
    "border-left-color",
]


def _require(condition: bool, reason: str) -> None:
    if not condition:
        pytest.skip(reason)


def _host_page(fragment: str, css: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Host page</title><style>{css}</style></head><body>"
        f"{HOST_BODY.replace('{fragment}', fragment)}</body></html>\n"
    )


def _edition(sheet) -> dict:
    """A second edition whose "Changes since" section lists each kind of change."""
    before = make_sample_sheet()
    del before.events[0]  # so it is new now
    before.events[0].title = "An older title"
    before.events[1].date = "2019"
    before.key_judgments[0].confidence = "moderate"
    before.disagreements = before.disagreements[:1]
    changes = compare(edition_content(before), edition_content(sheet), sheet)
    return {
        "number": 2,
        "date": "2024-07-15",
        "date_text": "15 July 2024",
        "recorded": True,
        "since": {"number": 1, "date": "2024-06-01", "date_text": "1 June 2024"},
        "changes": changes,
    }


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The sample briefing standalone, and host pages with and without the fragment."""
    out = tmp_path_factory.mktemp("browser")
    sheet = make_sample_sheet()
    edition = _edition(sheet)
    fragment = render_html(sheet, OPTIONS, fragment=True, edition=edition)
    files = {
        "standalone": render_html(sheet, OPTIONS, edition=edition),
        "host": _host_page("", HOST_CSS),
        "host_with_fragment": _host_page(fragment, HOST_CSS),
        "blank_with_fragment": _host_page(fragment, ""),
    }
    paths = {}
    for name, html in files.items():
        paths[name] = out / f"{name}.html"
        paths[name].write_text(html, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def browser(pages, tmp_path_factory) -> dict[str, object]:
    """Results of one Chromium run: axe on two pages, computed styles on four."""
    _require(shutil.which("node") is not None, "node not installed (apt-get install nodejs)")
    _require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (set CHROMIUM)")
    _require(
        (NODE_MODULES / "playwright-core").is_dir() and (NODE_MODULES / "axe-core").is_dir(),
        "npm dev dependencies missing; run `npm ci` in the repository",
    )
    uri = {name: path.as_uri() for name, path in pages.items()}
    host_keys = "[data-key]"
    fragment_nodes = ".briefgen, .briefgen *:not(style)"
    jobs = [
        {"kind": "axe", "url": uri["standalone"]},
        {"kind": "axe", "url": uri["host_with_fragment"]},
        {"kind": "styles", "url": uri["host"], "selector": host_keys, "properties": PROPERTIES},
        {
            "kind": "styles",
            "url": uri["host_with_fragment"],
            "selector": host_keys,
            "properties": PROPERTIES,
        },
        {
            "kind": "styles",
            "url": uri["blank_with_fragment"],
            "selector": fragment_nodes,
            "properties": PROPERTIES,
        },
        {
            "kind": "styles",
            "url": uri["host_with_fragment"],
            "selector": fragment_nodes,
            "properties": PROPERTIES,
        },
    ]
    job_file = tmp_path_factory.mktemp("jobs") / "jobs.json"
    job_file.write_text(json.dumps(jobs), encoding="utf-8")
    run = subprocess.run(
        ["node", str(CHECK_SCRIPT), str(job_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    return {"axe": results[0:2], "styles": results[2:6], "requests": results[6]}


def _styles(result: dict) -> dict[str, dict[str, str]]:
    return {item["key"]: item["values"] for item in result["styles"]}


def test_render_browser_html_passes_nu_checker(pages):
    _require(shutil.which("java") is not None, "no JRE (apt-get install default-jre-headless)")
    _require(VNU_JAR.is_file(), "vnu-jar missing; run `npm ci` in the repository")
    run = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            str(pages["standalone"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    assert messages == [], json.dumps(messages, indent=1)[:3000]


@pytest.mark.parametrize("index,page", [(0, "standalone"), (1, "host page with fragment")])
def test_render_browser_axe_finds_no_serious_violation(browser, index, page):
    violations = [
        v for v in browser["axe"][index]["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert violations == [], f"{page}: {json.dumps(violations, indent=1)}"


def test_render_browser_makes_no_external_requests(browser):
    assert browser["requests"]["external"] == []


def test_render_browser_fragment_leaves_host_styles_unchanged(browser):
    before, after = (_styles(r) for r in browser["styles"][0:2])
    assert len(before) >= 15
    assert after == before


def test_render_browser_fragment_resists_host_styles(browser):
    blank, hosted = (browser["styles"][2]["styles"], browser["styles"][3]["styles"])
    assert len(blank) == len(hosted) > 100
    changed = []
    for plain, styled in zip(blank, hosted, strict=True):
        diff = {
            p: (plain["values"][p], styled["values"][p])
            for p in PROPERTIES
            if plain["values"][p] != styled["values"][p]
        }
        if diff:
            changed.append((plain["key"], diff))
    by_property: dict[str, list[str]] = {}
    for key, diff in changed:
        for prop, values in diff.items():
            by_property.setdefault(prop, []).append(f"{key}: {values[0]} → {values[1]}")
    assert changed == [], json.dumps(
        {p: v[:4] for p, v in by_property.items()}, indent=1, ensure_ascii=False
    )
