"""The Dask cluster a run computes on: an existing one (its scheduler's address) or workers
started on this machine for the run, and closed after it.

Dask is imported here, inside the functions: the default engine never loads it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

from atlas.errors import ClusterError, SchemaError
from atlas.i18n import _

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "CONNECT_TIMEOUT_S",
    "STALL_AFTER_S",
    "Polling",  # i18n-ignore: a name of the API
    "dask_client",
    "parse_memory",
    "smallest_memory_limit",
    "worker_failures",
]

#: Seconds to wait for a scheduler to answer before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10

#: Seconds a run's cluster may hold tasks to do without starting or finishing any before the
#: run is stopped with a :class:`ClusterError`: a stalled cluster is told, never waited on for
#: good. The engine's tasks take seconds (a national run's longest about ten).
STALL_AFTER_S = 600.0

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


def smallest_memory_limit(client: Client) -> int | None:
    """The smallest memory limit among the cluster's workers (None when none has one)."""
    workers = client.scheduler_info().get("workers", {}).values()
    limits = [int(w.get("memory_limit") or 0) for w in workers]
    return min((v for v in limits if v > 0), default=None)


#: Task states in which a task is done with (its result held, or let go).
_SETTLED = frozenset({"memory", "released", "forgotten", "erred"})  # i18n-ignore: dask's states


def _activity(dask_scheduler: Any) -> tuple[int, int]:
    """On the scheduler: how many transitions its tasks have made, and how many tasks are
    still to do (waiting, queued or running)."""
    tasks = dask_scheduler.tasks.values()
    return dask_scheduler.transition_counter, sum(ts.state not in _SETTLED for ts in tasks)


class Polling:
    """A daemon thread that calls :meth:`poll` every ``every`` seconds while its ``with`` block
    runs (and stops early when :meth:`poll` returns False): the watch on a run's stalls, and
    the benchmarks' sampling of the workers' memory."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)

    def poll(self) -> bool:
        """One look; False to stop looking."""
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            if not self.poll():
                return

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


class _StallWatch(Polling):
    """Asks the scheduler, every few seconds, whether the run's tasks move: when tasks are to
    do and none has started or finished for ``after`` seconds, it closes the client, so that
    what waits on the cluster stops waiting (Dask then cancels the run's futures), and
    :attr:`stalled` says how many tasks were left."""

    def __init__(self, client: Client, after: float) -> None:
        super().__init__(min(5.0, after / 4))
        self.client = client
        self.after = after
        self.stalled: int | None = None
        self._last: int | None = None
        self._since = time.monotonic()

    def poll(self) -> bool:
        try:
            moves, to_do = self.client.run_on_scheduler(_activity)
        except Exception:  # a lost scheduler: what waits on it says so itself
            return True
        now = time.monotonic()
        if moves != self._last or not to_do:
            self._last, self._since = moves, now
        elif now - self._since >= self.after:
            self.stalled = int(to_do)
            self.client.close()
            return False
        return True


def _stall_error(watch: _StallWatch, limit: int | None) -> ClusterError:
    """What a run stopped by its watch says (with the workers' memory limit when they have
    one)."""
    from dask.utils import format_bytes  # in the units --worker-memory takes: 524.52 MiB

    if limit:
        return ClusterError(
            _(
                "The Dask cluster did no work for {seconds} s while {tasks} of this run's tasks "
                "were waiting, so the run was stopped. Most often its workers ran out of memory "
                "(each has {limit}): give them more memory (--worker-memory) or start more "
                "workers, and run again; `atlas --debug` shows the workers' own messages.",
                seconds=f"{watch.after:g}",
                tasks=watch.stalled,
                limit=format_bytes(limit),
            )
        )
    return ClusterError(
        _(
            "The Dask cluster did no work for {seconds} s while {tasks} of this run's tasks "
            "were waiting, so the run was stopped. Most often its workers ran out of memory: "
            "give them more memory or start more workers, and run again; `atlas --debug` "
            "shows the workers' own messages.",
            seconds=f"{watch.after:g}",
            tasks=watch.stalled,
        )
    )


@contextmanager
def _watched(client: Client, stall_after: float) -> Iterator[Client]:
    """``client`` for one run, with the atlas's sizes on its workers and a watch on stalls:
    closed at the end; a run its watch stopped raises the watch's :class:`ClusterError`."""
    try:
        _tell_sizes(client)
        limit = smallest_memory_limit(client)
        with _StallWatch(client, stall_after) as watch:
            try:
                yield client
            except Exception:
                if watch.stalled is not None:
                    raise _stall_error(watch, limit) from None
                raise
    finally:
        client.close()


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
    stall_after: float = STALL_AFTER_S,
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
    stall_after
        Seconds the cluster may hold tasks of the run without starting or finishing any:
        then the run is stopped with a :class:`ClusterError` (a cluster whose workers are
        stuck, e.g. out of memory, is told, not waited on for good).

    Raises
    ------
    SchemaError
        ``scheduler`` with ``workers`` or ``worker_memory`` (a running cluster has its own),
        or a ``worker_memory`` that is not a size.
    ClusterError
        The scheduler cannot be reached, local workers cannot be started, or the run stalled
        (``stall_after``).
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
            with _watched(client, stall_after) as watched:
                yield watched
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
        try:
            with _watched(Client(cluster), stall_after) as watched:
                yield watched
        finally:
            cluster.close()
