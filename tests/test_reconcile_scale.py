"""Tests that reconciliation works country by country: a generated multi-country corpus
gives the same disagreements reconciled whole as reconciled one country at a time.

The corpus is ~60 small invented documents built here from our own sentence templates
(no corpus text), read with the invented test lexicons under tests/fixtures/reconcile/.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from briefgen.models import Document, Fact, Quote
from briefgen.reconcile import (
    find_disagreements,
    grade_credibility,
    load_lexicon,
    merge_events,
    reconcile,
)

FIXTURES = Path(__file__).parent / "fixtures" / "reconcile"

# (code, name, demonym, capital) of the invented test region lexicon
COUNTRIES = [
    ("PE", "Peru", "Peruvian", "Lima"),
    ("EC", "Ecuador", "Ecuadorian", "Quito"),
    ("UY", "Uruguay", "Uruguayan", "Montevideo"),
    ("PY", "Paraguay", "Paraguayan", "Asuncion"),
    ("BO", "Bolivia", "Bolivian", "La Paz"),
]
# Our own invented sentences; a fact template gives (category, title) too.
FACT_TEMPLATES = [
    (
        "In {year} Russia delivered {n} Mi-17 helicopters to {name}'s air force.",
        "military_cooperation",
        "Russia delivers Mi-17 helicopters to {name}",
    ),
    (
        "Two Russian Tu-95 bombers landed in {capital} in {year}, residents said.",
        "military_cooperation",
        "Russian Tu-95 bombers land in {capital}",
    ),
]
DENIAL = (
    "A spokesman for the {demonym} army denied that Russian Tu-95 bombers had landed in {capital}."
)
ASSESSMENTS = [
    "Moscow's engagement with {name} is driven mainly by economic interests such as oil "
    "contracts and banking fees.",
    "For Moscow, {name} matters as a geopolitical foothold rather than as a market.",
]
FILLER = "The weather in {capital} was mild that week, and markets were calm."


def generate(n_docs: int = 60, seed: int = 3) -> tuple[list[Fact], list[Document]]:
    """``n_docs`` one-country documents (countries in turn) with their facts."""
    rng = random.Random(seed)
    docs, facts = [], []
    for i in range(n_docs):
        code, name, demonym, capital = COUNTRIES[i % len(COUNTRIES)]
        doc_id = f"d{i:03d}_{code.lower()}"
        fields = {"name": name, "demonym": demonym, "capital": capital}
        parts: list[tuple[str, tuple[str, str] | None]] = [(FILLER.format(**fields), None)]
        template, category, title = rng.choice(FACT_TEMPLATES)
        year = rng.choice([2016, 2017])
        sentence = template.format(year=year, n=rng.choice([8, 12]), **fields)
        parts.append((sentence, (category, title.format(**fields))))
        if rng.random() < 0.3:
            parts.append((DENIAL.format(**fields), None))
        if rng.random() < 0.5:
            parts.append((rng.choice(ASSESSMENTS).format(**fields), None))
        text = "\n\n".join(p for p, _ in parts) + "\n"
        docs.append(
            Document(
                id=doc_id,
                text=text,
                publisher=f"Publisher {i}",
                reliability="C",
                published=str(2018 + i % 3),
            )
        )
        for j, (part, fact) in enumerate(parts):
            if fact:
                start = text.index(part)
                quote = Quote(doc_id, part, start, start + len(part))
                facts.append(
                    Fact(
                        id=f"f{j}-{doc_id}",
                        country=code,
                        category=fact[0],
                        date=str(year),
                        title=fact[1],
                        evidence=[quote],
                    )
                )
    return facts, docs


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon("en", str(FIXTURES / "lexicons"))


def test_reconcile_scale_fixture_names_every_kind(lexicon):
    facts, docs = generate()
    kinds = {d.kind for d in reconcile(facts, docs, lexicon=lexicon).disagreements}
    # the property below must not hold vacuously
    assert kinds == {"value_conflict", "reported_dispute", "assessment_conflict"}


@pytest.mark.parametrize("n_docs,seed", [(60, 3), (45, 11)])
def test_reconcile_scale_per_country_equals_whole(lexicon, n_docs, seed):
    # events are merged once (their identity statistics are corpus-wide); disagreements
    # are then found over the whole corpus and over each country's facts and documents
    facts, docs = generate(n_docs, seed)
    events = merge_events(facts, docs, lexicon=lexicon)
    whole = find_disagreements(facts, events, docs, lexicon)
    assert {d.country for d in whole} >= {"PE", "EC", "BO"}
    separate = []
    for code, *_ in COUNTRIES:
        mine = [f for f in facts if f.country == code]
        my_events = [e for e in events if e.country == code]
        my_docs = [d for d in docs if d.id.endswith(f"_{code.lower()}")]
        separate += find_disagreements(mine, my_events, my_docs, lexicon)
    key = lambda d: (d.country, d.kind, d.topic, d.id)  # noqa: E731
    assert [d.to_json() for d in whole] == [d.to_json() for d in sorted(separate, key=key)]


def test_reconcile_scale_grades_like_pairwise(lexicon):
    # grade_events looks disagreements up by document: the same grade as checking them all
    facts, docs = generate()
    result = reconcile(facts, docs, lexicon=lexicon)
    assert any(e.credibility != 3 for e in result.events)
    for event in result.events:
        assert event.credibility == grade_credibility(event, result.disagreements, lexicon)


def test_reconcile_scale_country_lexicon_covers_the_documents_languages(monkeypatch):
    """A country reconciled in a worker gets the cue words of its documents' languages
    (a Spanish denial must meet an English report), not English alone."""
    from briefgen import partition

    asked: list[str] = []
    real = partition.reconcile_lexicon

    def spy(power: str, region: str, languages: str = partition.LANGUAGE):
        asked.append(languages)
        return real(power, region, languages)

    monkeypatch.setattr(partition, "reconcile_lexicon", spy)
    docs = [
        Document(id="a", text="Russia sent two bombers to Venezuela.", language="en"),
        Document(id="b", text="Caracas negó la llegada de bombarderos rusos.", language="es"),
    ]
    partition.reconcile_country("VE", [], docs, [], (), "russia", "latin_america")
    assert asked == ["en+es"]
