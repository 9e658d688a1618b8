"""Reliability: hostile fact sheets and arguments fail cleanly; concurrent updates lose nothing."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.countries import resolve_country
from briefgen.errors import BriefgenError, CountryError, SheetError
from briefgen.factsheets import (
    load_sheet,
    read_tree,
    save_tree,
    sheet_path,
    sheet_to_tree,
    update_sheets,
    validate_tree,
)
from briefgen.models import Event, Quote
from tests.sheets import sample_sheet

YAMLISH = st.text(
    alphabet=st.sampled_from(list("abc:-[]{}#'\"!&*|>%@` \n\t\x00\u202e1\\")), max_size=200
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(YAMLISH, st.text(max_size=200)))
def test_reliability_sheet_loader_never_crashes(tmp_path, text):
    path = tmp_path / "zz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        tree = read_tree(path)
    except SheetError as exc:
        assert str(path) in exc.message
        return
    findings = validate_tree(tree, path)
    assert all(str(path) in str(f) for f in findings)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_reliability_mutated_sheet_is_reported_not_crashed(tmp_path, data):
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sample_sheet()))
    lines = path.read_text().splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    lines[i] = data.draw(
        st.sampled_from(
            [
                "",
                "  x: [",
                "events: 3",
                "\t- a",
                "status: 7",
                lines[i] + " extra: 1",
                "  " + lines[i],
            ]
        )
    )
    path.write_text("\n".join(lines) + "\n")
    before = path.read_bytes()
    try:
        load_sheet(path)
    except SheetError as exc:
        assert str(path) in exc.message
    assert path.read_bytes() == before


def test_reliability_binary_sheet_is_refused(tmp_path):
    path = tmp_path / "bo.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(SheetError, match="not UTF-8"):
        read_tree(path)


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=40))
def test_reliability_country_resolution_never_crashes(name):
    try:
        code = resolve_country(name)
    except CountryError as exc:
        assert exc.exit_code == 2
    else:
        assert len(code) == 2 and code.isalpha() and code.isupper()


@pytest.mark.parametrize("name", ["../ve", "/etc/passwd", "ve/../../x", "CON", "NUL", "ve\x00"])
def test_reliability_path_like_country_is_refused(name):
    with pytest.raises(CountryError):
        resolve_country(name)


def _update_worker(data_dir: str, tag: int, rounds: int, start=None) -> None:
    base = sample_sheet(status="proposed").events[0]
    if start is not None:
        start.wait()  # both workers begin together, so their updates really interleave
    for r in range(rounds):
        event = Event(
            id=f"e-w{tag}-{r}",
            country="BO",
            category=base.category,
            title=f"worker {tag} round {r}",
            evidence=[Quote("alpha", "x", 1000 * tag + r, 1000 * tag + r + 1)],
        )
        update_sheets(Path(data_dir), [event], [], {}, countries=["BO"])


def test_reliability_concurrent_updates_lose_nothing(tmp_path):
    """Two processes updating the same sheet: every event of both ends up in it."""
    ctx = multiprocessing.get_context("fork")
    rounds = 8
    start = ctx.Barrier(2)
    workers = [
        ctx.Process(target=_update_worker, args=(str(tmp_path), tag, rounds, start))
        for tag in (1, 2)
    ]
    try:
        for w in workers:
            w.start()
        for w in workers:
            # No deadline worth the name: on a loaded machine an update takes seconds, and
            # a slow run is not a lost update. The join bound only stops a hung test.
            w.join(600)
        assert [w.exitcode for w in workers] == [0, 0]
    finally:
        for w in workers:
            if w.is_alive():
                w.kill()
                w.join()
    sheet = load_sheet(sheet_path(tmp_path, "bo"))
    ids = {e.id for e in sheet.events}
    assert ids == {f"e-w{t}-{r}" for t in (1, 2) for r in range(rounds)}
    assert not list((tmp_path / "factsheets").glob("*.tmp"))


def test_reliability_invalid_tree_is_never_written(tmp_path):
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sample_sheet()))
    before = path.read_text()
    tree = read_tree(path)
    tree["events"][0]["status"] = "whatever"
    with pytest.raises(BriefgenError, match="refusing to write"):
        save_tree(path, tree)
    assert path.read_text() == before
