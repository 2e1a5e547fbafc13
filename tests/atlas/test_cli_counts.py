"""The command line on settlements that count their own services, without clusters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from atlas.cli import main


@pytest.fixture
def settlements(tmp_path: Path) -> Path:
    """Two settlements in Cape Town's way: HHs, a toilet total, no cluster column."""
    frame = gpd.GeoDataFrame(
        {
            "Inf_Sttlmn": ["S1", "S2"],
            "InformalSe": ["Site One", "Site Two"],
            "HHs": [120, 31],
            "Tlt_Total": [10, None],
        },
        geometry=[box(18.60, -34.00, 18.61, -33.99), box(18.62, -34.00, 18.63, -33.99)],
        crs=4326,
    )
    path = tmp_path / "informal.geojson"
    frame.to_file(path)
    return path


def test_gaps_from_own_counts_without_service_points(
    settlements: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["gaps", "--settlements", str(settlements), "--quiet"]
    assert main([*argv, "--map", "settlements.sanitation_working=Tlt_Total"]) == 0
    out, err = capsys.readouterr()
    s1, s2 = json.loads(out)
    # S1: 120 households, 1 toilet per 5 -> 24 needed; its own 10 toilets -> gap 14.
    assert (s1["sanitation_source"], s1["sanitation_working"]) == ("attribute", 10)
    assert (s1["sanitation_needed"], s1["sanitation_gap"]) == (24, 14)
    assert s1["sanitation_coverage"] is None  # a count has no locations
    # S2 counts no toilets and there are no points: unknown, never 0.
    assert s2["sanitation_source"] is None and s2["sanitation_working"] is None
    assert s2["sanitation_needed"] == 7 and s2["sanitation_gap"] is None
    assert s1["water_working"] is None  # nothing counts water
    # --quiet hides progress, never warnings.
    assert "Nothing counts water" in err and "--map settlements.water_working=COLUMN" in err
    assert "[" not in err.split("\n")[0]  # no progress line


def test_cluster_level_without_clusters_keeps_every_settlement(
    settlements: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["gaps", "--settlements", str(settlements), "--quiet", "--level", "cluster"]
    argv += ["--map", "settlements.sanitation_working=Tlt_Total", "--format", "csv"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["cluster"] == "" and row["settlements"] == "2"
    assert row["households"] == "151"
    assert row["sanitation_working"] == "10"
    assert "No settlement has a cluster" in err
    assert "--map settlements.cluster=District" in err


def test_settlements_without_points_or_counts_are_refused(
    settlements: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gaps", "--settlements", str(settlements), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "There are no service points, and the settlements carry no counts" in err
    assert "Traceback" not in err
