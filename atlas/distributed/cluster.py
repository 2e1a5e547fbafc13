"""The Dask cluster a run computes on: an existing one (its scheduler's address) or workers
started on this machine for the run, and closed after it.

Dask is imported here, inside the functions: the default engine never loads it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from atlas.errors import ClusterError, SchemaError
from atlas.i18n import _

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["CONNECT_TIMEOUT_S", "dask_client", "parse_memory", "worker_failures"]

#: Seconds to wait for a scheduler to answer before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10

#: The loggers of dask's scheduler, workers and comms: quiet unless asked.
_LOGGERS = ("distributed", "dask", "tornado", "bokeh")  # i18n-ignore: logger names


#: Dask's memory thresholds (shares of a worker's limit) when the limit is given.
_MEMORY_CONFIG = {
    "distributed.worker.memory.target": 0.5,
    "distributed.worker.memory.spill": 0.6,
    "distributed.worker.memory.pause": False,
    "distributed.worker.memory.terminate": 0.95,
    "distributed.scheduler.allowed-failures": 2,
}


def parse_memory(limit: str | None) -> int | None:
    """A memory limit such as ``2GB`` or ``500MiB`` in bytes (None when not given).

    Raises
    ------
    SchemaError
        When ``limit`` is not a positive size.

    Examples
    --------
    >>> parse_memory("2GB"), parse_memory("512MiB"), parse_memory(None)
    (2000000000, 536870912, None)
    """
    if limit is None:
        return None
    from dask.utils import parse_bytes

    try:
        value = int(parse_bytes(limit))
    except (ValueError, TypeError):
        value = 0
    if value <= 0:
        raise SchemaError(
            _(
                "'{limit}' is not a memory size: write a number with its unit, e.g. 2GB or 500MiB.",
                limit=limit,
            )
        )
    return value


@contextmanager
def _quiet_logs(quiet: bool) -> Iterator[None]:
    """Dask's own log lines off stderr for the run, unless not ``quiet``: a worker that dies
    or a cluster that is lost becomes one :class:`ClusterError` (:func:`worker_failures`),
    and the scheduler's lines about it would only repeat it in Dask's words."""
    if not quiet:
        yield
        return
    saved = {name: logging.getLogger(name).level for name in _LOGGERS}
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


@contextmanager
def worker_failures() -> Iterator[None]:
    """Turn a worker's death (killed, beyond its memory limit) or a lost scheduler, while
    computing, into a :class:`ClusterError` that says what to do."""
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError
    from distributed.comm import CommClosedError

    try:
        yield
    except KilledWorker as exc:
        raise ClusterError(
            _(
                "A Dask worker died while computing ({error}): most often it ran out of memory. "
                "Give the workers more memory, or more workers to share the points.",
                error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
            )
        ) from None
    except (CommClosedError, FutureCancelledError) as exc:
        raise ClusterError(
            _(
                "The connection to the Dask cluster was lost while computing ({error}): the "
                "scheduler stopped or a worker was killed. Check the cluster and run again.",
                error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
            )
        ) from None


def _tell_sizes(client: Client) -> None:
    """The atlas's sizes (:mod:`atlas.distributed.sizes`) here and on every worker, so that
    workers spill geometries in time."""
    from atlas.distributed.sizes import SizesPlugin, register

    register()
    client.register_plugin(SizesPlugin())


@contextmanager
def dask_client(
    scheduler: str | None = None,
    workers: int | None = None,
    worker_memory: str | int | None = None,
    *,
    quiet: bool = True,
) -> Iterator[Client]:
    """A ``distributed.Client`` for one run, closed (with any workers it started) at the end.

    Parameters
    ----------
    scheduler
        The address of a running scheduler (``tcp://HOST:PORT``): connect to its cluster.
    workers
        Without ``scheduler``: how many local worker processes to start (one thread each;
        default: this machine's cores).
    worker_memory
        Each local worker's memory limit (``2GB``, or bytes); Dask spills to disk near it and
        restarts a worker that goes beyond it.
    quiet
        Keep the scheduler's and workers' log lines off the terminal (``atlas --debug``
        shows them).

    Raises
    ------
    SchemaError
        ``scheduler`` with ``workers`` or ``worker_memory`` (a running cluster has its own),
        or a ``worker_memory`` that is not a size.
    ClusterError
        The scheduler cannot be reached, or local workers cannot be started.
    """
    if scheduler is not None and (workers is not None or worker_memory is not None):
        raise SchemaError(
            _(
                "A running cluster's workers are its own: give the scheduler's address alone, "
                "or the number of workers (and their memory) to start here, not both."
            )
        )
    if workers is not None and workers < 1:
        raise SchemaError(_("Give 1 or more workers, e.g. 2."))
    memory = worker_memory if isinstance(worker_memory, int) else parse_memory(worker_memory)
    from distributed import Client, LocalCluster

    with _quiet_logs(quiet):
        if scheduler is not None:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(
                    _(
                        "Cannot reach the Dask scheduler at {address} ({error}). Start one "
                        "(dask scheduler, then dask worker {address} on each machine) or check "
                        "the address.",
                        address=scheduler,
                        error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                    )
                ) from None
            try:
                _tell_sizes(client)
                yield client
            finally:
                client.close()
            return
        try:
            # Near its limit a worker spills what it holds to its disk, and never pauses: a
            # paused worker waits for memory that only its own tasks would free, and the run
            # stalls. Beyond the limit it is restarted, at most twice for one task; then the
            # run fails with worker_failures' message, not a hang.
            import dask

            with dask.config.set(_MEMORY_CONFIG if memory is not None else {}):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    memory_limit=memory if memory is not None else "auto",
                    dashboard_address=":0",  # any free port: never "8787 in use"
                    silence_logs=logging.CRITICAL if quiet else logging.INFO,
                )
        except (OSError, TimeoutError, RuntimeError) as exc:
            raise ClusterError(
                _("Cannot start local Dask workers ({error}).", error=str(exc))
            ) from None
        client = Client(cluster)
        try:
            _tell_sizes(client)
            yield client
        finally:
            client.close()
            cluster.close()
