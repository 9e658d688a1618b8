"""CLI: every command has help, exit codes 0/1/2, no tracebacks, config precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.factsheets import save_tree, sheet_path, sheet_to_tree
from tests.sheets import sample_sheet


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(cli, list(args))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    save_tree(sheet_path(data, "bo"), sheet_to_tree(sample_sheet()))
    return data


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize(("path", "command"), list(_commands(cli)), ids=lambda v: str(v))
def test_cli_every_command_has_help(path, command):
    assert command.help and len(command.help.strip()) > 20, path
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_cli_version():
    result = invoke("--version")
    assert result.exit_code == 0 and "briefgen, version" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("build", "narnia"),
        ("facts", "atlantis"),
        ("build",),
        ("build", "bo", "--format", "docx"),
        ("check", "zz"),
        ("disagreements", "xx"),
    ],
)
def test_cli_usage_errors_exit_2(args, data_dir):
    result = invoke(*args, "--data", str(data_dir))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error")


def test_cli_unknown_country_names_input_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "narnia"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "narnia" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_list_facts_disagreements(data_dir):
    listed = invoke("list", "--data", str(data_dir), "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert rows[0]["country"] == "BO" and rows[0]["energy_deal"] == 1
    facts = invoke("facts", "Bolivia", "--data", str(data_dir), "--format", "json")
    assert facts.exit_code == 0, facts.output
    assert {r["category"] for r in json.loads(facts.output)} == {
        "diplomatic_visit",
        "energy_deal",
        "military_cooperation",
    }
    csv = invoke("facts", "bol", "--data", str(data_dir), "--format", "csv")
    assert csv.output.splitlines()[0].startswith("id,status,category,date,title")
    dis = invoke("disagreements", "BO", "--data", str(data_dir), "--format", "json")
    assert json.loads(dis.output)[0]["kind"] == "value_conflict"


def test_cli_check_valid_and_broken(data_dir):
    ok = invoke("check", "--data", str(data_dir))
    assert ok.exit_code == 0, ok.output
    path = sheet_path(data_dir, "bo")
    path.write_text(path.read_text().replace("category: energy_deal", "category: oil", 1))
    bad = invoke("check", "--data", str(data_dir))
    assert bad.exit_code == 1
    assert f"{path}:" in bad.output and "'oil' is not a category" in bad.output
    path.write_text("events: [\n")
    unreadable = invoke("check", "--data", str(data_dir))
    assert unreadable.exit_code == 2 and str(path) in unreadable.output
    assert "Traceback" not in unreadable.output


def test_cli_config_file_sets_defaults_and_flags_win(tmp_path, data_dir):
    (tmp_path / "briefgen.toml").write_text(f'data = "{data_dir}"\npage_size = "Letter"\n')
    runner = CliRunner()
    import os

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        shown = runner.invoke(cli, ["config"])
        assert shown.exit_code == 0, shown.output
        assert f"data = '{data_dir}'  # briefgen.toml" in shown.output
        assert "page_size = 'Letter'  # briefgen.toml" in shown.output
        assert "handling = 'UNCLASSIFIED // FOR INTERNAL USE'  # default" in shown.output
        listed = runner.invoke(cli, ["list", "--format", "json"])  # data from the file
        assert listed.exit_code == 0, listed.output
        missing = runner.invoke(cli, ["list", "--data", str(tmp_path / "nowhere")])
        assert missing.exit_code == 2  # the flag wins
        (tmp_path / "briefgen.toml").write_text('colour = "red"\n')
        broken = runner.invoke(cli, ["config"])
        assert broken.exit_code == 2 and "unknown setting(s) colour" in broken.output
    finally:
        os.chdir(old)


def test_cli_help_imports_no_heavy_library():
    code = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('weasyprint', 'pandas', 'spacy') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY=", result.stdout


def test_cli_build_all_writes_every_briefing_and_an_index(tmp_path, data_dir):
    sheet = sample_sheet()
    sheet.country = "PE"
    for e in sheet.events:
        e.country = "PE"
    save_tree(sheet_path(data_dir, "pe"), sheet_to_tree(sheet))
    # a broken third sheet: the others are still built, and the exit code says it failed
    sheet_path(data_dir, "cu").write_text("schema_version: 1\ncountry: CU\nevents: 7\n")
    out = tmp_path / "out"
    result = invoke(
        "build",
        "--all",
        "-j",
        "2",
        "--format",
        "html,fragment",
        "--data",
        str(data_dir),
        "--out",
        str(out),
    )
    assert result.exit_code == 1, result.output
    assert "1 of 3 briefings failed: cu" in result.output
    assert (out / "bo.html").exists() and (out / "pe.fragment.html").exists()
    assert not (out / "cu.html").exists()
    index = (out / "index.html").read_text()
    assert 'href="bo.html"' in index and 'href="pe.html"' in index
    assert "Bolivia" in index and "Peru" in index and "Build failed" in index


def test_cli_build_single_country_pdf_and_html(tmp_path, data_dir):
    out = tmp_path / "x"
    result = invoke(
        "build", "bolivia", "--format", "pdf,html", "--data", str(data_dir), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert (out / "bo.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "bo.html").read_text().startswith("<!DOCTYPE html>")


def _invented_corpus(tmp_path: Path) -> Path:
    """The extractor's invented articles (not the sample corpus) as a corpus folder."""
    import shutil

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in (Path(__file__).parent / "fixtures" / "extract").glob("*.txt"):
        shutil.copy(src, corpus / src.name)
    return corpus


def test_cli_update_check_and_draft_build_on_an_invented_corpus(tmp_path):
    corpus = _invented_corpus(tmp_path)
    data = tmp_path / "data"
    first = invoke("update", "--corpus", str(corpus), "--data", str(data), "-j", "1")
    assert first.exit_code == 0, first.output
    assert "new sheet" in first.output
    sheets = sorted((data / "factsheets").glob("*.yaml"))
    assert sheets
    again = invoke("update", "--corpus", str(corpus), "--data", str(data), "-j", "1")
    assert again.exit_code == 0 and "changed" not in again.output.replace("unchanged", "")
    checked = invoke("check", "--data", str(data), "--corpus", str(corpus))
    assert checked.exit_code == 0, checked.output
    cc = sheets[0].stem
    out = tmp_path / "out"
    reviewed_only = invoke("build", cc, "--format", "html", "--data", str(data), "--out", str(out))
    assert reviewed_only.exit_code == 0, reviewed_only.output
    # A fresh sheet has no bottom line, judgments or reviewed events: a DRAFT (issue 19).
    page = (out / f"{cc}.html").read_text()
    assert "DRAFT — not ready for release" in page and "no bottom line" in page
    assert "DRAFT — not reviewed" not in page
    draft = invoke(
        "build",
        cc,
        "--format",
        "html",
        "--include-proposed",
        "--data",
        str(data),
        "--out",
        str(out),
    )
    assert draft.exit_code == 0, draft.output
    assert "DRAFT — not reviewed" in (out / f"{cc}.html").read_text()


def test_cli_corpus_list_and_show(tmp_path):
    corpus = _invented_corpus(tmp_path)
    listed = invoke("corpus", "list", "--corpus", str(corpus), "--format", "json")
    assert listed.exit_code == 0, listed.output
    docs = json.loads(listed.output)
    assert docs and all(d["reliability"] == "F" for d in docs)  # no manifest: grade F
    shown = invoke("corpus", "show", docs[0]["doc"], "--corpus", str(corpus))
    assert shown.exit_code == 0
    assert shown.output.strip() == (corpus / f"{docs[0]['doc']}.txt").read_text().strip()
    missing = invoke("corpus", "show", "nope", "--corpus", str(corpus))
    assert missing.exit_code == 2 and "nope" in missing.output
    no_dir = invoke("corpus", "list", "--corpus", str(tmp_path / "absent"))
    assert no_dir.exit_code == 2 and "absent" in no_dir.output
