"""Shared by the Dask engine's tests: field-by-field equality of two results."""

from __future__ import annotations

import pandas as pd

from atlas.measure import GapResult


def assert_same(dask: GapResult, default: GapResult) -> None:
    """Every field of the gap tables, the services' attribution, problems and overlaps equal:
    values exactly (floats to the last bit), dtypes, index and column order."""
    pd.testing.assert_frame_equal(dask.settlements, default.settlements, check_exact=True)
    pd.testing.assert_frame_equal(dask.clusters, default.clusters, check_exact=True)
    pd.testing.assert_frame_equal(dask.ward_overlaps, default.ward_overlaps, check_exact=True)
    pd.testing.assert_frame_equal(dask.services, default.services, check_exact=True)
    assert dask.problems == default.problems
    assert dask.apart == default.apart
