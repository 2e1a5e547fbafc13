"""Shared by the Dask engine's tests: field-by-field equality of two results."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

from atlas.errors import ValidationError
from atlas.measure import GapResult

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import metro_data


def assert_same(dask: GapResult, default: GapResult) -> None:
    """Every field of the gap tables, the services' attribution, problems and overlaps equal:
    values exactly (floats to the last bit), dtypes, index and column order."""
    pd.testing.assert_frame_equal(dask.settlements, default.settlements, check_exact=True)
    pd.testing.assert_frame_equal(dask.clusters, default.clusters, check_exact=True)
    pd.testing.assert_frame_equal(dask.ward_overlaps, default.ward_overlaps, check_exact=True)
    pd.testing.assert_frame_equal(dask.services, default.services, check_exact=True)
    assert dask.problems == default.problems
    assert dask.apart == default.apart


def both_refusals(
    tmp_path: Path, client: Any, spoil: Callable[[gpd.GeoDataFrame], None]
) -> tuple[ValidationError, ValidationError]:
    """The default reader's and the Dask reader's refusals of 600 generated service points
    (in partitions of 100) that ``spoil`` changed in place."""
    from atlas.distributed import load_dataset_dask
    from atlas.load import load_dataset

    _, services, _ = metro_data.generate(metro_data.SMALL, metro_data.SEED)
    services = services.iloc[:600].copy()
    spoil(services)
    path = tmp_path / "services.parquet"
    services.to_parquet(path, row_group_size=100)
    settlements = tmp_path / "settlements.parquet"
    metro_data.generate(metro_data.SMALL, metro_data.SEED)[0].to_parquet(settlements)
    with pytest.raises(ValidationError) as default:
        load_dataset(settlements, path)
    with pytest.raises(ValidationError) as dask:
        load_dataset_dask(settlements, path, client)
    return default.value, dask.value
