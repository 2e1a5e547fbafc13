"""A budget of threads for one computation, and prepared geometries private to one call.

Shapely releases the GIL inside GEOS (as do scipy and pyproj), so one vectorised call split in
parts runs on several cores. :class:`Workers` is the one place that starts threads: a
computation gets ``count`` threads in all, the caller's own included, however deeply its steps
nest (the pipeline's steps, each category's coverage, each vectorised call's parts). A thread
waiting for a job runs queued jobs meanwhile, so nested jobs never deadlock and no core idles
while work is queued.

GEOS builds a prepared geometry's index lazily, on first use, and does not guard that: a
prepared geometry must never be used by two threads at once. Prepared copies private to one
call (:func:`private_prepared`), split so that no geometry is in two parts (``owner``), keep
that true.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Generic, TypeVar

import numpy as np
import shapely

from atlas.config import machine_cores

__all__ = [
    "PARALLEL_MIN",
    "Job",  # i18n-ignore: a name of the API
    "Workers",  # i18n-ignore: a name of the API
    "private_prepared",
    "using",
]

#: Vectorised calls on fewer elements than this are not worth splitting across threads.
PARALLEL_MIN = 2000

T = TypeVar("T")
_WAKE_S = 0.005


def private_prepared(geometries: np.ndarray) -> np.ndarray:
    """Prepared copies of ``geometries`` (same coordinates), for the caller's use only."""
    copies = shapely.transform(geometries, lambda coords: coords)
    shapely.prepare(copies)
    return copies


class Job(Generic[T]):
    """One call handed to :class:`Workers`; :meth:`result` waits for it (helping meanwhile)."""

    __slots__ = ("_args", "_done", "_error", "_func", "_value", "_workers")

    def __init__(self, workers: Workers, func: Callable[..., T], args: tuple[Any, ...]) -> None:
        self._workers = workers
        self._func = func
        self._args = args
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None

    def run(self) -> None:
        """Run the call once, keeping its value or its exception."""
        try:
            self._value = self._func(*self._args)
        except BaseException as exc:  # handed to whoever waits in result()
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> T:
        """The call's value (or its exception, raised here), once it has run."""
        while not self._done.is_set():
            other = self._workers._take()
            if other is not None:
                other.run()
            else:
                self._done.wait(_WAKE_S)
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class Workers:
    """At most ``count`` threads for one computation: the caller's and ``count - 1`` helpers.

    Parameters
    ----------
    count
        Threads in all, the calling thread included (default: the machine's cores); 1 runs
        every job in the calling thread, at once.

    Examples
    --------
    >>> with Workers(2) as workers:
    ...     workers.map(abs, [-1, 2, -3])
    [1, 2, 3]
    """

    def __init__(self, count: int | None = None) -> None:
        self.count = machine_cores() if count is None else int(count)
        if self.count < 1:
            raise ValueError(f"workers must be 1 or more, not {count!r}")
        self._queue: deque[Job[Any]] = deque()
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the helper threads once the queue is empty."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def _take(self) -> Job[Any] | None:
        with self._ready:
            return self._queue.popleft() if self._queue else None

    def _serve(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    return
                job = self._queue.popleft()
            job.run()

    def submit(self, func: Callable[..., T], *args: Any) -> Job[T]:
        """Hand ``func(*args)`` to a helper (or run it now when there are none)."""
        job: Job[T] = Job(self, func, args)
        if self.count == 1:
            job.run()
            return job
        with self._ready:
            if self._closed:
                raise RuntimeError("these workers are closed")
            if not self._threads:
                self._threads = [
                    threading.Thread(target=self._serve, name=f"atlas-worker-{i}", daemon=True)
                    for i in range(self.count - 1)
                ]
                for thread in self._threads:
                    thread.start()
            self._queue.append(job)
            self._ready.notify()
        return job

    def map(self, func: Callable[[Any], T], items: Iterable[Any]) -> list[T]:
        """``[func(item) for item in items]``, the items shared among the threads."""
        items = list(items)
        if self.count == 1 or len(items) < 2:
            return [func(item) for item in items]
        jobs = [self.submit(func, item) for item in items[1:]]
        first = func(items[0])
        return [first, *(job.result() for job in jobs)]

    def in_parts(
        self, func: Callable[..., np.ndarray], *arrays: np.ndarray, owner: np.ndarray | None = None
    ) -> np.ndarray:
        """``func(*arrays)``, computed on up to ``count`` parts of the arrays at once.

        Parameters
        ----------
        func
            A vectorised function (element-wise along the first axis), e.g. ``shapely.distance``.
        owner
            Sorted labels of the elements (e.g. each pair's polygon): parts are cut between two
            labels, so that elements sharing a (prepared) geometry stay in one thread.
        """
        n = len(arrays[0])
        parts = min(self.count, n // (PARALLEL_MIN // 2))
        if n < PARALLEL_MIN or parts < 2:
            return func(*arrays)
        cuts = [n * k // parts for k in range(1, parts)]
        if owner is not None:
            cuts = [int(np.searchsorted(owner, owner[c])) for c in cuts]
        bounds = list(dict.fromkeys([0, *cuts, n]))
        spans = [(lo, hi) for lo, hi in itertools.pairwise(bounds) if hi > lo]
        if len(spans) < 2:
            return func(*arrays)
        jobs = [self.submit(func, *(a[lo:hi] for a in arrays)) for lo, hi in spans[1:]]
        lo, hi = spans[0]
        first = func(*(a[lo:hi] for a in arrays))
        return np.concatenate([first, *(job.result() for job in jobs)])


@contextmanager
def using(workers: Workers | None) -> Iterator[Workers]:
    """``workers`` when given (shared with the caller), else own workers for one call (the
    machine's cores), closed afterwards."""
    if workers is not None:
        yield workers
        return
    with Workers() as own:
        yield own
