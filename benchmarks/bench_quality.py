"""Benchmark: extraction and reconciliation quality on every development set.

    python benchmarks/bench_quality.py [--sets ../shared/eval/sets.yaml] [--only NAME ...]
                                       [--json] [--misses DIR]

For each set listed in the evaluation's ``sets.yaml`` (corpus, gold, power, region) this
runs ``briefgen extract --format json`` on the set's corpus with the set's power and
region, in a subprocess of this checkout (so a worktree measures its own code), with a
fresh cache, then scores the output with the evaluation's own ``score.py``. It prints one
table: per set, and per language inside a set that mixes languages, facts P/R/F1, date
exactness over dated matches, spurious dates, unverifiable quotes and disagreement R/P.
``--misses DIR`` also writes the scorer's miss lists per set (for reading, not copying:
the gold and its articles never go into rules, lexicons, tests or fixtures).

Targets (extraction and reconciliation issues): facts P >= 0.85, R >= 0.80, dates exact
>= 0.80 on every set and language; disagreements P >= 0.80, R >= 0.70; unverifiable 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = ROOT.parent / "shared" / "eval" / "sets.yaml"
TARGETS = {"P": 0.85, "R": 0.80, "dates": 0.80, "dis_P": 0.80, "dis_R": 0.70}


def load_scorer(eval_dir: Path) -> ModuleType:
    """The evaluation's score.py, imported from beside sets.yaml (never copied)."""
    spec = importlib.util.spec_from_file_location("briefgen_eval_score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{eval_dir / 'score.py'}: cannot load the scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_extract(corpus: Path, power: str, region: str) -> tuple[dict[str, Any], float, str]:
    """``briefgen extract`` on one corpus: (its JSON, wall seconds, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as cache:
        env["BRIEFGEN_CACHE_DIR"] = cache
        cmd = [
            sys.executable,
            "-m",
            "briefgen",
            "extract",
            "--corpus",
            str(corpus),
            "--power",
            power,
            "--region",
            region,
            "--format",
            "json",
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cache, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout), seconds, proc.stderr


def languages_of(corpus: Path) -> dict[str, str]:
    """Document id → language, from the corpus manifest (empty when it has none)."""
    manifest = corpus / "sources.yaml"
    if not manifest.exists():
        return {}
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    out = {}
    for entry in data.get("sources") or []:
        if isinstance(entry, dict) and entry.get("file") and entry.get("language"):
            out[Path(entry["file"]).stem] = str(entry["language"])
    return out


def score(
    scorer: ModuleType,
    gold: dict,
    pred: dict,
    texts: dict,
    docs: set[str] | None,
    with_disagreements: bool,
) -> dict[str, Any]:
    """Score ``pred`` against ``gold``, both restricted to ``docs`` when given."""
    if docs is not None:
        gold = dict(
            gold,
            facts=[g for g in gold["facts"] if g["doc"] in docs],
            ignore=[r for r in gold.get("ignore") or [] if r["doc"] in docs],
        )
        pred = dict(pred, facts=[p for p in pred.get("facts", []) if p.get("doc") in docs])
    facts, misses = scorer.score_facts(
        gold, pred.get("facts", []), texts, scorer.ignore_regions(gold, texts)
    )
    dis = None
    dis_missed: list = []
    if with_disagreements:
        dis, dis_missed = scorer.score_disagreements(gold, pred.get("disagreements", []), texts)
    return {**facts, "disagreements": dis, "_misses": misses, "_dis_missed": dis_missed}


def row(name: str, result: dict[str, Any]) -> dict[str, Any]:
    f, d, dis = result["facts"], result["dates"], result["disagreements"]
    return {
        "set": name,
        "P": f["precision"],
        "R": f["recall"],
        "F1": f["f1"],
        "tp": f["tp"],
        "pred": f["pred"],
        "gold": f["gold"],
        "dates": d["exact"],
        "dated": d["gold_dated_matches"],
        "spurious_dates": d["spurious"],
        "unverifiable": result["diagnostics"].get("unverifiable_quotes", 0),
        "dis_R": dis["recall"] if dis else None,
        "dis_P": dis["precision"] if dis else None,
        "dis_tp": dis["tp"] if dis else None,
        "dis_pred": dis["pred"] if dis else None,
        "dis_gold": dis["gold"] if dis else None,
    }


def fmt(value: Any, key: str | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.3f}"
        if key in TARGETS and value < TARGETS[key]:
            text += "*"
        return text
    return str(value)


def write_misses(path: Path, name: str, result: dict[str, Any]) -> None:
    m = result["_misses"]
    lines = [f"# {name}: missed gold facts"]
    lines += [
        f"- {g['id']} {g['country']} {g['category']} {g.get('date')}: {g['quote'][:140]}"
        for g in m["missed"]
    ]
    lines.append("\n# unmatched predictions")
    lines += [
        f"- {p.get('doc')} {p.get('country')} {p.get('category')} {p.get('date')}: "
        f"{str(p.get('quote'))[:140]}"
        for p in m["spurious"]
    ]
    lines.append("\n# wrong dates (gold -> predicted)")
    lines += [
        f"- {g['id']} {g['date']} -> {p.get('date')}: {g['quote'][:120]}"
        for g, p in m["wrong_date"]
    ]
    lines.append("\n# missed disagreements")
    lines += [
        f"- {d['id']} {d['country']} {d['kind']}: {d['topic']}" for d in result["_dis_missed"]
    ]
    path.mkdir(parents=True, exist_ok=True)
    (path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--only", nargs="*", help="run only these sets (by name)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--misses", type=Path, help="write each set's miss lists into DIR")
    args = parser.parse_args()
    if not args.sets.exists():
        print(
            f"skipped: {args.sets} not found (the evaluation sets live in ../shared/eval)",
            file=sys.stderr,
        )
        return 0
    eval_dir = args.sets.resolve().parent
    scorer = load_scorer(eval_dir)
    sets = (yaml.safe_load(args.sets.read_text(encoding="utf-8")) or {}).get("sets") or []
    rows: list[dict[str, Any]] = []
    failures = 0
    for entry in sets:
        name = entry["name"]
        if args.only and name not in args.only:
            continue
        corpus = (eval_dir / entry["corpus"]).resolve()
        gold = yaml.safe_load((eval_dir / entry["gold"]).read_text(encoding="utf-8"))
        try:
            pred, seconds, _ = run_extract(corpus, entry["power"], entry["region"])
        except RuntimeError as exc:
            print(f"{name}: extract failed ({exc})", file=sys.stderr)
            failures += 1
            continue
        texts = scorer.load_texts(corpus)
        result = score(scorer, gold, pred, texts, None, True)
        rows.append(dict(row(name, result), seconds=round(seconds, 1)))
        if args.misses:
            write_misses(args.misses, name, result)
        langs = languages_of(corpus)
        if len(set(langs.values())) > 1:
            for lang in sorted(set(langs.values())):
                docs = {d for d, lg in langs.items() if lg == lang}
                sub = score(scorer, gold, pred, texts, docs, False)
                rows.append(dict(row(f"{name}[{lang}]", sub), seconds=None))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 1 if failures else 0
    cols = [
        ("set", 20),
        ("P", 7),
        ("R", 7),
        ("F1", 7),
        ("tp", 4),
        ("pred", 5),
        ("gold", 5),
        ("dates", 7),
        ("dated", 6),
        ("spurious_dates", 9),
        ("unverifiable", 7),
        ("dis_R", 7),
        ("dis_P", 7),
        ("dis_tp", 7),
        ("dis_gold", 8),
        ("seconds", 8),
    ]
    heads = {"spurious_dates": "spur.dt", "unverifiable": "unver."}
    print("  ".join(heads.get(c, c).ljust(w) for c, w in cols))
    for r in rows:
        print("  ".join(fmt(r[c], c).ljust(w) for c, w in cols))
    print(
        "* below target (facts P >= 0.85, R >= 0.80, dates >= 0.80; disagreements "
        "P >= 0.80, R >= 0.70)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
