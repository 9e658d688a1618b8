"""Fact sheets: round trip, validation with file:line, merge that never loses analyst work."""

from __future__ import annotations

import copy
import dataclasses
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
    sheet_from_tree,
    sheet_path,
    sheet_to_tree,
    update_sheets,
    validate_tree,
)
from briefgen.models import Event, Quote
from tests.sheets import TEXTS, documents, quote, sample_sheet


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


# ----------------------------------------------------------------- analyst edits are facts
# Issue 17 rows 6, 7, 16 and issue 16 point 5.

from briefgen.factsheets import (  # noqa: E402
    check_sheets,
    reanchor_quotes,
)
from briefgen.models import Claim, Disagreement  # noqa: E402

MOVE = "Editor's note: this article was updated.\n"


def _anchored(texts: dict[str, str], event: Event) -> Event:
    """``event`` as a run over ``texts`` proposes it: each quote where its words are now."""
    evidence = []
    for q in event.evidence:
        start = texts[q.doc].index(q.text)
        evidence.append(Quote(q.doc, q.text, start, start + len(q.text)))
    return proposal(event, evidence=evidence)


def _anchored_disagreements(texts: dict[str, str], items: list[Disagreement]) -> list:
    out = []
    for d in items:
        claims = []
        for c in d.claims:
            start = texts[c.quote.doc].index(c.quote.text)
            claims.append(
                Claim(
                    Quote(c.quote.doc, c.quote.text, start, start + len(c.quote.text)), c.position
                )
            )
        out.append(dataclasses.replace(d, claims=claims))
    return out


def _reviewed_tree(tmp_path: Path):
    path = write_sheet(tmp_path, sample_sheet())
    return path, read_tree(path)


def test_factsheets_category_change_survives_updates(tmp_path):
    """Row 6: an analyst moves an event to another category; updates keep it, no
    "duplicate id", the event is not marked stale."""
    sheet = sample_sheet()
    path = write_sheet(tmp_path, sheet)
    text = path.read_text()
    visit = sheet.events[0]
    tree = read_tree(path)
    entry = next(e for e in tree["events"] if e["id"] == visit.id)
    entry["category"] = "military_cooperation"
    save_tree(path, tree)
    assert text != path.read_text()
    for _ in range(2):
        update_sheets(tmp_path, sheet.events, sheet.disagreements, {})
        loaded = load_sheet(path)
        got = next(e for e in loaded.events if e.id == visit.id)
        assert got.category == "military_cooperation" and not got.stale
        assert len([e for e in loaded.events if e.id == visit.id]) == 1


def test_factsheets_deleted_evidence_stays_deleted(tmp_path):
    """Row 16: a quote the analyst deleted is not added back by later updates, even
    after its document moved."""
    sheet = sample_sheet()
    update_sheets(tmp_path, sheet.events, sheet.disagreements, {})  # the tool's sheet
    path = sheet_path(tmp_path, "bo")
    reactor = sheet.events[1]
    tree = read_tree(path)
    entry = next(e for e in tree["events"] if e["id"] == reactor.id)
    assert len(entry["evidence"]) == 2
    del entry["evidence"][1]  # the beta quote was wrong
    save_tree(path, tree)
    texts = {doc: MOVE + text for doc, text in TEXTS.items()}
    for run_texts in (TEXTS, texts, texts):
        events = [_anchored(run_texts, e) for e in sheet.events]
        update_sheets(tmp_path, events, [], {}, texts=run_texts)
        got = next(e for e in load_sheet(path).events if e.id == reactor.id)
        assert [q.doc for q in got.evidence] == ["alpha"]


def test_factsheets_moved_quotes_are_reanchored_and_check_agrees(tmp_path):
    """Row 7: a line inserted at the top of a document: each quote's offsets are replaced
    (never a shifted copy beside the old one), and check with the corpus is clean."""
    sheet = sample_sheet()
    path = write_sheet(tmp_path, sheet)
    texts = {doc: MOVE + text for doc, text in TEXTS.items()}
    before = check_sheets([path], texts)
    assert before and all("the quote moved" in f.message for f in before)
    events = [_anchored(texts, e) for e in sheet.events]
    found = _anchored_disagreements(texts, sheet.disagreements)
    changes = update_sheets(tmp_path, events, found, {}, texts=texts)
    assert changes[0].reanchored >= 5 and changes[0].grown == 0
    loaded = load_sheet(path)
    originals = {e.id: e for e in sheet.events}
    for event in loaded.events:
        original = originals[event.id]
        assert [q.text for q in event.evidence] == [q.text for q in original.evidence]
        shifted = [q.start + len(MOVE) for q in original.evidence]
        assert [q.start for q in event.evidence] == shifted
    assert check_sheets([path], texts) == []


def test_factsheets_moved_quote_without_texts_replaces_the_old_offsets(tmp_path):
    """Row 7 through the merge alone (an API caller passing no texts)."""
    sheet = sample_sheet()
    path = write_sheet(tmp_path, sheet)
    texts = {doc: MOVE + text for doc, text in TEXTS.items()}
    found = _anchored_disagreements(texts, sheet.disagreements)
    update_sheets(tmp_path, [_anchored(texts, e) for e in sheet.events], found, {})
    for event in load_sheet(path).events:
        assert len({q.text for q in event.evidence}) == len(event.evidence)
    assert check_sheets([path], texts) == []


def test_factsheets_reanchor_removes_copies_left_by_older_versions(tmp_path):
    path, tree = _reviewed_tree(tmp_path)
    entry = tree["events"][0]
    old = dict(entry["evidence"][0])
    shifted = {**old, "start": old["start"] + len(MOVE), "end": old["end"] + len(MOVE)}
    entry["evidence"].append(shifted)  # what the old merge did: both copies
    texts = {doc: MOVE + text for doc, text in TEXTS.items()}
    assert reanchor_quotes(tree, texts) >= 1
    assert len(entry["evidence"]) == 1 and entry["evidence"][0]["start"] == shifted["start"]


def test_factsheets_date_edit_survives_updates(tmp_path):
    sheet = sample_sheet()
    update_sheets(tmp_path, sheet.events, [], {})
    path = sheet_path(tmp_path, "bo")
    tree = read_tree(path)
    tree["events"][0]["date"] = "2017-04"
    edited_id = tree["events"][0]["id"]
    save_tree(path, tree)
    for date in ("2019", "2020-01"):
        update_sheets(tmp_path, [proposal(e, date=date) for e in sheet.events], [], {})
        assert next(e for e in load_sheet(path).events if e.id == edited_id).date == "2017-04"


def test_factsheets_suppressed_claims_and_disagreements_stay_and_are_not_rendered(tmp_path):
    """Issue 16 point 5: `suppressed: true` with a note, on a claim or a disagreement,
    survives updates; suppressed ones are not rendered; a deleted claim stays deleted."""
    from briefgen.render import RenderOptions, render_html

    sheet = sample_sheet()
    extra = Claim(
        quote("beta", "Officials in La Paz deny that the instructors have any combat role"),
        "denial",
    )
    second = Disagreement(
        country="BO",
        topic="Whether the instructors fight",
        kind="reported_dispute",
        claims=[extra, Claim(quote("alpha", "Two Russian instructors arrived in La Paz"), "x")],
        status="accepted",
    )
    sheet.disagreements.append(second)
    update_sheets(tmp_path, sheet.events, sheet.disagreements, {})
    path = sheet_path(tmp_path, "bo")
    tree = read_tree(path)
    first, other = tree["disagreements"]
    first["claims"][1]["suppressed"] = True
    first["claims"][1]["note"] = "the ministry's date is a typo, per the analyst"
    other["suppressed"] = True
    other["note"] = "not a real dispute: the two reports agree"
    save_tree(path, tree)
    for _ in range(2):
        update_sheets(tmp_path, sheet.events, sheet.disagreements, {})
    loaded = load_sheet(path)
    first_m, other_m = loaded.disagreements
    assert [c.suppressed for c in first_m.claims] == [False, True]
    assert other_m.suppressed and other_m.note.startswith("not a real dispute")
    assert len(first_m.claims) == 2 and len(other_m.claims) == 2
    html = render_html(loaded, RenderOptions())
    assert "Whether the instructors fight" not in html
    assert "When the reactor deal was signed" in html
    assert "dates from 2018" not in html.split("When the reactor deal was signed", 1)[1]
    assert check_sheets([path]) == []
    # A claim deleted outright is not added back either.
    tree = read_tree(path)
    del tree["disagreements"][0]["claims"][1]
    save_tree(path, tree)
    update_sheets(tmp_path, sheet.events, sheet.disagreements, {})
    assert len(load_sheet(path).disagreements[0].claims) == 1


def test_factsheets_suppressed_without_a_note_is_a_check_finding(tmp_path):
    path, tree = _reviewed_tree(tmp_path)
    tree["disagreements"][0]["suppressed"] = True
    save_tree(path, tree)
    findings = check_sheets([path])
    assert len(findings) == 1 and "disagreements[0]" in str(findings[0])
    assert "note" in findings[0].message


@pytest.mark.parametrize("change", ["stale", "rejected", "missing"])
def test_factsheets_judgment_on_a_dropped_event_is_a_check_finding_and_build_warning(
    tmp_path, change
):
    from click.testing import CliRunner

    from briefgen.cli import cli

    path, tree = _reviewed_tree(tmp_path)
    ref = tree["key_judgments"][0]["events"][0]
    entry = next(e for e in tree["events"] if e["id"] == ref)
    if change == "stale":
        entry["stale"] = True
    elif change == "rejected":
        entry["status"] = "rejected"
    else:
        tree["key_judgments"][0]["events"][0] = "e-0000000000"
    save_tree(path, tree)
    checked = CliRunner().invoke(cli, ["check", "--data", str(tmp_path)])
    assert checked.exit_code == 1, checked.output
    assert f"{path}:" in checked.output and "key_judgments[0].events[0]" in checked.output
    assert (change if change != "missing" else "not an event") in checked.output
    built = CliRunner().invoke(
        cli,
        [
            "build",
            "bo",
            "--format",
            "html",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert built.exit_code == 0, built.output
    assert "key_judgments[0].events[0]" in built.output  # the warning (stderr is mixed in)
    assert (tmp_path / "out" / "bo.html").is_file()


# Property: whatever an analyst does between updates — change a category, delete a piece
# of evidence, edit a date — and however the documents move, later updates keep it, never
# duplicate an id or a quote, and leave quotes that check accepts.

POOL_QUOTES = {
    0: [("alpha", "Bolivian Foreign Minister Ana Ruiz visited Moscow on 3 March 2021")],
    1: [
        ("alpha", "Rosatom signed a deal to build a research reactor near El Alto"),
        ("beta", "The reactor agreement with Rosatom dates from 2018"),
    ],
    2: [
        ("alpha", "Two Russian instructors arrived in La Paz in May 2022"),
        ("beta", "Officials in La Paz deny that the instructors have any combat role"),
    ],
}

analyst_step = st.one_of(
    st.tuples(
        st.just("category"),
        st.integers(0, 2),
        st.sampled_from(["diplomatic_visit", "military_cooperation", "energy_deal"]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("date"), st.integers(0, 2), st.sampled_from(["2015", "2016-07", None])),
    st.tuples(st.just("move"), st.sampled_from(["alpha", "beta"]), st.integers(1, 3)),
    st.tuples(st.just("update"), st.integers(1, 7), st.sampled_from(["2019", "2021-05", None])),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(analyst_step, min_size=1, max_size=10))
def test_factsheets_property_edits_survive_moves_and_updates(tmp_path, steps):
    texts = dict(TEXTS)
    base = sample_sheet().events
    pool = [
        proposal(base[i], evidence=[quote(doc, words) for doc, words in POOL_QUOTES[i]])
        for i in range(3)
    ]
    tree = sheet_to_tree(sample_sheet())
    tree["key_judgments"].clear()
    tree["disagreements"].clear()
    tree["events"].clear()
    merge_sheet(tree, pool, [], {})
    categories: dict[str, str] = {}
    dates: dict[str, object] = {}
    deleted: dict[str, set[tuple[str, str]]] = {}
    path = tmp_path / "bo.yaml"
    from ruamel.yaml import YAML

    for step in steps:
        kind = step[0]
        by_id = {e["id"]: e for e in tree["events"]}
        if kind == "update":
            _, mask, date = step
            reanchor_quotes(tree, texts)
            run = [
                _anchored(texts, proposal(e, date=date))
                for i, e in enumerate(pool)
                if mask >> i & 1
            ]
            merge_sheet(tree, run, [], {})
        elif kind == "move":
            _, doc, lines = step
            texts[doc] = MOVE * lines + texts[doc]
        else:
            entry = by_id[pool[step[1]].id]
            if kind == "category":
                entry["category"] = step[2]
                categories[entry["id"]] = step[2]
            elif kind == "date":
                entry["date"] = step[2]
                dates[entry["id"]] = step[2]
            elif len(entry["evidence"]) > 1:
                item = entry["evidence"][step[2] % len(entry["evidence"])]
                deleted.setdefault(entry["id"], set()).add((item["doc"], item["quote"]))
                entry["evidence"].remove(item)
        tree = YAML(typ="rt").load(dump_tree(tree))  # as the analyst's editor saves it
        assert validate_tree(tree, path) == [], dump_tree(tree)
        by_id = {e["id"]: e for e in tree["events"]}
        assert len(by_id) == len(tree["events"]) == 3, "an event was duplicated or lost"
        for event_id, category in categories.items():
            assert by_id[event_id]["category"] == category
        for event_id, date in dates.items():
            assert by_id[event_id]["date"] == date
        for event_id, gone in deleted.items():
            have = {(q["doc"], q["quote"]) for q in by_id[event_id]["evidence"]}
            assert not have & gone, "a deleted quote came back"
        for entry in tree["events"]:
            words = [(q["doc"], q["quote"]) for q in entry["evidence"]]
            assert len(words) == len(set(words)), "a quote is held twice"
        if kind == "update":
            assert check_quotes(tree, path, texts) == []


@pytest.mark.parametrize(
    "old, new",
    [
        (None, None),  # as written by the tool
        # YAML 1.1 readers (libyaml) take these for a boolean and a number; the sheet
        # format is YAML 1.2, where they are the analyst's words
        ("reviewer: Test Analyst", "reviewer: no"),
        ("reviewer: Test Analyst", "reviewer: 1:20"),
    ],
)
def test_factsheets_fast_load_reads_what_the_round_trip_reads(tmp_path, old, new):
    path = write_sheet(tmp_path)
    if old is not None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    tree = read_tree(path)
    assert not validate_tree(tree, path)
    assert load_sheet(path) == sheet_from_tree(tree)


def test_factsheets_read_header_is_the_sheet_or_the_located_error(tmp_path):
    from briefgen.factsheets import read_header

    path = write_sheet(tmp_path)
    header = read_header(path)
    assert (header["country"], header["power"]) == ("BO", "Russia")
    path.write_text("country: BO\nevents: [\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"bo\.yaml:\d+"):
        read_header(path)


def test_factsheets_update_skips_only_sheets_it_left_and_would_not_change(tmp_path, monkeypatch):
    """With a state folder, a sheet whose file and merge inputs are those of the last
    update is not read again; an analyst's edit, or new proposals, make it read (and the
    edit is kept)."""
    from briefgen import factsheets
    from briefgen.models import Document, Fact
    from briefgen.reconcile import reconcile

    data, state = tmp_path / "data", tmp_path / "cache"
    text = "In May 2012 Russia delivered Mi-17 helicopters to Bolivia and Peru."
    doc = Document(id="d1", text=text, publisher="P", published="2012-06", reliability="B")
    source = {"d1": doc.to_source()}

    def run(extra: str = ""):
        facts = [
            Fact(
                id=f"f{cc}",
                country=cc,
                category="military_cooperation",
                date="2012-05",
                title="t" + extra,
                evidence=[Quote("d1", text, 0, len(text))],
            )
            for cc in ("BO", "PE")
        ]
        known = [e for p in factsheets.sheet_index(data).values() for e in load_sheet(p).events]
        result = reconcile(facts, [doc], known=known)
        texts = {"d1": text}
        return update_sheets(
            data, result.events, result.disagreements, source, texts=texts, state_dir=state
        )

    run()
    sheets = {p.name: p.read_bytes() for p in (data / "factsheets").iterdir()}
    reads: list[str] = []
    real = factsheets.read_tree

    def counted(path):
        reads.append(Path(path).stem)
        return real(path)

    monkeypatch.setattr(factsheets, "read_tree", counted)
    again = run()
    assert reads == [] and all(not c.changed for c in again)
    assert {p.name: p.read_bytes() for p in (data / "factsheets").iterdir()} == sheets
    # the analyst renames BO's event: that sheet is read again, and the edit stays
    bo = data / "factsheets" / "bo.yaml"
    edited = bo.read_text(encoding="utf-8").replace("title: ", "title: Analyst's ", 1)
    bo.write_text(edited, encoding="utf-8")
    run()
    assert reads == ["bo"]
    assert "Analyst's " in bo.read_text(encoding="utf-8")
    # other proposals (the extractor titles them otherwise): both sheets are read
    reads.clear()
    run(extra=" again")
    assert sorted(reads) == ["bo", "pe"]
