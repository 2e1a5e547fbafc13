"""The first open's progress bar (pages/state/loading.py): the steps it says while the layers are
read and checked, the gaps measured and the map drawn, shown once and never replayed from a
cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import atlas
from atlas.progress import Step
from pages.state import loading


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, str]]:
    """The steps reported, in order (instead of drawn)."""
    seen: list[tuple[float, str]] = []
    monkeypatch.setattr(loading, "step", seen.append)
    return seen


def test_reading_the_sample_says_each_layer_in_the_order_it_is_read(
    steps: list[tuple[float, str]],
) -> None:
    atlas.load_sample(progress=loading.report_steps)
    assert steps == [loading.SETTLEMENTS, loading.SERVICES, loading.WARDS]


def test_files_without_services_or_wards_but_with_clusters_get_their_own_steps(
    steps: list[tuple[float, str]], tmp_path: Path
) -> None:
    sample = atlas.load_sample()
    settlements = tmp_path / "settlements.gpkg"
    sample.settlements.drop(columns="cluster").assign(water_working=2).to_file(settlements)
    clusters = tmp_path / "clusters.csv"
    sample.settlements[["settlement_id", "cluster"]].dropna().to_csv(clusters, index=False)
    atlas.load_dataset(settlements, clusters=clusters, progress=loading.report_steps)
    assert steps == [loading.SETTLEMENTS, loading.NO_SERVICES, loading.CLUSTERS]


def test_lines_are_known_by_their_code_never_by_their_words(
    steps: list[tuple[float, str]],
) -> None:
    # The same step in another language, a line without a code, and a code not known here.
    loading.report_steps(Step("read.wards", "ukufunda izigceme"))
    loading.report_steps("reading wards from wards.gpkg")
    loading.report_steps(Step("somewhere.else", "reading wards"))
    assert steps == [loading.WARDS]


def test_measuring_says_each_step_of_compute_gaps_in_order(
    steps: list[tuple[float, str]],
) -> None:
    atlas.compute_gaps(
        atlas.load_sample(), atlas.load_standard("cape-town"), progress=loading.report_steps
    )
    assert steps == [
        loading.NEARBY,
        loading.MEET,
        loading.OVERLAY,
        loading.COVERAGE,
        loading.COUNTING,
    ]
    # The bar only goes forward.
    assert [done for done, _words in steps] == sorted(done for done, _words in steps)


def _bar_app(finish: bool) -> None:
    import streamlit as st

    from pages.state import loading

    @st.cache_resource
    def slow(n: int) -> int:
        loading.step(loading.SETTLEMENTS)
        loading.step(loading.MEET)
        return n + 1

    loading.begin()
    st.write(f"value {slow(1)}")
    if finish:
        loading.finish()


def _bars(at: AppTest) -> list[tuple[float, str]]:
    return [
        (round(p.proto.value / 100, 2), p.proto.text)
        for p in at.get("progress")  # type: ignore[attr-defined]
    ]


def _fresh(finish: bool) -> Any:
    loading_app = AppTest.from_function(_bar_app, args=(finish,))
    loading_app.run()
    return loading_app


def test_the_bar_shows_the_last_step_then_goes_and_a_cache_hit_never_replays_it() -> None:
    import streamlit as st

    st.cache_resource.clear()
    at = _fresh(finish=False)
    assert not at.exception
    # One bar, at the last step's share, saying it (in the session's language: English here).
    assert _bars(at) == [(loading.MEET[0], loading.MEET[1])]
    assert at.markdown[0].value == "value 2"
    # Cached now: the next run shows no bar (Streamlit does not replay the steps).
    at.run()
    assert _bars(at) == []
    assert at.markdown[0].value == "value 2"
    st.cache_resource.clear()
    at = _fresh(finish=True)
    assert _bars(at) == [] and at.markdown[0].value == "value 2"
