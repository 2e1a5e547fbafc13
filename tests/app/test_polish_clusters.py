"""The Clusters page for a newcomer (issue #20): a chart of the worst settlements that stays
readable with hundreds of them, sentences that follow the cluster filter, the totals explained,
the name pinned on a phone, and downloads named by cluster, standard and date."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

import atlas
from pages.state import keys
from pages.state.rasters import sample_flood, sample_population
from pages.state.timeline import today
from tests.app.test_app import app
from tests.atlas.real_common import INFORMAL
from tests.conftest import real_path

#: The bars the chart shows at first (pages/clusters.py).
WORST = 15
CLUSTERS = ("Northern Ridge Cluster", "Ilanga East Cluster", "Kgotso South Cluster")
#: The sample's water gaps, worst first, read off the API's settlements table by hand: 29 of
#: its 30 settlements are measured (Ithemba Lethu has neither households nor population).
SAMPLE_WORST_TAPS = [61, 47, 42, 41, 41, 29, 28, 25, 21, 21, 19, 18, 15, 14, 12]
#: The sentence that explains cluster totals, for taps.
ADDED_UP = (
    "Why taps missing can be more than taps needed minus working taps: a cluster's taps "
    "missing are added up settlement by settlement, and a settlement with more taps than it "
    "needs does not lend the extra ones to its neighbours."
)


def charts(at: AppTest) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    """Every chart of the page as (Vega-Lite spec, data in long form: one row per bar, with
    ``Settlement``, ``series`` and ``value``)."""
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        (dataset,) = element.proto.datasets
        frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        if "color" not in spec["encoding"]:  # one series: drawn as it is, without a legend
            series = spec["encoding"]["x"]["field"]
            frame = frame.melt("Settlement", [series], var_name="series", value_name="value")
        names = {c: c.split(" -- ")[0].replace("color", "series") for c in frame.columns}
        out.append((spec, frame.rename(columns=names)))
    return out


def bars(frame: pd.DataFrame, series: str) -> pd.Series:
    """One series of a chart: settlement -> value, in the order the chart draws them."""
    one = frame[frame["series"] == series]
    return pd.Series(one["value"].to_numpy(), index=one["Settlement"].to_list())


def assert_worst_first(spec: dict[str, Any], frame: pd.DataFrame, series: str) -> pd.Series:
    """The chart draws the settlements in data order, ``series`` descending, each once."""
    assert spec["encoding"]["y"]["sort"] is None  # data order, not alphabetical
    values = bars(frame, series)
    assert values.index.is_unique
    assert values.tolist() == sorted(values.tolist(), reverse=True)
    return values


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


# -- the chart ---------------------------------------------------------------------------------


def test_the_chart_shows_the_15_worst_settlements_and_the_rest_a_click_away() -> None:
    at = app("pages/clusters.py")
    (first, first_data), (full, full_data) = charts(at)
    values = assert_worst_first(first, first_data, "Taps missing")
    assert len(values) == WORST == 15
    assert values.tolist() == SAMPLE_WORST_TAPS
    assert values.index[:3].tolist() == ["Masakhane", "Mohau Park", "Khayalethu"]
    # The toilets are drawn beside the taps of the same settlements.
    assert bars(first_data, "Toilets missing").index.tolist() == values.index.tolist()
    assert (
        "The 15 settlements with the most taps missing, of 29. Left out: 1 whose taps missing "
        "are not known." in captions(at)
    )
    # All of them, worst first, folded away under the chart.
    assert [e.label for e in at.expander] == ["All 29 settlements, the most taps missing first"]
    every = assert_worst_first(full, full_data, "Taps missing")
    assert len(every) == 29 and every.iloc[:15].tolist() == SAMPLE_WORST_TAPS
    assert "Ithemba Lethu" not in every.index  # not measured: no bar, not a bar of 0


def test_the_chosen_service_decides_the_order() -> None:
    at = app("pages/clusters.py", **{keys.CATEGORY: "sanitation"})
    (spec, frame), _ = charts(at)
    assert frame["series"].iloc[0] == "Toilets missing"
    toilets = assert_worst_first(spec, frame, "Toilets missing")
    assert len(toilets) == 15
    assert toilets.index[:2].tolist() == ["Mohau Park", "Masakhane"]  # 317, then 307
    assert toilets.iloc[:2].tolist() == [317, 307]


def test_a_small_cluster_is_charted_whole() -> None:
    at = app("pages/clusters.py", **{keys.CLUSTER: "Ilanga East Cluster"})
    ((spec, frame),) = charts(at)
    values = assert_worst_first(spec, frame, "Taps missing")
    assert len(values) == 10 and values.index[0] == "Masakhane" and values.iloc[-1] == 0
    assert "All 10 settlements, the most taps missing first." in captions(at)
    assert not at.expander


@pytest.mark.real
def test_the_chart_scales_to_the_326_cape_town_settlements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shp = real_path(*INFORMAL)
    mapping = [
        "settlements.settlement_id=Inf_Sttlmn",
        "settlements.name=InformalSe",
        "settlements.sanitation_working=Tlt_Total",  # the City's own toilet counts
    ]
    monkeypatch.setenv("ATLAS_SERVE", json.dumps({"settlements": str(shp), "map": mapping}))
    at = app("pages/clusters.py", **{keys.CATEGORY: "sanitation"})
    assert not at.error
    assert len(at.dataframe[1].value) == 326
    (first, first_data), (full, full_data) = charts(at)
    worst = assert_worst_first(first, first_data, "Toilets missing")
    assert len(worst) == 15
    # No tap is counted in this file: the chart has no empty series of taps.
    assert set(first_data["series"]) == {"Toilets missing"}
    every = assert_worst_first(full, full_data, "Toilets missing")
    # The API's own gaps: the settlements whose toilet gap is measured, worst first.
    dataset = atlas.load_dataset(
        shp,
        mapping={
            "settlements": {
                "settlement_id": "Inf_Sttlmn",
                "name": "InformalSe",
                "sanitation_working": "Tlt_Total",
            }
        },
    )
    gaps = atlas.compute_gaps(dataset, atlas.load_standard("cape-town")).settlements
    measured = gaps["sanitation_gap"].dropna().sort_values(ascending=False)
    assert every.tolist() == measured.tolist()
    assert worst.tolist() == measured.iloc[:15].tolist()
    left_out = 326 - len(measured)
    assert left_out > 0  # settlements with neither households nor people (SOURCES §1)
    assert (
        f"The 15 settlements with the most toilets missing, of {len(measured)}. Left out: "
        f"{left_out} whose toilets missing are not known."
    ) in captions(at)


# -- the cluster filter ------------------------------------------------------------------------


def sentences(at: AppTest) -> list[str]:
    """The bullets of "In plain words" (the page's last markdown)."""
    return [line.removeprefix("- ") for line in at.markdown[-1].value.splitlines()]


def test_without_a_cluster_the_sentences_cover_every_cluster() -> None:
    at = app("pages/clusters.py")
    said = sentences(at)
    assert len(said) == 4
    for cluster in CLUSTERS:
        assert sum(s.startswith(cluster) for s in said) == 1


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_with_a_cluster_the_sentences_and_hazards_are_about_it_only(cluster: str) -> None:
    at = app("pages/clusters.py", **{keys.CLUSTER: cluster, "hazard_raster": sample_flood()})
    said = sentences(at)
    assert len(said) == 2, said  # the service sentence and the flood sentence
    assert said[0].startswith(f"{cluster} \\(")
    assert f"in {cluster} " in said[1] or f"of {cluster} " in said[1]
    assert "flood zone" in said[1]
    for other in (*CLUSTERS, "Not in a cluster"):
        if other != cluster:
            assert other not in at.markdown[-1].value
    # The table of every cluster stays at the top, and says it is the comparison.
    assert len(at.dataframe[0].value) == 4
    assert f"Every cluster, to compare with {cluster}; the rest of the page is about it." in (
        captions(at)
    )


# -- the totals explained ----------------------------------------------------------------------


@pytest.mark.parametrize("cluster", [None, "Ilanga East Cluster"])
def test_the_page_says_once_why_missing_is_more_than_needed_minus_working(
    cluster: str | None,
) -> None:
    at = app("pages/clusters.py", **({keys.CLUSTER: cluster} if cluster else {}))
    assert captions(at).count(ADDED_UP) == 1
    if cluster:
        # The numbers: needed 256, working 46, missing 213 (not 210).
        metrics = {m.label: m.value for m in at.metric}
        assert (metrics["Taps needed"], metrics["Working taps"]) == ("256", "46")
        assert metrics["Taps missing"] == "213"


def test_the_sentence_names_the_chosen_services_points() -> None:
    at = app("pages/clusters.py", **{keys.CATEGORY: "sanitation"})
    assert any(
        c.startswith("Why toilets missing can be more than toilets needed") for c in captions(at)
    )


# -- the phone ---------------------------------------------------------------------------------


def column_config(at: AppTest, i: int) -> dict[str, Any]:
    return dict(json.loads(at.dataframe[i].proto.columns))


def test_the_names_are_pinned_so_a_phone_keeps_them_beside_the_numbers() -> None:
    at = app("pages/clusters.py")
    assert column_config(at, 0)["Cluster"]["pinned"] is True
    settlements = column_config(at, 1)
    assert settlements["Settlement"]["pinned"] is True
    assert not settlements.get("Cluster", {}).get("hidden")  # every cluster: which one
    at = app("pages/clusters.py", **{keys.CLUSTER: "Kgotso South Cluster"})
    settlements = column_config(at, 1)
    assert settlements["Settlement"]["pinned"] is True
    # One cluster: its name in every row would only push the numbers off a phone's screen.
    assert settlements["Cluster"]["hidden"] is True


# -- the downloads' names ----------------------------------------------------------------------


@pytest.fixture
def named(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names the page gives its download buttons, in order."""
    names: list[str] = []
    button = streamlit.download_button

    def spy(*args: Any, **kwargs: Any) -> Any:
        names.append(kwargs["file_name"])
        return button(*args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return names


def test_downloads_are_named_by_cluster_standard_and_date(named: list[str]) -> None:
    at = app("pages/clusters.py", **{keys.CLUSTER: "Northern Ridge Cluster"})
    day = today().isoformat()  # the page names files by the South African day they are made
    assert named == [
        f"northern-ridge-cluster_cape-town_{day}_report.pdf",
        f"northern-ridge-cluster_cape-town_{day}_submission-ward-councillor.pdf",
        f"northern-ridge-cluster_cape-town_{day}_wall-map-A2.pdf",
        f"northern-ridge-cluster_cape-town_{day}_geojson.zip",
    ]
    named.clear()
    at.radio(key=keys.POSTER_SIZE).set_value("A3").run()
    at.selectbox(key=keys.DOWNLOAD_FORMAT).set_value("html").run()
    assert named[-4:] == [
        f"northern-ridge-cluster_cape-town_{day}_report.pdf",
        f"northern-ridge-cluster_cape-town_{day}_submission-ward-councillor.pdf",
        f"northern-ridge-cluster_cape-town_{day}_wall-map-A3.pdf",
        f"northern-ridge-cluster_cape-town_{day}_map.html",
    ]


def test_without_a_cluster_the_data_is_named_by_the_dataset(named: list[str]) -> None:
    app("pages/clusters.py", **{keys.STANDARD: "sphere-2018"})
    assert named == [f"sample_sphere-2018_{today().isoformat()}_geojson.zip"]


def test_a_population_raster_and_a_cluster_still_make_the_report() -> None:
    """The raster adds two people columns to the gap table; the A4 report's table has no room
    for them and leaves them out (it used to fail: fpdf had no width for column 12)."""
    at = app(
        "pages/clusters.py",
        **{
            keys.CLUSTER: "Ilanga East Cluster",
            "population_raster": sample_population(),
            "hazard_raster": sample_flood(),
        },
    )
    assert not at.exception
    assert [e.value for e in at.error] == []
    # The page itself shows the raster's estimate beside the settlements' own people.
    assert "People (raster estimate)" in at.dataframe[1].value.columns
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("report" in label.lower() for label in labels), labels
