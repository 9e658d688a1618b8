"""Tests for briefgen.ingest: readers, encodings, regions, metadata, cache and the CLI."""

from __future__ import annotations

import logging
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import briefgen.ingest.corpus as corpus_module
from briefgen.errors import IngestError
from briefgen.ingest import (
    UndecodableError,
    decode_bytes,
    detect_regions,
    find_document,
    iter_corpus,
    load_corpus,
    read_manifest,
)
from briefgen.ingest.readers import HtmlReader, PdfReader, Readers, UnreadableFileError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ENCODINGS = FIXTURES / "encodings"
HTML = FIXTURES / "html"
TEXT = FIXTURES / "text"
SHARED_CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"

# The text every encoding fixture holds (tests/fixtures/ingest/encodings/*.txt).
REFERENCE = (
    "Energy talks in Bogotá\n\n"
    "Norway’s envoy signed a “framework” accord with Colombia’s ministry — 12 May 2014.\n"
    "Señor Muñoz called it a “très bon” début; costs: 20 € per tonne.\n"
)
LATIN1 = (
    REFERENCE.replace("’", "'")
    .replace("“", '"')
    .replace("”", '"')
    .replace("—", "-")
    .replace("€", "EUR")
)

INGEST_LOG = "briefgen.ingest"


@pytest.fixture(autouse=True)
def _ingest_warnings_reach_caplog(monkeypatch, caplog):
    """CLI runs in earlier tests may leave the "briefgen" logger quiet or not propagating."""
    monkeypatch.setattr(logging.getLogger("briefgen"), "propagate", True)
    caplog.set_level(logging.WARNING, logger=INGEST_LOG)
    monkeypatch.setattr(logging.getLogger("briefgen"), "level", logging.NOTSET)


@pytest.fixture
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "sources.yaml").exists():
        pytest.skip(f"sample corpus not found at {SHARED_CORPUS} (it lives beside the project)")
    return SHARED_CORPUS


def warnings_of(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == INGEST_LOG and r.levelno == logging.WARNING
    ]


def kind_of(doc_or_regions, text: str, phrase: str) -> str:
    regions = getattr(doc_or_regions, "regions", doc_or_regions)
    offset = text.index(phrase)
    for r in regions:
        if r.start <= offset < r.end:
            return r.kind
    return "body"


def make_pdf(html: str) -> bytes:
    weasyprint = pytest.importorskip("weasyprint")
    return weasyprint.HTML(string=html).write_pdf()


TWO_PAGE_PDF = """<html><head><title>Sweden and Brazil: fighter jets</title>
<meta name="author" content="Lena Berg">
<meta name="dcterms.created" content="2014-10-24T09:00:00Z"></head>
<body><h1>Sweden and Brazil: fighter jets</h1>
<p>Brazil signed a contract for thirty-six Swedish fighter jets in October 2014.</p>
<p style="page-break-before: always">The first aircraft was delivered in 2020, officials
said.</p></body></html>"""


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    ("name", "encoding", "expected"),
    [
        ("utf8.txt", "utf-8", REFERENCE),
        ("utf8_bom.txt", "utf-8", REFERENCE),
        ("utf16.txt", "utf-16-le", REFERENCE),
        ("utf16le_nobom.txt", "utf-16-le", REFERENCE),
        ("cp1252.txt", "cp1252", REFERENCE),
        ("latin1.txt", "cp1252", LATIN1),
        ("nfd.txt", "utf-8", REFERENCE),
    ],
)
def test_ingest_decode_encodings(name, encoding, expected):
    decoded = decode_bytes((ENCODINGS / name).read_bytes())
    assert decoded.text == expected
    assert decoded.encoding == encoding
    assert decoded.warnings == []
    assert unicodedata.is_normalized("NFC", decoded.text)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n \n", "empty file"),
        ((ENCODINGS / "binary.txt").read_bytes(), "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_ingest_decode_rejects_non_text(data, reason):
    with pytest.raises(UndecodableError, match=reason):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Title\n\nUpdated on December 21, 2019\n\nBody.", "2019-12-21"),
        ("Title\nPublished: 3 March 2021\nBody.", "2021-03-03"),
        ("Title\nPosted Sept. 4, 2018 by staff\n", "2018-09-04"),
        ("Title\n\n14 September 2019\n\nBody.", "2019-09-14"),
        ("Title\nMarch 3, 2015 10:42 GMT\nBody.", "2015-03-03"),
        ("Título\n\nPublicado el 3 de marzo de 2019\n", "2019-03-03"),
        ("Título\nPublicado em 12 de junho de 2020\n", "2020-06-12"),
        ("The treaty was kept up to date March 2019 by both sides.", None),
        ("Talks began on 14 September 2019 in Lima.", None),
    ],
)
def test_ingest_metadata_stated_date(text, date):
    from briefgen.ingest.metadata import find_stated_date

    assert find_stated_date(text) == date


def test_ingest_decode_truncated_keeps_text_and_warns():
    decoded = decode_bytes((ENCODINGS / "truncated.txt").read_bytes())
    assert decoded.text == REFERENCE
    assert "truncated" in decoded.warnings[0]


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("name", ["utf8.txt", "cp1252.txt", "utf16.txt", "utf8_bom.txt"])
def test_ingest_txt_clean_text_is_decoded_file(tmp_path, name):
    shutil.copy(ENCODINGS / name, tmp_path / name)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert doc.text == REFERENCE
    assert doc.id == Path(name).stem
    assert doc.title == "Energy talks in Bogotá"
    quote = doc.quote(doc.text.index("Señor"), doc.text.index("Señor") + 11)
    assert quote.text == "Señor Muñoz"


def test_ingest_txt_keeps_crlf_so_offsets_match_file(tmp_path):
    (tmp_path / "crlf.txt").write_bytes(b"Title line\r\n\r\nBody text in 2012.\r\n")
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert doc.text == "Title line\r\n\r\nBody text in 2012.\r\n"
    assert doc.title == "Title line"


def test_ingest_shared_corpus_text_equals_utf8_file(shared_corpus):
    docs = load_corpus(shared_corpus, cache_dir=False)
    assert len(docs) == 5
    for doc in docs:
        assert doc.text == Path(doc.path).read_bytes().decode("utf-8"), doc.id
        assert doc.sha256 and len(doc.sha256) == 64


def test_ingest_shared_corpus_uses_manifest(shared_corpus):
    manifest = yaml.safe_load((shared_corpus / "sources.yaml").read_text(encoding="utf-8"))
    expected = {Path(e["file"]).stem: e for e in manifest["sources"]}
    docs = load_corpus(shared_corpus, cache_dir=False)
    assert [d.id for d in docs] == sorted(expected)
    for doc in docs:
        entry = expected[doc.id]
        assert doc.published == str(entry["published"])
        assert doc.reliability == entry["reliability"]
        assert doc.date_estimated == entry["date_basis"].startswith("estimate")


def test_ingest_shared_corpus_regions_skip_no_article(shared_corpus):
    docs = {d.id: d for d in load_corpus(shared_corpus, cache_dir=False)}
    for doc in docs.values():
        kinds = [r.kind for r in doc.regions]
        assert kinds[0] == "body", doc.id
        read = sum(r.end - r.start for r in doc.regions if r.kind != "boilerplate")
        assert read > 0.5 * len(doc.text), doc.id


# --------------------------------------------------------------------------- markdown


def test_ingest_markdown_front_matter(tmp_path):
    shutil.copy(TEXT / "front_matter.md", tmp_path)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert doc.text == (TEXT / "front_matter.md").read_text(encoding="utf-8")
    assert (doc.title, doc.published, doc.author) == (
        "Kenya and India expand rail cooperation",
        "2018-11-20",
        "A. Otieno",
    )
    assert doc.date_estimated is True
    assert kind_of(doc, doc.text, "title:") == "boilerplate"
    assert kind_of(doc, doc.text, "An Indian state company") == "body"


def test_ingest_markdown_heading_and_posted_date(tmp_path):
    shutil.copy(TEXT / "plain_heading.md", tmp_path)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert doc.title == "Mali and Turkey sign drone agreement"
    assert doc.published == "2022-02-04"


# --------------------------------------------------------------------------- HTML


def html_expectations() -> list[tuple[str, dict]]:
    data = yaml.safe_load((HTML / "expected.yaml").read_text(encoding="utf-8"))
    return sorted(data.items())


@pytest.mark.parametrize(("name", "phrases"), html_expectations())
def test_ingest_html_keeps_article_drops_furniture(name, phrases):
    text = HtmlReader().read((HTML / name).read_bytes(), HTML / name).text
    regions = detect_regions(text)
    visible = "".join(text[r.start : r.end] for r in regions if r.kind != "boilerplate")
    for phrase in phrases["keep"]:
        assert phrase in visible, phrase
    for phrase in phrases["drop"]:
        assert phrase not in visible, phrase


@pytest.mark.parametrize(
    ("name", "title", "published", "author"),
    [
        ("semantic.html", "Finland and Peru sign harbour deal", "2016-04-12", "Maria Lindqvist"),
        ("plain.html", "Wind farms for Uruguay", "2017-09-30", None),
        ("blog.html", "Notes from Quito", None, None),
    ],
)
def test_ingest_html_metadata(tmp_path, name, title, published, author):
    shutil.copy(HTML / name, tmp_path)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert (doc.title, doc.published, doc.author) == (title, published, author)
    assert doc.date_estimated is True
    assert doc.reliability == "F"


def test_ingest_html_declared_cp1252_and_footnotes_are_notes():
    text = HtmlReader().read((HTML / "blog.html").read_bytes(), HTML / "blog.html").text
    assert "Ecuador’s oil ministry" in text
    assert kind_of(detect_regions(text), text, "Energy Review") == "notes"


# --------------------------------------------------------------------------- PDF


def test_ingest_pdf_two_pages(tmp_path):
    (tmp_path / "jets.pdf").write_bytes(make_pdf(TWO_PAGE_PDF))
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert "thirty-six Swedish fighter jets in October 2014" in doc.text
    assert "The first aircraft was delivered in 2020" in doc.text
    assert doc.text.index("thirty-six") < doc.text.index("first aircraft")
    assert (doc.title, doc.author, doc.published) == (
        "Sweden and Brazil: fighter jets",
        "Lena Berg",
        "2014-10-24",
    )
    assert doc.date_estimated is True


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: make_pdf('<div style="width:5cm;height:5cm;background:navy"></div>'),
            "no text layer",
        ),
        (lambda: make_pdf(TWO_PAGE_PDF)[:600], "damaged PDF"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)), "damaged PDF"),
        (lambda: b"plain words, not a pdf", "not a PDF"),
        (lambda: b"", "empty file"),
    ],
)
def test_ingest_pdf_bad_files_warn_and_skip(tmp_path, caplog, make, message):
    (tmp_path / "bad.pdf").write_bytes(make())
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "good.txt")
    docs = load_corpus(tmp_path, cache_dir=False)
    assert [d.id for d in docs] == ["good"]
    [warning] = warnings_of(caplog)
    assert "bad.pdf" in warning and message in warning


# --------------------------------------------------------------------------- regions


REGION_CASES = [
    pytest.param(
        "Body about Ghana and Japan signing a deal in 2013.\n\nNotes\n\n"
        "1. Ministry of Trade, press release, 4 May 2013.\n2. Ibid., p. 4.\n",
        {"Body about Ghana": "body", "Ministry of Trade": "notes", "Ibid": "notes"},
        id="notes-heading",
    ),
    pytest.param(
        "Egypt bought turbines from Germany in 2015.\n\nReferences\n\n"
        "[1] Smith, J. (2015). 'Power in the Nile delta', Energy Journal 4(2).\n"
        "[2] Jones, K. et al. (2016). Grid reform. Cairo Press.\n",
        {"Egypt bought": "body", "Power in the Nile": "notes", "Grid reform": "notes"},
        id="references-heading",
    ),
    pytest.param(
        "Vietnam and Korea agreed on a rail link in 2019.\n\n"
        "  1. 1.\n    Korea Herald, 'Rail link agreed', 12 March 2019.\n"
        "  2. 2.\n    Ibid., 4.\n"
        "  3. 3.\n    Nguyen, 'Asian rail', Transport Review 3, no. 2 (2018): 40.\n",
        {"Vietnam and Korea": "body", "Korea Herald": "notes", "Transport Review": "notes"},
        id="headless-numbered-citations",
    ),
    pytest.param(
        "The countries on the list:\n\n1. Ghana\n2. Togo\n3. Benin\n\n"
        "All three joined the agreement.\n",
        {"1. Ghana": "body", "All three": "body"},
        id="plain-numbered-list-is-body",
    ),
    pytest.param(
        "Poland signed a gas deal with Qatar in 2017, officials said.\n\n"
        "Related articles\n\nGas prices climb in winter\nNew pipeline opens in the Baltic\n\n"
        + "The deal is expected to run until 2037, with deliveries rising each year as new "
        "terminals open on the coast, and both governments described it as the start of a "
        "long partnership in energy and shipping between the two countries and beyond.\n",
        {
            "Poland signed": "body",
            "Gas prices climb": "boilerplate",
            "The deal is expected": "body",
        },
        id="related-list-then-body-resumes",
    ),
    pytest.param(
        "Morocco and Spain opened a power cable in 2018.\n\n"
        "desertfox\n4 years ago\nInteresting, but what about the costs?\nReply\n\n"
        "sunny_day\n3 years ago\nCosts were covered by both sides.\nReply\n",
        {
            "Morocco and Spain": "body",
            "desertfox": "boilerplate",
            "Interesting, but": "boilerplate",
            "Costs were covered": "boilerplate",
        },
        id="comment-thread-without-heading",
    ),
    pytest.param(
        "Iceland sold fish to Nigeria in 2012.\n\nWe use cookies\n"
        "We and our advertising partners store cookies to measure traffic and personalise "
        "ads; you can withdraw consent at any time in the privacy settings of this site.\n"
        "Accept all\n",
        {
            "Iceland sold": "body",
            "advertising partners": "boilerplate",
            "Accept all": "boilerplate",
        },
        id="cookie-notice",
    ),
    pytest.param(
        "Chile ordered two ships from Denmark in 2011.\n\nDisclaimer\n"
        "This note is provided for information only and no warranty is given as to the "
        "accuracy or completeness of its content; the publisher accepts no liability.\n",
        {"Chile ordered": "body", "no warranty": "boilerplate"},
        id="disclaimer",
    ),
    pytest.param(
        "Share\nTweet\nThe Philippines leased aircraft from Italy in 2016.\nAdvertisement\n"
        "The lease runs for ten years.\n",
        {
            "Share": "boilerplate",
            "The Philippines": "body",
            "Advertisement": "boilerplate",
            "The lease runs": "body",
        },
        id="furniture-lines",
    ),
    pytest.param(
        "Kenya signed a port deal with Oman on Monday.\n\n"
        "READ MORE: Oman expands its fleet of tankers\n\n"
        "The agreement was signed in Mombasa by the two transport ministers, officials said.\n\n"
        "It covers ten years.\n",
        {
            "READ MORE": "boilerplate",
            "The agreement was signed": "body",
            "It covers ten years": "body",
        },
        id="inline-read-more-teaser",
    ),
    pytest.param(
        "Most read\n\nTransport strikes spread\n\nNew budget approved\n\n"
        "Bolivia and Iran signed an agreement on lithium processing in La Paz last week, "
        "the ministry said.\n",
        {"Transport strikes": "boilerplate", "Bolivia and Iran": "body"},
        id="one-sentence-news-paragraph-ends-list",
    ),
    pytest.param(
        "Chile y Japón firman acuerdo de cobre\n\n"
        "El gobierno de Chile firmó un acuerdo con Japón en 2019, informó el ministerio.\n\n"
        "Noticias relacionadas\n\nSube el precio del cobre\n\n3 comentarios\n\n"
        "juanp\nhace 2 días\nBuena noticia para el norte.\nResponder\n",
        {
            "El gobierno de Chile": "body",
            "Sube el precio": "boilerplate",
            "Buena noticia": "boilerplate",
        },
        id="spanish-cues-are-data",
    ),
    pytest.param(
        "Discussion\n\nThe results suggest that trade between Peru and India grew in 2010.\n",
        {"The results suggest": "body"},
        id="academic-discussion-heading-is-body",
    ),
]


@pytest.mark.parametrize(("text", "expected"), REGION_CASES)
def test_ingest_regions_detect_kinds(text, expected):
    regions = detect_regions(text)
    for phrase, kind in expected.items():
        assert kind_of(regions, text, phrase) == kind, phrase


@pytest.mark.parametrize(
    "text",
    [case.values[0] for case in REGION_CASES]
    + [(TEXT / "saved_page.txt").read_text(encoding="utf-8"), "one line, no newline", "\n\n"],
)
def test_ingest_regions_cover_text_contiguously(text):
    regions = detect_regions(text)
    assert regions[0].start == 0 and regions[-1].end == len(text)
    for before, after in zip(regions, regions[1:], strict=False):
        assert before.end == after.start and before.kind != after.kind


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("Portuguese and Angolan officials met in Luanda", "body"),
        ("training programme for Angolan engineers", "body"),
        ("Share this article", "boilerplate"),
        ("Angola's debt talks stall", "boilerplate"),
        ("as long as the revenue is shared fairly", "boilerplate"),
        ("nothing happened", "boilerplate"),
        ("change your consent settings", "boilerplate"),
        ("Reject all", "boilerplate"),
    ],
)
def test_ingest_regions_saved_page_fixture(tmp_path, phrase, kind):
    shutil.copy(TEXT / "saved_page.txt", tmp_path)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert kind_of(doc, doc.text, phrase) == kind
    assert (doc.title, doc.published) == ("Portugal and Angola renew oil accord", "2021-06-08")


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("Irish and Mexican officials signed", "body"),
        ("Advertisement", "boilerplate"),
        ("The deal was negotiated over eighteen months.", "body"),
        ("Sign up for our newsletter", "boilerplate"),
        ("expected passenger numbers to double", "body"),
        ("Like Loading", "boilerplate"),
        ("New terminal for Cancun", "boilerplate"),
        ("Required fields are marked", "boilerplate"),
        ("Save my name", "boilerplate"),
        ("Powered by WordPress", "boilerplate"),
    ],
)
def test_ingest_regions_blog_post_fixture(phrase, kind):
    text = (TEXT / "blog_post.txt").read_text(encoding="utf-8")
    assert kind_of(detect_regions(text), text, phrase) == kind


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("We and our partners use cookies", "boilerplate"),
        ("Manage preferences", "boilerplate"),
        ("Greece and Argentina agree on shipping route", "body"),
        ("agreed on Friday to open a direct shipping route", "body"),
        ("The route will start in 2020.", "body"),
        ("would carry olive oil", "body"),
        ("Good for exporters", "boilerplate"),
        ("Greek ports attract investors", "boilerplate"),
    ],
)
def test_ingest_regions_banner_above_article(tmp_path, phrase, kind):
    shutil.copy(TEXT / "news_top_banner.txt", tmp_path)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert kind_of(doc, doc.text, phrase) == kind
    assert doc.published == "2019-09-14"  # the byline's date, alone on its line
    assert doc.title == "Greece and Argentina agree on shipping route"  # not the banner


def test_ingest_regions_endnote_fixture(tmp_path):
    shutil.copy(TEXT / "endnotes.txt", tmp_path)
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert kind_of(doc, doc.text, "signed a tax treaty") == "body"
    assert kind_of(doc, doc.text, "Canada-Chile Tax Treaty Signed") == "notes"
    assert kind_of(doc, doc.text, "two Canadian frigates") == "notes"
    assert doc.region_at(len(doc.text) - 2) == "notes"


# --------------------------------------------------------------------------- manifest


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_manifest_wins_over_text(tmp_path):
    shutil.copy(TEXT / "saved_page.txt", tmp_path / "a.txt")
    write(
        tmp_path / "sources.yaml",
        (
            "sources:\n"
            "  - file: a.txt\n    title: Analyst title\n    published: 2021-06\n"
            "    date_basis: stated in text\n    reliability: b\n    kind: news\n"
            "    language: pt\n"
        ),
    )
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert (doc.title, doc.published, doc.date_estimated) == ("Analyst title", "2021-06", False)
    assert (doc.reliability, doc.kind, doc.language) == ("B", "news", "pt")


def test_ingest_manifest_null_fields_fall_back_to_text(tmp_path):
    shutil.copy(TEXT / "saved_page.txt", tmp_path / "a.txt")
    write(tmp_path / "sources.yaml", "sources:\n  - file: a.txt\n    title: null\n")
    [doc] = load_corpus(tmp_path, cache_dir=False)
    assert (doc.title, doc.published) == ("Portugal and Angola renew oil accord", "2021-06-08")
    assert doc.date_estimated is True and doc.reliability == "F"


@pytest.mark.parametrize(
    ("manifest", "where", "fault"),
    [
        ("sources:\n  - file: a.txt\n    title: [unclosed\n", ":4", "malformed YAML"),
        ("sources:\n  - file: a.txt\n  title: bad indent\n", ":3", "malformed YAML"),
        ("- just\n- a list\n", ":1", "expected a mapping"),
        ("files:\n  - a.txt\n", ":1", "no 'sources:' list"),
        ("sources: a.txt\n", ":1", "must be a list"),
        ("sources:\n  - title: no file\n", ":2", "has no 'file:'"),
        ("sources:\n  - file: a.txt\n    reliability: Z\n", ":2", "not a grade"),
        ("sources:\n  - file: a.txt\n    published: last spring\n", ":2", "not a date"),
        ("sources:\n  - file: a.txt\n  - file: a.txt\n", ":3", "listed twice"),
    ],
)
def test_ingest_manifest_malformed_names_file_and_line(tmp_path, manifest, where, fault):
    write(tmp_path / "sources.yaml", manifest)
    with pytest.raises(IngestError) as info:
        read_manifest(tmp_path)
    message = info.value.message
    assert f"sources.yaml{where}:" in message and fault in message
    assert info.value.exit_code == 2


def test_ingest_manifest_reports_every_problem(tmp_path):
    write(
        tmp_path / "sources.yaml",
        (
            "sources:\n  - file: a.txt\n    reliability: Q\n  - file: b.txt\n"
            "    published: someday\n"
        ),
    )
    with pytest.raises(IngestError) as info:
        read_manifest(tmp_path)
    assert "sources.yaml:2:" in info.value.message and "sources.yaml:4:" in info.value.message


def test_ingest_manifest_entry_without_file_warns(tmp_path, caplog):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    write(tmp_path / "sources.yaml", "sources:\n  - file: a.txt\n  - file: gone.txt\n")
    assert [d.id for d in load_corpus(tmp_path, cache_dir=False)] == ["a"]
    assert any("gone.txt" in w for w in warnings_of(caplog))


# --------------------------------------------------------------------------- corpus


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: write(p / "f.txt", "x")])
def test_ingest_corpus_not_a_directory_is_usage_error(tmp_path, make):
    path = make(tmp_path)
    with pytest.raises(IngestError) as info:
        load_corpus(path)
    assert str(path) in info.value.message and info.value.exit_code == 2


def test_ingest_corpus_bad_files_warn_rest_ingested(tmp_path, caplog):
    for name in ("utf8.txt", "cp1252.txt", "empty.txt", "binary.txt", "truncated.txt"):
        shutil.copy(ENCODINGS / name, tmp_path / name)
    shutil.copy(HTML / "semantic.html", tmp_path)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "data.csv").write_text("a,b\n")
    (tmp_path / "utf8.md").write_text("# Same id as utf8.txt\n")
    (tmp_path / ".hidden.txt").write_text("ignored")
    docs = load_corpus(tmp_path, cache_dir=False)
    assert [d.id for d in docs] == ["cp1252", "semantic", "truncated", "utf8"]
    warnings = warnings_of(caplog)
    assert any("empty.txt" in w and "empty file" in w for w in warnings)
    assert any("binary.txt" in w and "binary" in w for w in warnings)
    assert any("truncated.txt" in w and "truncated" in w for w in warnings)
    assert any("utf8.md" in w and "same id" in w for w in warnings)
    [skipped] = [w for w in warnings if "no reader handles" in w]
    assert "data.csv" in skipped and "photo.jpg" in skipped
    assert len(warnings) == 5


def test_ingest_corpus_iter_streams_in_name_order(tmp_path):
    for name in ("b.txt", "a.txt"):
        shutil.copy(ENCODINGS / "utf8.txt", tmp_path / name)
    stream = iter_corpus(tmp_path, cache_dir=False)
    assert next(stream).id == "a"
    assert [d.id for d in stream] == ["b"]


def test_ingest_readers_map_suffixes():
    readers = Readers()
    assert isinstance(readers.reader_for(Path("x.HTM")), HtmlReader)
    assert isinstance(readers.reader_for(Path("x.pdf")), PdfReader)
    assert readers.reader_for(Path("x.docx")) is None


def test_ingest_readers_disabled_reader_says_why(tmp_path, caplog):
    class Missing(HtmlReader):
        enabled = False
        disabled_message = "needs a parser: pip install it"

    readers = Readers((Missing,))
    assert readers.disabled["html"] == "needs a parser: pip install it"
    shutil.copy(HTML / "plain.html", tmp_path)
    assert corpus_module._list_files(tmp_path, readers) == []
    assert any("pip install it" in w for w in warnings_of(caplog))


def test_ingest_reader_errors_are_messages():
    with pytest.raises(UnreadableFileError, match="no article text"):
        HtmlReader().read(b"<html><body><nav><a>Home</a></nav></body></html>", Path("x.html"))


# --------------------------------------------------------------------------- cache


@pytest.fixture
def count_parses(monkeypatch):
    calls: list[str] = []
    real = corpus_module.parse_file

    def counting(path, data, reader):
        calls.append(path.name)
        return real(path, data, reader)

    monkeypatch.setattr(corpus_module, "parse_file", counting)
    return calls


def test_ingest_cache_skips_unchanged_reparses_changed_drops_removed(tmp_path, count_parses):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    corpus.mkdir()
    for name in ("utf8.txt", "cp1252.txt", "utf16.txt"):
        shutil.copy(ENCODINGS / name, corpus / name)
    shutil.copy(HTML / "semantic.html", corpus)
    first = load_corpus(corpus, cache_dir=cache)
    assert len(count_parses) == 4
    count_parses.clear()
    second = load_corpus(corpus, cache_dir=cache)
    assert count_parses == []
    assert second == first
    (corpus / "cp1252.txt").write_bytes((corpus / "cp1252.txt").read_bytes() + b"More.\n")
    third = load_corpus(corpus, cache_dir=cache)
    assert count_parses == ["cp1252.txt"]
    assert third[0].text.endswith("More.\n")
    count_parses.clear()
    (corpus / "utf16.txt").unlink()
    fourth = load_corpus(corpus, cache_dir=cache)
    assert count_parses == [] and [d.id for d in fourth] == ["cp1252", "semantic", "utf8"]


def test_ingest_cache_touched_file_is_not_reparsed(tmp_path, count_parses):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    (tmp_path / "a.txt").write_bytes((tmp_path / "a.txt").read_bytes())  # new mtime only
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    assert count_parses == ["a.txt"]  # the first run only: same bytes, same parse


def test_ingest_cache_manifest_change_applies_without_reparse(tmp_path, count_parses):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    write(tmp_path / "sources.yaml", "sources:\n  - file: a.txt\n    reliability: A\n")
    [doc] = load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    assert doc.reliability == "A" and count_parses == ["a.txt"]


def test_ingest_cache_failed_files_not_cached_and_warnings_replayed(tmp_path, caplog, count_parses):
    for name in ("empty.txt", "truncated.txt"):
        shutil.copy(ENCODINGS / name, tmp_path / name)
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    caplog.clear()
    count_parses.clear()
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    assert count_parses == ["empty.txt"]
    warnings = warnings_of(caplog)
    assert any("truncated.txt" in w and "truncated" in w for w in warnings)
    assert any("empty.txt" in w for w in warnings)


def test_ingest_cache_disabled_and_env_default(tmp_path, monkeypatch, count_parses):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    load_corpus(tmp_path, cache_dir=False)
    load_corpus(tmp_path, cache_dir=False)
    assert count_parses == ["a.txt", "a.txt"]
    env_cache = tmp_path / "env-cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(env_cache))
    load_corpus(tmp_path)
    assert (env_cache / "ingest.sqlite3").exists()


def test_ingest_cache_unwritable_dir_warns_and_still_reads(tmp_path, caplog):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    blocker = write(tmp_path / "not-a-dir", "x")
    assert [d.id for d in load_corpus(tmp_path, cache_dir=blocker)] == ["a"]
    assert any("cache" in w for w in warnings_of(caplog))


def test_ingest_cache_redone_when_cues_change(tmp_path, monkeypatch, count_parses):
    import briefgen.ingest.readers as readers_module

    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    monkeypatch.setattr(readers_module, "cues_fingerprint", lambda: "edited-cues")
    load_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    assert count_parses == ["a.txt", "a.txt"]


def test_ingest_html_table_cells_stay_apart():
    page = (
        b"<html><body><article><table><tr><td>Cuba</td><td>2014</td></tr></table>"
        b"<p>Body text of the article about a treaty.</p></article></body></html>"
    )
    assert "Cuba 2014" in HtmlReader().read(page, Path("t.html")).text


def test_ingest_cache_damaged_store_is_rebuilt(tmp_path, caplog, count_parses):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    cache = tmp_path / ".cache"
    cache.mkdir()
    (cache / "ingest.sqlite3").write_bytes(b"not a database, just bytes" * 10)
    assert [d.id for d in load_corpus(tmp_path, cache_dir=cache)] == ["a"]
    assert any("rebuilding" in w for w in warnings_of(caplog))
    load_corpus(tmp_path, cache_dir=cache)
    assert count_parses == ["a.txt"]


def test_ingest_cache_damaged_store_that_cannot_be_rebuilt_reads_every_file(
    tmp_path, caplog, monkeypatch
):
    import sqlite3

    from briefgen.ingest import cache as cache_module

    def refuse(directory):
        raise sqlite3.DatabaseError("file is not a database")

    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    monkeypatch.setattr(cache_module, "Store", refuse)
    assert cache_module.open_store(tmp_path / ".cache") is None
    assert [d.id for d in load_corpus(tmp_path, cache_dir=tmp_path / ".cache")] == ["a"]
    assert any(
        "cannot use the ingest cache (file is not a database)" in w for w in warnings_of(caplog)
    )


def test_ingest_cache_early_stop_keeps_parses(tmp_path, count_parses):
    shutil.copy(ENCODINGS / "utf8.txt", tmp_path / "a.txt")
    shutil.copy(ENCODINGS / "cp1252.txt", tmp_path / "b.txt")
    stream = iter_corpus(tmp_path, cache_dir=tmp_path / ".cache")
    next(stream)
    stream.close()
    assert [d.id for d in load_corpus(tmp_path, cache_dir=tmp_path / ".cache")] == ["a", "b"]
    assert count_parses == ["a.txt", "b.txt"]


# --------------------------------------------------------------------------- find_document


@pytest.mark.parametrize("wanted", ["utf8", "utf8.txt", "utf"])
def test_ingest_find_document(tmp_path, wanted):
    for name in ("utf8.txt", "cp1252.txt"):
        shutil.copy(ENCODINGS / name, tmp_path / name)
    assert find_document(tmp_path, wanted, cache_dir=False).id == "utf8"


@pytest.mark.parametrize(("wanted", "hint"), [("utf9", "did you mean utf8"), ("utf", "matches 2")])
def test_ingest_find_document_unknown_hints(tmp_path, wanted, hint):
    for name in ("utf8.txt", "utf16.txt", "cp1252.txt"):
        shutil.copy(ENCODINGS / name, tmp_path / name)
    with pytest.raises(IngestError, match=hint) as info:
        find_document(tmp_path, wanted, cache_dir=False)
    assert info.value.exit_code == 2


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def cli():
    from briefgen.cli import cli

    assert {"list", "show"} <= set(cli.commands["corpus"].commands)
    return cli


def test_ingest_cli_corpus_list_json(cli, shared_corpus):
    import json

    from click.testing import CliRunner

    result = CliRunner().invoke(
        cli, ["corpus", "list", "--corpus", str(shared_corpus), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    manifest = read_manifest(shared_corpus)
    assert [d["doc"] for d in listed] == sorted(manifest)
    assert [d["published"] for d in listed] == [manifest[k]["published"] for k in sorted(manifest)]


def test_ingest_cli_corpus_show_prints_clean_text(cli, tmp_path):
    from click.testing import CliRunner

    shutil.copy(HTML / "semantic.html", tmp_path)
    result = CliRunner().invoke(cli, ["corpus", "show", "semantic", "--corpus", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = find_document(tmp_path, "semantic")
    assert result.output == doc.text


@pytest.mark.parametrize(
    "args",
    [["corpus", "show", "nope", "--corpus", "{tmp}"], ["corpus", "list", "--corpus", "{tmp}/x"]],
)
def test_ingest_cli_errors_exit_2_without_traceback(cli, tmp_path, args):
    from click.testing import CliRunner

    shutil.copy(ENCODINGS / "utf8.txt", tmp_path)
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and str(tmp_path) in result.output


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Notes",
                "Comments",
                "Related",
                "1. Smith, 'Title', Journal, 2001.",
                "2 days ago",
                "Reply",
                "This website uses cookies",
                "Plain body sentence about trade in 2010.",
                "",
                "  ",
                "\r",
                "© 2020 Publisher",
                "https://example.org/x",
                "[1] Ibid., p. 4.",
                "Share",
            ]
        )
        | st.text(max_size=40),
        max_size=30,
    )
)
def test_ingest_regions_always_partition_text(lines):
    text = "\n".join(lines)
    regions = detect_regions(text)
    if not text:
        assert regions == []
        return
    assert regions[0].start == 0 and regions[-1].end == len(text)
    for before, after in zip(regions, regions[1:], strict=False):
        assert before.end == after.start
    assert {r.kind for r in regions} <= {"body", "notes", "boilerplate"}
