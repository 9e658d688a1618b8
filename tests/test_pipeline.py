"""End to end: the same article saved as txt, html, pdf and cp1252 gives the same facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.extract import extract_corpus
from briefgen.ingest import load_corpus

ARTICLE = Path(__file__).parent / "fixtures" / "pipeline" / "article.txt"

BOILERPLATE_HTML = """<!DOCTYPE html><html lang="en"><head><title>{title}</title>
<meta property="article:published_time" content="2018-05-02T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>{title}</h1>{paragraphs}</article>
<aside class="related"><h2>Related</h2>
<ul><li><a href="/a">Oil prices rise again</a></li></ul></aside>
<section id="comments"><h2>Comments</h2><p>reader42: Great article!</p></section>
<footer>© 2018 Example Media. All rights reserved.</footer></body></html>"""


def _variants(tmp_path: Path) -> dict[str, Path]:
    text = ARTICLE.read_text(encoding="utf-8")
    title, *paragraphs = [p for p in text.split("\n\n") if p.strip()]
    folders = {}
    for kind in ("txt", "html", "pdf", "cp1252"):
        folder = tmp_path / kind
        folder.mkdir()
        folders[kind] = folder
    (folders["txt"] / "article.txt").write_text(text, encoding="utf-8")
    (folders["cp1252"] / "article.txt").write_bytes(text.encode("cp1252"))
    body = "".join(f"<p>{p.strip()}</p>" for p in paragraphs)
    html = BOILERPLATE_HTML.format(title=title.strip(), paragraphs=body)
    (folders["html"] / "article.html").write_text(html, encoding="utf-8")
    weasyprint = pytest.importorskip("weasyprint")
    plain = f"<h1>{title.strip()}</h1>" + body
    weasyprint.HTML(string=plain).write_pdf(folders["pdf"] / "article.pdf")
    manifest = (
        "sources:\n  - file: article.{ext}\n    title: Moscow courts the Andes\n"
        "    published: '2018-05-02'\n    reliability: B\n"
    )
    for kind, folder in folders.items():
        ext = {"cp1252": "txt"}.get(kind, kind)
        (folder / "sources.yaml").write_text(manifest.format(ext=ext), encoding="utf-8")
    return folders


def _key(fact) -> tuple:
    quote = re.sub(r"\s+", " ", fact.quote.text).strip()
    return fact.country, fact.category, fact.date, quote


def test_pipeline_same_article_in_every_format_gives_same_facts(tmp_path):
    results = {}
    for kind, folder in _variants(tmp_path).items():
        docs = load_corpus(folder, cache_dir=False)
        assert len(docs) == 1, kind
        facts = list(extract_corpus(docs))
        for f in facts:
            assert docs[0].text[f.quote.start : f.quote.end] == f.quote.text
        results[kind] = sorted(_key(f) for f in facts)
    reference = results["txt"]
    assert {(c, cat) for c, cat, _d, _q in reference} >= {
        ("PE", "diplomatic_visit"),
        ("PE", "military_cooperation"),
        ("BO", "energy_deal"),
    }
    for kind, found in results.items():
        assert found == reference, kind


ESPT = Path(__file__).parent / "fixtures" / "pipeline" / "espt"


def test_pipeline_spanish_and_portuguese_articles_reach_the_briefings(tmp_path):
    """Two invented articles, one Spanish and one Portuguese (no language in the
    manifest): update proposes their events, build shows them with their quotes."""
    import shutil

    from click.testing import CliRunner

    from briefgen.cli import cli

    corpus, data, out = tmp_path / "corpus", tmp_path / "data", tmp_path / "out"
    shutil.copytree(ESPT, corpus)
    runner = CliRunner()
    result = runner.invoke(cli, ["update", "--corpus", str(corpus), "--data", str(data), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (data / "factsheets").glob("*.yaml")) == ["bo.yaml", "pe.yaml"]
    result = runner.invoke(
        cli,
        [
            "build",
            "pe",
            "bo",
            "--format",
            "html",
            "--data",
            str(data),
            "--out",
            str(out),
            "--include-proposed",
        ],
    )
    assert result.exit_code == 0, result.output
    peru = (out / "pe.html").read_text(encoding="utf-8")
    bolivia = (out / "bo.html").read_text(encoding="utf-8")
    assert "venta de helicópteros rusos al ejército de Perú" in peru
    assert "visitó Lima" in peru
    assert "construir um centro de pesquisa nuclear em El Alto" in bolivia


def test_pipeline_reconcile_cache_key_follows_the_extractor(monkeypatch):
    # the same documents extracted by other code give other facts: a country's cached
    # reconciliation must not be served for them (it crashed pairing facts with events)
    from briefgen import factcache, partition

    before = partition.task_key("PE", ["doc-key"], [], [])
    monkeypatch.setattr(factcache, "extractor_version", lambda: "another extractor")
    assert partition.task_key("PE", ["doc-key"], [], []) != before


@pytest.mark.parametrize(
    "text",
    [
        "Talks in Caracas and Havana; nothing about anyone else.",
        "A Sino-Venezuelan fund and Russo-Cuban ties.",
        "PERU AND BOLIVIA SIGN A DEAL WITH MOSCOW",
        "Côte d’Ivoire and Guinea-Bissau, then Niger but not Nigeria.",
        "Ortega met Putin; Lula spoke later.",
        "No country at all.",
    ],
)
@pytest.mark.parametrize("region", ["latin_america", "africa"])
def test_pipeline_country_finder_skips_only_countries_a_text_cannot_name(text, region):
    # the first-word filter decides which countries' patterns run, never the answer
    from briefgen.partition import CountryFinder, reconcile_lexicon

    finder = CountryFinder(reconcile_lexicon("russia", region))
    every = tuple(
        sorted(
            code
            for code, terms, leaders in finder.countries
            if terms.search(text) or any(s.search(text) for s in leaders)
        )
    )
    assert finder.touched(text) == every
