"""Exports of the City of Cape Town informal settlements and 2011 wards (../shared/real §1, §2):
the files' own columns ride along under their own names, and the record names the files by
their SHA-256. Expected values are read from the raw files with geopandas, never through the
atlas."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

import atlas
from atlas.exports import export_layers, write_export
from atlas.load.dataset import Dataset, load_dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from tests.atlas.real_common import CPT_WARDS, INFORMAL
from tests.conftest import real_path

MAPPING = {
    "settlements": {"settlement_id": "Inf_Sttlmn", "name": "InformalSe"},
    "wards": {"ward_id": "WARDNO"},
}
#: Columns of the settlements file that no canonical field is read from (SOURCES §1).
OWN_COLUMNS = ["Town_Geo", "Ward_Geo", "District", "Dwelling_T", "Comment", "CentroidX"]
OWN_COUNTS = ["Tlt_25L_bl", "Tlt_Chemic", "Tlt_Full_F", "Tlt_Total"]


def shapefile_sha256(path: Path) -> str:
    """hashlib over a Shapefile's .shp and the sidecars it has (.shx, .dbf, .prj, .cpg)."""
    digest = hashlib.sha256()
    for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        part = path.with_suffix(suffix)
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def raw() -> gpd.GeoDataFrame:
    return gpd.read_file(real_path(*INFORMAL))


@pytest.fixture(scope="module")
def cape_town(
    tmp_path_factory: pytest.TempPathFactory, raw: gpd.GeoDataFrame
) -> tuple[Dataset, GapResult]:
    inside = shapely.Point(raw.to_crs(4326).geometry.iloc[0].representative_point())
    taps = gpd.GeoDataFrame(
        {"service_id": ["tap-1"], "category": ["water"], "status": ["working"]},
        geometry=[inside],
        crs=4326,
    )
    services = tmp_path_factory.mktemp("cpt_exports") / "taps.geojson"
    taps.to_file(services)
    dataset = load_dataset(real_path(*INFORMAL), services, real_path(*CPT_WARDS), mapping=MAPPING)
    return dataset, compute_gaps(dataset, atlas.load_standard("cape-town"))


@pytest.mark.real
def test_cape_town_settlements_carry_their_own_columns(
    cape_town: tuple[Dataset, GapResult], raw: gpd.GeoDataFrame
) -> None:
    dataset, result = cape_town
    layers = export_layers(result, dataset)
    settlements = layers["settlements"]
    columns = list(settlements.columns)
    for name in [*OWN_COLUMNS, *OWN_COUNTS]:
        assert name in columns, name
    # After every atlas field, in the file's order.
    assert columns.index("Town_Geo") > columns.index("waste_working_share")
    assert columns.index("Ward_Geo") < columns.index("Tlt_Total") < columns.index("geometry")
    # HHs and Popn were read as households and population (aliases): not repeated.
    assert "HHs" not in columns and "Popn" not in columns
    by_id = settlements.set_index("settlement_id")
    want = raw.set_index("Inf_Sttlmn")
    assert by_id.loc["NORFOU001", "Ward_Geo"] == "6"  # SOURCES §1's sample row
    assert by_id.loc["NORFOU001", "Tlt_Total"] == 32
    pd.testing.assert_series_equal(
        by_id["Tlt_Total"].astype("int64"),
        want.loc[by_id.index, "Tlt_Total"].astype("int64"),
        check_names=False,
        check_index_type=False,
    )
    assert int(settlements["Tlt_Total"].sum()) == int(raw["Tlt_Total"].sum())


@pytest.mark.real
def test_cape_town_wards_keep_their_ward_id_beside_the_atlas_one(
    cape_town: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = cape_town
    wards_raw = gpd.read_file(real_path(*CPT_WARDS))
    wards = export_layers(result, dataset)["wards"]
    # The atlas's ward_id is WARDNO (mapped); the file's WARD_ID (the MDB code) collides with
    # it in a GeoPackage, where column names ignore case: it becomes src_WARD_ID.
    assert "src_WARD_ID" in wards and "WARD_ID" not in wards
    assert sorted(wards["src_WARD_ID"]) == sorted(wards_raw["WARD_ID"])
    assert {"OBJECTID", "PROVINCE", "REG_VOTERS"} <= set(wards.columns)
    (gpkg,) = write_export(result, dataset, "gpkg", tmp_path / "cpt.gpkg")
    back = pyogrio.read_dataframe(gpkg, layer="wards")
    row = back.set_index("ward_id").loc["1"]
    assert row["src_WARD_ID"] == "19100001" and row["REG_VOTERS"] == 16938  # SOURCES §2
    settlements = pyogrio.read_dataframe(gpkg, layer="settlements")
    assert int(settlements["Tlt_Total"].sum()) == int(
        gpd.read_file(real_path(*INFORMAL))["Tlt_Total"].sum()
    )


@pytest.mark.real
def test_cape_town_export_names_its_files_by_sha256(
    cape_town: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = cape_town
    (gpkg,) = write_export(result, dataset, "gpkg", tmp_path / "cpt.gpkg")
    with sqlite3.connect(gpkg) as db:
        ((text,),) = db.execute("SELECT metadata FROM gpkg_metadata").fetchall()
    inputs = {item["layer"]: item for item in json.loads(text)["inputs"]}
    assert inputs["settlements"]["name"] == "informal.shp"
    assert inputs["settlements"]["sha256"] == shapefile_sha256(real_path(*INFORMAL))
    assert inputs["wards"]["sha256"] == shapefile_sha256(real_path(*CPT_WARDS))
    assert (inputs["settlements"]["features"], inputs["settlements"]["crs"]) == (326, "EPSG:3857")
