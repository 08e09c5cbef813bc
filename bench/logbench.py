"""The referral counter's throughput: `make report LOGS=…`'s reading loop over one generated log.

`python bench/logbench.py run SIZE_MB` (what bench/run.py calls) generates a log of SIZE_MB into a
temporary folder (bench/loggen.py), times `publish.report.referrals.count` over it in a subprocess
per repeat (peak RSS from the kernel), deletes the log and prints one JSON object.
`python bench/logbench.py count FILE` is that subprocess: it times the count after imports.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SLUGS = [f"post-{i}" for i in range(200)]


def count(path: Path) -> dict:
    from publish.report import referrals

    index = referrals.PostIndex(
        {s: f"posts/2026/{s}/" for s in SLUGS}, "https://insights.northwindledger.example"
    )
    start, cpu = time.perf_counter(), time.process_time()
    counted, stats = referrals.count([path], index, ["insights.northwindledger.example"])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "available": True,
        "lines": stats.lines,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "visits": counted.counts["visits"],
        "skipped": sum(stats.skipped.values()),
    }


def run(size_mb: float, repeats: int) -> dict:
    """Generate, measure `repeats` times, delete; lines/s (median, min, max) and peak RSS."""
    from bench import loggen, measure

    folder = Path(tempfile.mkdtemp(prefix="lectern-logbench-"))
    try:
        log = folder / "access.log"
        loggen.generate(log, int(size_mb * 1024 * 1024), SLUGS)
        size = log.stat().st_size
        rates, cpu_rates, peaks, result = [], [], [], {}
        for _ in range(repeats):
            sample = measure.run([sys.executable, str(BENCH / "logbench.py"), "count", str(log)], cwd=REPO)
            try:
                result = json.loads(sample.log.strip().splitlines()[-1])
            except (ValueError, IndexError):
                return {"available": False, "why": f"failed: {sample.log.strip()[-300:]}"}
            rates.append(result["lines"] / result["seconds"])
            cpu_rates.append(result["lines"] / max(result["cpu_seconds"], 1e-9))
            peaks.append(sample.rss_mb)
        return {
            "available": True,
            "bytes": size,
            "lines": result["lines"],
            "visits": result["visits"],
            "per_second": {
                "median": statistics.median(rates),
                "min": min(rates),
                "max": max(rates),
                "runs": rates,
            },
            "per_cpu_second": statistics.median(cpu_rates),
            "peak_mb": max(peaks),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[0] == "count":
        print(json.dumps(count(Path(args[1]))))
    else:
        print(json.dumps(run(float(args[1]), int(args[2]) if len(args) > 2 else 3)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
