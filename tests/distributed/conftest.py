"""A real Dask cluster on localhost for the engine's tests: one ``dask scheduler`` and two
``dask worker`` processes (one thread each), started once for the session and stopped after."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.offline_browser import free_port

DASK = Path(sys.executable).with_name("dask")
UP_TIMEOUT_S = 60


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        process.terminate()
    for process in reversed(processes):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a running scheduler with two workers (``tcp://127.0.0.1:PORT``)."""
    if not DASK.exists():
        pytest.skip(f"no dask command at {DASK}")
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    logs = (folder / "cluster.log").open("wb")
    processes: list[subprocess.Popen[bytes]] = []
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    try:
        processes.append(
            subprocess.Popen(
                [str(DASK), "scheduler", "--port", address.rsplit(":", 1)[1], *common],
                stdout=logs,
                stderr=logs,
            )
        )
        for k in range(2):
            local = folder / f"worker-{k}"
            local.mkdir()
            processes.append(
                subprocess.Popen(
                    [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                     "--local-directory", str(local), *common],
                    stdout=logs,
                    stderr=logs,
                )
            )  # fmt: skip
        deadline = time.monotonic() + UP_TIMEOUT_S
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        _stop(processes)
        logs.close()


@pytest.fixture(scope="session")
def client(scheduler: str) -> Iterator[object]:
    """A client of the test cluster, shared by the tests."""
    from atlas.distributed import dask_client

    with dask_client(scheduler) as connected:
        yield connected
