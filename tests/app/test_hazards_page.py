"""Population and hazard rasters in the app (AppTest): the sample's rasters, bad files, and the
numbers they put on the Population and hazards, Clusters, Settlement profile and Map pages."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import atlas
from atlas.i18n import format_number
from atlas.raster import estimate_dataset, hazard_by_cluster, hazard_exposure, zonal_population
from atlas.registry import sample_rasters
from atlas.summaries.phrases import NOT_IN_A_CLUSTER, hazard_sentences, with_cluster_labels
from pages.state.rasters import RasterChoice, sample_flood, sample_population
from tests.app.test_app import app
from tests.atlas.test_raster import VALUES, origin, write_raster

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
BOTH = {"population_raster": sample_population(), "hazard_raster": sample_flood()}


def sample_gaps() -> atlas.GapResult:
    dataset = estimate_dataset(atlas.load_sample(), sample_rasters().population)
    return atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))


def flood_by_cluster(**rule: object):
    settlements = sample_gaps().settlements
    exposure = hazard_exposure(
        sample_rasters().flood, settlements, population=sample_rasters().population, **rule
    )
    return hazard_by_cluster(settlements["cluster"], exposure)


def test_without_rasters_the_page_asks_for_one() -> None:
    at = app("pages/hazards.py")
    assert [r.value for r in at.main.radio] == [None, None]
    assert any("Choose a population or a hazard raster" in i.value for i in at.info)


def test_sample_rasters_fill_demand_and_show_who_lives_in_the_flood_zone() -> None:
    at = app("pages/hazards.py", **BOTH)
    assert not at.error
    settlements = atlas.load_sample().settlements
    estimate = zonal_population(sample_rasters().population, settlements)
    name = settlements.set_index("settlement_id").loc["SET-002", "name"]
    people = format_number(round(estimate.iloc[1]))
    assert at.markdown[0].value == (
        f"{name} had neither households nor population: its demand now comes from the raster, "
        f"about {people} people."
    )
    table = at.dataframe[0].value
    # Written as the sentences write numbers; the exact estimate is in the downloads.
    assert table["People (raster estimate)"].tolist() == [format_number(round(e)) for e in estimate]
    assert (table["Demand from the raster"] == "yes").sum() == 1
    sentences = at.markdown[1].value
    expected = hazard_sentences(flood_by_cluster(threshold=1), "the flood zone")
    assert len(expected) == 3
    for sentence in expected:
        assert sentence.replace("(", "\\(").replace(")", "\\)") in sentences
    # The sample's figures, read off the map and worked through once by hand.
    assert (
        "3 of 9 settlements in Kgotso South Cluster have more than half their area in the flood "
        "zone \\(5 have some\\); about 8 654 people live in it." in sentences
    )
    per_cluster = at.dataframe[1].value.set_index("Cluster")
    assert per_cluster.loc["Northern Ridge Cluster", "More than half in it"] == "2"
    assert per_cluster.loc["Ilanga East Cluster", "Share of area in it"] == "0 %"


def test_a_narrower_rule_counts_fewer_people() -> None:
    at = app("pages/hazards.py", **BOTH)
    at.radio[3].set_value("classes").run()
    at.text_input[0].set_value("2").run()
    assert not at.exception and not at.error
    assert at.session_state["hazard_raster"].classes == (2.0,)
    shown = at.dataframe[1].value.set_index("Cluster")["People in it"]
    expected = flood_by_cluster(classes=[2]).set_index("cluster")["hazard_population"]
    assert shown.tolist() == [format_number(round(p)) for p in expected]
    wide = flood_by_cluster(threshold=1).set_index("cluster")["hazard_population"]
    assert (expected <= wide).all() and expected.sum() < wide.sum()
    assert "classes 2" in at.subheader[1].value


def test_clusters_page_shows_the_estimate_and_the_flood_sentences() -> None:
    at = app("pages/clusters.py", **BOTH)
    shown = at.dataframe[0].value.set_index("Cluster")
    clusters = with_cluster_labels(sample_gaps().clusters).set_index("cluster")
    assert NOT_IN_A_CLUSTER in clusters.index  # the sample's one settlement in no cluster
    for cluster, row in clusters.iterrows():
        # The page's tables are text, numbers written as the sentences write them.
        estimate = format_number(round(row["population_estimate"]))
        assert shown.loc[cluster, "People (raster estimate)"] == estimate
    text = at.markdown[-1].value
    assert "have more than half their area in the flood zone" in text


def test_profile_of_a_settlement_without_counts_uses_the_estimate() -> None:
    at = app("pages/settlement.py", settlement="SET-002", **BOTH)
    row = sample_gaps().settlements.set_index("settlement_id").loc["SET-002"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["People (raster estimate)"] == format_number(round(row["population_estimate"]))
    assert metrics["Households"] == format_number(row["population"] / 2.94)
    assert any("population raster's estimate" in w.value for w in at.warning)
    text = " ".join(m.value for m in at.markdown)
    assert "Households and population are unknown: the population raster estimates" in text
    assert f"{int(row['water_gap'])} more taps are needed" in text


def test_profile_of_a_flooded_settlement() -> None:
    at = app("pages/settlement.py", settlement="SET-010", **BOTH)
    settlements = sample_gaps().settlements
    exposure = hazard_exposure(
        sample_rasters().flood,
        settlements,
        threshold=1,
        population=sample_rasters().population,
        keep=["settlement_id"],
    ).set_index("settlement_id")
    share, people = exposure.loc["SET-010", ["hazard_area_share", "hazard_population"]]
    name = settlements.set_index("settlement_id").loc["SET-010", "name"]
    sentence = (
        f"{name} has {round(share * 100)} % of its area in the flood zone; about "
        f"{format_number(round(people))} people live in it."
    )
    assert any(sentence in m.value for m in at.markdown)
    assert round(share * 100) == 80


def test_map_page_draws_both_rasters_offline() -> None:
    at = app("pages/map.py", **BOTH)
    (component,) = at.get("component_instance")
    args = component.proto.json_args
    assert args.count("L.imageOverlay(") == 2
    assert "Sample flood zones (synthetic): value \\\\u2265 1" in args  # ≥, JSON-escaped twice
    assert "1-in-100-year flood zone" in args and "overlay.setOpacity" in args
    assert URL.findall(args) == []


def bad_rasters(folder: Path) -> dict[str, tuple[Path, str]]:
    text = folder / "notes.tif"
    text.write_text("not a raster", encoding="utf-8")
    return {
        "not a GeoTIFF": (text, "not a TIFF image"),
        "multi-band": (write_raster(folder / "rgb.tif", np.stack([VALUES] * 3)), "3 bands"),
        "no CRS": (write_raster(folder / "nocrs.tif", VALUES, crs=None), "has no CRS"),
        "elsewhere": (
            write_raster(
                folder / "far.tif", VALUES, crs="EPSG:4326", transform=origin(36.6, -1.0, 0.1, 0.1)
            ),
            "does not overlap the settlements",
        ),
    }


@pytest.mark.parametrize("case", ["not a GeoTIFF", "multi-band", "no CRS", "elsewhere"])
def test_a_bad_raster_gives_a_clear_message(tmp_path: Path, case: str) -> None:
    path, message = bad_rasters(tmp_path)[case]
    choice = RasterChoice(f"Your file: {path.name}", str(path))
    at = app("pages/hazards.py", population_own=choice, population_raster=choice)
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["population_raster"] is None
    # Another page told to use it warns and carries on without it.
    at = app("pages/clusters.py", population_raster=choice)
    assert not at.exception
    assert any(message in w.value and "is not used" in w.value for w in at.warning)
    assert "People (raster estimate)" not in at.dataframe[0].value


@pytest.mark.parametrize("cluster", ["Kgotso South Cluster", "Ilanga East Cluster"])
def test_the_page_follows_the_sidebar_cluster(cluster: str) -> None:
    at = app("pages/hazards.py", cluster=cluster, **BOTH)
    assert not at.exception and not at.error
    members = atlas.load_sample().settlements
    names = set(members.loc[members["cluster"] == cluster, "name"])
    people, per_cluster, per_settlement = (d.value for d in at.dataframe)
    assert set(people["Settlement"]) == names
    assert per_cluster["Cluster"].tolist() == [cluster]
    assert set(per_settlement["Settlement"]) == names
    # Its sentences are about it only.
    expected = hazard_sentences(
        with_cluster_labels(flood_by_cluster(threshold=1).query("cluster == @cluster")),
        "the flood zone",
    )
    sentences = next(m.value for m in at.markdown if "flood zone" in m.value)
    assert sentences.count("- ") == len(expected) == 1
    assert cluster in sentences
    assert any(f"{cluster} only" in c.value for c in at.caption)
