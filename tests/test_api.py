"""The public Python API: every promised name exists, and the README example runs as written."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import atlas
from atlas.registry import sample_files

ROOT = Path(__file__).resolve().parents[1]

#: The pipeline's sub-packages, each with its own public surface (docs/architecture.md).
SUBPACKAGES = (
    "atlas.load",
    "atlas.measure",
    "atlas.exports",
    "atlas.raster",
    "atlas.schedules",
    "atlas.summaries",
    "atlas.i18n",
)


def test_top_level_names_all_exist() -> None:
    assert atlas.__all__, "atlas.__all__ is empty"
    assert len(set(atlas.__all__)) == len(atlas.__all__), "atlas.__all__ lists a name twice"
    missing = [name for name in atlas.__all__ if not hasattr(atlas, name)]
    assert missing == []
    namespace: dict[str, object] = {}
    exec("from atlas import *", namespace)
    assert set(atlas.__all__) <= set(namespace)


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_subpackage_names_all_resolve(package: str) -> None:
    module = importlib.import_module(package)
    names = getattr(module, "__all__", None)
    assert names, f"{package} has no __all__"
    assert len(set(names)) == len(names), f"{package}.__all__ lists a name twice"
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == [], f"{package}.__all__ names what it does not define: {missing}"


def readme_python_example() -> str:
    """The one ```python block of README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"README.md should have one python example, it has {len(blocks)}"
    return str(blocks[0])


def write_readme_files(folder: Path) -> None:
    """The files the README example names, made from the embedded sample as a municipality
    would hand them over: a Shapefile with City of Cape Town column names, GeoJSON points, and
    a wards Shapefile whose .prj went missing."""
    files = sample_files()
    settlements = gpd.read_file(files.settlements).rename(
        columns={
            "settlement_id": "Inf_Sttlmn",
            "name": "InformalSe",
            "households": "HHs",
            "population": "Popn",
        }
    )
    settlements.to_file(folder / "informal.shp")
    gpd.read_file(files.services).to_file(folder / "taps.geojson", driver="GeoJSON")
    # Shapefile field names have at most 10 characters: ward_id fits, municipality does not.
    wards = gpd.read_file(files.wards).rename(
        columns={"ward_id": "WARDNO", "municipality": "LocalMunic"}
    )
    wards.to_file(folder / "wards.shp")
    (folder / "wards.prj").unlink()


def test_readme_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_readme_files(tmp_path)
    assert not (tmp_path / "wards.prj").exists()
    assert gpd.read_file(tmp_path / "wards.shp").crs is None
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(readme_python_example(), "README.md", "exec"), namespace)
    printed = capsys.readouterr().out

    ds = namespace["ds"]
    result = namespace["result"]
    assert isinstance(ds, atlas.Dataset)
    assert isinstance(result, atlas.GapResult)
    sample = atlas.load_sample()
    expected = atlas.compute_gaps(sample, atlas.load_standard("cape-town"))

    # One row per settlement, with the sample's ids and names, mapped from the file's columns.
    settlements = result.settlements
    assert isinstance(settlements, gpd.GeoDataFrame)
    assert list(settlements["settlement_id"]) == list(sample.settlements["settlement_id"])
    assert list(settlements["name"]) == list(sample.settlements["name"])
    # The same files in other formats give the same numbers.
    gap_fields = ["households", "water_working", "water_needed", "water_gap", "sanitation_gap"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(settlements[gap_fields]), pd.DataFrame(expected.settlements[gap_fields])
    )
    assert settlements["ward_id"].notna().all()

    assert isinstance(result.clusters, pd.DataFrame)
    assert not result.clusters.empty
    assert list(result.clusters["cluster"]) == list(expected.clusters["cluster"])
    assert len(result.services) == len(sample.services)
    assert result.services["settlement_id"].notna().any()

    # The reports say what was mapped (each file column it used), and the declared CRS left
    # nothing to assume: no warnings.
    reports = ds.reports
    assert [r.layer for r in reports] == ["settlements", "services", "wards"]
    assert printed == "".join(f"{r.format()}\n" for r in reports)
    assert all(r.ok and not r.warnings for r in reports)
    for column in ("InformalSe", "Inf_Sttlmn", "HHs", "Popn", "WARDNO", "LocalMunic"):
        assert f"'{column}'" in printed
