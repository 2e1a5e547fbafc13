"""A dataset's map layers prepared in the background (pages.state.prepared): the same layers as
prepared in line, once per dataset, and a preparation that failed is not kept."""

from __future__ import annotations

import numpy as np
import pytest

import atlas
from layers.display import prepare_display
from pages.state import prepared
from pages.state.choices import Source
from pages.state.sources import load_source

SAMPLE = Source(label="sample (prepared layers test)")
CATEGORIES = tuple(atlas.load_standard("cape-town").categories)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    prepared._display_ahead.clear()


def test_the_layers_prepared_ahead_are_those_prepared_in_line() -> None:
    started = prepared.display_layers(SAMPLE, CATEGORIES)
    layers = prepared.prepared_layers(SAMPLE, CATEGORIES)
    dataset = load_source(SAMPLE, CATEGORIES)
    expected = prepare_display(dataset.settlements, dataset.services, dataset.wards)
    assert started.done() and started.result() is layers
    assert list(layers.settlements.texts) == list(expected.settlements.texts)
    assert np.array_equal(layers.settlements.boxes, expected.settlements.boxes, equal_nan=True)
    assert layers.wards is not None and expected.wards is not None
    assert list(layers.wards.texts) == list(expected.wards.texts)
    assert layers.points.keys() == expected.points.keys()
    for category, points in expected.points.items():
        assert layers.points[category] == points


def test_a_dataset_is_prepared_once() -> None:
    first = prepared.display_layers(SAMPLE, CATEGORIES)
    assert prepared.display_layers(SAMPLE, CATEGORIES) is first
    assert prepared.prepared_layers(SAMPLE, CATEGORIES) is first.result()


def test_a_failed_preparation_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fail_once(*args: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the disk went away")
        return prepare_display(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(prepared, "prepare_display", fail_once)
    with pytest.raises(RuntimeError, match="disk went away"):
        prepared.prepared_layers(SAMPLE, CATEGORIES)
    layers = prepared.prepared_layers(SAMPLE, CATEGORIES)
    assert len(calls) == 2 and len(layers.settlements.texts) == len(
        load_source(SAMPLE, CATEGORIES).settlements
    )
