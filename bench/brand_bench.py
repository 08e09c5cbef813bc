"""Brand guard benchmark: `make brand` words/s next to proselint, and what the plugin adds to a build.

    .venv/bin/python bench/brand_bench.py [--posts 1000] [--repeats 3] [--skip-build]

On the seeded corpus of bench/corpus.py (same posts as `make bench`):

- **brand (CLI)**: `python -m plugins.brand_guard --format json <posts>` as `make brand FORMAT=json`
  runs it, start-up and config loading included (wall and CPU seconds);
- **brand (API)**: `check_paths()` in-process, checking only (what the plugin pays per build);
- **proselint**: proselint 0.16's own `LintFile(...).lint()` over the same files, in-process;
- **build overhead**: a dev build of the corpus with and without `brand_guard` in PLUGINS,
  alternated, median of `--repeats`; CPU time includes fast_reader's worker processes.

Words are counted the same way for every row (whitespace-separated words of the post files).
The machine is shared, so the script reports medians and the min-max range; a JSON copy goes to
bench/results/brand-<UTC timestamp>-n<N>.json (git-ignored). Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import corpus  # noqa: E402

PYTHON = REPO / ".venv" / "bin" / "python"
PELICAN = REPO / ".venv" / "bin" / "pelican"


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds (the child and its children) of one command."""
    cpu, wall = child_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - wall, child_cpu() - cpu, proc


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def prepare(posts: int, scratch: Path) -> tuple[Path, list[Path], int]:
    content = scratch / f"content-{posts}"
    stamp = scratch / f"content-{posts}.json"
    generator = (BENCH / "corpus.py").read_text(encoding="utf-8")
    key = {"posts": posts, "seed": corpus.SEED, "generator": generator}
    if not (content.exists() and stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) == key):
        corpus.generate(posts, content)
        stamp.write_text(json.dumps(key), encoding="utf-8")
    files = sorted((content / "posts").glob("*.md"))
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    return content, files, words


def bench_cli(files_dir: Path, repeats: int) -> dict:
    walls, cpus = [], []
    for _ in range(repeats):
        cmd = [str(PYTHON), "-m", "plugins.brand_guard", "--format", "json", str(files_dir)]
        wall, cpu, proc = timed(cmd, cwd=REPO)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"brand CLI failed: {proc.stderr}")
        json.loads(proc.stdout)  # stdout must be the JSON document
        walls.append(wall)
        cpus.append(cpu)
    return {"wall": summary(walls), "cpu": summary(cpus)}


def bench_api(files: list[Path], repeats: int) -> dict:
    from plugins.brand_guard.core import check_paths, load_config

    cfg = load_config(REPO / "brand.yml")
    check_paths(files[:20], cfg)  # warm the stem cache the way a build's first posts do
    walls, findings = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        findings = len(check_paths(files, cfg))
        walls.append(time.perf_counter() - start)
    return {"wall": summary(walls), "findings": findings}


def bench_proselint(files: list[Path], repeats: int) -> dict:
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(__register__)
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in files]
    walls, findings = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        findings = sum(len(LintFile(name, text).lint()) for name, text in texts)
        walls.append(time.perf_counter() - start)
    return {"wall": summary(walls), "findings": findings}


def settings_file(work: Path, *, brand: bool) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    lines = [
        f"import sys; sys.path.insert(0, {str(REPO)!r})",
        "from pelicanconf import *  # noqa",
        f"OUTPUT_PATH = {str(work / 'output')!r}",
        f"LECTERN_BUILD_DIR = {str(work / 'build')!r}",
        f"SYNDICATION_MANIFEST = {str(work / 'build' / 'manifest.json')!r}",
        f"SYNDICATION_LEDGER = {str(work / 'ledger.jsonl')!r}",
        f"CACHE_PATH = {str(work / 'cache')!r}",
    ]
    if not brand:
        lines.append("PLUGINS = [p for p in PLUGINS if p != 'plugins.brand_guard']")
    path = work / "settings.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bench_build(content: Path, scratch: Path, repeats: int) -> dict:
    rows: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in ("with", "without")}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_no in range(repeats):
        order = ("with", "without") if round_no % 2 == 0 else ("without", "with")
        for name in order:
            work = scratch / f"build-{name}"
            conf = settings_file(work, brand=name == "with")
            cmd = [str(PELICAN), str(content), "-o", str(work / "output"), "-s", str(conf), "-d", "-q"]
            wall, cpu, proc = timed(cmd, cwd=REPO, env=env)
            if proc.returncode != 0:
                raise SystemExit(f"build {name} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
            rows[name]["wall"].append(wall)
            rows[name]["cpu"].append(cpu)
    out = {name: {k: summary(v) for k, v in data.items()} for name, data in rows.items()}
    for k in ("wall", "cpu"):
        base = out["without"][k]["median"]
        out[f"overhead_{k}_pct"] = 100 * (out["with"][k]["median"] - base) / base
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scratch", type=Path, default=BENCH / "scratch" / "brand")
    parser.add_argument("--skip-build", action="store_true", help="only the text rows")
    args = parser.parse_args(argv)

    content, files, words = prepare(args.posts, args.scratch)
    print(f"corpus: {len(files)} posts, {words:,} words ({content})", flush=True)
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "posts": len(files), "words": words,
              "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    result["brand_cli"] = bench_cli(content / "posts", args.repeats)
    result["brand_api"] = bench_api(files, args.repeats)
    result["proselint"] = bench_proselint(files, args.repeats)
    rows = [("brand: make brand (CLI, wall)", result["brand_cli"]["wall"]),
            ("brand: make brand (CLI, CPU)", result["brand_cli"]["cpu"]),
            ("brand: check_paths() in-process", result["brand_api"]["wall"]),
            ("proselint 0.16 in-process", result["proselint"]["wall"])]
    print(f"{'row':34} {'seconds (median, min-max)':>28} {'words/s (median)':>18}")
    for label, s in rows:
        print(f"{label:34} {s['median']:>10.2f} ({s['min']:.2f}-{s['max']:.2f})"
              f"{'':>6} {words / s['median']:>18,.0f}")
    ratio = result["proselint"]["wall"]["median"] / result["brand_cli"]["wall"]["median"]
    print(f"make brand is {ratio:.1f}x proselint's speed on the same text (target ≥ 100,000 words/s)")
    if not args.skip_build:
        build = bench_build(content, args.scratch, args.repeats)
        result["build"] = build
        for name in ("without", "with"):
            b = build[name]
            print(f"dev build {name:7} brand_guard: wall {b['wall']['median']:.2f}s "
                  f"({b['wall']['min']:.2f}-{b['wall']['max']:.2f}), CPU {b['cpu']['median']:.2f}s")
        print(f"brand_guard adds {build['overhead_wall_pct']:+.1f}% wall, "
              f"{build['overhead_cpu_pct']:+.1f}% CPU to a dev build (target < 10%)")
    out = BENCH / "results" / f"brand-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-n{len(files)}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written: {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
