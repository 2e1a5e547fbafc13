"""Shared fixtures: tiny hand-built layers in a metric CRS, and the real data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box

from atlas.measure.standards import Standard, parse_standard

#: The metric CRS the hand-built layers are drawn in (UTM 35S, Gauteng).
METRIC = "EPSG:32735"
#: Where the hand-built layers sit in that CRS (near Ekurhuleni).
X0, Y0 = 600_000.0, 7_100_000.0


@pytest.fixture(scope="session", autouse=True)
def _store_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test, and every process a test starts (atlas serve…), keeps the cluster's records
    in a temporary store, never in the user's own data folder."""
    before = os.environ.get("ATLAS_DB")
    os.environ["ATLAS_DB"] = str(tmp_path_factory.mktemp("store") / "atlas.sqlite")
    yield
    if before is None:
        os.environ.pop("ATLAS_DB", None)
    else:
        os.environ["ATLAS_DB"] = before


REAL = Path(__file__).resolve().parents[2] / "shared" / "real"

#: Names that break careless code: live markup, 300 characters, right-to-left script.
MARKUP = "<img src=x onerror=alert(1)>"
LONG = ("Ext 7 uMgungundlovu Ṱhohoyandou " * 12)[:300]
ARABIC = "حي السلام"


def real_path(*parts: str) -> Path:
    """A file in ../shared/real, or skip the test when the folder or file is absent."""
    path = REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (clone the project next to shared/real)")
    return path


def shifted(geom: shapely.Geometry) -> shapely.Geometry:
    """Move a geometry drawn around (0, 0) in metres to the test area."""
    return shapely.affinity.translate(geom, X0, Y0)


def hand_made_standard(household_size: int) -> Standard:
    """The tests' standard: 1 tap per 25 households within 50 m, 1 toilet per 10 households
    within 20 m, lights within 150 m, ``household_size`` people per household."""
    return parse_standard(
        {
            "name": "test",
            "source": "hand-made for tests",
            "household_size": household_size,
            "categories": {
                "water": {"unit": "households", "max_per_point": 25, "max_distance_m": 50},
                "sanitation": {"unit": "households", "max_per_point": 10, "max_distance_m": 20},
                "electricity": {"unit": "households", "max_distance_m": 150},
            },
        },
        "test",
    )


def settlements_frame(rows: Sequence[dict[str, object]]) -> gpd.GeoDataFrame:
    """Settlements from dicts with a ``geometry`` in local metres; returned in EPSG:4326."""
    records = [{**r, "geometry": shifted(r["geometry"])} for r in rows]  # type: ignore[arg-type]
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=METRIC)
    for column in ("name", "households", "population", "cluster"):
        if column not in frame:
            frame[column] = None
    frame["households"] = frame["households"].astype(float)
    frame["population"] = frame["population"].astype(float)
    return frame.to_crs(4326)


def services_frame(rows: Sequence[tuple[str, str, str, float, float]]) -> gpd.GeoDataFrame:
    """Service points from (id, category, status, x, y) in local metres; EPSG:4326."""
    frame = gpd.GeoDataFrame(
        {
            "service_id": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "status": [r[2] for r in rows],
            "kind": ["standpipe"] * len(rows),
            "provider": ["municipality"] * len(rows),
        },
        geometry=[shifted(Point(r[3], r[4])) for r in rows],
        crs=METRIC,
    )
    return frame.to_crs(4326)


def wards_frame(rows: Sequence[tuple[str, shapely.Geometry]]) -> gpd.GeoDataFrame:
    """Wards from (ward_id, geometry in local metres); EPSG:4326."""
    return gpd.GeoDataFrame(
        {"ward_id": [r[0] for r in rows], "name": [f"Ward {r[0]}" for r in rows]},
        geometry=[shifted(r[1]) for r in rows],
        crs=METRIC,
    ).to_crs(4326)


@pytest.fixture
def square() -> shapely.Geometry:
    """A 100 m square at the local origin."""
    return box(0, 0, 100, 100)
