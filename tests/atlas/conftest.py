"""Fixtures of the export tests (tests/atlas/test_exports_*.py, see exports_common.py)."""

from __future__ import annotations

import pytest

from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from tests.atlas.exports_common import STANDARD, hostile_dataset


@pytest.fixture(scope="module")
def ds() -> Dataset:
    """The export tests' dataset with hostile names everywhere."""
    return hostile_dataset()


@pytest.fixture(scope="module")
def result(ds: Dataset) -> GapResult:
    """The gaps of ``ds`` under the hand-made standard."""
    return compute_gaps(ds, STANDARD)
