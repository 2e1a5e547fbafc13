"""``atlas gaps --engine dask`` end to end: the same output as ``atlas gaps``, on the test
cluster (``--scheduler``) and on local workers it starts (``--workers``); the errors a user
can cause, each a message and never a traceback."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from benchmarks.offline_browser import free_port
from tests.atlas.real_common import run


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The embedded sample's layers as GeoParquet (services in row groups of 100)."""
    import atlas

    dataset = atlas.load_sample()
    folder = tmp_path_factory.mktemp("cli")
    paths = {}
    for name in ("settlements", "services", "wards"):
        paths[name] = folder / f"{name}.parquet"
        getattr(dataset, name).to_parquet(paths[name], row_group_size=100)
    return paths


def _data(files: dict[str, Path]) -> list[str]:
    return [f"--{name}={path}" for name, path in files.items()]


@pytest.mark.parametrize("level", ["settlement", "cluster"])
def test_scheduler_output_identical(
    files: dict[str, Path], scheduler: str, level: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["gaps", *_data(files), "--level", level, "--format", "csv", "--quiet"]
    status, default, _ = run(base, capsys)
    assert status == 0
    status, dask, err = run([*base, "--engine", "dask", "--scheduler", scheduler], capsys)
    assert status == 0, err
    assert dask == default
    assert len(default.splitlines()) > 3
    assert "distributed" not in err and "Traceback" not in err


def test_local_workers_output_identical(capsys: pytest.CaptureFixture[str]) -> None:
    """The embedded sample on two local workers started for the run (JSON)."""
    status, default, _ = run(["gaps", "--quiet"], capsys)
    status, dask, err = run(["gaps", "--quiet", "--engine", "dask", "--workers", "2"], capsys)
    assert status == 0, err
    assert dask == default
    assert err == ""


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status, out, err = run(["gaps", "--quiet", *argv], capsys)
    assert status != 0 and out == ""
    assert "Traceback" not in err
    return err


def test_unreachable_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    err = _error(["--engine", "dask", "--scheduler", address], capsys)
    assert f"Cannot reach the Dask scheduler at {address}" in err
    assert "dask scheduler" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--engine", "dask", "--scheduler", "tcp://h:1", "--workers", "2"], "not both"),
        (["--engine", "dask", "--worker-memory", "lots"], "--worker-memory lots: write a size"),
        (["--scheduler", "tcp://h:1"], "add --engine dask"),
        (["--engine", "dask", "--scheduler", "tcp://h:1", "--worker-memory", "1GB"], "--memory-limit 1GB"),
    ],
)  # fmt: skip
def test_option_errors(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert words in _error(argv, capsys)


def test_services_not_geoparquet(
    files: dict[str, Path], scheduler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taps = gpd.GeoDataFrame(
        {"service_id": ["T1"], "category": ["water"], "status": ["working"]},
        geometry=[Point(28.0, -26.0)],
        crs=4326,
    )
    path = tmp_path / "taps.geojson"
    taps.to_file(path)
    argv = ["--engine", "dask", "--scheduler", scheduler]
    err = _error(
        [*argv, "--settlements", str(files["settlements"]), "--services", str(path)], capsys
    )
    assert "'taps.geojson' is not GeoParquet" in err
    assert "ogr2ogr -f Parquet taps.parquet taps.geojson" in err
