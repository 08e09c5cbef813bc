"""`make bench [N=1000] [PROFILE=1]`: Lectern against vanilla Pelican and proselint, side by side.

The machines are shared and noisy, so absolute seconds mean little: every figure is a ratio to a
reference measured in the same run, the commands alternate (order rotated each round) and each
is repeated (median, min–max). Results print as a table and are written as JSON to
bench/results/<UTC timestamp>-n<N>.json (git-ignored). `--profile` adds the top 20 functions by
cumulative time of one Lectern dev build, so the next optimisation is picked from data.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import builds, corpus, editloop, measure, report  # noqa: E402

BUILD_ROWS = ("vanilla", "dev", "prod", "vanilla-rebuild", "rebuild")
TEXT_ROWS = ("proselint", "brand", "publish")


def prepare_corpus(n: int, scratch: Path) -> corpus.Corpus:
    """Generate the corpus, or reuse it when N, seed and generator are unchanged (saves minutes)."""
    content = scratch / "content"
    stamp = scratch / "corpus.json"
    key = {"posts": n, "seed": corpus.SEED, "generator": (BENCH / "corpus.py").read_text(encoding="utf-8")}
    if content.exists() and stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if {k: saved.get(k) for k in key} == key:
            return corpus.Corpus(content, n, saved["words"])
    made = corpus.generate(n, content)
    stamp.write_text(json.dumps({**key, "words": made.words}), encoding="utf-8")
    return made


def edit_one_post(content: Path, round_no: int) -> Path:
    """Edit one post's body (what a writer does before `make regenerate`)."""
    posts = sorted((content / "posts").glob("*.md"))
    post = posts[(round_no * 7) % len(posts)]
    with open(post, "a", encoding="utf-8") as handle:
        handle.write(f"\nEdited for benchmark round {round_no}.\n")
    return post


def run_build(build: builds.Build, content: Path, *, full: bool) -> measure.Sample:
    if full:
        build.clean()
    sample = measure.run(build.command(content), cwd=REPO, env=builds.env())
    if sample.returncode != 0:
        (build.conf.parent / "failed.log").write_text(sample.log, encoding="utf-8")
    return sample


def run_text(kind: str, content: Path, settings_file: Path) -> tuple[measure.Sample, dict]:
    cmd = [sys.executable, str(BENCH / "textbench.py"), kind, str(content), str(settings_file)]
    sample = measure.run(cmd, cwd=REPO, env=builds.env())
    try:
        result = json.loads(sample.log.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"available": False, "why": f"failed: {sample.log.strip()[-300:]}"}
    return sample, result


def measure_all(n: int, repeats: int, scratch: Path, *, text: bool = True) -> dict:
    """Alternate every measurement `repeats` times; return raw samples per row."""
    made = prepare_corpus(n, scratch)
    content = made.content
    all_builds = builds.standard_builds(scratch)
    for key in ("vanilla-rebuild", "rebuild"):  # warm the content caches (not timed)
        run_build(all_builds[key], content, full=True)
    samples: dict[str, list[measure.Sample]] = {row: [] for row in BUILD_ROWS + TEXT_ROWS}
    text_results: dict[str, list[dict]] = {row: [] for row in TEXT_ROWS}
    order = list(BUILD_ROWS + (TEXT_ROWS if text else ()))
    for round_no in range(repeats):
        edit_one_post(content, round_no)
        rotated = order[round_no % len(order):] + order[: round_no % len(order)]
        for row in rotated:
            if row in BUILD_ROWS:
                samples[row].append(run_build(all_builds[row], content, full="rebuild" not in row))
            else:
                sample, result = run_text(row, content, all_builds["dev"].conf)
                samples[row].append(sample)
                text_results[row].append(result)
        print(f"bench: round {round_no + 1}/{repeats} done", file=sys.stderr)
    return summarise(made, samples, text_results, all_builds)


def _stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def summarise(made: corpus.Corpus, samples: dict, text_results: dict, all_builds: dict) -> dict:
    rows: dict[str, dict] = {}
    for row in BUILD_ROWS:
        ok = [s for s in samples[row] if s.returncode == 0]
        if not ok:
            log = all_builds[row].conf.parent / "failed.log"
            rows[row] = {"available": False, "why": f"build failed, see {log}"}
            continue
        rows[row] = {"available": True, "seconds": _stats([s.seconds for s in ok]),
                     "cpu_seconds": _stats([s.cpu_seconds for s in ok]),
                     "peak_mb": max(s.peak_mb for s in ok), "failures": len(samples[row]) - len(ok)}
    for row in TEXT_ROWS:
        results = [r for r in text_results[row] if r.get("available")]
        if not results:
            first = (text_results[row] or [{"why": "skipped (--builds-only)"}])[0]
            why = first.get("why", "not available")
            rows[row] = {"available": False, "why": why}
            continue
        unit = "items" if row == "publish" else "words"
        rates = [r[unit] / r["seconds"] if r["seconds"] else float("inf") for r in results]
        rows[row] = {"available": True, "per_second": _stats(rates), "unit": unit, "count": results[0][unit],
                     "peak_mb": max(s.peak_mb for s in samples[row])}
    reference = rows["vanilla"]["seconds"]["median"] if rows["vanilla"].get("available") else None
    best = rows["vanilla"]["seconds"]["min"] if rows["vanilla"].get("available") else None
    for row in BUILD_ROWS:
        if rows[row].get("available") and reference:
            rows[row]["ratio"] = rows[row]["seconds"]["median"] / reference
            rows[row]["ratio_of_minima"] = rows[row]["seconds"]["min"] / best
            rows[row]["cpu_ratio"] = (rows[row]["cpu_seconds"]["median"]
                                      / rows["vanilla"]["cpu_seconds"]["median"])
    if rows["brand"].get("available") and rows["proselint"].get("available"):
        rows["brand"]["ratio"] = (rows["brand"]["per_second"]["median"]
                                  / rows["proselint"]["per_second"]["median"])
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "posts": made.posts,
        "words": made.words,
        "repeats": len(samples["vanilla"]),
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "platform": platform.platform()},
        "git": _git_head(),
        "rows": rows,
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _git_head() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def profile(n: int, scratch: Path, top: int = 20) -> list[dict]:
    """cProfile one Lectern dev build (in this run's corpus) and return the top functions.

    The build runs with FAST_READER_PROCESSES=1: fast_reader then does its work in-process, so the
    profile shows where the CPU time goes instead of the main process waiting on its pool.
    """
    import pstats

    content = prepare_corpus(n, scratch).content
    build = builds.make_build("profile", scratch, conf="pelicanconf", extra={"FAST_READER_PROCESSES": 1})
    build.clean()
    out = scratch / "profile.pstats"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), *build.command(content)]
    sample = measure.run(cmd, cwd=REPO, env=builds.env())
    if sample.returncode != 0:
        raise SystemExit(f"bench: profiled build failed:\n{sample.log[-2000:]}")
    stats = pstats.Stats(str(out))
    rows = []
    for func, (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        filename, line, name = func
        rows.append({"function": f"{_short(filename)}:{line}({name})", "calls": calls,
                     "tottime": tottime, "cumtime": cumtime})
    rows.sort(key=lambda r: r["cumtime"], reverse=True)
    return rows[:top]


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="corpus size N (default 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of every measurement (default 3)")
    parser.add_argument("--profile", action="store_true", help="also print the top 20 of one dev build")
    parser.add_argument("--builds-only", action="store_true",
                        help="skip the brand/proselint/publish rows (for scaling runs at large N)")
    parser.add_argument("--log-mb", type=float,
                        help="MB of generated access log for the referral row (default N, at most 1024)")
    parser.add_argument("--edits", type=int, default=5,
                        help='edits timed per tool in the "edit to page, dev server" row (0: skip it)')
    parser.add_argument("--edit-only", action="store_true", help='only the "edit to page" row')
    parser.add_argument("--edit-tools", default=",".join(editloop.TOOLS),
                        help=f"tools of that row, comma-separated (default {','.join(editloop.TOOLS)})")
    parser.add_argument("--scratch", type=Path, help="work folder (default bench/scratch/n<N>)")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="folder for the JSON")
    args = parser.parse_args(argv)
    if args.posts < 1 or args.repeats < 1:
        parser.error("--posts and --repeats must be at least 1")
    scratch = (args.scratch or BENCH / "scratch" / f"n{args.posts}").resolve()
    scratch.mkdir(parents=True, exist_ok=True)

    if args.edit_only:
        result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "posts": args.posts,
                  "machine": {"python": platform.python_version(), "cpus": _cpus()}, "git": _git_head()}
    else:
        result = measure_all(args.posts, args.repeats, scratch, text=not args.builds_only)
        if not args.builds_only:  # make report LOGS=…: lines/s, peak RSS on a generated log (deleted after)
            from bench import logbench

            result["rows"]["logs"] = logbench.run(args.log_mb or min(1024, args.posts), args.repeats)
    if args.edits > 0:
        content = prepare_corpus(args.posts, scratch).content
        tools = tuple(t.strip() for t in args.edit_tools.split(",") if t.strip())
        unknown = set(tools) - set(editloop.TOOLS)
        if unknown:
            parser.error(f"--edit-tools: unknown {', '.join(sorted(unknown))}")
        result["edit"] = editloop.measure(content, args.posts, scratch, edits=args.edits, tools=tools)
    if args.profile:
        result["profile"] = profile(args.posts, scratch)
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.results / f"{stamp}-n{args.posts}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if not args.edit_only:
        report.print_table(result)
    if "edit" in result:
        report.print_edit_table(result["edit"])
    if args.profile:
        report.print_profile(result["profile"])
    print(f"bench: results written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
