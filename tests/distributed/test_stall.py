"""A run whose cluster stops working is told, not waited on for good (issue #18): the watch of
``atlas.distributed.dask_client`` stops a run whose tasks make no move for ``stall_after``
seconds, with a message that names the wait and the workers' memory, and leaves alone a run
whose tasks move however long it takes.

Each test starts one local worker of its own (the shared test cluster's workers would be
kept busy by the task that never ends).
"""

from __future__ import annotations

import time

import pytest

from atlas.distributed import dask_client
from atlas.errors import ClusterError


def _slow_next(value: int) -> int:
    time.sleep(0.4)
    return value + 1


def test_a_run_whose_tasks_never_finish_is_stopped_with_what_to_do() -> None:
    started = time.monotonic()
    with (
        pytest.raises(ClusterError) as caught,
        dask_client(workers=1, worker_memory="512MiB", stall_after=2) as client,
    ):
        client.submit(time.sleep, 120, pure=False).result()
    waited = time.monotonic() - started
    message = str(caught.value)
    assert message.startswith(
        "The Dask cluster did no work for 2 s while 1 of this run's tasks were waiting"
    ), message
    assert "(each has 512.00 MiB)" in message and "--worker-memory" in message
    assert "Traceback" not in message
    # Stopped after the 2 s without a move (checked every 0.5 s), not after the task's 120 s;
    # the rest is the worker's start and its stop.
    assert waited < 60, waited


def test_a_run_whose_tasks_move_is_never_stopped() -> None:
    # Eight tasks one after the other, 0.4 s each: 3.2 s in all, longer than the 1.5 s the
    # watch allows without a move, but every task starts and finishes within it.
    with dask_client(workers=1, stall_after=1.5) as client:
        future = client.submit(_slow_next, 0, pure=False)
        for _ in range(7):
            future = client.submit(_slow_next, future, pure=False)
        assert future.result() == 8


def test_a_client_with_nothing_to_do_is_never_stopped() -> None:
    with dask_client(workers=1, stall_after=1) as client:
        time.sleep(2.5)  # the atlas computing on its own, the cluster holding no task
        assert client.submit(_slow_next, 1).result() == 2
