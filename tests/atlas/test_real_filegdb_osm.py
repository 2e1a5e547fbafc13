"""The atlas on the Khayelitsha FileGDB and the Kibera/Mathare water points (../shared/real §6, §8).

Khayelitsha 2019: 106 MultiPolygons with M values, 1 invalid, EPSG:2898, no id column (OBJECTID
is the FileGDB's feature id). Kibera/Mathare: 792 points; operational_status operational 719,
non_operational 62, empty 11.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from atlas.cli.wording import CLI
from atlas.errors import ValidationError
from atlas.load.columns import Constant
from atlas.load.dataset import load_dataset, load_layer
from tests.atlas.real_common import (
    KHAYELITSHA,
    KHAYELITSHA_LAYER,
    KIBERA,
)
from tests.atlas.real_common import problem as _problem
from tests.conftest import real_path

# --------------------------------------------------------------------------------------------
# Khayelitsha 2019 zipped FileGDB (SOURCES §6)


@pytest.fixture(scope="module")
def khayelitsha_info() -> dict:
    """The layer's metadata, read by pyogrio itself (which warns about the M values)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Measured", category=UserWarning)
        return pyogrio.read_info(real_path(*KHAYELITSHA), layer=KHAYELITSHA_LAYER)


@pytest.fixture(scope="module")
def khayelitsha_raw() -> gpd.GeoDataFrame:
    """The layer read by pyogrio, feature ids (OBJECTID) as the index, in EPSG:2898."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Measured", category=UserWarning)
        return pyogrio.read_dataframe(
            real_path(*KHAYELITSHA), layer=KHAYELITSHA_LAYER, fid_as_index=True
        )


@pytest.mark.real
def test_khayelitsha_file_facts(khayelitsha_info: dict, khayelitsha_raw: gpd.GeoDataFrame) -> None:
    assert khayelitsha_info["features"] == 106
    assert khayelitsha_info["crs"] == "EPSG:2898"
    assert khayelitsha_info["geometry_type"] == "MultiPolygon"
    assert list(khayelitsha_info["fields"]) == ["Area", "Shape_Length", "Shape_Area", "AREA_SQKM"]
    # No id among the fields: the only id is the FileGDB's own feature id, unique, with gaps
    # (1..110 with 9, 12, 104 and 105 deleted); OBJECTID 92 is the invalid outline.
    assert khayelitsha_info["fid_column"] == "OBJECTID"
    fids = sorted(khayelitsha_raw.index)
    assert fids == sorted(set(range(1, 111)) - {9, 12, 104, 105})
    assert list(khayelitsha_raw.index[~khayelitsha_raw.geometry.is_valid]) == [92]


@pytest.mark.real
def test_khayelitsha_without_mapping_fails_on_settlement_id(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # GDAL's M warning must not escape as a Python warning
        _, report = load_layer(real_path(*KHAYELITSHA), "settlements", file_layer=KHAYELITSHA_LAYER)
    assert not report.ok
    error = _problem(report, "error", "settlement_id")
    assert error.column == "settlement_id"
    assert "--map settlements.settlement_id=COLUMN" in error.fix_in(CLI)
    assert "mapping={'settlements': {'settlement_id': 'COLUMN'}}" in error.fix
    # The M-value warning of GDAL became a report entry.
    assert any("Measured" in p.message for p in report.warnings)

    services = tmp_path / "services.geojson"
    services.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(ValidationError, match="settlement_id") as caught:
        load_dataset(real_path(*KHAYELITSHA), services, layers={"settlements": KHAYELITSHA_LAYER})
    assert caught.value.report.layer == "settlements"


@pytest.mark.real
def test_khayelitsha_loads_with_objectid_as_settlement_id(
    khayelitsha_info: dict, khayelitsha_raw: gpd.GeoDataFrame
) -> None:
    id_column = khayelitsha_info["fid_column"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame, report = load_layer(
            real_path(*KHAYELITSHA),
            "settlements",
            mapping={"settlement_id": id_column},
            file_layer=KHAYELITSHA_LAYER,
        )
    assert report.ok, report.format()
    assert len(frame) == 106
    assert list(frame["settlement_id"]) == [str(i) for i in khayelitsha_raw.index]
    repaired = _problem(report, "warning", "invalid", "repaired")
    position = list(khayelitsha_raw.index).index(92)
    assert repaired.rows == (position + 1,)
    assert frame.loc[frame["settlement_id"] == "92"].geometry.is_valid.all()
    assert frame.geometry.is_valid.all()
    assert any("Measured" in p.message for p in report.warnings)
    assert frame.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = frame.total_bounds
    assert 18.6 < minx < maxx < 18.75
    assert -34.1 < miny < maxy < -33.99


@pytest.mark.real
def test_khayelitsha_m_warning_reported_once() -> None:
    _, report = load_layer(real_path(*KHAYELITSHA), "settlements", file_layer=KHAYELITSHA_LAYER)
    measured = [p for p in report.problems if "Measured" in p.message]
    assert len(measured) == 1, report.format()
    assert measured[0].severity == "warning"


# --------------------------------------------------------------------------------------------
# Kibera/Mathare water points (SOURCES §8)


@pytest.mark.real
@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param({"category": Constant("water")}, id="status-detected"),
        pytest.param(
            {"category": Constant("water"), "status": "operational_status"},
            id="status-mapped",
        ),
    ],
)
def test_kibera_operational_status_translated(mapping: dict[str, str | Constant]) -> None:
    frame, report = load_layer(real_path(*KIBERA), "services", mapping=mapping)
    assert report.ok, report.format()
    assert len(frame) == 792
    assert set(frame["category"]) == {"water"}
    status_source = _problem(report, "info", "status <-")
    assert "'operational_status'" in status_source.message
    translated = _problem(report, "info", "translated")
    assert "operational -> working" in translated.message
    assert "non_operational -> broken" in translated.message
    counts = frame["status"].value_counts().to_dict()
    assert counts == {"working": 719, "broken": 62, "unknown": 11}
    empty = _problem(report, "warning", "empty status")
    assert len(empty.rows) == 11
