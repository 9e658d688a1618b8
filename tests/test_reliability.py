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


# ----------------------------------------------------------------- round two (issue 17)
# Each test names the row of issue 17's table it covers.

import errno  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from briefgen import factsheets  # noqa: E402
from briefgen.cli import cli  # noqa: E402
from briefgen.ingest import load_corpus  # noqa: E402
from briefgen.ingest.metadata import normalise_date, read_manifest  # noqa: E402
from briefgen.ingest.readers import HtmlReader, MarkdownReader, UnreadableFileError  # noqa: E402
from tests.sheets import TEXTS, documents  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ALIAS_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}" + ",*" + chr(97 + i) * 1 + "]\n"
    for i in range(9)
)


def _run_cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in a subprocess; ``timeout`` is only the hang guard (a hang fails the test)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "case",
    ["front_matter_alias_bomb", "manifest_brackets", "sheet_brackets", "html_self_closing_divs"],
)
def test_reliability_pathological_input_is_refused_naming_file_and_limit(tmp_path, case):
    """Rows 1-3: alias bomb in front matter, 30 KB of "[" in sources.yaml or a sheet,
    160,000 <div/>: refused (or the file skipped) with the file and the limit named."""
    corpus = _write_corpus(tmp_path / "corpus")
    if case == "front_matter_alias_bomb":
        bad = corpus / "bomb.md"
        bad.write_text(f"---\n{ALIAS_BOMB}---\n# Title\n\nBody text.\n", encoding="utf-8")
        result = _run_cli("corpus", "list", "--corpus", str(corpus), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "bomb.md" in result.stderr and "alias" in result.stderr
        assert "bomb" in result.stdout  # the document itself is still read
    elif case == "manifest_brackets":
        bad = corpus / "sources.yaml"
        bad.write_text("[" * 30_000, encoding="utf-8")
        result = _run_cli("corpus", "list", "--corpus", str(corpus), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert f"{bad}:1" in result.stderr and "nested more than 64" in result.stderr
    elif case == "sheet_brackets":
        bad = tmp_path / "data" / "factsheets" / "bo.yaml"
        bad.parent.mkdir(parents=True)
        bad.write_text("[" * 20_000, encoding="utf-8")
        result = _run_cli("check", "--data", str(tmp_path / "data"), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert f"{bad}:1" in result.stderr and "nested more than 64" in result.stderr
    else:
        bad = corpus / "divs.html"
        bad.write_text("<html><body>" + "<div/>" * 160_000 + "</body></html>", encoding="utf-8")
        result = _run_cli("corpus", "list", "--corpus", str(corpus), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "divs.html" in result.stderr and "nested more than 2048" in result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


def test_reliability_html_depth_estimate_counts_self_closing_divs():
    """Row 2: "/>" closes only void elements in HTML; <div/> nests in the parser."""
    with pytest.raises(UnreadableFileError, match="nested more than 2048"):
        HtmlReader().read(("<p>x</p>" + "<div/>" * 3000).encode(), Path("d.html"))
    # Inside SVG, "/>" does close: a large inline drawing is still read.
    svg = "<svg>" + '<path d="M0 0"/>' * 5000 + "</svg>"
    page = f"<html><body><article><p>Text of the article.</p>{svg}</article></body></html>"
    assert "Text of the article." in HtmlReader().read(page.encode(), Path("s.html")).text


def test_reliability_front_matter_limits_keep_the_document(tmp_path):
    """Row 1: bad front matter (aliases, depth, size) is ignored with a warning; the
    Markdown text is still read."""
    for front in (ALIAS_BOMB, "x: " + "[" * 500, "t: " + "x" * 70_000):
        parsed = MarkdownReader().read(f"---\n{front}\n---\nBody.\n".encode(), Path("m.md"))
        assert parsed.text.endswith("Body.\n")
        assert any("front matter ignored" in w for w in parsed.warnings), parsed.warnings


@pytest.mark.parametrize(
    "manifest, fragment",
    [
        ("sources:\n  - file: alpha.txt\n    published: 2019-13-45\n", ":3: 2019-13-45 is not a"),
        ("sources:\n  - file: alpha.txt\n    published: 2019-02-30\n", ":3: 2019-02-30 is not a"),
        ("sources:\n  - file: alpha.txt\nsources:\n  - file: beta.txt\n", ":3: duplicate key"),
    ],
)
def test_reliability_manifest_bad_dates_and_duplicate_keys_name_the_line(
    tmp_path, manifest, fragment
):
    """Row 11: an unquoted impossible date or a duplicate top-level key in sources.yaml:
    one line naming file and line, exit 2."""
    corpus = _write_corpus(tmp_path / "corpus")
    (corpus / "sources.yaml").write_text(manifest, encoding="utf-8")
    result = CliRunner().invoke(cli, ["corpus", "list", "--corpus", str(corpus)])
    assert result.exit_code == 2, result.output
    assert f"{corpus / 'sources.yaml'}{fragment}" in result.output
    assert "unexpected" not in result.output


@pytest.mark.parametrize(
    "edit, fragment",
    [
        (("reviewed: '2022-08-01'", "reviewed: 2019-13-45"), "2019-13-45 is not a valid date"),
        (("reviewed: '2022-08-01'", "reviewed: 2019-02-30"), "2019-02-30 is not a valid date"),
        (("power: Russia", "power: Russia\npower: China"), "duplicate key"),
    ],
)
def test_reliability_sheet_bad_dates_and_duplicate_keys_name_the_line(tmp_path, edit, fragment):
    """Row 11, in a fact sheet: exit 2, file:line, the file untouched."""
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sample_sheet()))
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1]))
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["check", "--data", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:" in result.output and fragment in result.output
    assert "unexpected" not in result.output
    assert path.read_bytes() == before


def test_reliability_symlink_out_of_the_corpus_is_refused(tmp_path, caplog):
    """Row 9: a link to a file outside the corpus folder is not read; one inside is."""
    corpus = _write_corpus(tmp_path / "corpus")
    secret = tmp_path / "secret.txt"
    secret.write_text("Root password hunter2 for the Moscow server.", encoding="utf-8")
    (corpus / "leak.txt").symlink_to(secret)
    (corpus / "alias.txt").symlink_to(corpus / "alpha.txt")
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        docs = load_corpus(corpus, cache_dir=False)
    ids = {d.id for d in docs}
    assert "leak" not in ids and {"alpha", "alias", "beta"} <= ids
    assert not any("hunter2" in d.text for d in docs)
    assert "leak.txt" in caplog.text and "outside the corpus" in caplog.text


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "//evil.example/"],
)
def test_reliability_non_http_urls_are_dropped_with_a_warning(tmp_path, caplog, url):
    """Row 5: manifest and page URLs that are not http(s) are dropped with a warning, so
    they can never reach (and invalidate) a sheet."""
    corpus = _write_corpus(tmp_path / "corpus")
    (corpus / "sources.yaml").write_text(
        f"sources:\n  - file: alpha.txt\n    url: '{url}'\n", encoding="utf-8"
    )
    page = (
        f'<html><head><link rel="canonical" href="{url}"></head>'
        "<body><article><p>Russian officials visited Caracas.</p></article></body></html>"
    )
    (corpus / "page.html").write_text(page, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        manifest = read_manifest(corpus)
        docs = {d.id: d for d in load_corpus(corpus, cache_dir=False)}
    assert manifest["alpha"]["url"] is None
    assert docs["alpha"].url is None and docs["page"].url is None
    assert "sources.yaml:2" in caplog.text and "page.html" in caplog.text
    assert "not an http(s) URL" in caplog.text


def test_reliability_http_urls_are_kept(tmp_path):
    corpus = _write_corpus(tmp_path / "corpus")
    (corpus / "sources.yaml").write_text(
        "sources:\n  - file: alpha.txt\n    url: https://news.example/a?b=1\n", encoding="utf-8"
    )
    docs = {d.id: d for d in load_corpus(corpus, cache_dir=False)}
    assert docs["alpha"].url == "https://news.example/a?b=1"


MARKUP = "[/x] [link=file:///etc/passwd]click[/link] :skull: [bold red]"


def test_reliability_terminal_tables_show_user_text_literally(tmp_path):
    """Row 10: rich markup and emoji codes in titles and paths are shown as typed."""
    corpus = _write_corpus(tmp_path / "corpus")
    (corpus / "sources.yaml").write_text(
        f"sources:\n  - file: alpha.txt\n    title: '{MARKUP}'\n", encoding="utf-8"
    )
    wide = CliRunner(env={"COLUMNS": "400"})
    result = wide.invoke(cli, ["corpus", "list", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert MARKUP in result.output and "💀" not in result.output
    sheet = sample_sheet()
    sheet.events[0].title = MARKUP
    save_tree(sheet_path(tmp_path / "data", "bo"), sheet_to_tree(sheet))
    for args in (["list"], ["facts", "bo"]):
        result = wide.invoke(cli, [*args, "--data", str(tmp_path / "data")])
        assert result.exit_code == 0, result.output
        assert "unexpected" not in result.output
    assert MARKUP in result.output


def test_reliability_build_all_with_markup_in_paths_writes_the_index(tmp_path):
    """Row 10: a summary table holding "[/x]" (here in --out) no longer aborts build --all
    before index.html is written."""
    data = tmp_path / "data"
    save_tree(sheet_path(data, "bo"), sheet_to_tree(sample_sheet()))
    save_tree(sheet_path(data, "ar"), sheet_to_tree(sample_sheet(country="AR")))
    out = tmp_path / "out[/x]:skull:"
    result = CliRunner().invoke(
        cli, ["build", "--all", "--format", "html", "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and (out / "ar.html").is_file()


def test_reliability_long_output_name_is_an_io_error_not_unexpected(tmp_path):
    """Row 12: a 300-character output folder name: one line naming it, exit 1."""
    data = tmp_path / "data"
    save_tree(sheet_path(data, "bo"), sheet_to_tree(sample_sheet()))
    out = tmp_path / ("x" * 300)
    result = CliRunner().invoke(
        cli, ["build", "bo", "--format", "html", "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "File name too long" in result.output and "unexpected" not in result.output


def _fake_pipeline(events, n_docs=2):
    """Stands in for pipeline.run: the CLI's own work without extraction."""
    from briefgen.pipeline import Run

    def run(corpus, options=None, *, known=(), client=None):
        return Run(documents()[:n_docs], [], list(events), [])

    return run


def test_reliability_read_only_data_dir_is_an_io_error(tmp_path, monkeypatch):
    """Row 12: a data directory that cannot be written: exit 1 naming the file."""
    corpus = _write_corpus(tmp_path / "corpus")
    monkeypatch.setattr("briefgen.pipeline.run", _fake_pipeline(sample_sheet().events))

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "data" / "x"))

    monkeypatch.setattr(factsheets.tempfile, "mkstemp", refuse)
    result = CliRunner().invoke(
        cli, ["update", "--corpus", str(corpus), "--data", str(tmp_path / "data")]
    )
    assert result.exit_code == 1, result.output
    assert "Permission denied" in result.output and str(tmp_path / "data") in result.output
    assert "unexpected" not in result.output and not isinstance(result.exception, OSError)
    assert not (tmp_path / "data" / "factsheets" / "bo.yaml").exists()


def test_reliability_full_disk_changes_no_sheet(tmp_path, monkeypatch):
    """Row 12: the disk fills while the second of two sheets is written: both stay as they
    were (all or nothing), the temp files are gone, the message names the file."""
    data = tmp_path / "data"
    sheets = {"AR": sample_sheet("proposed", "AR"), "BO": sample_sheet("proposed", "BO")}
    for code, sheet in sheets.items():
        save_tree(sheet_path(data, code), sheet_to_tree(sheet))
    before = {p.name: p.read_bytes() for p in (data / "factsheets").iterdir()}
    new = [
        Event(
            id=f"e-new-{code}",
            country=code,
            category="energy_deal",
            title="A new gas deal",
            evidence=[Quote("beta", "Officials in La Paz", 80, 99)],
        )
        for code in sheets
    ]
    events = [e for s in sheets.values() for e in s.events] + new
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(factsheets.os, "fsync", fsync)
    with pytest.raises(BriefgenError) as caught:
        update_sheets(data, events, [], {})
    assert "No space left on device" in caught.value.message
    assert "bo.yaml" in caught.value.message and "no fact sheet was changed" in caught.value.message
    after = {p.name: p.read_bytes() for p in (data / "factsheets").iterdir()}
    assert after == before


def test_reliability_update_validates_every_sheet_before_writing_any(tmp_path):
    """Row 5: one sheet that would become invalid stops the update before any is written."""
    data = tmp_path / "data"
    for code in ("AR", "BO"):
        save_tree(sheet_path(data, code), sheet_to_tree(sample_sheet("proposed", code)))
    before = {p.name: p.read_bytes() for p in (data / "factsheets").iterdir()}
    ar, bo = sample_sheet("proposed", "AR"), sample_sheet("proposed", "BO")
    grown = Event(
        id="e-bo-new",
        country="BO",
        category="energy_deal",
        title="A new gas deal",
        evidence=[Quote("gamma", "gas", 0, 3)],
    )
    # An API caller passing an unchecked source: BO's sheet would not validate.
    bad = {"gamma": documents()[0].to_source()}
    bad["gamma"].url = "javascript:alert(1)"
    events = ar.events + [
        Event(
            id="e-ar-new",
            country="AR",
            category="energy_deal",
            title="x",
            evidence=[Quote("beta", "y", 0, 1)],
        )
    ]
    with pytest.raises(BriefgenError, match="nothing was written"):
        update_sheets(data, events + bo.events + [grown], [], bad)
    assert {p.name: p.read_bytes() for p in (data / "factsheets").iterdir()} == before


def test_reliability_update_keeps_the_file_mode(tmp_path):
    """Row 15: an update no longer turns a 0644 sheet into 0600."""
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sample_sheet("proposed")))
    os.chmod(path, 0o644)
    extra = Event(
        id="e-extra",
        country="BO",
        category="energy_deal",
        title="t",
        evidence=[Quote("beta", "y", 0, 1)],
    )
    changes = update_sheets(tmp_path, sample_sheet("proposed").events + [extra], [], {})
    assert changes[0].added == 1
    assert path.stat().st_mode & 0o777 == 0o644


def test_reliability_interrupted_write_temp_files_are_removed(tmp_path):
    """Row 17: temp files a killed write left behind go on the next update."""
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sample_sheet("proposed")))
    stray = [path.parent / ".bo.yaml.k3j_x9.tmp", path.parent / ".ar.yaml.abcdef.tmp"]
    for p in stray:
        p.write_text("half a sheet")
    keep = path.parent / "notes.tmp"
    keep.write_text("not ours")
    update_sheets(tmp_path, sample_sheet("proposed").events, [], {})
    assert not any(p.exists() for p in stray) and keep.exists()


def test_reliability_lock_is_filelock(tmp_path):
    """Issue 14: the data lock is filelock's (portable), held for the block."""
    from filelock import FileLock, Timeout

    with factsheets.data_lock(tmp_path):
        with pytest.raises(Timeout):
            FileLock(tmp_path / factsheets.LOCK_NAME).acquire(timeout=0)
    other = FileLock(tmp_path / factsheets.LOCK_NAME)
    other.acquire(timeout=0)
    other.release()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("December 21, 2019", "2019-12-21"),
        ("21 December 2019", "2019-12-21"),
        ("21 de diciembre de 2019", "2019-12-21"),
        ("3 de março de 2020", "2020-03-03"),
        ("May 2019", "2019-05"),
        ("2019-12-21T10:00:00Z", "2019-12-21"),
        ("D:20191221", "2019-12-21"),
        ("yesterday", None),
    ],
)
def test_reliability_normalise_date_reads_month_names(value, expected):
    assert normalise_date(value) == expected


def _two_sheets_for_ve(data: Path) -> tuple[Path, Path]:
    main, old = sheet_path(data, "ve"), data / "factsheets" / "ve_old.yaml"
    save_tree(main, sheet_to_tree(sample_sheet(country="VE")))
    save_tree(old, sheet_to_tree(sample_sheet(country="VE")))
    return main, old


@pytest.mark.parametrize("command", ["build", "update", "check"])
def test_reliability_two_sheets_for_one_country_are_an_error(tmp_path, monkeypatch, command):
    """Row 4: a stray ve_old.yaml claiming VE stops build, update and check, naming both."""
    data = tmp_path / "data"
    main, old = _two_sheets_for_ve(data)
    before = {p: p.read_bytes() for p in (main, old)}
    if command == "build":
        args = ["build", "--all", "--format", "html", "--out", str(tmp_path / "out")]
    elif command == "update":
        monkeypatch.setattr("briefgen.pipeline.run", _fake_pipeline([]))
        args = ["update", "--corpus", str(_write_corpus(tmp_path / "corpus"))]
    else:
        args = ["check"]
    result = CliRunner().invoke(cli, [*args, "--data", str(data)])
    assert result.exit_code == (1 if command == "check" else 2), result.output
    assert str(main) in result.output and str(old) in result.output
    assert "both claim VE" in result.output
    assert not (tmp_path / "out" / "ve.html").exists()
    assert {p: p.read_bytes() for p in (main, old)} == before


def test_reliability_update_on_an_empty_corpus_stops(tmp_path, monkeypatch):
    """Row 8: an empty (or unreadable) corpus would mark everything stale: refused."""
    data = tmp_path / "data"
    path = sheet_path(data, "bo")
    save_tree(path, sheet_to_tree(sample_sheet()))
    before = path.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr("briefgen.pipeline.run", _fake_pipeline([], n_docs=0))
    result = CliRunner().invoke(cli, ["update", "--corpus", str(empty), "--data", str(data)])
    assert result.exit_code == 1, result.output
    assert "no readable document" in result.output and "--allow-stale" in result.output
    assert "Bolivian foreign minister in Moscow" in result.output
    assert path.read_bytes() == before


def test_reliability_mass_stale_needs_allow_stale(tmp_path, monkeypatch):
    """Row 8: more than a third of the reviewed events going stale stops the update with a
    summary; --allow-stale goes ahead and prints each stale event by title."""
    data = tmp_path / "data"
    path = sheet_path(data, "bo")
    sheet = sample_sheet()
    save_tree(path, sheet_to_tree(sheet))
    before = path.read_bytes()
    with pytest.raises(factsheets.StaleGuardError, match="2 of 3 reviewed events"):
        update_sheets(data, sheet.events[:1], [], {}, documents=2)
    assert path.read_bytes() == before
    monkeypatch.setattr("briefgen.pipeline.run", _fake_pipeline(sheet.events[:1]))
    corpus = _write_corpus(tmp_path / "corpus")
    args = ["update", "--corpus", str(corpus), "--data", str(data)]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1 and "--allow-stale" in refused.output, refused.output
    allowed = CliRunner().invoke(cli, [*args, "--allow-stale"])
    assert allowed.exit_code == 0, allowed.output
    assert "stale (accepted): Rosatom research reactor deal" in allowed.output
    assert "stale (accepted): Russian instructors train helicopter crews" in allowed.output
    assert sum(e.stale for e in load_sheet(path).events) == 2


def test_reliability_every_reviewed_event_of_a_country_going_stale_stops(tmp_path):
    """Row 8: a country losing all its reviewed events stops, even under a third overall."""
    data = tmp_path / "data"
    big = sample_sheet(country="AR")
    for n in range(3):  # AR: 9 reviewed events, all kept
        for e in sample_sheet(country="AR").events:
            e.id = f"{e.id}-{n}"
            e.evidence = [
                Quote(q.doc, q.text, q.start + 1000 * (n + 1), q.end + 1000 * (n + 1))
                for q in e.evidence
            ]
            big.events.append(e)
    save_tree(sheet_path(data, "ar"), sheet_to_tree(big))
    small = sample_sheet(country="BO")
    small.events = small.events[:1]
    small.key_judgments = []
    save_tree(sheet_path(data, "bo"), sheet_to_tree(small))
    with pytest.raises(factsheets.StaleGuardError, match="every reviewed event of BO"):
        update_sheets(data, big.events, [], {}, documents=2)
    changes = update_sheets(data, big.events, [], {}, documents=2, allow_stale=True)
    assert {c.country: c.stale for c in changes}["BO"] == 1


def test_reliability_pdf_page_limit_is_named(monkeypatch):
    """Bounded work on PDFs: a PDF of more pages than MAX_PDF_PAGES is refused, naming it."""
    import pypdf

    from briefgen.ingest import readers

    writer = pypdf.PdfWriter()
    for _ in range(4):
        writer.add_blank_page(width=72, height=72)
    buf = __import__("io").BytesIO()
    writer.write(buf)
    monkeypatch.setattr(readers, "MAX_PDF_PAGES", 3)
    with pytest.raises(UnreadableFileError, match="4 pages is over the limit of 3 pages"):
        readers.PdfReader().read(buf.getvalue(), Path("big.pdf"))
