"""Broken and hostile rasters (issue #19): nodata is unknown, never 0 people; a raster's size is
checked before its cells are read, and big rasters are read by windows; a truncated, CRS-less,
misplaced or fake GeoTIFF says what is wrong and how to fix it.

Big rasters are written sparsely (tiled, no tile written): 100,000 × 100,000 cells in ~100 kB.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.windows
from affine import Affine
from shapely.geometry import box

import atlas
from atlas.cli import main
from atlas.errors import DataFileError, SchemaError
from atlas.raster import (
    estimate_dataset,
    hazard_exposure,
    load_raster,
    read_values,
    zonal_population,
)
from atlas.raster.limits import LIMIT_VARIABLE
from tests.conftest import METRIC, X0, Y0

#: Cells of 100 m from (X0, Y0 + 400) in UTM 35S, as in tests/atlas/test_raster.py.
GRID = Affine(100.0, 0.0, X0, 0.0, -100.0, Y0 + 400)
NODATA = -1.0


def write(path: Path, data: np.ndarray, *, nodata: float | None = None, **more: object) -> Path:
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype,
        "crs": METRIC,
        "transform": GRID,
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **{**profile, **more}) as ds:
        ds.write(data, 1)
    return path


def sparse(path: Path, size: int = 100_000, cell: float = 0.5, **more: object) -> Path:
    """A ``size`` × ``size`` uint8 GeoTIFF of ``cell`` m cells from (X0, Y0 + 400), no tile
    written (every cell reads 0): a small file that declares a huge grid."""
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "uint8",
        "crs": METRIC,
        "transform": Affine(cell, 0.0, X0, 0.0, -cell, Y0 + 400),
        "tiled": True,
        "blockxsize": 1024,
        "blockysize": 1024,
        "sparse_ok": True,
        **more,
    }
    with rasterio.open(path, "w", **profile):
        pass
    return path


def places(*geoms: object, households: list[float | None] | None = None) -> gpd.GeoDataFrame:
    """Settlements S0, S1… from polygons in local metres (offset by X0, Y0), in UTM 35S."""
    from shapely import affinity

    n = len(geoms)
    return gpd.GeoDataFrame(
        {
            "settlement_id": [f"S{i}" for i in range(n)],
            "name": [f"Place {i}" for i in range(n)],
            "households": households if households is not None else [None] * n,
            "population": [None] * n,
            "cluster": ["C"] * n,
        },
        geometry=[affinity.translate(g, X0, Y0) for g in geoms],
        crs=METRIC,
    )


def layer_files(tmp_path: Path, frame: gpd.GeoDataFrame) -> tuple[Path, Path]:
    """The settlements as GeoJSON, and a file of one working water tap in the last one."""
    from shapely.geometry import Point

    settlements, services = tmp_path / "s.geojson", tmp_path / "p.geojson"
    frame.to_crs(4326).to_file(settlements)
    tap = frame.geometry.iloc[-1].representative_point()
    gpd.GeoDataFrame(
        {"service_id": ["T1"], "category": ["water"], "status": ["working"]},
        geometry=[Point(tap.x, tap.y)],
        crs=METRIC,
    ).to_crs(4326).to_file(services)
    return settlements, services


def people(tmp_path: Path) -> Path:
    """4 × 4 cells of 10 people; the top row is nodata (-1)."""
    data = np.full((4, 4), 10.0)
    data[0, :] = NODATA
    return write(tmp_path / "people.tif", data, nodata=NODATA)


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# --- nodata is unknown, never 0 people -------------------------------------------------------


@pytest.mark.warning_case
def test_a_settlement_over_nodata_only_has_an_unknown_population(tmp_path: Path) -> None:
    """All of S0's cells are nodata: its estimate is unknown (NaN, not 0), its demand stays
    unknown and its gap is never "enough"; S1, half over nodata, counts the cells with data
    (a lower bound) and both are named with the share of area without data."""
    frame = places(box(0, 300, 200, 400), box(0, 200, 100, 400), box(0, 0, 100, 100))
    got = zonal_population(people(tmp_path), frame)
    assert math.isnan(got.iloc[0])
    assert got.iloc[1] == pytest.approx(10.0)  # one cell with data, one without
    assert got.iloc[2] == pytest.approx(10.0)
    none, part = got.attrs["problems"]
    assert none.severity == part.severity == "warning"
    assert "only over cells of 'people.tif' without data" in none.message
    assert "S0" in none.message and "unknown, not 0 people" in none.message
    assert "S1 (50% of its area)" in part.message and "may be too low" in part.message
    assert (none.values, part.values) == (("S0",), ("S1",))


@pytest.mark.warning_case
def test_nodata_leaves_the_gap_unknown_in_the_dataset(tmp_path: Path) -> None:
    """Through :func:`estimate_dataset` and the gaps: the settlement over nodata keeps an
    unknown population and gap, and the dataset's reports name it."""
    frame = places(box(0, 300, 200, 400), box(0, 0, 200, 100))
    dataset = atlas.load_dataset(*layer_files(tmp_path, frame))
    estimated = estimate_dataset(dataset, people(tmp_path))
    rows = estimated.settlements.set_index("settlement_id")
    assert math.isnan(rows.loc["S0", "population"])
    assert not rows.loc["S0", "population_from_raster"]
    assert rows.loc["S1", "population"] == pytest.approx(20.0)
    (report,) = [r for r in estimated.reports if r.layer == "population raster"]
    assert report.warnings[0].values == ("S0",)
    result = atlas.compute_gaps(estimated, atlas.load_standard("cape-town"))
    gaps = result.settlements.set_index("settlement_id")
    assert pd.isna(gaps.loc["S0", "water_gap"]) and pd.isna(gaps.loc["S0", "water_needed"])
    assert gaps.loc["S1", "water_needed"] > 0


@pytest.mark.warning_case
def test_gaps_with_a_population_raster_names_the_settlements_over_nodata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas gaps --population-raster``: the warning names the settlement, even --quiet."""
    settlements, services = layer_files(
        tmp_path, places(box(0, 300, 200, 400), box(0, 0, 200, 100))
    )
    argv = ["gaps", "--settlements", str(settlements), "--services", str(services)]
    argv += ["--population-raster", str(people(tmp_path))]
    code, out, err = cli([*argv, "--quiet", "--format", "csv"], capsys)
    assert code == 0
    assert "only over cells of 'people.tif' without data" in err and "S0" in err
    (s0,) = [line for line in out.splitlines() if line.startswith("S0,")]
    assert ",,," in s0  # unknown numbers are empty cells, not 0


@pytest.mark.parametrize("fill", [-9999.0, -3.4028234663852886e38])
@pytest.mark.warning_case
def test_a_fill_value_without_a_declared_nodata_is_no_data(tmp_path: Path, fill: float) -> None:
    """A float raster that declares no nodata but fills with -9999 or -3.4e38: people are never
    negative, so those cells are no data (not -9999 people) and a warning says so."""
    data = np.full((4, 4), 10.0, dtype="float32")
    data[0, :] = fill
    path = write(tmp_path / "fill.tif", data)
    got = zonal_population(path, places(box(0, 0, 400, 400), box(0, 300, 100, 400)))
    assert got.iloc[0] == pytest.approx(120.0)
    assert math.isnan(got.iloc[1])
    negative = [p for p in got.attrs["problems"] if "negative values" in p.message]
    assert negative and "4 cells" in negative[0].message and f"{fill:g}" in negative[0].message
    assert "gdal_edit.py -a_nodata" in negative[0].fix


@pytest.mark.warning_case
def test_zonal_command_names_the_settlements_over_nodata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas zonal``: the unknown estimate is null in JSON, and a warning names S0."""
    path = tmp_path / "s.geojson"
    places(box(0, 300, 200, 400), box(0, 0, 200, 100)).to_file(path)
    code, out, err = cli(
        ["zonal", "--raster", str(people(tmp_path)), "--settlements", str(path)], capsys
    )
    assert code == 0
    assert '"population_estimate": null' in out and '"population_estimate": 20.0' in out
    assert "S0" in err and "without data" in err


# --- bounded resources ---------------------------------------------------------------------------


@pytest.mark.error_case
def test_a_huge_sparse_raster_is_refused_before_reading(tmp_path: Path) -> None:
    """100,000 × 100,000 cells declared in ~100 kB: described without reading, but reading
    all of it is refused with the size, the limit and how to change it."""
    path = sparse(tmp_path / "huge.tif")
    assert path.stat().st_size < 1_000_000
    raster = load_raster(path)
    assert (raster.width, raster.height) == (100_000, 100_000)
    with pytest.raises(SchemaError) as caught:
        read_values(raster)
    text = str(caught.value)
    assert "100 000 × 100 000 cells of the raster 'huge.tif'" in text
    assert "76 294 MB" in text and "limit of 1 024 MB" in text
    assert LIMIT_VARIABLE in text and "Clip the raster" in text


@pytest.mark.error_case
def test_a_hazard_over_a_huge_window_is_refused(tmp_path: Path) -> None:
    """A hazard raster of 0.5 m cells under a 20 km settlement: the window around it would be
    40,000 × 40,000 cells (12 GB), refused before reading, on the library and the CLI."""
    path = sparse(tmp_path / "flood.tif")
    frame = places(box(0, -19_600, 20_000, 400))
    with pytest.raises(SchemaError, match="more than the limit of 1 024 MB"):
        hazard_exposure(path, frame, threshold=1)
    with pytest.raises(SchemaError, match="more than the limit of 1 024 MB"):
        zonal_population(path, frame)


@pytest.mark.error_case
def test_the_cli_says_how_to_raise_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas zonal --kind hazard``: the message names the limit and the variable to set."""
    settlements = tmp_path / "s.geojson"
    places(box(0, -19_600, 20_000, 400)).to_file(settlements)
    argv = ["zonal", "--raster", str(sparse(tmp_path / "flood.tif")), "--settlements"]
    code, _, err = cli([*argv, str(settlements), "--kind", "hazard", "--threshold", "1"], capsys)
    assert code == 1
    assert "more than the limit of 1 024 MB" in err
    assert "ATLAS_MAX_RASTER_MB=4096 atlas" in err and "gdal_translate -projwin" in err


@pytest.mark.accepted_case
def test_a_huge_raster_is_read_by_windows_around_the_settlements(tmp_path: Path) -> None:
    """The same 100,000 × 100,000 raster under small settlements is fine: only the windows
    around them are read. A 10 × 10 m square holds 400 cells of 0.5 m (2 people each)."""
    path = sparse(tmp_path / "people.tif")
    with rasterio.open(path, "r+") as ds:
        ds.write(
            np.full((1024, 1024), 2, dtype="uint8"),
            1,
            window=rasterio.windows.Window(0, 0, 1024, 1024),
        )
    frame = places(box(0, 380, 10, 390), box(1000, -200, 1010, -190))
    got = zonal_population(path, frame)
    assert got.tolist() == pytest.approx([800.0, 0.0])
    exposure = hazard_exposure(path, frame, threshold=2)
    assert exposure["hazard_area_share"].tolist() == pytest.approx([1.0, 0.0])


@pytest.mark.accepted_case
def test_the_limit_is_set_by_the_environment_or_per_raster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1,000 × 1,000 raster (7.6 MB as 64-bit numbers) is read under the default limit,
    refused under ATLAS_MAX_RASTER_MB=1, and read again with load_raster(max_mb=16)."""
    path = write(tmp_path / "mid.tif", np.ones((1000, 1000), dtype="uint8"))
    assert read_values(load_raster(path)).shape == (1000, 1000)
    monkeypatch.setenv(LIMIT_VARIABLE, "1")
    with pytest.raises(SchemaError, match="8 MB of memory, more than the limit of 1 MB"):
        read_values(load_raster(path))
    assert read_values(load_raster(path, max_mb=16)).sum() == 1_000_000


@pytest.mark.error_case
def test_a_limit_that_is_not_a_number_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ATLAS_MAX_RASTER_MB=lots: the message names the variable and an example."""
    monkeypatch.setenv(LIMIT_VARIABLE, "lots")
    path = write(tmp_path / "small.tif", np.ones((4, 4)))
    with pytest.raises(SchemaError, match="ATLAS_MAX_RASTER_MB is 'lots': set it to a number"):
        read_values(load_raster(path))


# --- files that are not what they say --------------------------------------------------------


def truncated(tmp_path: Path, keep: float) -> Path:
    whole = write(tmp_path / "whole.tif", np.ones((300, 300)))
    data = whole.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: int(len(data) * keep)])
    return cut


@pytest.mark.parametrize("keep", [0.5, 0.999, 0.0003])
@pytest.mark.error_case
def test_a_truncated_geotiff_says_it_is_incomplete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: float
) -> None:
    """Cut in its cells or in its header: "incomplete or damaged … copy or export it again",
    never "Read failed. See previous exception" (library and ``atlas gaps``)."""
    path = truncated(tmp_path, keep)
    with pytest.raises(DataFileError) as caught:
        zonal_population(path, places(box(0, 0, 100, 100)))
    assert "The raster 'cut.tif' is incomplete or damaged" in str(caught.value)
    assert "Copy or export the file again" in str(caught.value)
    code, _, err = cli(["gaps", "--population-raster", str(path), "--quiet"], capsys)
    assert code == 1
    assert "incomplete or damaged" in err and "give the new file to atlas again" in err
    assert "See previous exception" not in err


@pytest.mark.error_case
def test_a_text_file_named_tif_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An HTML error page saved as people.tif: not a TIFF, download it again."""
    path = tmp_path / "people.tif"
    path.write_text("<html><body>Session expired</body></html>", encoding="utf-8")
    code, _, err = cli(["gaps", "--population-raster", str(path), "--quiet"], capsys)
    assert code == 1
    assert "'people.tif' is named like a GeoTIFF but is not one: the file holds text" in err
    assert "Download or export the raster again" in err


@pytest.mark.error_case
def test_a_raster_without_a_crs_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas gaps --population-raster`` of a raster without a CRS: --crs raster=EPSG:XXXX."""
    path = write(tmp_path / "nocrs.tif", np.ones((4, 4)), crs=None)
    code, _, err = cli(["gaps", "--population-raster", str(path), "--quiet"], capsys)
    assert code == 1
    assert "The raster 'nocrs.tif' has no CRS" in err and "--crs raster=EPSG:XXXX" in err


@pytest.mark.error_case
def test_a_raster_elsewhere_says_where_both_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A raster of another place than the sample's settlements: both extents in lon/lat."""
    path = write(tmp_path / "far.tif", np.ones((4, 4)))  # UTM 35S near (X0, Y0): not Gauteng
    code, _, err = cli(["gaps", "--population-raster", str(path), "--quiet"], capsys)
    assert code == 1
    assert "does not overlap the settlements" in err and " E, " in err


# --- the app's raster upload path ----------------------------------------------------------------


@pytest.mark.error_case
def test_the_app_says_a_truncated_raster_is_incomplete(tmp_path: Path) -> None:
    """The Hazards page with a truncated upload: the error says to copy or export it again
    and upload the new file (the app's wording), and the raster is not used."""
    from pages.state.rasters import RasterChoice
    from tests.app.test_app import app

    path = truncated(tmp_path, 0.5)
    choice = RasterChoice(f"Your file: {path.name}", str(path))
    at = app("pages/hazards.py", population_own=choice, population_raster=choice)
    errors = [e.value for e in at.error]
    assert any("incomplete or damaged" in e and "upload the new file" in e for e in errors), errors
    assert at.session_state["population_raster"] is None


@pytest.mark.error_case
def test_the_app_refuses_a_huge_hazard_raster_without_allocating_it(tmp_path: Path) -> None:
    """A sparse 100,000 × 100,000 hazard raster over the sample's settlements: described on
    upload (metadata only), then its exposure is refused before any read, with the limit and
    who can raise it; the page shows no traceback."""
    from pages.state.rasters import RasterChoice
    from tests.app.test_app import app

    west, south, east, north = atlas.load_sample().settlements.total_bounds
    cell = max(east - west, north - south) / 100_000
    path = sparse(
        tmp_path / "flood.tif", crs="EPSG:4326", transform=Affine(cell, 0, west, 0, -cell, north)
    )
    choice = RasterChoice(f"Your file: {path.name}", str(path), "hazard", 1.0)
    at = app("pages/hazards.py", hazard_own=choice, hazard_raster=choice)
    # Markdown escapes: ATLAS\_MAX\_RASTER\_MB on the page.
    shown = [m.value.replace("\\", "") for m in [*at.error, *at.warning]]
    assert any("more than the limit of 1 024 MB" in s for s in shown), shown
    assert any("ATLAS_MAX_RASTER_MB" in s and "--" not in s for s in shown), shown


@pytest.mark.warning_case
def test_the_app_warns_of_settlements_over_nodata(tmp_path: Path) -> None:
    """The Hazards page with a population raster whose west half is nodata, over the sample's
    settlements: the page names the settlements without data (and those partly without), and
    their estimate is unknown, not 0 people."""
    from pages.state.rasters import RasterChoice
    from tests.app.test_app import app

    west, south, east, north = atlas.load_sample().settlements.total_bounds
    cell = (east - west) / 20
    data = np.full((20, 20), 5.0)
    data[:, :10] = NODATA
    path = write(
        tmp_path / "half.tif",
        data,
        nodata=NODATA,
        crs="EPSG:4326",
        transform=Affine(cell, 0, west, 0, -(north - south) / 20, north),
    )
    choice = RasterChoice(f"Your file: {path.name}", str(path))
    at = app("pages/hazards.py", population_own=choice, population_raster=choice)
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("lie only over cells of 'half.tif' without data" in w for w in warnings), warnings
    assert any("unknown, not 0 people" in w for w in warnings), warnings
