"""The embedded data: the sample dataset and the standards presets, found next to the package.

Paths are built from this file's location, never from the working directory, so the atlas finds
its data wherever it is run from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from atlas.errors import DataFileError
from atlas.i18n import N_, _

__all__ = [
    "APP_SCRIPT",
    "DATA_DIR",
    "SAMPLE",
    "SAMPLE_DELIVERIES",
    "SAMPLE_FLOOD_CLASSES",
    "SAMPLE_SCHEDULE",
    "SERVE_ENV",
    "SampleFiles",
    "SampleRasters",
    "sample_files",
    "sample_rasters",
    "standard_names",
    "standard_path",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STANDARDS_DIR = DATA_DIR / "standards"
SAMPLE_DIR = DATA_DIR / "sample"
#: The Streamlit app script (`atlas serve` runs it).
APP_SCRIPT = DATA_DIR.parent / "streamlit_app.py"
#: Environment variable through which `atlas serve` hands its files and options to the app.
SERVE_ENV = "ATLAS_SERVE"

#: The name of the embedded sample dataset.
SAMPLE = "sample"
#: The sample's water delivery schedule and the deliveries residents reported (data/README.md).
SAMPLE_SCHEDULE = SAMPLE_DIR / "schedule.csv"
SAMPLE_DELIVERIES = SAMPLE_DIR / "deliveries.csv"


@dataclass(frozen=True)
class SampleFiles:
    """Paths of the embedded sample's layers."""

    settlements: Path
    services: Path
    wards: Path


def sample_files() -> SampleFiles:
    """The embedded sample dataset's files.

    Raises
    ------
    DataFileError
        When the sample is missing (a broken install).
    """
    files = SampleFiles(
        SAMPLE_DIR / "settlements.geojson",
        SAMPLE_DIR / "services.geojson",
        SAMPLE_DIR / "wards.geojson",
    )
    _require((files.settlements, files.services, files.wards), "make_sample.py")
    return files


def _require(paths: tuple[Path, ...], script: str) -> None:
    """Raise :class:`DataFileError` for the first missing embedded file."""
    for path in paths:
        if not path.exists():
            raise DataFileError(
                _(
                    "The embedded sample file {path} is missing. Regenerate it with "
                    "`python data/{script}` or reinstall the atlas.",
                    path=path,
                    script=script,
                )
            )


#: What the classes of the sample's flood raster mean (translated where shown).
SAMPLE_FLOOD_CLASSES = {1.0: N_("1-in-100-year flood zone"), 2.0: N_("1-in-20-year flood zone")}


@dataclass(frozen=True)
class SampleRasters:
    """Paths of the embedded sample's rasters (see ``data/README.md``).

    Parameters
    ----------
    population
        People per cell (count), 3 arc-second grid, EPSG:4326, nodata -99999.
    flood
        Flood-zone classes 0 (none), 1 (1-in-100-year), 2 (1-in-20-year), 25 m grid,
        EPSG:32735, nodata 255.
    """

    population: Path
    flood: Path


def sample_rasters() -> SampleRasters:
    """The embedded sample's population and flood-zone rasters.

    Raises
    ------
    DataFileError
        When a raster is missing (a broken install).
    """
    rasters = SampleRasters(SAMPLE_DIR / "population.tif", SAMPLE_DIR / "flood.tif")
    _require((rasters.population, rasters.flood), "make_sample_rasters.py")
    return rasters


def standard_names() -> list[str]:
    """Names of the standards presets, e.g. ``["cape-town", "municipal-minimum", ...]``."""
    return sorted(p.stem for p in STANDARDS_DIR.glob("*.toml"))


def standard_path(name: str) -> Path:
    """The file of the preset called ``name``."""
    return STANDARDS_DIR / f"{name}.toml"
