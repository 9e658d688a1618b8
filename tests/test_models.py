"""The data model: one definition per type, its serialisation, the generated schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen import factsheets
from briefgen.models import (
    CONFIDENCE_WORDS,
    DISAGREEMENT_KINDS,
    STATUSES,
    Claim,
    Disagreement,
    Document,
    Event,
    Fact,
    FactSheet,
    KeyJudgment,
    Quote,
    Region,
    Source,
    factsheet_schema,
    factsheet_schema_text,
    is_partial_date,
)
from tests.sheets import documents, quote, sample_sheet

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_SCHEMA = ROOT / "briefgen" / "schemas" / "factsheet.schema.json"
SHIPPED_SHEETS = sorted((ROOT / "data" / "factsheets").glob("*.yaml"))


def test_models_shipped_schema_is_the_generated_one():
    assert SHIPPED_SCHEMA.read_text("utf-8") == factsheet_schema_text(), (
        "briefgen/schemas/factsheet.schema.json is out of date: run python scripts/schema"
    )


def test_models_schema_enums_come_from_the_model():
    defs = factsheet_schema()["$defs"]
    assert defs["event"]["properties"]["status"]["enum"] == list(STATUSES)
    assert defs["disagreement"]["properties"]["kind"]["enum"] == list(DISAGREEMENT_KINDS)
    judgment = factsheet_schema()["properties"]["key_judgments"]["items"]
    assert judgment["properties"]["confidence"]["enum"] == list(CONFIDENCE_WORDS)


@pytest.mark.parametrize("kind", ["event", "disagreement", "source", "quote"])
def test_models_schema_lists_every_key_the_model_writes(kind):
    sheet = sample_sheet()
    sheet.events[0].date_range = ("2021-03-01", "2021-03-05")
    sheet.events[0].stale = True
    written = {
        "event": [factsheets._proposed(e).to_dict() for e in sheet.events],
        "disagreement": [factsheets._proposed(d).to_dict() for d in sheet.disagreements],
        "source": [s.to_dict() for s in sheet.sources.values()],
        "quote": [c.to_dict() for d in sheet.disagreements for c in d.claims],
    }[kind]
    props = factsheet_schema()["$defs"][kind]["properties"]
    for entry in written:
        assert list(entry) == [k for k in props if k in entry]  # the schema's key order
    assert set().union(*written) <= set(props)


def test_models_sheet_round_trips_through_its_dict():
    sheet = sample_sheet()
    sheet.events[0].date_range = ("2021-03-01", "2021-03-05")
    sheet.events[1].stale = True
    sheet.events[2].generated = {"title": "0123abcd"}
    back = FactSheet.from_dict(json.loads(json.dumps(sheet.to_dict())))
    # Counts are derived from the evidence and the sheet's sources, as a load does.
    assert [(e.sources, e.publishers) for e in back.events] == [(1, 1), (2, 2), (1, 1)]
    for event in back.events:
        event.sources = event.publishers = 0
    assert back == sheet


@pytest.mark.parametrize(
    "item",
    [
        Quote("alpha", "some words", 3, 13),
        Claim(Quote("beta", "other words", 0, 11), "2018"),
        KeyJudgment("A judgment.", "high", ["e-1"]),
    ],
    ids=["quote", "claim", "judgment"],
)
def test_models_entry_round_trips(item):
    assert type(item).from_dict(json.loads(json.dumps(item.to_dict()))) == item


def test_models_event_and_disagreement_round_trip():
    sheet = sample_sheet()
    event, dispute = sheet.events[1], sheet.disagreements[0]
    event.sources, event.publishers = 2, 2
    assert Event.from_dict(event.to_dict(), "BO", sheet.sources) == event
    assert Disagreement.from_dict(dispute.to_dict(), "BO") == dispute


def test_models_source_entry_leaves_its_doc_to_the_map():
    source = documents()[0].to_source()
    entry = source.to_dict()
    assert "doc" not in entry
    assert Source.from_dict(entry, doc=source.doc) == source


def test_models_document_round_trips_with_regions():
    doc = documents()[0]
    doc.regions = [Region("boilerplate", 0, 9), Region("notes", 100, 120)]
    doc.path, doc.sha256 = "/x/alpha.txt", "ab" * 32
    data = json.loads(json.dumps(doc.to_dict()))
    assert data["regions"] == [["boilerplate", 0, 9], ["notes", 100, 120]]
    assert Document.from_dict({**data, "unknown_later_field": 1}) == doc


def test_models_fact_row_round_trips_every_quote():
    fact = Fact(
        "f-1",
        "BO",
        "energy_deal",
        "2019",
        "Reactor deal",
        ["Rosatom"],
        [quote("alpha", "Rosatom signed"), quote("beta", "The reactor agreement")],
        "e-9",
    )
    assert Fact.from_row(json.loads(json.dumps(fact.to_row()))) == fact


@pytest.mark.parametrize("path", SHIPPED_SHEETS, ids=lambda p: p.name)
def test_models_shipped_sheets_round_trip_unchanged(path):
    text = path.read_text("utf-8")
    tree = factsheets.read_tree(path)
    assert factsheets.dump_tree(tree) == text  # comments and key order survive
    sheet = factsheets.sheet_from_tree(tree)
    # The model holds every value of the file: its entries are the file's entries.
    plain = json.loads(json.dumps(factsheets._plain(tree)))
    assert [e.to_dict() for e in sheet.events] == plain["events"]
    assert [d.to_dict() for d in sheet.disagreements] == plain.get("disagreements", [])
    assert sheet.to_dict()["sources"] == plain.get("sources", {})


def test_models_new_sheet_is_canonical_and_valid(tmp_path):
    sheet = sample_sheet()
    tree = factsheets.sheet_to_tree(sheet)
    path = tmp_path / "bo.yaml"
    factsheets.save_tree(path, tree)
    again = factsheets.load_sheet(path)
    assert [e.category for e in again.events] == [
        "diplomatic_visit",
        "military_cooperation",
        "energy_deal",
    ]
    assert all(set(e.generated) == set(factsheets.TOOL_FIELDS) for e in again.events)
    assert factsheets.dump_tree(factsheets.sheet_to_tree(again)) == path.read_text("utf-8")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2019", True),
        ("2019-02", True),
        ("2019-02-28", True),
        ("2019-13", False),
        ("2019-02-32", False),
        ("19", False),
        (None, False),
        ("2019-2", False),
    ],
)
def test_models_partial_date(value, ok):
    assert is_partial_date(value) is ok


def test_models_default_power_is_one_setting():
    from briefgen.config import SETTINGS, default_jobs
    from briefgen.models import DEFAULT_POWER, DEFAULT_POWER_NAME, DEFAULT_REGION

    assert SETTINGS["power"][0] == DEFAULT_POWER and SETTINGS["region"][0] == DEFAULT_REGION
    assert FactSheet(country="BO").power == DEFAULT_POWER_NAME
    assert default_jobs() >= 1
