"""Run one command and measure its wall time and peak memory, process pool included.

Builds run in a subprocess, as `make html` does, so every sample pays the same interpreter start
and import cost. Peak memory is reported two ways because a forking reader splits a build across
processes: `rss_mb` is the kernel's peak RSS of the largest single process (wait4), `tree_mb` is
the sampled peak of the summed PSS of the whole process tree (PSS divides copy-on-write pages
shared after fork, so the sum is not inflated by them).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float  # user + system of the command and the children it waited for (pool workers)
    rss_mb: float
    tree_mb: float
    returncode: int
    log: str

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb, self.tree_mb)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    """Summed PSS of `root` and all its descendants right now (0 when /proc cannot tell)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo += _children(pid)
    return total


def run(cmd: Sequence[str], *, cwd: Path | None = None, env: dict | None = None,
        interval: float = 0.05) -> Sample:
    """Run `cmd` to completion; never raises on a failing command (the caller reports it)."""
    log_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"lectern-bench-{os.getpid()}.log"
    with open(log_file, "w+b") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(interval):
                peak[0] = max(peak[0], tree_pss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    log_file.unlink(missing_ok=True)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, cpu, usage.ru_maxrss / 1024, peak[0] / 1024, proc.returncode, text)
