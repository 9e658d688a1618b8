"""Fact sheets: round trip, validation with file:line, merge that never loses analyst work."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.errors import SheetError
from briefgen.factsheets import (
    ANALYST_MARK,
    check_judgments,
    check_quotes,
    dump_tree,
    fingerprint,
    load_sheet,
    merge_sheet,
    read_tree,
    save_tree,
    sheet_path,
    sheet_to_tree,
    update_sheets,
    validate_tree,
)
from briefgen.models import Event, Quote
from tests.sheets import TEXTS, documents, sample_sheet


def write_sheet(tmp_path: Path, sheet=None) -> Path:
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sheet or sample_sheet()))
    return path


def test_factsheets_round_trip_keeps_the_model(tmp_path):
    sheet = sample_sheet()
    path = write_sheet(tmp_path, sheet)
    loaded = load_sheet(path)
    assert [e.id for e in loaded.events] == sorted(
        [e.id for e in sheet.events],
        key=lambda i: [e.category for e in loaded.events].index(
            next(x.category for x in sheet.events if x.id == i)
        ),
    )
    by_id = {e.id: e for e in loaded.events}
    for event in sheet.events:
        got = by_id[event.id]
        assert (got.title, got.date, got.category, got.evidence) == (
            event.title,
            event.date,
            event.category,
            event.evidence,
        )
    assert loaded.disagreements[0].claims == sheet.disagreements[0].claims
    assert loaded.key_judgments == sheet.key_judgments
    assert loaded.sources == sheet.sources
    assert loaded.reviewer == "Test Analyst"


def test_factsheets_round_trip_keeps_comments_and_order(tmp_path):
    path = write_sheet(tmp_path)
    text = path.read_text()
    text = text.replace("power: Russia", "power: Russia  # the analyst's comment")
    path.write_text(text)
    tree = read_tree(path)
    tree["outlook"] = "Changed."
    save_tree(path, tree)
    again = path.read_text()
    assert "# the analyst's comment" in again
    keys = [line.split(":")[0] for line in again.splitlines() if line and line[0].isalpha()]
    assert keys[:3] == ["schema_version", "country", "power"]


@pytest.mark.parametrize(
    ("old", "new", "where", "hint"),
    [
        ("status: accepted", "status: approved", "status", "is not one of"),
        ("date: '2021-03-03'", "date: 3rd of March", "date", "write YYYY"),
        ("reliability: B", "reliability: B\n    colour: red", "colour", "remove it"),
        ("confidence: moderate", "confidence: certain", "confidence", "is not one of"),
    ],
)
def test_factsheets_validation_names_file_and_line(tmp_path, old, new, where, hint):
    path = write_sheet(tmp_path)
    text = path.read_text()
    assert old in text
    line = text[: text.index(old)].count("\n") + 1 + new.count("\n")
    path.write_text(text.replace(old, new, 1))
    findings = validate_tree(read_tree(path), path)
    assert findings, "broken sheet passed validation"
    message = str(findings[0])
    assert message.startswith(f"{path}:{line}") and hint in message, message
    assert where in message


def test_factsheets_unknown_event_in_key_judgment(tmp_path):
    path = write_sheet(tmp_path)
    tree = read_tree(path)
    tree["key_judgments"][0]["events"].append("e-missing")
    assert validate_tree(tree, path) == []  # not a reason to refuse a write
    findings = check_judgments(tree, path)
    assert len(findings) == 1 and "cites e-missing" in str(findings[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("country: BO\ncountry: VE\n", "duplicate"),
        ("schema_version: 1\n  country: [BO\n", ":2"),
        ("- just\n- a list\n", "a fact sheet is a YAML mapping"),
    ],
)
def test_factsheets_unparseable_sheet_raises_with_location(tmp_path, text, expected):
    path = tmp_path / "bo.yaml"
    path.write_text(text)
    with pytest.raises(SheetError) as info:
        read_tree(path)
    assert str(path) in info.value.message and expected in info.value.message
    assert info.value.exit_code == 2
    assert path.read_text() == text  # never rewritten


def test_factsheets_check_quotes_finds_moved_text(tmp_path):
    path = write_sheet(tmp_path)
    tree = read_tree(path)
    texts = dict(TEXTS)
    assert check_quotes(tree, path, texts) == []
    texts["alpha"] = "Inserted sentence. " + texts["alpha"]
    findings = check_quotes(tree, path, texts)
    assert findings and all("alpha" in str(f) and "quote moved" in str(f) for f in findings)


def proposal(event: Event, **changes) -> Event:
    new = copy.deepcopy(event)
    for key, value in changes.items():
        setattr(new, key, value)
    new.status = "proposed"
    return new


def test_factsheets_merge_adds_proposals_and_keeps_reviewed_fields(tmp_path):
    sheet = sample_sheet()
    tree = sheet_to_tree(sheet)
    visit = sheet.events[0]
    visit_entry = next(e for e in tree["events"] if e["id"] == visit.id)
    visit_entry["title"] = "Analyst's title"
    extra = Quote("beta", "Officials in La Paz deny", 80, 104)
    changed = proposal(visit, title="Tool's new title", evidence=visit.evidence + [extra])
    brand_new = proposal(
        visit, id="e-new", category="energy_deal", evidence=[Quote("beta", "x", 500, 501)]
    )
    changes = merge_sheet(tree, [changed, brand_new], [], {})
    assert visit_entry["title"] == "Analyst's title"
    assert visit_entry["status"] == "accepted"
    assert len(visit_entry["evidence"]) == 2
    added = next(e for e in tree["events"] if e["id"] == "e-new")
    assert added["status"] == "proposed"
    assert changes.added == 1 and changes.grown == 1
    assert changes.stale == 2  # the other two events were not found this run
    assert all(e.get("stale") for e in tree["events"] if e["id"] not in (visit.id, "e-new"))


def test_factsheets_merge_refreshes_untouched_proposals():
    sheet = sample_sheet(status="proposed")
    tree = sheet_to_tree(sheet)
    reactor = sheet.events[1]
    merge_sheet(
        tree,
        [proposal(e) for e in sheet.events if e is not reactor]
        + [proposal(reactor, title="Better title", date="2018")],
        [],
        {},
    )
    entry = next(e for e in tree["events"] if e["id"] == reactor.id)
    assert (entry["title"], entry["date"]) == ("Better title", "2018")


def test_factsheets_update_creates_sheets_and_marks_stale(tmp_path):
    sheet = sample_sheet(status="proposed")
    sources = {d.id: d.to_source() for d in documents()}
    first = update_sheets(tmp_path, sheet.events, sheet.disagreements, sources)
    assert [c.created for c in first] == [True]
    path = sheet_path(tmp_path, "BO")
    assert load_sheet(path).events
    second = update_sheets(tmp_path, sheet.events[:1], [], sources)
    assert second[0].stale == 2
    ids = {e.id for e in load_sheet(path).events}
    assert ids == {e.id for e in sheet.events}  # nothing deleted


def test_factsheets_update_refuses_to_touch_a_broken_sheet(tmp_path):
    path = write_sheet(tmp_path)
    broken = path.read_text().replace("status: accepted", "status: maybe", 1)
    path.write_text(broken)
    with pytest.raises(SheetError, match="nothing was updated"):
        update_sheets(tmp_path, sample_sheet().events, [], {})
    assert path.read_text() == broken


# ----------------------------------------------------------------- property: no analyst loss

EDITABLE = {
    "title": st.text(alphabet="abcdefgh XYZ", min_size=1, max_size=12),
    "date": st.sampled_from(["2019", "2020-05", "2021-02-03", None]),
    "summary": st.text(alphabet="abc ", min_size=1, max_size=10),
    "notes": st.text(alphabet="xyz ", min_size=1, max_size=10),
    "confidence": st.sampled_from(["low", "moderate", "high"]),
}

edit_step = st.tuples(
    st.just("edit"), st.integers(0, 20), st.sampled_from(sorted(EDITABLE)), st.data()
)
status_step = st.tuples(
    st.just("status"),
    st.integers(0, 20),
    st.sampled_from(["accepted", "edited", "rejected", "proposed"]),
    st.none(),
)
update_step = st.tuples(st.just("update"), st.integers(0, 2**6 - 1), st.integers(0, 3), st.none())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.one_of(edit_step, status_step, update_step), min_size=1, max_size=12))
def test_factsheets_property_updates_never_lose_analyst_fields(steps):
    base = sample_sheet(status="proposed").events
    # A pool of six possible events; each update run sees a subset (the corpus changed),
    # with tool proposals that differ from run to run.
    pool = base + [
        proposal(e, id=f"{e.id}-b", evidence=[Quote(e.evidence[0].doc, "z", 900 + i, 901 + i)])
        for i, e in enumerate(base)
    ]
    tree = sheet_to_tree(sample_sheet(status="proposed"))
    tree["events"].clear()
    tree["key_judgments"].clear()
    analyst: dict[tuple[str, str], object] = {}
    statuses: dict[str, str] = {}
    seen_ids: set[str] = set()
    for kind, a, b, data in steps:
        entries = tree["events"]
        if kind == "update":
            run = [
                proposal(
                    e,
                    title=f"{e.title} v{b}",
                    date=["2019", "2020", None, "2021-01"][b],
                    summary=f"summary {b}",
                )
                for i, e in enumerate(pool)
                if a >> i & 1
            ]
            merge_sheet(tree, run, [], {})
        elif entries and kind == "edit":
            entry = entries[a % len(entries)]
            value = data.draw(EDITABLE[b])
            entry[b] = value
            # The contract: a value is the analyst's once it differs from the tool's last
            # proposal (or the field was taken over before); typing the proposal back
            # before any update is no edit.
            proposed = entry.get("generated", {}).get(b)
            if proposed == ANALYST_MARK or proposed is None or proposed != fingerprint(value):
                analyst[(entry["id"], b)] = value
            else:
                analyst.pop((entry["id"], b), None)
        elif entries and kind == "status":
            entry = entries[a % len(entries)]
            entry["status"] = b
            statuses[entry["id"]] = b
        # persist and re-read, as the analyst's editor and the tool would
        path = Path("/nonexistent/bo.yaml")
        from ruamel.yaml import YAML

        tree = YAML(typ="rt").load(dump_tree(tree))
        assert validate_tree(tree, path) == [], dump_tree(tree)
        by_id = {e["id"]: e for e in tree["events"]}
        seen_ids |= set(by_id)
        assert seen_ids == set(by_id), "an event was deleted"
        for (event_id, key), value in analyst.items():
            assert by_id[event_id].get(key) == value, (event_id, key)
        for event_id, status in statuses.items():
            assert by_id[event_id]["status"] == status


def test_factsheets_second_update_changes_nothing(tmp_path):
    """One sentence stating a visit and an arms deal, for two countries: a re-run with
    the sheets' events as known ids marks nothing stale and rewrites nothing."""
    from briefgen.models import Document, Fact
    from briefgen.reconcile import reconcile

    text = (
        "Presidents of Bolivia and Peru visited Moscow in May 2012 and signed contracts "
        "for Russian Mi-17 helicopters."
    )
    doc = Document(id="d1", text=text, publisher="P", published="2012-06", reliability="B")
    quote = Quote("d1", text, 0, len(text))

    def facts():
        return [
            Fact(
                id=f"f{cc}{cat[:3]}",
                country=cc,
                category=cat,
                date="2012-05",
                title="t",
                evidence=[quote],
            )
            for cc in ("BO", "PE")
            for cat in ("diplomatic_visit", "military_cooperation")
        ]

    first = reconcile(facts(), [doc])
    update_sheets(tmp_path, first.events, first.disagreements, {"d1": doc.to_source()})
    before = {p.name: p.read_text() for p in (tmp_path / "factsheets").iterdir()}
    known = [e for p in sorted((tmp_path / "factsheets").iterdir()) for e in load_sheet(p).events]
    second = reconcile(facts(), [doc], known=known)
    changes = update_sheets(tmp_path, second.events, second.disagreements, {"d1": doc.to_source()})
    assert all(not c.changed for c in changes), changes
    assert {p.name: p.read_text() for p in (tmp_path / "factsheets").iterdir()} == before
