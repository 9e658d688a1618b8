"""The pipeline reconciles country by country, in workers, with a cache: the results are
those of reconciling the whole corpus at once, whatever the engine, and an incremental
run re-reconciles only the countries a changed document touches.

The corpus is generated here from our own invented sentence templates (no corpus text):
one-country documents, documents about two countries, denials, judgments about a country
and about the region as a whole.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.extract import extract_corpus
from briefgen.ingest import load_corpus
from briefgen.reconcile import reconcile

# (name, demonym, capital)
COUNTRIES = [
    ("Peru", "Peruvian", "Lima"),
    ("Ecuador", "Ecuadorian", "Quito"),
    ("Uruguay", "Uruguayan", "Montevideo"),
    ("Bolivia", "Bolivian", "La Paz"),
    ("Paraguay", "Paraguayan", "Asuncion"),
]
FACTS = [
    "In {year} Russia delivered {n} Mi-17 helicopters to the {demonym} air force.",
    "Two Russian Tu-160 bombers landed in {capital} in {year}, officials said.",
    "In {month} {year}, Russian Foreign Minister Sergei Lavrov visited {capital} for talks.",
    "Russia and {name} signed an agreement on nuclear energy cooperation in {year}.",
]
DENIAL = "A spokesman for the {demonym} army denied that Russian bombers had landed in {capital}."
JUDGMENTS = [
    "Moscow's engagement with {name} is driven mainly by economic interests such as oil "
    "contracts and banking fees.",
    "For Moscow, {name} matters as a geopolitical foothold rather than as a market.",
]
REGIONAL = "Russia's engagement with the region is driven by geopolitics, not by trade."
FILLER = "The weather in {capital} was mild that week, and markets were calm."
MONTHS = ["March", "June", "October"]


def _fields(rng: random.Random, country: tuple[str, str, str]) -> dict[str, object]:
    name, demonym, capital = country
    return {
        "name": name,
        "demonym": demonym,
        "capital": capital,
        "year": rng.choice([2015, 2016, 2017]),
        "n": rng.choice([4, 8, 12]),
        "month": rng.choice(MONTHS),
    }


def _paragraphs(rng: random.Random, country: tuple[str, str, str]) -> list[str]:
    f = _fields(rng, country)
    out = [FILLER.format(**f), rng.choice(FACTS).format(**f)]
    if rng.random() < 0.3:
        out.append(DENIAL.format(**f))
    if rng.random() < 0.5:
        out.append(rng.choice(JUDGMENTS).format(**f))
    return out


def write_corpus(folder: Path, n_docs: int = 36, seed: int = 5) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        first = COUNTRIES[i % len(COUNTRIES)]
        parts = [f"{first[0]} and Moscow, part {i}"] + _paragraphs(rng, first)
        if i % 4 == 3:  # a document about two countries
            parts += _paragraphs(rng, COUNTRIES[(i + 2) % len(COUNTRIES)])
        if i % 9 == 0:
            parts.append(REGIONAL)
        (folder / f"d{i:03d}.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    (folder / "z_region.txt").write_text(
        "The region and Moscow\n\n" + REGIONAL + "\n", encoding="utf-8"
    )
    return folder


def whole(corpus: Path) -> dict[str, object]:
    """Reconciling the whole corpus at once, in this process: the reference."""
    documents = load_corpus(corpus, cache_dir=False)
    facts = list(extract_corpus(documents))
    result = reconcile(facts, documents, power="russia", region="latin_america")
    return {
        "facts": [(f.to_json(), f.event) for f in facts],
        "events": [asdict(e) for e in result.events],
        "disagreements": [d.to_json() for d in result.disagreements],
    }


def as_data(run: pipeline.Run) -> dict[str, object]:
    return {
        "facts": [(f.to_json(), f.event) for f in run.facts],
        "events": [asdict(e) for e in run.events],
        "disagreements": [d.to_json() for d in run.disagreements],
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("scale") / "corpus")


@pytest.fixture(scope="module")
def expected(corpus: Path) -> dict[str, object]:
    found = whole(corpus)
    # the comparison must not hold vacuously
    assert len({e["country"] for e in found["events"]}) >= 4
    assert any(e["sources"] > 1 for e in found["events"])
    assert {d["kind"] for d in found["disagreements"]} >= {"assessment_conflict"}
    return found


@pytest.mark.parametrize("jobs", [1, 2])
def test_pipeline_scale_per_country_equals_whole(corpus, expected, jobs):
    got = pipeline.run(corpus, pipeline.RunOptions(jobs=jobs, cache_dir=False))
    assert as_data(got) == expected
    assert got.stats["countries_reconciled"] == got.stats["countries"] >= 4


def test_pipeline_scale_dask_equals_local(corpus, expected):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = pipeline.run(
            corpus, pipeline.RunOptions(engine="dask", cache_dir=False), client=client
        )
    assert as_data(got) == expected


def test_pipeline_scale_incremental_reconciles_touched_countries(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    options = pipeline.RunOptions(jobs=1, cache_dir=cache)
    cold = pipeline.run(corpus, options)
    again = pipeline.run(corpus, options)
    assert again.stats["extracted"] == 0 and again.stats["countries_reconciled"] == 0
    assert as_data(again) == as_data(cold)
    # one document about Peru changes: only Peru is reconciled again
    path = corpus / "d000.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nIn 2018 Russia delivered six "
        "Mi-17 helicopters to the Peruvian air force.\n",
        encoding="utf-8",
    )
    changed = pipeline.run(corpus, options)
    assert changed.stats["extracted"] == 1
    assert changed.stats["countries_reconciled"] == 1
    assert as_data(changed) == whole(corpus)
