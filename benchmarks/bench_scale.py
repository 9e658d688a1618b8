"""Benchmark: the scale targets of the pipeline, printed as one table.

    python benchmarks/bench_scale.py [--corpus DIR] [--sizes 10000[,100000]] [--jobs 2]
                                     [--real-docs 300] [--engine-docs 100] [--no-build]

Synthetic corpora are generated at run time into a temporary directory from the corpus
given (default ../shared/corpus): its paragraphs and sentences shuffled, the countries,
capitals, leaders and demonyms swapped for others of the region lexicon, years shifted,
sentences of this script's own templates mixed in. Nothing of it is written into the
project. Each measurement runs in a fresh interpreter; the CLI runs in a subprocess of it,
whose CPU time and peak RSS (the largest of every process of the run) come from
getrusage(RUSAGE_CHILDREN). Ratios are of CPU seconds measured in one run, so a busy
machine changes them less than wall times; the load average is printed beside each row.

    extract ÷ bare spaCy   `briefgen extract --format json -j 1` (ingest, extract,
                           reconcile) ÷ spacy.blank("en") + sentencizer over the same
                           files, --real-docs documents of ~14k characters (≤ 2.0)
    update N cold          `briefgen update -j N` into an empty data directory: wall
                           seconds, peak RSS of any process (10k: ≤ 3 min, ≤ 1.5 GiB;
                           100k: ≤ 20 min, ≤ 2 GiB)
    incremental ÷ cold     one document changed, the same update again (≤ 5%)
    dask vs local          `extract --engine dask -j 2` vs `extract -j 2`: same bytes
    build ÷ bare           `briefgen build ve --format pdf` (batch.build_one) ÷ WeasyPrint
                           alone on the same HTML (≤ 1.25)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
MB = 1_000_000

# Our own sentence templates (invented, about no real event), filled per document.
TEMPLATES = [
    "In {month} {year}, {power} and {country} signed an agreement on {topic} in {capital}.",
    "{leader} received a {demonym_p} delegation in {capital} on {month} {day}, {year}.",
    "A {demonym_p} warship docked in {country} in {year} for joint naval exercises.",
    "{country} and {power} agreed in {year} to build a gas pipeline and a power plant.",
    "Officials in {capital} said in {month} {year} that talks on {topic} would continue.",
    "The {demonym} government ordered helicopters from {power} in {year}, reports said.",
    "{leader} travelled to {power} in {month} {year} to discuss {topic}.",
    "Analysts doubt that the {year} deal on {topic} will be carried out.",
]
TOPICS = [
    "energy cooperation",
    "oil exploration",
    "military training",
    "nuclear power",
    "arms purchases",
    "trade",
    "satellite navigation",
    "vaccine supplies",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
YEAR = re.compile(r"\b(19[6-9]\d|20[0-2]\d)\b")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


# --------------------------------------------------------------------------- generation


def _region_names(region: str) -> tuple[list[dict], re.Pattern, dict[str, tuple[int, str]]]:
    """The region lexicon's countries (name, demonym, capital, leaders) and one regex that
    finds any of their names in a text."""
    import yaml

    data = yaml.safe_load(
        (ROOT / "briefgen" / "lexicons" / "regions" / f"{region}.yaml").read_text(encoding="utf-8")
    )
    countries, names = [], {}
    for c in data["countries"]:
        en = (c.get("names") or {}).get("en") or []
        if not en:
            continue
        entry = {
            "name": en[0],
            "demonym": (c.get("demonyms") or [en[0]])[0],
            "capital": (c.get("capitals") or [en[0]])[0],
            "leaders": [p["name"] for p in c.get("leaders") or []] or [en[0]],
        }
        idx = len(countries)
        countries.append(entry)
        for kind, words in (
            ("name", en),
            ("demonym", c.get("demonyms") or []),
            ("capital", c.get("capitals") or []),
            ("leader", [p["name"] for p in c.get("leaders") or []]),
        ):
            for w in words:
                names.setdefault(w, (idx, kind))
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    )
    return countries, pattern, names


def _power_names(power: str) -> tuple[str, str]:
    import yaml

    data = yaml.safe_load(
        (ROOT / "briefgen" / "lexicons" / "powers" / f"{power}.yaml").read_text(encoding="utf-8")
    )
    return data["names"][0], (data.get("demonyms") or [data["names"][0]])[0]


def _pool(corpus: Path) -> list[list[str]]:
    """The corpus's body paragraphs, each a list of sentences."""
    from briefgen.ingest import load_corpus

    paragraphs = []
    for doc in load_corpus(corpus, cache_dir=False):
        body = (
            "".join(doc.text[r.start : r.end] for r in doc.regions if r.kind == "body")
            if doc.regions
            else doc.text
        )
        for para in re.split(r"\n\s*\n", body):
            sentences = [s.strip() for s in SENTENCE.split(para.strip()) if s.strip()]
            if sentences and sum(len(s) for s in sentences) > 80:
                paragraphs.append(sentences)
    if not paragraphs:
        raise SystemExit(f"{corpus}: no paragraphs to build a synthetic corpus from")
    return paragraphs


def generate(
    corpus: Path,
    size: int,
    out: Path,
    *,
    seed: int = 7,
    power: str = "russia",
    region: str = "latin_america",
    chars: int = 3500,
) -> tuple[int, float]:
    """Write ``size`` synthetic documents of about ``chars`` characters into ``out``.

    RETURNS (tuple[int, float]): bytes written and seconds taken.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    countries, names, lookup = _region_names(region)
    # each sentence cut once into text, name and year pieces; documents only fill them in
    slots = re.compile(f"{names.pattern}|{YEAR.pattern}")
    pool = []
    for sentences in _pool(corpus):
        cut = []
        for sentence in sentences:
            pieces: list = []
            last = 0
            for m in slots.finditer(sentence):
                pieces.append(sentence[last : m.start()])
                word = m.group(0)
                pieces.append(lookup[word] if word in lookup else int(word))
                last = m.end()
            pieces.append(sentence[last:])
            cut.append(pieces)
        pool.append(cut)
    power_name, power_demonym = _power_names(power)
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for n in range(size):
        target = rng.choice(countries)
        swap = [rng.choice(countries) for _ in countries]
        swap[rng.randrange(len(countries))] = target
        shift = rng.randint(-4, 4)

        def fill(pieces: list, swap=swap, shift=shift) -> str:
            out = []
            for piece in pieces:
                if isinstance(piece, str):
                    out.append(piece)
                elif isinstance(piece, int):
                    out.append(str(min(2025, piece + shift)))
                else:
                    other = swap[piece[0]]
                    out.append(
                        rng.choice(other["leaders"]) if piece[1] == "leader" else other[piece[1]]
                    )
            return "".join(out)

        year = rng.randint(2005, 2024)
        parts = [
            f"{target['name']} and {power_name}: notes on {rng.choice(TOPICS)}",
            f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}",
        ]
        length = sum(len(p) for p in parts)
        while length < chars:
            sentences = [fill(pieces) for pieces in rng.choice(pool)]
            if len(sentences) > 2:  # shuffle all but the opening sentence
                head, rest = sentences[0], sentences[1:]
                rng.shuffle(rest)
                sentences = [head, *rest]
            if rng.random() < 0.5:
                sentences.insert(
                    rng.randrange(len(sentences) + 1),
                    rng.choice(TEMPLATES).format(
                        month=rng.choice(MONTHS),
                        day=rng.randint(1, 28),
                        year=rng.randint(2005, 2024),
                        power=power_name,
                        demonym_p=power_demonym,
                        country=target["name"],
                        demonym=target["demonym"],
                        capital=target["capital"],
                        leader=rng.choice(target["leaders"]),
                        topic=rng.choice(TOPICS),
                    ),
                )
            para = " ".join(sentences)
            parts.append(para)
            length += len(para)
        text = "\n\n".join(parts) + "\n"
        data = text.encode("utf-8")
        (out / f"doc{n:06d}.txt").write_bytes(data)
        total += len(data)
    return total, time.perf_counter() - started


# --------------------------------------------------------------------------- measurements


def measure_bare(corpus: Path) -> dict:
    """spacy.blank + sentencizer over the same texts, read from the files."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp("warm up.")
    started, cpu = time.perf_counter(), time.process_time()
    chars = 0
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        chars += len(text)
        nlp(text)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "chars": chars,
    }


def measure_build(country: str = "ve") -> dict:
    """`briefgen build CC --format pdf` (batch.build_one: load the shipped sheet, render,
    write, count pages) ÷ WeasyPrint alone over the same HTML, in CPU seconds, best of
    five, interleaved."""
    import weasyprint

    from briefgen.batch import build_one
    from briefgen.factsheets import load_sheet
    from briefgen.render import RenderOptions, default_templates_dir, layout_pdf

    sheet = ROOT / "data" / "factsheets" / f"{country}.yaml"
    options = RenderOptions()
    _, html = layout_pdf(load_sheet(sheet), options)
    assets = ROOT / "briefgen" / "assets"
    base = (assets if assets.is_dir() else default_templates_dir()).resolve().as_uri() + "/"
    builds, bares = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(5):
            t = time.process_time()
            result = build_one(str(sheet), tmp, ["pdf"], options)
            builds.append(time.process_time() - t)
            if not result.ok:
                raise SystemExit(f"build {country} failed: {result.error}")
            t = time.process_time()
            weasyprint.HTML(string=html, base_url=base).write_pdf()
            bares.append(time.process_time() - t)
    return {"country": country, "events": result.events, "build": min(builds), "bare": min(bares)}


def _children_usage() -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of every child waited for so far."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime, kids.ru_maxrss / 1024


def _cli(args: list[str], cache: Path) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m briefgen ARGS`` with its own cache directory; (process, wall seconds)."""
    env = {
        **os.environ,
        "BRIEFGEN_CACHE_DIR": str(cache),
        "PYTHONWARNINGS": "ignore",
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"briefgen {' '.join(args[:1])} failed (exit {proc.returncode})")
    return proc, seconds


def measure_cli_extract(corpus: Path, cache: Path) -> dict:
    """`briefgen extract --format json -j 1` (ingest, extract, reconcile): CPU seconds."""
    proc, seconds = _cli(["extract", "--corpus", str(corpus), "--format", "json", "-j", "1"], cache)
    cpu, rss = _children_usage()
    data = json.loads(proc.stdout)
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "peak_rss_mb": rss,
        "facts": len(data["facts"]),
        "disagreements": len(data["disagreements"]),
    }


def measure_update(corpus: Path, cache: Path, jobs: int, data: Path) -> dict:
    """`briefgen update -j N` into ``data``: wall and CPU seconds, peak RSS of any process."""
    proc, seconds = _cli(
        ["update", "--corpus", str(corpus), "--data", str(data), "-j", str(jobs), "--allow-stale"]
        if _has_allow_stale()
        else ["update", "--corpus", str(corpus), "--data", str(data), "-j", str(jobs)],
        cache,
    )
    cpu, rss = _children_usage()
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "peak_rss_mb": rss,
        "exit": proc.returncode,
        "sheets": len(list((data / "factsheets").glob("*.yaml"))),
    }


def _has_allow_stale() -> bool:
    text = (ROOT / "briefgen" / "cli.py").read_text(encoding="utf-8")
    return "--allow-stale" in text


def measure_engines(corpus: Path, cache: Path) -> dict:
    """`extract --format json` on the local engine (-j 2) and on a dask LocalCluster of 2
    workers: identical output?"""
    local, t_local = _cli(
        ["extract", "--corpus", str(corpus), "--format", "json", "-j", "2"], cache / "local"
    )
    dask, t_dask = _cli(
        ["extract", "--corpus", str(corpus), "--format", "json", "--engine", "dask", "-j", "2"],
        cache / "dask",
    )
    return {
        "identical": local.stdout == dask.stdout,
        "local_s": t_local,
        "dask_s": t_dask,
        "bytes": len(local.stdout),
    }


def _measure_main(args: argparse.Namespace) -> None:
    kind = args.measure
    if kind == "cli-extract":
        out = measure_cli_extract(args.corpus, args.cache)
    elif kind == "update":
        out = measure_update(args.corpus, args.cache, args.jobs, args.data)
    elif kind == "engines":
        out = measure_engines(args.corpus, args.cache)
    elif kind == "bare":
        out = measure_bare(args.corpus)
    else:
        out = measure_build()
    print(json.dumps(out))


def run(
    kind: str,
    corpus: Path | None = None,
    *,
    jobs: int = 1,
    cache: Path | None = None,
    data: Path | None = None,
) -> dict:
    """One measurement in a fresh interpreter (its own getrusage); its JSON report."""
    cmd = [sys.executable, __file__, "--measure", kind, "--jobs", str(jobs)]
    for flag, value in (("--corpus", corpus), ("--cache", cache), ("--data", data)):
        if value is not None:
            cmd += [flag, str(value)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"measurement {kind} on {corpus} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--sizes",
        default="10000",
        help="update sizes, comma-separated (e.g. 10000,100000; 0: none)",
    )
    parser.add_argument(
        "--real-docs", type=int, default=300, help="documents for extract ÷ bare spaCy (0: skip)"
    )
    parser.add_argument(
        "--engine-docs", type=int, default=100, help="documents for dask vs local (0: skip)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chars", type=int, default=3500, help="characters per update doc")
    parser.add_argument("--no-build", action="store_true", help="skip the build ratio")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a temp dir)")
    parser.add_argument(
        "--measure",
        choices=["cli-extract", "update", "engines", "bare", "build"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure_main(args)
        return
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no such corpus; pass --corpus DIR")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip() and int(s) > 0]  # 0: none
    work = Path(tempfile.mkdtemp(prefix="briefgen-scale-", dir=args.workdir))
    rows: list[tuple[str, str, str, str]] = []  # measure, figure, target, load

    def put(measure: str, figure: str, target: str, load: str) -> None:
        rows.append((measure, figure, target, load))
        print(f"{measure}: {figure} (load {load})", file=sys.stderr)

    try:
        if args.real_docs:
            corpus = work / "real"
            generate(args.corpus, args.real_docs, corpus, chars=14_000)
            ex = run("cli-extract", corpus, cache=work / "real-cache")
            bare = run("bare", corpus)
            put(
                f"extract (with reconciliation) ÷ bare spaCy, {args.real_docs} docs, CPU s",
                f"{ex['cpu_s']:.1f}/{bare['cpu_s']:.1f} = {ex['cpu_s'] / bare['cpu_s']:.2f}",
                "≤ 2.0",
                _load(),
            )
        for size in sizes:
            corpus, cache, data = work / f"c{size}", work / f"cache{size}", work / f"d{size}"
            generate(args.corpus, size, corpus, chars=args.chars)
            cold = run("update", corpus, jobs=args.jobs, cache=cache, data=data)
            put(
                f"update {_label(size)} cold, -j {args.jobs}: wall s, peak RSS of any process",
                f"{cold['seconds']:.0f} s, {cold['peak_rss_mb']:.0f} MB "
                f"(exit {cold['exit']}, {cold['sheets']} sheets, CPU {cold['cpu_s']:.0f} s)",
                "≤ 180 s, ≤ 1536 MB" if size <= 10_000 else "≤ 1200 s, ≤ 2048 MB",
                _load(),
            )
            victim = corpus / f"doc{size // 2:06d}.txt"
            victim.write_text(
                victim.read_text(encoding="utf-8") + "\nA late addition.\n", encoding="utf-8"
            )
            again = run("update", corpus, jobs=args.jobs, cache=cache, data=data)
            put(
                f"update {_label(size)}, one doc changed: incremental ÷ cold (wall)",
                f"{again['seconds']:.1f}/{cold['seconds']:.0f} = "
                f"{100 * again['seconds'] / cold['seconds']:.1f}%",
                "≤ 5%",
                _load(),
            )
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
        if args.engine_docs:
            corpus = work / "engines"
            generate(args.corpus, args.engine_docs, corpus, chars=args.chars)
            eng = run("engines", corpus, cache=work / "engine-cache")
            put(
                f"dask 2-worker LocalCluster vs local, {args.engine_docs} docs",
                "identical" if eng["identical"] else "DIFFERENT",
                "identical",
                _load(),
            )
        if not args.no_build:
            b = run("build")
            put(
                f"build {b['country']} --format pdf ({b['events']} events) ÷ bare WeasyPrint,"
                " CPU s",
                f"{b['build']:.2f}/{b['bare']:.2f} = {b['build'] / b['bare']:.2f}",
                "≤ 1.25",
                _load(),
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = ("measure", "figure", "target", "load 1/5/15 min")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(
        f"briefgen scale benchmark: {os.cpu_count()} CPUs, -j {args.jobs}, "
        f"synthetic docs from {args.corpus}"
    )
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
