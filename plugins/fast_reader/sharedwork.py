"""Split a batch between this process and forked helpers that take the next jobs as they free up.

A `multiprocessing.Pool` of N workers leaves the main process idle while they run: on an N-CPU
machine that is one fork more than there are CPUs, and each forked process pays for copy-on-write
page faults on the inherited heap and for warming its own memos (fragments, Jinja, Markdown). Here
the main process is one of the N: it forks N-1 helpers, and all of them claim chunks of job
indexes from one shared counter until none are left, so a slow page on one side does not leave
the other idle. Results come back in job order.

The function and the jobs it closes over are inherited through fork (set in `_TASK` just before
the pool starts), so nothing but the results is pickled: a closure over the batch will do.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from typing import Any

_TASK: dict[str, Any] = {}  # set just before forking; helpers read it from their inherited memory


def _claim(_slot: int | None = None) -> list[tuple[int, Any]]:
    """Run jobs from the shared counter until there are none left; (index, result) per job."""
    func, count, counter, chunk = _TASK["func"], _TASK["count"], _TASK["counter"], _TASK["chunk"]
    done = []
    while True:
        with counter.get_lock():
            start = counter.value
            counter.value = start + chunk
        if start >= count:
            return done
        done.extend((index, func(index)) for index in range(start, min(start + chunk, count)))


def chunk_size(jobs: int, processes: int) -> int:
    """About sixteen claims per process: few lock round trips, and the last ones end together."""
    return max(1, jobs // (processes * 16))


def run(func: Callable[[int], Any], count: int, processes: int) -> list[Any]:
    """`[func(i) for i in range(count)]`, computed by this process and `processes - 1` forks.

    `func` may be any callable (a closure over the batch is fine: it is inherited, not pickled);
    helpers see the heap as it was at the fork. An exception in any process is raised here.
    """
    if processes <= 1 or count <= 1:
        return [func(index) for index in range(count)]
    ctx = multiprocessing.get_context("fork")
    _TASK.update(func=func, count=count, counter=ctx.Value("q", 0),
                 chunk=chunk_size(count, processes))
    results: list[Any] = [None] * count
    # Keep the helpers' GC off the inherited heap (fewer copy-on-write pages).
    gc.freeze()
    try:
        with ctx.Pool(processes - 1) as pool:
            theirs = pool.map_async(_claim, range(processes - 1), chunksize=1)
            mine = _claim()
            for part in (mine, *theirs.get()):
                for index, result in part:
                    results[index] = result
    finally:
        gc.unfreeze()
        _TASK.clear()
    return results
