"""Benchmark: ingest + extraction at 1k / 10k / 100k documents, printed as one table.

    python benchmarks/bench_scale.py [--corpus DIR] [--sizes 1000,10000,100000] [--jobs 2]

A synthetic corpus of each size is generated at run time into a temporary directory from
the corpus given (default ../shared/corpus): its paragraphs and sentences shuffled, the
countries, capitals, leaders and demonyms it names swapped for others of the region lexicon,
its years shifted, and sentences of this script's own templates mixed in. Nothing of it is
written into the project.

Each measurement runs in a fresh subprocess (``--measure``), which reports its own peak RSS
and its workers' (resource.getrusage RUSAGE_SELF / RUSAGE_CHILDREN). Figures per size:

    docs/s, MB/s, peak RSS   ``-j N`` run, cold caches (ingest + extract everything)
    extract / bare spaCy     ``-j 1`` run ÷ spacy.blank + sentencizer over the same texts
                             (target ≤ 2)
    -j N speed-up            ``-j 1`` time ÷ ``-j N`` time (target ≥ 1.7 for N = 2)
    incremental              one document changed, run again ÷ the cold run (target ≤ 5%)

and once: one-country build (load sheet + PDF) ÷ a bare WeasyPrint render of the same HTML
(target ≤ 1.25). Sizes above --detail-max skip the -j 1 and bare runs (they take as long as
the -j N run again); the table says so.
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


def _usage() -> dict[str, float]:
    """Peak RSS of this process and of its largest worker; CPU seconds of both."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rss_mb": me.ru_maxrss / 1024,
        "workers_rss_mb": kids.ru_maxrss / 1024,
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
    }


def measure_extract(corpus: Path, jobs: int, cache: Path, power: str, region: str) -> dict:
    """Ingest + extract ``corpus`` keeping the results (facts) as `briefgen extract` does."""
    from briefgen.engine import run_extraction

    started = time.perf_counter()
    result = run_extraction(
        corpus, jobs=jobs, cache_dir=cache, power=power, region=region, keep_text=False
    )
    seconds = time.perf_counter() - started
    s = result.stats
    from briefgen.factcache import extractor_version

    return {
        "seconds": seconds,
        "docs": s.documents,
        "chars": s.chars,
        "facts": s.facts,
        "extracted": s.extracted,
        "cached": s.cached,
        "version": extractor_version(),
    }


def measure_ingest(corpus: Path) -> dict:
    """Ingestion alone (no cache), to tell its share of the -j 1 time."""
    from briefgen.ingest import iter_corpus

    started = time.perf_counter()
    chars = sum(len(d.text) for d in iter_corpus(corpus, cache_dir=False))
    return {"seconds": time.perf_counter() - started, "chars": chars}


def measure_bare(corpus: Path) -> dict:
    """spacy.blank + sentencizer over the same texts, read from the files."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp("warm up.")
    started = time.perf_counter()
    chars = 0
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        chars += len(text)
        nlp(text)
    return {"seconds": time.perf_counter() - started, "chars": chars}


def measure_build(corpus: Path, power: str, region: str) -> dict:
    """One country's briefing (load its sheet, render the PDF, write it) ÷ WeasyPrint alone
    over the same HTML. The sheet comes from the real corpus: its country with most events,
    every event accepted."""
    import weasyprint

    from briefgen.engine import run_extraction
    from briefgen.factsheets import load_sheet, save_tree, sheet_to_tree
    from briefgen.models import FactSheet
    from briefgen.reconcile import reconcile
    from briefgen.render import RenderOptions, layout_pdf, write_briefing

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ex = run_extraction(corpus, jobs=1, cache_dir=False, power=power, region=region)
        rec = reconcile(ex.facts, ex.documents, power=power, region=region)
        counts: dict[str, int] = {}
        for e in rec.events:
            counts[e.country] = counts.get(e.country, 0) + 1
        country = max(counts, key=counts.get)
        events = [e for e in rec.events if e.country == country]
        for e in events:
            e.status = "accepted"
        docs = {q.doc for e in events for q in e.evidence}
        sheet = FactSheet(
            country=country,
            events=events,
            disagreements=[d for d in rec.disagreements if d.country == country],
            sources={d.id: d.to_source() for d in ex.documents if d.id in docs},
        )
        path = tmp / "factsheets" / f"{country.lower()}.yaml"
        path.parent.mkdir(parents=True)
        save_tree(path, sheet_to_tree(sheet))
        options = RenderOptions()
        _, html = layout_pdf(load_sheet(path), options)
        # the base URL and fetcher layout_pdf gives WeasyPrint: only the HTML is left to do
        from briefgen.render import default_templates_dir

        assets = ROOT / "briefgen" / "assets"
        base = (assets if assets.is_dir() else default_templates_dir()).resolve().as_uri() + "/"
        builds, bares = [], []
        for _ in range(5):  # interleaved, best of five (WeasyPrint times vary)
            t = time.perf_counter()
            write_briefing(load_sheet(path), tmp / "out", ["pdf"], options)
            builds.append(time.perf_counter() - t)
            t = time.perf_counter()
            weasyprint.HTML(string=html, base_url=base).write_pdf()
            bares.append(time.perf_counter() - t)
    return {"country": country, "events": len(events), "build": min(builds), "bare": min(bares)}


def _measure_main(args: argparse.Namespace) -> None:
    kind = args.measure
    if kind == "extract":
        out = measure_extract(args.corpus, args.jobs, args.cache, args.power, args.region)
    elif kind == "bare":
        out = measure_bare(args.corpus)
    elif kind == "ingest":
        out = measure_ingest(args.corpus)
    else:
        out = measure_build(args.corpus, args.power, args.region)
    out.update(_usage())
    print(json.dumps(out))


def run(
    kind: str,
    corpus: Path,
    *,
    jobs: int = 1,
    cache: Path | None = None,
    power: str = "russia",
    region: str = "latin_america",
) -> dict:
    """One measurement in a fresh interpreter; its JSON report."""
    cmd = [
        sys.executable,
        __file__,
        "--measure",
        kind,
        "--corpus",
        str(corpus),
        "--jobs",
        str(jobs),
        "--power",
        power,
        "--region",
        region,
    ]
    if cache is not None:
        cmd += ["--cache", str(cache)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"measurement {kind} on {corpus} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--detail-max",
        type=int,
        default=10_000,
        help="largest size that also gets the -j 1 and bare spaCy runs",
    )
    parser.add_argument("--chars", type=int, default=3500, help="characters per document")
    parser.add_argument("--power", default="russia")
    parser.add_argument("--region", default="latin_america")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a temp dir)")
    parser.add_argument(
        "--measure", choices=["extract", "ingest", "bare", "build"], help=argparse.SUPPRESS
    )
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure_main(args)
        return
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no such corpus; pass --corpus DIR")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="briefgen-scale-", dir=args.workdir))
    rows: dict[str, dict[int, str]] = {}
    notes: list[str] = []

    def put(metric: str, size: int, value: str) -> None:
        rows.setdefault(metric, {})[size] = value

    try:
        for size in sizes:
            corpus, cache = work / f"corpus{size}", work / f"cache{size}"
            written, gen_s = generate(
                args.corpus, size, corpus, power=args.power, region=args.region, chars=args.chars
            )
            print(
                f"[{_label(size)}] generated {written / MB:.0f} MB in {gen_s:.0f} s",
                file=sys.stderr,
            )
            full = run(
                "extract", corpus, jobs=args.jobs, cache=cache, power=args.power, region=args.region
            )
            mb = full["chars"] / MB
            put("documents", size, f"{full['docs']:,}")
            put("text MB (chars/1e6)", size, f"{mb:.1f}")
            put("facts", size, f"{full['facts']:,}")
            put(f"-j {args.jobs} seconds (cold)", size, f"{full['seconds']:.1f}")
            put("docs/s", size, f"{full['docs'] / full['seconds']:.0f}")
            put("MB/s", size, f"{mb / full['seconds']:.2f}")
            put("peak RSS parent MB", size, f"{full['rss_mb']:.0f}")
            put("peak RSS per worker MB", size, f"{full['workers_rss_mb']:.0f}")
            put("CPU s, all processes", size, f"{full['cpu_s']:.0f}")
            print(f"[{_label(size)}] -j {args.jobs}: {full['seconds']:.1f} s", file=sys.stderr)
            # incremental: one document changes, the run is repeated on the same caches
            victim = corpus / f"doc{size // 2:06d}.txt"
            victim.write_text(
                victim.read_text(encoding="utf-8") + "\nA late addition.\n", encoding="utf-8"
            )
            again = run(
                "extract", corpus, jobs=args.jobs, cache=cache, power=args.power, region=args.region
            )
            put("incremental: re-extracted", size, f"{again['extracted']}")
            if again.get("version") != full.get("version"):
                notes.append(
                    f"{_label(size)}: the extraction code or a lexicon changed between "
                    "the cold and the incremental run, so every document was "
                    "re-extracted; rerun on a quiet tree"
                )
            put(
                "incremental s / cold s",
                size,
                f"{again['seconds']:.2f}/{full['seconds']:.0f} = "
                f"{100 * again['seconds'] / full['seconds']:.1f}%",
            )
            if size <= args.detail_max:
                one = run(
                    "extract",
                    corpus,
                    jobs=1,
                    cache=work / f"cache{size}-j1",
                    power=args.power,
                    region=args.region,
                )
                ingest = run("ingest", corpus)
                bare = run("bare", corpus)
                put("-j 1 seconds (cold)", size, f"{one['seconds']:.1f}")
                put("  of which ingest", size, f"{ingest['seconds']:.1f}")
                put("bare spaCy seconds", size, f"{bare['seconds']:.1f}")
                put(
                    "ingest+extract -j1 / bare spaCy",
                    size,
                    f"{one['seconds'] / bare['seconds']:.2f}",
                )
                put(
                    "extract only / bare spaCy",
                    size,
                    f"{(one['seconds'] - ingest['seconds']) / bare['seconds']:.2f}",
                )
                put(
                    f"-j {args.jobs} speed-up (wall)",
                    size,
                    f"{one['seconds'] / full['seconds']:.2f}×",
                )
                put(
                    f"-j {args.jobs} CPU s / -j 1 CPU s",
                    size,
                    f"{full['cpu_s']:.0f}/{one['cpu_s']:.0f} = {full['cpu_s'] / one['cpu_s']:.2f}",
                )
            else:
                for metric in (
                    "-j 1 seconds (cold)",
                    "  of which ingest",
                    "bare spaCy seconds",
                    "ingest+extract -j1 / bare spaCy",
                    "extract only / bare spaCy",
                    f"-j {args.jobs} speed-up (wall)",
                    f"-j {args.jobs} CPU s / -j 1 CPU s",
                ):
                    put(metric, size, "skipped")
                notes.append(
                    f"{_label(size)}: -j 1, ingest and bare runs skipped "
                    f"(> --detail-max {args.detail_max})"
                )
            print(
                f"[{_label(size)}] "
                + "; ".join(f"{m}: {v[size]}" for m, v in rows.items() if size in v),
                file=sys.stderr,
            )
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(work / f"cache{size}-j1", ignore_errors=True)
        build = run("build", args.corpus, power=args.power, region=args.region)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    targets = {
        "ingest+extract -j1 / bare spaCy": "≤ 2",
        "extract only / bare spaCy": "≤ 2",
        f"-j {args.jobs} speed-up (wall)": "≥ 1.7×",
        "incremental s / cold s": "≤ 5%",
        "incremental: re-extracted": "1",
    }
    header = ["metric", *(_label(s) for s in sizes), "target"]
    table = [
        [m, *(vals.get(s, "—") for s in sizes), targets.get(m, "")] for m, vals in rows.items()
    ]
    ratio = build["build"] / build["bare"]
    table.append(
        [
            f"build {build['country'].lower()} ({build['events']} events) / bare WeasyPrint",
            f"{build['build']:.2f}/{build['bare']:.2f} s = {ratio:.2f}",
            *([""] * (len(sizes) - 1)),
            "≤ 1.25",
        ]
    )
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    # other work on the machine slows wall times: the load average tells how busy it was
    print(
        f"briefgen scale benchmark: {args.corpus}, -j {args.jobs}, {os.cpu_count()} CPUs, "
        f"~{args.chars} chars/doc, load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    )
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for r in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    for note in notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
