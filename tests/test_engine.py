"""Tests for the engine and the fact cache: every engine gives the facts the reference
extractor gives, in the same order; an unchanged document is never extracted twice."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import pytest

from briefgen import engine as engine_mod
from briefgen.engine import run_extraction
from briefgen.errors import UsageError
from briefgen.extract import extract_corpus
from briefgen.factcache import DB_NAME, FactCache, document_key, open_fact_cache
from briefgen.ingest import load_corpus
from briefgen.models import Document, Fact, Quote

# Invented articles (no real event); each names the power and a country of the region.
ARTICLES = {
    "a_andes": "Moscow and Lima\n\nIn March 2011, Russia and Peru signed an agreement on "
    "nuclear energy cooperation in Lima.\n\nA Russian warship docked in Callao in "
    "June 2012 for joint naval exercises with the Peruvian navy.\n",
    "b_plata": "Notes from Montevideo\n\nRussia agreed in 2014 to build a gas pipeline for "
    "Uruguay, officials said.\n\nThe Uruguayan government ordered two helicopters "
    "from Russia in 2015.\n",
    "c_isthmus": "Panama talks\n\nPanama and Russia discussed trade in 2016. Analysts doubt "
    "the plan will happen.\n\nIn May 2017 a Russian delegation visited Panama City "
    "to discuss oil exploration.\n",
    "d_empty": "A short note about the weather in a city far away.\n",
    "e_guiana": "Georgetown, 2019\n\nGuyana and Russia signed a deal on oil exploration in "
    "2019.\n\nRussian officials visited Georgetown in October 2019.\n",
}


def write_corpus(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


def reference(corpus: Path) -> list[dict]:
    """What extraction gives without the engine: extract_corpus over load_corpus."""
    return [f.to_json() for f in extract_corpus(load_corpus(corpus, cache_dir=False))]


def facts_json(extraction) -> list[dict]:
    return [f.to_json() for f in extraction.facts]


@pytest.mark.parametrize("jobs", [1, 2])
def test_engine_local_matches_reference(corpus: Path, jobs: int) -> None:
    expected = reference(corpus)
    assert expected, "the invented corpus must yield facts for this test to mean anything"
    # batch_size=1: with two workers every document is its own task, so order is tested
    got = run_extraction(corpus, jobs=jobs, cache_dir=False, batch_size=1)
    assert facts_json(got) == expected
    assert got.summaries == [d.summary() for d in load_corpus(corpus, cache_dir=False)]
    assert got.stats.extracted == len(ARTICLES) and got.stats.cached == 0


def test_engine_dask_threads_cluster_matches_reference(corpus: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = run_extraction(corpus, engine="dask", client=client, cache_dir=False, batch_size=1)
    assert facts_json(got) == reference(corpus)


def test_engine_dask_scheduler_address_matches_reference(corpus: Path) -> None:
    """Worker processes on a scheduler reached by address, as on a real cluster."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        got = run_extraction(
            corpus,
            engine="dask",
            scheduler=cluster.scheduler_address,
            cache_dir=False,
            batch_size=2,
        )
    assert facts_json(got) == reference(corpus)


def test_engine_cache_reextracts_only_changed_documents(
    corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    import briefgen.extract as extract_pkg

    seen: list[str] = []
    real = extract_pkg.extract_facts

    def counting(doc: Document, lexicon=None) -> list[Fact]:
        seen.append(doc.id)
        return real(doc, lexicon)

    monkeypatch.setattr(extract_pkg, "extract_facts", counting)
    cache = tmp_path / "cache"
    first = run_extraction(corpus, jobs=1, cache_dir=cache)
    assert sorted(seen) == sorted(ARTICLES)
    seen.clear()
    again = run_extraction(corpus, jobs=1, cache_dir=cache)
    assert seen == [] and again.stats.cached == len(ARTICLES)
    assert facts_json(again) == facts_json(first)
    path = corpus / "b_plata.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nRussia sent a frigate to Uruguay in 2016.\n",
        encoding="utf-8",
    )
    changed = run_extraction(corpus, jobs=1, cache_dir=cache)
    assert seen == ["b_plata"]
    assert changed.stats.extracted == 1 and changed.stats.cached == len(ARTICLES) - 1
    assert facts_json(changed) == reference(corpus)


def test_engine_keep_text_false_keeps_metadata_only(corpus: Path) -> None:
    full = run_extraction(corpus, jobs=1, cache_dir=False)
    light = run_extraction(corpus, jobs=1, cache_dir=False, keep_text=False)
    assert all(d.text == "" for d in light.documents)
    assert light.summaries == full.summaries  # chars counted before the text went
    assert light.sources == full.sources
    assert facts_json(light) == facts_json(full)


def test_engine_failed_document_is_skipped_with_warning(corpus: Path, monkeypatch, caplog) -> None:
    import briefgen.extract as extract_pkg

    real = extract_pkg.extract_facts

    def brittle(doc: Document, lexicon=None) -> list[Fact]:
        if doc.id == "c_isthmus":
            raise ValueError("boom")
        return real(doc, lexicon)

    monkeypatch.setattr(extract_pkg, "extract_facts", brittle)
    with caplog.at_level(logging.WARNING, logger="briefgen.engine"):
        got = run_extraction(corpus, jobs=1, cache_dir=False)
    assert got.stats.failed == 1
    assert "c_isthmus.txt: extraction failed (ValueError: boom)" in caplog.text
    assert {f.quote.doc for f in got.facts} <= set(ARTICLES) - {"c_isthmus"}
    assert len(got.documents) == len(ARTICLES)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": "spark"}, "--engine spark: choose from local, dask"),
        ({"scheduler": "tcp://127.0.0.1:8786"}, "--scheduler needs --engine dask"),
    ],
)
def test_engine_rejects_bad_options(corpus: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        run_extraction(corpus, cache_dir=False, **kwargs)


def test_engine_parallel_run_streams_in_corpus_order(tmp_path: Path) -> None:
    articles = {
        f"n{i:03d}": ARTICLES["a_andes"].replace("2011", str(1995 + i % 25)) for i in range(40)
    }
    corpus = write_corpus(tmp_path / "many", articles)
    ids = [
        r.document.id
        for r in engine_mod.iter_extraction(corpus, jobs=2, cache_dir=False, batch_size=3)
    ]
    assert ids == sorted(articles)


def make_fact(doc: str = "x") -> Fact:
    return Fact(
        id="f-1",
        country="PE",
        category="energy_deal",
        date="2011-03",
        title="Energy deal — Peru",
        actors=["A", "B"],
        evidence=[Quote(doc, "Russia and Peru signed", 3, 25)],
    )


@pytest.mark.parametrize(
    ("version", "power", "region", "hit"),
    [
        ("v1", "russia", "latin_america", True),
        ("v2", "russia", "latin_america", False),
        ("v1", "china", "latin_america", False),
        ("v1", "russia", "africa", False),
    ],
)
def test_factcache_key_includes_version_power_region(
    tmp_path: Path, version: str, power: str, region: str, hit: bool
) -> None:
    with FactCache(tmp_path, "russia", "latin_america", version="v1") as cache:
        cache.put("k", [make_fact()])
    with FactCache(tmp_path, power, region, version=version) as cache:
        found = cache.get_many(["k", "other"])
    assert found == ({"k": [make_fact()]} if hit else {})


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({}, True),
        ({"path": "/elsewhere/x.txt"}, True),
        ({"text": "Other text."}, False),
        ({"published": "2020"}, False),
        ({"id": "y"}, False),
        ({"language": "es"}, False),
    ],
)
def test_factcache_document_key_covers_what_extraction_reads(change: dict, same: bool) -> None:
    base = Document(id="x", text="Some text.", published="2019", path="/corpus/x.txt")
    other = Document(**{**base.__dict__, **change})
    assert (document_key(base) == document_key(other)) is same


def test_factcache_damaged_file_is_rebuilt(tmp_path: Path, caplog) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not an SQLite database" * 100)
    with caplog.at_level(logging.WARNING, logger="briefgen.extract"):
        cache = open_fact_cache(tmp_path, "russia", "latin_america")
    assert cache is not None and "damaged" in caplog.text
    cache.put("k", [make_fact()])
    cache.flush()
    assert cache.get_many(["k"]) == {"k": [make_fact()]}
    cache.close()


def test_factcache_prune_drops_other_versions(tmp_path: Path) -> None:
    with FactCache(tmp_path, "russia", "latin_america", version="old") as cache:
        cache.put("k", [make_fact()])
    with FactCache(tmp_path, "russia", "latin_america", version="new") as cache:
        cache.put("k", [])
        assert cache.prune() == 1
        assert cache.get_many(["k"]) == {"k": []}


def test_engine_results_are_json_serialisable(corpus: Path) -> None:
    got = run_extraction(corpus, jobs=1, cache_dir=False)
    json.dumps({"documents": got.summaries, "facts": facts_json(got)})


@functools.cache
def old_extract_output(corpus: Path) -> dict:
    """`briefgen extract --format json` as it was before the engine: load, extract, reconcile."""
    from briefgen.reconcile import reconcile

    documents = load_corpus(corpus, cache_dir=False)
    facts = list(extract_corpus(documents))
    result = reconcile(facts, documents, power="russia", region="latin_america")
    return {
        "documents": [d.summary() for d in documents],
        "facts": [f.to_json() for f in facts],
        "disagreements": [d.to_json() for d in result.disagreements],
    }


@pytest.mark.parametrize("args", [["-j", "1"], ["-j", "2"], ["--engine", "dask", "-j", "2"]])
def test_engine_cli_extract_output_unchanged(shared_corpus: Path, args: list[str]) -> None:
    from click.testing import CliRunner

    from briefgen.cli import cli

    if "dask" in args:
        pytest.importorskip("distributed")
    result = CliRunner().invoke(
        cli, ["extract", "--corpus", str(shared_corpus), "--format", "json", *args]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == old_extract_output(shared_corpus)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
        (["--engine", "spark"], "Invalid value for '--engine'"),
    ],
)
def test_engine_cli_rejects_bad_engine_options(corpus: Path, args: list[str], message: str) -> None:
    from click.testing import CliRunner

    from briefgen.cli import cli

    result = CliRunner().invoke(cli, ["extract", "--corpus", str(corpus), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_engine_mixed_hits_and_misses_keep_order(tmp_path: Path, monkeypatch) -> None:
    """Changed documents scattered through a cached corpus, with a tiny window: the task
    still filling is sent early and a fresh one started."""
    articles = {
        f"m{i:03d}": ARTICLES["e_guiana"].replace("2019", str(1996 + i % 25)) for i in range(30)
    }
    corpus = write_corpus(tmp_path / "mixed", articles)
    cache = tmp_path / "cache"
    run_extraction(corpus, jobs=1, cache_dir=cache)
    for i in range(0, 30, 4):
        path = corpus / f"m{i:03d}.txt"
        path.write_text(
            path.read_text(encoding="utf-8") + "\nRussia sent a frigate to Guyana in 2021.\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(engine_mod, "MAX_PENDING", 3)
    got = run_extraction(corpus, jobs=2, cache_dir=cache, batch_size=5)
    assert got.stats.extracted == 8 and got.stats.cached == 22
    assert facts_json(got) == reference(corpus)
