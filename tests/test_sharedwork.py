"""fast_reader.sharedwork: the main process and its forked helpers share one batch, once each."""

from __future__ import annotations

import os
import time

import pytest

from plugins.fast_reader import sharedwork

MAIN = os.getpid()


def _square_and_pid(index: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough that the helper gets a share before the main process is done
    return index * index, os.getpid()


@pytest.mark.parametrize("processes", [2, 3])
def test_every_job_runs_once_in_order_and_the_main_process_takes_a_share(processes):
    results = sharedwork.run(_square_and_pid, 400, processes)
    assert [value for value, _ in results] == [i * i for i in range(400)]
    pids = {pid for _, pid in results}
    assert MAIN in pids, "the main process must work, not wait"
    assert len(pids) > 1, "the forked helpers must take part"
    assert not sharedwork._TASK, "the batch is forgotten afterwards"


def test_one_process_or_one_job_runs_in_process():
    assert sharedwork.run(_square_and_pid, 5, 1) == [(i * i, MAIN) for i in range(5)]
    assert sharedwork.run(_square_and_pid, 1, 4) == [(0, MAIN)]
    assert sharedwork.run(_square_and_pid, 0, 4) == []


def _fails_in_helper(index: int) -> int:
    time.sleep(0.001)
    if os.getpid() != MAIN and index > 10:
        raise ValueError(f"job {index} failed in a helper")
    return index


def _fails_in_main(index: int) -> int:
    time.sleep(0.001)
    if os.getpid() == MAIN and index > 10:
        raise ValueError(f"job {index} failed in the main process")
    return index


@pytest.mark.parametrize("func, where", [(_fails_in_helper, "helper"), (_fails_in_main, "main process")])
def test_an_error_on_either_side_is_raised_here(func, where):
    with pytest.raises(ValueError, match=where):
        sharedwork.run(func, 300, 2)
    assert not sharedwork._TASK


def test_chunks_are_small_enough_to_balance():
    assert sharedwork.chunk_size(1926, 2) == 60
    assert sharedwork.chunk_size(10, 2) == 1


def test_a_closure_over_a_local_batch_is_inherited_not_pickled():
    batch = [f"<{i}&>" for i in range(300)]  # a local list: never pickled, the helpers inherit it
    results = sharedwork.run(lambda index: (batch[index], _square_and_pid(index)[1]), len(batch), 2)
    assert [text for text, _ in results] == batch
    assert len({pid for _, pid in results}) > 1
