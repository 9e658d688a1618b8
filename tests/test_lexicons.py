"""Lexicon folders, validation and shipped vocabularies (briefgen.vocabulary, `lexicons`).

Every vocabulary here is invented and written into tmp_path, outside the package.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import vocabulary
from briefgen.cli import cli

PACKAGE = Path(vocabulary.__file__).parent / "lexicons"

#: An invented power: the Republic of Atlantica, with one official and one company.
ATLANTICA = """\
schema_version: 1
code: AQ
name: Atlantica
names: [Atlantica, Republic of Atlantica, Poseidonia]
demonyms: [Atlantican, Atlanticans]
officials:
  - name: Orla Vantries
    aliases: [Vantries]
    roles: [{role: president, from: 2015}]
companies:
  - {name: Tritonex, aliases: [Tritoneks], sector: military}
  - {name: Atlantic Petroleum Trust, sector: energy}
"""

#: An invented region of two real countries under invented leaders.
ISLES = """\
schema_version: 1
name: Two Isles
countries:
  - code: MT
    names: {en: [Malta], fr: [Malte]}
    demonyms: [Maltese]
    capitals: [Valletta]
    ports: [Marsaxlokk]
    leaders:
      - {name: Karmenu Zammitello, terms: [[2014, null]]}
  - code: CY
    names: [Cyprus]
    demonyms: [Cypriot, Cypriots]
    capitals: [Nicosia]
    cities: [Limassol, Larnaca]
"""


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(cli, list(args))


def write_folder(base: Path, power: str = ATLANTICA, region: str = ISLES) -> Path:
    (base / "powers").mkdir(parents=True)
    (base / "regions").mkdir(parents=True)
    (base / "powers" / "atlantica.yaml").write_text(power, encoding="utf-8")
    (base / "regions" / "two_isles.yaml").write_text(region, encoding="utf-8")
    return base


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "my-lexicons")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Isles Review, 12 March 2021\n\n"
        "In March 2021 Tritoneks delivered two patrol boats to the Maltese navy in Marsaxlokk.\n",
        encoding="utf-8",
    )
    return corpus


def facts_of(result) -> set[tuple[str, str]]:
    assert result.exit_code == 0, result.output
    return {(f["country"], f["category"]) for f in json.loads(result.output)["facts"]}


# --------------------------------------------------------------------------- 1. folders


def test_lexicons_user_folder_names_power_and_region(folder, corpus):
    result = invoke(
        "extract",
        "--corpus",
        str(corpus),
        "--lexicons",
        str(folder),
        "--power",
        "atlantica",
        "--region",
        "two_isles",
        "--format",
        "json",
    )
    assert ("MT", "military_cooperation") in facts_of(result)


def test_lexicons_group_option_and_paths(folder, corpus):
    by_path = invoke(
        "extract",
        "--corpus",
        str(corpus),
        "--power",
        str(folder / "powers" / "atlantica.yaml"),
        "--region",
        str(folder / "regions" / "two_isles.yaml"),
        "--format",
        "json",
    )
    by_group = invoke(
        "--lexicons",
        str(folder),
        "extract",
        "--corpus",
        str(corpus),
        "--power",
        "atlantica",
        "--region",
        "two_isles",
        "--format",
        "json",
    )
    assert facts_of(by_path) == facts_of(by_group) == {("MT", "military_cooperation")}


def test_lexicons_setting_in_config(folder, tmp_path):
    (tmp_path / "briefgen.toml").write_text(f'lexicons = ["{folder.name}"]\n', encoding="utf-8")
    runner = CliRunner()
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(cli, ["lexicons", "list", "--format", "json"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    rows = {(r["kind"], r["name"]): r["folder"] for r in json.loads(result.output)}
    assert rows[("power", "atlantica")] == str(folder.resolve())
    assert rows[("power", "russia")] == str(PACKAGE)
    assert vocabulary.user_folders() == []  # restored after the command


def test_lexicons_list_marks_a_shadowed_power(tmp_path):
    base = write_folder(tmp_path / "lex")
    (base / "powers" / "russia.yaml").write_text(ATLANTICA, encoding="utf-8")
    result = invoke("--lexicons", str(base), "lexicons", "list")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if " russia " in f" {line} "]
    assert str(base.resolve()) in lines[0] and "shadowed" not in lines[0]
    assert "(shadowed)" in lines[1] and str(PACKAGE) in lines[1]


def test_lexicons_user_folder_searched_first(tmp_path):
    base = write_folder(tmp_path / "lex")
    (base / "powers" / "russia.yaml").write_text(ATLANTICA, encoding="utf-8")
    from briefgen.extract import load_lexicon
    from briefgen.reconcile import load_lexicon as reconcile_lexicon

    with vocabulary.folders_used([base]):
        lexicon = load_lexicon("russia", "latin_america")
        rec = reconcile_lexicon("en", power="russia", region="latin_america")
    assert lexicon.power_name == "Atlantica" and "Tritoneks" in lexicon.phrases
    assert rec.power.search("Poseidonia said") and not rec.power.search("Gazprom said")
    assert load_lexicon("russia", "latin_america").power_name == "Russia"


def test_lexicons_missing_folder_is_a_usage_error(tmp_path):
    result = invoke("--lexicons", str(tmp_path / "nope"), "lexicons", "list")
    assert result.exit_code == 2
    assert "nope" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- 2. validation


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("demonyms:", "demonym:", "atlantica.yaml:5 demonym: unknown key; did you mean demonyms?"),
        (
            "officials:",
            "oficials:",
            "atlantica.yaml:6 oficials: unknown key; did you mean officials?",
        ),
        (
            "sector: energy",
            "sector: enrgy",
            "companies[1].sector: unknown sector 'enrgy'; did you mean energy?",
        ),
        (
            "from: 2015",
            'from: "2015"',
            "atlantica.yaml:9 officials[0].roles[0].from: Input should be a valid integer",
        ),
        ("code: AQ", "code: AQX", "atlantica.yaml:2 code: 'AQX' is not an ISO 3166-1 alpha-2"),
        (
            "aliases: [Tritoneks]",
            "aliases: [Vantries]",
            "atlantica.yaml:11 companies[0].aliases[0]: duplicate alias 'Vantries'",
        ),
        ("aliases: [Vantries]", "aliases: Vantries: x", "atlantica.yaml:"),
    ],
)
def test_lexicons_check_names_file_line_key_and_fix(tmp_path, old, new, fragment):
    assert old in ATLANTICA
    base = write_folder(tmp_path / "lex", power=ATLANTICA.replace(old, new))
    result = invoke("lexicons", "check", str(base))
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("code: CY", "code: CYP", "two_isles.yaml:11 countries[1].code: 'CYP' is not an ISO"),
        ("code: CY", "code: XK", "countries[1].code: 'XK' is not an ISO 3166-1 alpha-2"),
        (
            "cities: [Limassol, Larnaca]",
            "cities: [Limassol, Valletta]",
            "countries[1].cities[1]: duplicate alias 'Valletta'",
        ),
        ("terms: [[2014, null]]", "terms: [[2014]]", "leaders[0].terms[0]: a term is [from, to]"),
        (
            "    ports:",
            "    port:",
            "two_isles.yaml:8 countries[0].port: unknown key; did you mean ports?",
        ),
        ("names: [Cyprus]", "names: {english: [Cyprus]}", "countries[1].names: Value error"),
    ],
)
def test_lexicons_check_region_faults(tmp_path, old, new, fragment):
    assert old in ISLES
    base = write_folder(tmp_path / "lex", region=ISLES.replace(old, new))
    result = invoke("lexicons", "check", str(base))
    assert result.exit_code == 2, result.output
    assert fragment.replace("Value error", "") in result.output
    assert "Traceback" not in result.output


def test_lexicons_bad_power_stops_extract_before_work(tmp_path, corpus):
    base = write_folder(tmp_path / "lex", power=ATLANTICA.replace("demonyms:", "demonym:"))
    result = invoke(
        "extract",
        "--corpus",
        str(corpus),
        "--lexicons",
        str(base),
        "--power",
        "atlantica",
        "--format",
        "json",
    )
    assert result.exit_code == 2
    assert "atlantica.yaml:5 demonym: unknown key; did you mean demonyms?" in result.output
    assert '"facts"' not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "option, value, fragment",
    [
        ("--power", "russa", "did you mean russia?"),
        ("--region", "latin_amerika", "did you mean latin_america?"),
        ("--power", "atlantis", "available: "),
    ],
)
def test_lexicons_unknown_name_lists_available(corpus, option, value, fragment):
    result = invoke("extract", "--corpus", str(corpus), option, value)
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_lexicons_check_valid_folder_exits_0(folder):
    result = invoke("lexicons", "check", str(folder))
    assert result.exit_code == 0, result.output
    assert "2 lexicon file(s) valid" in result.output


# --------------------------------------------------------------------------- 3. shipped


def test_lexicons_shipped_files_are_valid():
    with vocabulary.folders_used([]):
        files, problems = vocabulary.check_folder(PACKAGE)
    assert not problems, "\n".join(map(str, problems))
    names = {(f.kind, f.name) for f in files}
    assert {("power", "russia"), ("power", "china"), ("region", "latin_america")} <= names


#: The 55 member states of the African Union (the Sahrawi Republic as EH).
AFRICAN_UNION = set(
    "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY "
    "MG MW ML MR MU MA MZ NA NE NG RW EH ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW".split()
)


def test_lexicons_shipped_powers_and_regions():
    with vocabulary.folders_used([]):
        assert {"russia", "china", "united_states", "turkey"} <= set(vocabulary.names("power"))
        regions = set(vocabulary.names("region"))
    assert {"latin_america", "africa", "middle_east"} <= regions


def test_lexicons_africa_covers_the_african_union():
    data = vocabulary.read_yaml(PACKAGE / "regions" / "africa.yaml")
    codes = [c["code"] for c in data["countries"]]
    assert len(codes) == len(set(codes)) == 55
    assert set(codes) == AFRICAN_UNION
    for country in data["countries"]:
        assert country["capitals"], f"{country['code']}: no capital"


@pytest.mark.parametrize("variant", ["Kirienko", "Kiriyenko", "Rosoboroneksport", "PMC Wagner"])
def test_lexicons_transliteration_variants_name_the_power(variant):
    from briefgen.extract import load_lexicon

    lexicon = load_lexicon("russia", "africa")
    assert any(e.owner == "RU" for e in lexicon.phrases[variant])


def test_lexicons_security_cooperation_cues_on_africa(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Sahel Monitor, 3 May 2022\n\n"
        "In April 2022 Russian instructors began training the presidential guard in Bangui.\n\n"
        "In 2021 Russian mercenaries deployed to Mopti alongside Malian troops.\n",
        encoding="utf-8",
    )
    result = invoke("extract", "--corpus", str(corpus), "--region", "africa", "--format", "json")
    found = facts_of(result)
    assert ("CF", "military_cooperation") in found
    assert ("ML", "military_cooperation") in found


# --------------------------------------------------------------------------- 4. sheets


@pytest.fixture
def china_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "cn-corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Caribbean Ledger, 20 March 2021\n\n"
        "In March 2021 Xi Jinping visited Caracas and met Nicolás Maduro.\n",
        encoding="utf-8",
    )
    return corpus


def test_lexicons_sheet_records_power_and_region(china_corpus, tmp_path):
    data = tmp_path / "data"
    result = invoke(
        "update", "--corpus", str(china_corpus), "--data", str(data), "--power", "china"
    )
    assert result.exit_code == 0, result.output
    text = (data / "factsheets" / "ve.yaml").read_text(encoding="utf-8")
    assert "\npower: China\nregion: latin_america\n" in text


@pytest.mark.parametrize(
    "args, fragment",
    [
        ((), "power: China, but this run tracks Russia"),
        (
            ("--power", "china", "--region", "africa"),
            "region: latin_america, but this run covers africa",
        ),
    ],
)
def test_lexicons_update_refuses_another_power_or_region(china_corpus, tmp_path, args, fragment):
    data = tmp_path / "data"
    first = invoke("update", "--corpus", str(china_corpus), "--data", str(data), "--power", "china")
    assert first.exit_code == 0, first.output
    sheet = data / "factsheets" / "ve.yaml"
    before = sheet.read_bytes()
    result = invoke("update", "--corpus", str(china_corpus), "--data", str(data), *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "--data" in result.output
    assert str(sheet) in result.output and "Traceback" not in result.output
    assert sheet.read_bytes() == before
    elsewhere = invoke(
        "update", "--corpus", str(china_corpus), "--data", str(tmp_path / "other"), *args
    )
    assert elsewhere.exit_code == 0, elsewhere.output


def test_lexicons_check_flags_a_sheet_without_power(china_corpus, tmp_path):
    data = tmp_path / "data"
    assert (
        invoke(
            "update", "--corpus", str(china_corpus), "--data", str(data), "--power", "china"
        ).exit_code
        == 0
    )
    assert invoke("check", "--data", str(data)).exit_code == 0
    sheet = data / "factsheets" / "ve.yaml"
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("power: China\n", ""), encoding="utf-8"
    )
    result = invoke("check", "--data", str(data))
    assert result.exit_code == 1
    assert "ve.yaml:1 power: missing" in result.output


# --------------------------------------------------------------------------- 5. categories

#: An invented category with its cue words, as a user folder would add it.
FISHERIES = """\
schema_version: 1
label: Fisheries accords
singular: Fisheries accord
short: Fish
adjective: fisheries
colour: "#136f63"
order: 4
"""
FISHERIES_CUES = """\
categories:
  fisheries_accord:
    triggers: [fishing licence*, fisheries accord*]
"""


def add_category(base: Path, cues: str = FISHERIES_CUES, category: str = FISHERIES) -> Path:
    (base / "categories").mkdir(parents=True, exist_ok=True)
    (base / "categories" / "fisheries_accord.yaml").write_text(category, encoding="utf-8")
    (base / "languages" / "en").mkdir(parents=True, exist_ok=True)
    (base / "languages" / "en" / "cues.yaml").write_text(cues, encoding="utf-8")
    return base


@pytest.fixture
def fish_corpus(corpus: Path) -> Path:
    (corpus / "b.txt").write_text(
        "Isles Review, 2 June 2021\n\n"
        "In May 2021 Atlantica granted fishing licences to Cypriot trawlers off Limassol.\n",
        encoding="utf-8",
    )
    return corpus


def test_lexicons_category_flows_to_sheet_check_briefing_and_index(folder, fish_corpus, tmp_path):
    add_category(folder)
    lex, data, out = ("--lexicons", str(folder)), tmp_path / "data", tmp_path / "out"
    listed = invoke(*lex, "lexicons", "list")
    assert "category fisheries_accord" in " ".join(listed.output.split())
    update = invoke(
        *lex, "update", "--corpus", str(fish_corpus), "--data", str(data),
        "--power", "atlantica", "--region", "two_isles",
    )  # fmt: skip
    assert update.exit_code == 0, update.output
    sheet = data / "factsheets" / "cy.yaml"
    assert "category: fisheries_accord" in sheet.read_text(encoding="utf-8")
    assert invoke(*lex, "check", "--data", str(data)).exit_code == 0
    build = invoke(
        *lex, "build", "--all", "--data", str(data), "--include-proposed",
        "--format", "html", "--out", str(out),
    )  # fmt: skip
    assert build.exit_code == 0, build.output
    html = (out / "cy.html").read_text(encoding="utf-8")
    assert 'id="briefgen-cy-section-fisheries-accord"' in html
    assert ">Fisheries accords" in html and 'fill="#136f63"' in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<th scope="col" class="bg-num">Fish</th>' in index
    # without the folder the category is unknown: named, listed, nothing rewritten
    before = sheet.read_bytes()
    check = invoke("check", "--data", str(data))
    assert check.exit_code != 0
    assert "'fisheries_accord' is not a category" in check.output
    assert "--lexicons" in check.output and "Traceback" not in check.output
    assert sheet.read_bytes() == before


def test_lexicons_misspelt_category_in_cues_is_an_error(folder, fish_corpus):
    add_category(folder, cues=FISHERIES_CUES.replace("fisheries_accord", "fisheries_acord"))
    check = invoke("lexicons", "check", str(folder))
    assert check.exit_code == 2
    assert "cues.yaml:2 categories.fisheries_acord: unknown category" in check.output
    assert "did you mean fisheries_accord?" in check.output
    run = invoke(
        "--lexicons", str(folder), "extract", "--corpus", str(fish_corpus),
        "--power", "atlantica", "--region", "two_isles", "--format", "json",
    )  # fmt: skip
    assert run.exit_code == 2 and "fisheries_acord" in run.output
    assert "Traceback" not in run.output


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ('colour: "#136f63"', "colour: teal", "colour: String should match pattern"),
        ("short: Fish", "shrot: Fish", "shrot: unknown key; did you mean short?"),
        ("order: 4", "order: 4\nsectors: [fishing]", "unknown sector 'fishing'"),
    ],
)
def test_lexicons_check_category_faults(tmp_path, old, new, fragment):
    base = add_category(tmp_path / "lex", category=FISHERIES.replace(old, new))
    result = invoke("lexicons", "check", str(base))
    assert result.exit_code == 2, result.output
    assert "fisheries_accord.yaml:" in result.output and fragment in result.output


def test_lexicons_user_folder_relabels_a_shipped_category(folder, corpus, tmp_path):
    (folder / "categories").mkdir()
    (folder / "categories" / "military_cooperation.yaml").write_text(
        'schema_version: 1\nlabel: Defence ties\ncolour: "#333333"\nsectors: [military]\n'
        "order: 2\n",
        encoding="utf-8",
    )
    lex, data, out = ("--lexicons", str(folder)), tmp_path / "data", tmp_path / "out"
    update = invoke(
        *lex, "update", "--corpus", str(corpus), "--data", str(data),
        "--power", "atlantica", "--region", "two_isles",
    )  # fmt: skip
    assert update.exit_code == 0, update.output
    build = invoke(
        *lex, "build", "mt", "--data", str(data), "--include-proposed",
        "--format", "html", "--out", str(out),
    )  # fmt: skip
    assert build.exit_code == 0, build.output
    html = (out / "mt.html").read_text(encoding="utf-8")
    assert ">Defence ties" in html and "Tritoneks" in html
    assert ">Military cooperation<" not in html


def test_lexicons_schema_allows_the_active_categories(folder):
    from briefgen import categories, factsheets, models

    shipped = json.loads(models.factsheet_schema_text())["$defs"]["category"]
    assert shipped == {"type": "string", "pattern": models.CATEGORY_NAME}
    assert factsheets.schema()["$defs"]["category"]["enum"] == list(categories.names())
    add_category(folder)
    with vocabulary.folders_used([folder]):
        assert categories.names()[-1] == "fisheries_accord"
        assert "fisheries_accord" in factsheets.schema()["$defs"]["category"]["enum"]
    assert "fisheries_accord" not in categories.names()


# --------------------------------------------------------------------------- 6. docs


def _doc_files(doc: Path) -> dict[str, str]:
    """The files of the worked example: fenced blocks whose first line is ``# <path>``."""
    import re

    files = {}
    for block in re.findall(r"```(?:yaml|text)\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
        first, _, body = block.partition("\n")
        if first.startswith("# ") and "/" in first:
            files[first[2:].strip()] = body
    return files


def test_lexicons_doc_example_runs_as_written(tmp_path):
    doc = Path(__file__).resolve().parents[1] / "docs" / "lexicons.md"
    files = _doc_files(doc)
    assert {"my-lexicons/powers/india.yaml", "my-lexicons/regions/indian_ocean.yaml"} <= set(files)
    for name, body in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    lex, data, out = tmp_path / "my-lexicons", tmp_path / "data", tmp_path / "output"
    check = invoke("lexicons", "check", str(lex))
    assert check.exit_code == 0, check.output
    update = invoke(
        "--lexicons",
        str(lex),
        "update",
        "--corpus",
        str(tmp_path / "corpus"),
        "--data",
        str(data),
        "--power",
        "india",
        "--region",
        "indian_ocean",
    )
    assert update.exit_code == 0, update.output
    sheet = (data / "factsheets" / "mu.yaml").read_text(encoding="utf-8")
    assert "\npower: India\nregion: indian_ocean\n" in sheet
    assert "military_cooperation" in sheet
    build = invoke(
        "--lexicons",
        str(lex),
        "build",
        "mu",
        "--data",
        str(data),
        "--include-proposed",
        "--format",
        "html",
        "--out",
        str(out),
    )
    assert build.exit_code == 0, build.output
    html = next(out.glob("mu*.html")).read_text(encoding="utf-8")
    assert "India" in html and "Dornier 228" in html
    # the category the example adds: its event, section and timeline lane
    aid = (data / "factsheets" / "sc.yaml").read_text(encoding="utf-8")
    assert "category: development_aid" in aid
    build = invoke(
        "--lexicons", str(lex), "build", "sc", "--data", str(data), "--include-proposed",
        "--format", "html", "--out", str(out),
    )  # fmt: skip
    assert build.exit_code == 0, build.output
    html = (out / "sc.html").read_text(encoding="utf-8")
    assert 'id="briefgen-sc-section-development-aid"' in html
    assert "line of credit" in html and "India’s diplomatic, military, energy and aid" in html
    assert 'fill="#2e6b3a"' in html  # its lane's colour
