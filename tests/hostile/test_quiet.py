"""``--quiet`` hides progress, never a row left out or a number in doubt (issue #19).

The services file is the embedded sample's 800 points plus three broken rows, so what is left
out is known by hand: rows 801 and 802 have no geometry, row 803 lies at 0, 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from atlas.cli import main
from atlas.cli.console import Progress
from atlas.registry import sample_files

SAMPLE = sample_files()


@pytest.fixture(scope="module")
def broken_services(tmp_path_factory: pytest.TempPathFactory) -> Path:
    points = gpd.read_file(SAMPLE.services)
    extra = gpd.GeoDataFrame(
        {
            "service_id": ["X-1", "X-2", "X-3"],
            "category": ["water"] * 3,
            "status": ["working"] * 3,
        },
        geometry=[None, None, Point(0, 0)],
        crs=4326,
    )
    frame = pd.concat([points, extra], ignore_index=True)
    path = tmp_path_factory.mktemp("quiet") / "services.geojson"
    gpd.GeoDataFrame(frame, geometry="geometry", crs=4326).to_file(path, driver="GeoJSON")
    return path


def quiet_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main([*argv, "--quiet"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def said_the_rows_left_out(err: str) -> None:
    lines = err.splitlines()
    missing = [line for line in lines if "Rows without a geometry" in line]
    zero = [line for line in lines if "Coordinates of exactly 0" in line]
    assert len(missing) == 1 and "rows 801, 802" in missing[0]
    assert missing[0].startswith("atlas: services: warning:")
    assert len(zero) == 1 and "row 803" in zero[0] and "'0, 0'" in zero[0]
    # …and nothing else: no progress line ("atlas [  0.3s] reading …").
    assert not [line for line in lines if line.startswith("atlas [")]


@pytest.mark.warning_case
def test_gaps_quiet_still_says_which_rows_were_left_out(
    broken_services: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = quiet_run(
        capsys, "gaps", "--settlements", str(SAMPLE.settlements), "--services", str(broken_services)
    )
    assert status == 0
    records = json.loads(out)
    assert len(records) == 30
    said_the_rows_left_out(err)


@pytest.mark.warning_case
def test_export_quiet_still_says_which_rows_were_left_out(
    broken_services: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = quiet_run(
        capsys,
        "export",
        "--settlements",
        str(SAMPLE.settlements),
        "--services",
        str(broken_services),
        "--format",
        "geojson",
        "--output",
        str(tmp_path / "out.geojson"),
    )
    assert status == 0
    said_the_rows_left_out(err)
    written = list(tmp_path.glob("*.geojson"))
    assert written, "the export was written"


@pytest.mark.warning_case
def test_quiet_still_says_the_layers_do_not_meet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Measured anyway with --allow-apart, the gaps are in doubt: --quiet keeps saying so."""
    points = gpd.read_file(SAMPLE.services)
    points = points.set_geometry(
        shapely.transform(points.geometry.to_numpy(), lambda xy: xy[:, ::-1]), crs=4326
    )
    path = tmp_path / "swapped.geojson"
    points.to_file(path, driver="GeoJSON")
    status, out, err = quiet_run(
        capsys,
        "gaps",
        "--settlements",
        str(SAMPLE.settlements),
        "--services",
        str(path),
        "--allow-apart",
    )
    assert status == 0 and len(json.loads(out)) == 30
    (line,) = [line for line in err.splitlines() if "do not meet" in line]
    assert line.startswith("atlas: gaps: warning: The service points and the settlements")
    assert not [line for line in err.splitlines() if line.startswith("atlas [")]


@pytest.mark.accepted_case
def test_progress_quiet_hides_progress_but_never_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The one printer every command uses: quiet silences ``say``, never ``warn``."""
    say = Progress(quiet=True)
    say("reading settlements")
    say.warn("services: warning: rows 801, 802 left out")
    assert capsys.readouterr().err == "atlas: services: warning: rows 801, 802 left out\n"
    loud = Progress(quiet=False)
    loud("reading settlements")
    assert "reading settlements" in capsys.readouterr().err
