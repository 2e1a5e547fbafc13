"""Two cores for vectorised shapely calls, without two threads on one prepared geometry.

Shapely releases the GIL inside GEOS, so one vectorised call split in two halves runs on two
cores. GEOS builds a prepared geometry's index lazily, on first use, and does not guard that:
a prepared geometry must never be used by two threads at once. Prepared copies private to one
call (:func:`private_prepared`), split so that no geometry is in both halves (``owner``), keep
that true.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

__all__ = ["PARALLEL_MIN", "in_halves", "private_prepared"]

#: Vectorised calls on fewer elements than this are not worth splitting across threads.
PARALLEL_MIN = 2000


def private_prepared(geometries: np.ndarray) -> np.ndarray:
    """Prepared copies of ``geometries`` (same coordinates), for the caller's use only."""
    copies = shapely.transform(geometries, lambda coords: coords)
    shapely.prepare(copies)
    return copies


def in_halves(
    func: Callable[..., np.ndarray], *arrays: np.ndarray, owner: np.ndarray | None = None
) -> np.ndarray:
    """``func(*arrays)``, computed on the two halves of the arrays at once.

    Parameters
    ----------
    func
        A vectorised function (element-wise along the first axis), e.g. ``shapely.distance``.
    owner
        Sorted labels of the elements (e.g. each pair's polygon): the halves are cut between
        two labels, so that elements sharing a (prepared) geometry stay in one thread.
    """
    n = len(arrays[0])
    if n < PARALLEL_MIN:
        return func(*arrays)
    cut = n // 2 if owner is None else int(np.searchsorted(owner, owner[n // 2]))
    if not cut:
        return func(*arrays)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(func, *(a[:cut] for a in arrays))
        second = pool.submit(func, *(a[cut:] for a in arrays))
        return np.concatenate([first.result(), second.result()])
