"""Fuzzing: hostile bytes into ingestion, free text into date parsing, broken fact sheets.

Nothing here may end in a traceback or a hang: a reader either returns a Document or
refuses the file with UnreadableFileError (the corpus then skips it with a warning naming
it); whole-corpus runs go through a subprocess with a timeout, so a hang fails the test
instead of stalling the suite. Threat → test map: docs/security.md.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.cli import cli
from briefgen.extract.dates import find_dates, parse_date
from briefgen.factsheets import save_tree, sheet_path, sheet_to_tree
from briefgen.ingest import Readers, UnreadableFileError, load_corpus, parse_file
from briefgen.ingest.readers import MAX_HTML_DEPTH
from tests.sheets import sample_sheet

ROOT = Path(__file__).resolve().parents[1]
READERS = Readers()
FIXTURE_CHECK = HealthCheck.function_scoped_fixture  # small_pdf is module-scoped: safe
SUFFIXES = ("txt", "md", "html", "pdf")
GOOD_TEXT = (
    "Officials from both countries met in the capital on 3 May 2021 to discuss trade.\n\n"
    "A second paragraph says the talks would continue later in the year.\n"
)


def _parse(name: str, data: bytes):
    """parse_file, which may only succeed or raise UnreadableFileError."""
    path = Path(name)
    try:
        doc, warnings = parse_file(path, data, READERS.reader_for(path))
    except UnreadableFileError as exc:
        assert str(exc), "a refusal must say why"
        return None
    assert isinstance(doc.text, str) and all(isinstance(w, str) for w in warnings)
    assert all(0 <= r.start <= r.end <= len(doc.text) for r in doc.regions)
    return doc


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    """A real PDF with a text layer, typeset by WeasyPrint from invented text."""
    import weasyprint

    html = "<h1>Invented report</h1>" + "".join(
        f"<p>{GOOD_TEXT} Paragraph {i}.</p>" for i in range(30)
    )
    return weasyprint.HTML(string=html).write_pdf()


# --------------------------------------------------------------------------- readers


@pytest.mark.parametrize("suffix", SUFFIXES)
@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=3000))
def test_fuzz_reader_random_bytes(suffix, data):
    _parse(f"x.{suffix}", data)


@pytest.mark.parametrize("suffix", SUFFIXES)
@settings(max_examples=25, deadline=None)
@given(
    text=st.text(max_size=2000),
    encoding=st.sampled_from(
        ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]
    ),
    cut=st.integers(0, 7),
)
def test_fuzz_reader_broken_encodings(suffix, text, encoding, cut):
    data = text.encode(encoding, errors="replace")
    _parse(f"x.{suffix}", data[: max(0, len(data) - cut)])


@pytest.mark.parametrize("prefix", [b"<html><body><p>", b"<p>", b"<div><article>", b""])
@settings(max_examples=25, deadline=None)
@given(body=st.text(alphabet=st.sampled_from(list("<>/=\"' abcdiv&;#x!-p")), max_size=1500))
def test_fuzz_html_reader_malformed_markup(prefix, body):
    _parse("x.html", prefix + body.encode("utf-8"))


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 5000 + "deep text" + "</div>" * 5000,
        "<p>" + "<b><i>unclosed " * 5000,
        "<span>" * (MAX_HTML_DEPTH + 20) + "just too deep",
        "<table><tr><td>" * 3000,
        "<script>" + "<div>" * 10000 + "</script><article><p>" + GOOD_TEXT + "</p></article>",
    ],
)
def test_fuzz_html_reader_deep_nesting_is_refused_or_read(html):
    doc = _parse("x.html", html.encode())
    if doc is None:
        return
    assert doc.text.strip()


def test_fuzz_html_reader_keeps_a_page_inside_the_depth_limit():
    html = "<div>" * 200 + f"<p>{GOOD_TEXT}</p>" + "</div>" * 200
    doc = _parse("x.html", html.encode())
    assert doc is not None and "capital" in doc.text


@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(data=st.data())
def test_fuzz_pdf_reader_truncated_pdfs(small_pdf, data):
    cut = data.draw(st.integers(0, len(small_pdf)))
    _parse("x.pdf", small_pdf[:cut])


@settings(max_examples=30, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(data=st.data())
def test_fuzz_pdf_reader_corrupted_bytes(small_pdf, data):
    raw = bytearray(small_pdf)
    for _ in range(data.draw(st.integers(1, 20))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _parse("x.pdf", bytes(raw))


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=2000))
def test_fuzz_pdf_reader_header_then_garbage(data):
    _parse("x.pdf", b"%PDF-1.7\n" + data)


@pytest.mark.parametrize("suffix", ["txt", "md", "html"])
def test_fuzz_reader_two_megabyte_line(suffix):
    line = "word " * 400_000 + "\n"
    body = f"<p>{line}</p>" if suffix == "html" else line
    doc = _parse(f"x.{suffix}", body.encode())
    assert doc is not None and len(doc.text) >= 1_999_000


# --------------------------------------------------------------------------- whole corpus


def _hostile_corpus(root: Path, pdf: bytes) -> dict[str, bytes]:
    rng = random.Random(11)
    files = {
        "good.txt": GOOD_TEXT.encode(),
        "good2.md": ("---\ntitle: Invented\n---\n" + GOOD_TEXT).encode(),
        "good3.pdf": pdf,
        "random.txt": rng.randbytes(5000),
        "random.html": rng.randbytes(5000),
        "random.pdf": rng.randbytes(5000),
        "empty.md": b"",
        "nul.txt": b"\x00" * 4000,
        "bad_utf8.txt": b"caf\xc3 \xff\xfe broken \xed\xa0\x80 surrogate " * 20,
        "odd_utf16.txt": "\ufeffodd length".encode("utf-16-le") + b"\x00",
        "deep.html": ("<div>" * 5000 + "x" + "</div>" * 5000).encode(),
        "unclosed.html": ("<p>" + "<b><i>unclosed " * 5000).encode(),
        "truncated.pdf": pdf[: len(pdf) // 3],
        "header_only.pdf": b"%PDF-1.7\n",
        "binary.html": bytes(range(256)) * 40,
        "bad_front.md": b"---\n: [unclosed\n---\nBody text here.\n",
        "long_line.txt": ("word " * 400_000).encode(),
    }
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    return files


def test_fuzz_hostile_corpus_is_read_with_warnings_not_crashes(tmp_path, small_pdf):
    """The CLI in a subprocess (timeout = the hang guard): good files listed, bad ones named."""
    corpus = tmp_path / "corpus"
    _hostile_corpus(corpus, small_pdf)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefgen",
            "corpus",
            "list",
            "--corpus",
            str(corpus),
            "--format",
            "json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "BRIEFGEN_CACHE_DIR": str(tmp_path / "c")},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    ids = {d["doc"] for d in json.loads(result.stdout)}
    assert {"good", "good2", "good3", "long_line"} <= ids
    for name in (
        "random.pdf",
        "empty.md",
        "nul.txt",
        "deep.html",
        "unclosed.html",
        "header_only.pdf",
        "binary.html",
    ):
        assert name in result.stderr, name
        assert Path(name).stem not in ids
    assert "while reading" not in result.stderr  # no "unexpected …" refusal: all explained


def test_fuzz_load_corpus_raises_only_ingest_error(tmp_path, small_pdf):
    corpus = tmp_path / "corpus"
    files = _hostile_corpus(corpus, small_pdf)
    docs = load_corpus(corpus, cache_dir=False)
    assert {d.id for d in docs} <= {Path(n).stem for n in files}
    (corpus / "sources.yaml").write_bytes(b"\xff\xfe: [")
    from briefgen.errors import IngestError

    with pytest.raises(IngestError):
        load_corpus(corpus, cache_dir=False)


# --------------------------------------------------------------------------- size limits


def test_fuzz_oversized_document_is_skipped_with_the_flag_named(tmp_path, caplog):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "small.txt").write_text(GOOD_TEXT)
    with open(corpus / "huge.txt", "wb") as handle:  # sparse: 50 MB on paper, never read
        handle.truncate(50_000_000)
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    docs = load_corpus(corpus, cache_dir=False)
    assert [d.id for d in docs] == ["small"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start < 100_000  # KB
    message = " ".join(r.getMessage() for r in caplog.records)
    assert "huge.txt" in message and "--max-doc-mb 51" in message


def test_fuzz_cli_max_doc_mb_flag(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD_TEXT * 8_000)  # about 1.2 MB
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["corpus", "list", "--corpus", str(corpus), "--format", "json", "--max-doc-mb", "1"]
    )
    assert refused.exit_code == 0 and json.loads(refused.stdout) == []
    allowed = runner.invoke(
        cli, ["corpus", "list", "--corpus", str(corpus), "--format", "json", "--max-doc-mb", "0"]
    )
    assert allowed.exit_code == 0 and [d["doc"] for d in json.loads(allowed.stdout)] == ["a"]


def test_fuzz_fifty_megabyte_document_in_bounded_memory(tmp_path):
    """A 50 MB document, allowed with --max-doc-mb 0, read in a fresh process: RSS bounded."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraph = (
        "Talks on energy cooperation continued in the capital, officials said. " * 140
    ).strip() + "\n\n"
    with open(corpus / "big.txt", "w", encoding="utf-8") as handle:
        for _ in range(50_000_000 // len(paragraph) + 1):
            handle.write(paragraph)
    code = (
        "import resource, sys\n"
        "from briefgen.ingest import load_corpus\n"
        "docs = load_corpus(sys.argv[1], cache_dir=False, max_doc_mb=0)\n"
        "print(len(docs[0].text), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(corpus)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    chars, peak_mb = map(int, result.stdout.split())
    assert chars >= 50_000_000
    assert peak_mb < 1500, peak_mb


# --------------------------------------------------------------------------- dates


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=300),
    language=st.sampled_from(["en", "es", "pt"]),
    published=st.one_of(st.none(), st.sampled_from(["2020", "2021-06", "2022-02-28"])),
)
def test_fuzz_find_dates_never_crashes(text, language, published):
    for mention in find_dates(text, published=published, language=language):
        assert 0 <= mention.start <= mention.end <= len(text)


DATEISH = st.lists(
    st.sampled_from(
        list("0123456789 -/.,:TZ+aDecMayJunof")
        + ["March", "de", "mayo", "2019", "31", "\u202e", "Sept."]
    ),
    max_size=15,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(DATEISH, st.text(max_size=60)), language=st.sampled_from(["en", "es", "pt"]))
def test_fuzz_parse_date_returns_iso_or_none(value, language):
    result = parse_date(value, language=language)
    if result is not None:
        from briefgen.models import is_partial_date

        assert is_partial_date(result), result


# --------------------------------------------------------------------------- fact sheets

BROKEN_SHEETS = {
    "bad_indentation": ("    status: accepted\n", "     status: accepted\n"),
    "duplicate_key": ("country: BO\n", "country: BO\ncountry: VE\n"),
    "wrong_type": ("schema_version: 1\n", "schema_version: one\n"),
    "unknown_field": ("country: BO\n", "country: BO\nsecret_field: 3\n"),
    "tab_indent": ("    status: accepted\n", "\tstatus: accepted\n"),
}


@pytest.mark.parametrize("case", list(BROKEN_SHEETS))
def test_fuzz_broken_sheet_names_file_line_and_is_not_rewritten(tmp_path, case):
    path = sheet_path(tmp_path, "bo")
    save_tree(path, sheet_to_tree(sample_sheet()))
    old, new = BROKEN_SHEETS[case]
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} not in the saved sheet"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = path.read_bytes()
    runner = CliRunner()
    for args in (
        ["check", "--data", str(tmp_path)],
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
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code in (1, 2), result.output
        assert "Traceback" not in result.output
        assert f"{path}:" in result.output, result.output  # file:line
    assert path.read_bytes() == before
    assert not (tmp_path / "out" / "bo.html").exists()


def _alias_bomb(indent: str = "  ") -> str:
    """'Billion laughs': nine levels of nine aliases, a billion strings once expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(indent + line for line in lines) + "\n"


@pytest.mark.parametrize("target", ["sheet", "manifest"])
def test_fuzz_yaml_alias_bomb_is_refused_quickly(tmp_path, target):
    """A YAML alias bomb in a fact sheet or sources.yaml: refused with file:line, no hang."""
    if target == "sheet":
        path = sheet_path(tmp_path / "data", "bo")
        path.parent.mkdir(parents=True)
        path.write_text("schema_version: 1\ncountry: BO\nevents: []\nnotes:\n" + _alias_bomb())
        args = ["check", "--data", str(tmp_path / "data")]
    else:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "a.txt").write_text(GOOD_TEXT)
        path = corpus / "sources.yaml"
        path.write_text(
            "bomb:\n" + _alias_bomb() + "sources:\n  - file: a.txt\n    title: *i\n    author: *i\n"
        )
        args = ["corpus", "list", "--corpus", str(corpus)]
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}:" in result.stderr and "alias" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
