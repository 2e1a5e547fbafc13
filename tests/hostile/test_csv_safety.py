"""CSV formula injection (issue #19): every CSV the atlas writes guards text a spreadsheet would
run as a formula with a leading ``'`` (OWASP); numbers are never changed; GeoJSON, GeoPackage
and GeoParquet keep the raw text.

The cells are read back with the ``csv`` module, as a spreadsheet would split them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.cli import main
from atlas.exports.records import csv_text, to_csv
from atlas.load.cells import guard_cell, guard_frame, guard_text, unguard_cell
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.store.tables import read_table
from layers.standalone import output_download
from tests.atlas.store_cli import copied_store, made_store, quick_password_hashes, run

__all__ = ["quick_password_hashes"]  # the fixture, used by the store cases

#: Hostile settlement names: each one a formula (or a formula behind a tab or a return).
HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
IDS = [f"S{i}" for i in range(1, len(HOSTILE) + 1)]
#: The names as the atlas reads them: a layer's text is stripped of surrounding blanks when
#: read, so "\t=1" is the name "=1" (and is guarded as that).
LOADED = [name.strip() for name in HOSTILE]


def guarded(text: str) -> str:
    return "'" + text


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def hostile_files(tmp_path: Path) -> dict[str, Path]:
    """Settlements named by :data:`HOSTILE` (with a column of the file named like a formula, a
    text code "-3" and a number -3), and a working tap in each."""
    squares = [box(28.0 + i / 100, -26.0, 28.001 + i / 100, -25.999) for i in range(len(IDS))]
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": IDS,
            "name": HOSTILE,
            "households": [10] * len(IDS),
            "cluster": ["=C1"] * len(IDS),
            "code": ["-3"] * len(IDS),
            "elevation": [-3] * len(IDS),
            "=cmd": ["x"] * len(IDS),
        },
        geometry=squares,
        crs=4326,
    )
    services = gpd.GeoDataFrame(
        {
            "service_id": [f"T{i}" for i in range(len(IDS))],
            "category": ["water"] * len(IDS),
            "status": ["working"] * len(IDS),
        },
        geometry=[Point(28.0005 + i / 100, -25.9995) for i in range(len(IDS))],
        crs=4326,
    )
    out = {"settlements": tmp_path / "s.geojson", "services": tmp_path / "p.geojson"}
    settlements.to_file(out["settlements"])
    services.to_file(out["services"])
    return out


def data_args(files: dict[str, Path]) -> list[str]:
    return ["--settlements", str(files["settlements"]), "--services", str(files["services"])]


def check_names(rows: list[dict[str, str]]) -> None:
    by_id = {r["settlement_id"]: r for r in rows}
    assert [by_id[i]["name"] for i in IDS] == [guarded(n) for n in LOADED]


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize("name", HOSTILE)
def test_a_formula_is_guarded_and_reads_back(name: str) -> None:
    """The OWASP rule, and its inverse for the atlas's own readers."""
    assert guard_text(name) == "'" + name
    assert unguard_cell(guard_text(name)) == name


@pytest.mark.accepted_case
@pytest.mark.parametrize("text", ["Ilanga", "SET-001", "'quoted", "", "3-2", "a=b"])
def test_ordinary_text_is_written_as_it_is(text: str) -> None:
    """Text that no spreadsheet runs as a formula is not changed (nor a dash inside it)."""
    assert guard_text(text) == text
    assert unguard_cell(text) == text


@pytest.mark.accepted_case
def test_guarding_is_reversible_even_for_a_quote_before_a_formula() -> None:
    """``'=x`` (text that already begins with a quote and a formula start) gets one more quote,
    so reading back gives exactly the text that was written."""
    for text in ["'=x", "''+1", "'-3"]:
        assert guard_text(text) == "'" + text
        assert unguard_cell(guard_text(text)) == text


@pytest.mark.accepted_case
def test_numbers_are_never_guarded_only_text() -> None:
    """The value's type decides, not its look: a count of -3 is a number (written ``-3``), the
    text "-3" in a name column is text (written ``'-3``)."""
    assert guard_cell(-3) == -3 and guard_cell(-2.5) == -2.5
    text = csv_text([{"name": "-3", "gap": -3, "share": -0.5}], ["name", "gap", "share"])
    assert rows_of(text) == [{"name": "'-3", "gap": "-3", "share": "-0.5"}]
    frame = pd.DataFrame({"name": pd.Series(["-3"], dtype="string"), "gap": [-3], "x": ["=1"]})
    assert guard_frame(frame).to_dict("records") == [{"name": "'-3", "gap": -3, "x": "'=1"}]
    assert frame.loc[0, "x"] == "=1"  # the argument is not modified


@pytest.mark.warning_case
def test_header_cells_are_guarded() -> None:
    """A file's own columns can carry any text: the header is guarded too."""
    assert to_csv(pd.DataFrame({"=cmd": ["a"], "@x": [1]})).splitlines()[0] == "'=cmd,'@x"


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.warning_case
def test_gaps_csv_guards_the_names(
    hostile_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas gaps --format csv``: names guarded, counts as numbers."""
    argv = ["gaps", *data_args(hostile_files), "--format", "csv", "--quiet"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    rows = rows_of(out)
    check_names(rows)
    assert {r["cluster"] for r in rows} == {"'=C1"}
    assert {r["households"] for r in rows} == {"10"}
    assert "Traceback" not in err


@pytest.mark.warning_case
def test_gaps_cluster_csv_guards_the_cluster_names(
    hostile_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas gaps --level cluster --format csv``: the cluster name is text."""
    argv = ["gaps", *data_args(hostile_files), "--level", "cluster", "--format", "csv", "--quiet"]
    assert main(argv) == 0
    rows = rows_of(capsys.readouterr().out)
    assert [r["cluster"] for r in rows] == ["'=C1"]


@pytest.mark.warning_case
def test_export_csv_guards_text_and_other_formats_keep_it(
    hostile_files: dict[str, Path], tmp_path: Path
) -> None:
    """``atlas export``: the CSV guards names, the text code "-3" and the formula-like column
    name, but not the number -3; GeoJSON, GeoPackage and GeoParquet keep the raw text."""
    for fmt in ("csv", "geojson", "gpkg", "parquet"):
        out = tmp_path / fmt
        argv = ["export", *data_args(hostile_files), "--format", fmt, "--output", f"{out}/"]
        assert main([*argv, "--quiet"]) == 0
    rows = rows_of((tmp_path / "csv" / "settlements.csv").read_text(encoding="utf-8"))
    check_names(rows)
    assert {r["code"] for r in rows} == {"'-3"}
    assert {r["elevation"] for r in rows} == {"-3"}
    assert {r["'=cmd"] for r in rows} == {"x"}
    clusters = rows_of((tmp_path / "csv" / "clusters.csv").read_text(encoding="utf-8"))
    assert [r["cluster"] for r in clusters] == ["'=C1"]

    geojson = json.loads((tmp_path / "geojson" / "settlements.geojson").read_text("utf-8"))
    props = {f["properties"]["settlement_id"]: f["properties"] for f in geojson["features"]}
    assert [props[i]["name"] for i in IDS] == LOADED
    assert {p["=cmd"] for p in props.values()} == {"x"}
    gpkg = gpd.read_file(tmp_path / "gpkg" / "atlas.gpkg", layer="settlements")
    assert gpkg.set_index("settlement_id").loc[IDS, "name"].tolist() == LOADED
    parquet = pq.read_table(tmp_path / "parquet" / "settlements.parquet").to_pandas()
    assert parquet.set_index("settlement_id").loc[IDS, "name"].tolist() == LOADED
    assert parquet["code"].tolist() == ["-3"] * len(IDS)


@pytest.mark.warning_case
def test_zonal_csv_guards_the_settlement_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas zonal --format csv``: a settlement id is text."""
    import numpy as np
    import rasterio
    from affine import Affine

    raster = tmp_path / "people.tif"
    with rasterio.open(
        raster, "w", driver="GTiff", width=2, height=1, count=1, dtype="float64", crs="EPSG:4326",
        transform=Affine(0.01, 0, 28.0, 0, -0.01, -25.99),
    ) as ds:  # fmt: skip
        ds.write(np.array([[4.0, 6.0]]), 1)
    frame = gpd.GeoDataFrame(
        {"settlement_id": ["=1+1", "-7"]},
        geometry=[box(28.0, -26.0, 28.01, -25.99), box(28.01, -26.0, 28.02, -25.99)],
        crs=4326,
    )
    frame.to_file(tmp_path / "z.geojson")
    argv = ["zonal", "--raster", str(raster), "--settlements", str(tmp_path / "z.geojson")]
    assert main([*argv, "--format", "csv", "--quiet"]) == 0
    rows = rows_of(capsys.readouterr().out)
    assert [r["settlement_id"] for r in rows] == ["'=1+1", "'-7"]
    assert [float(r["population_estimate"]) for r in rows] == pytest.approx([4.0, 6.0])


@pytest.mark.warning_case
def test_schedule_csv_guards_the_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas schedule --format csv``: a provider named like a formula is guarded."""
    schedule = tmp_path / "schedule.csv"
    text = SAMPLE_SCHEDULE.read_text(encoding="utf-8")
    schedule.write_text(text.replace("Metro Water Services", "@SUM(A1)"), encoding="utf-8")
    argv = ["schedule", "--schedule", str(schedule), "--deliveries", str(SAMPLE_DELIVERIES)]
    argv += ["--from", "2026-08-01", "--to", "2026-08-31", "--level", "delivery"]
    assert main([*argv, "--format", "csv", "--quiet"]) == 0
    rows = rows_of(capsys.readouterr().out)
    providers = {r["provider"] for r in rows if r["provider"]}
    assert "'@SUM(A1)" in providers and "@SUM(A1)" not in providers
    assert all(not r["delivered_litres"].startswith("'") for r in rows)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_store(tmp_path_factory, "csv-safety")


@pytest.mark.warning_case
def test_contacts_list_csv_guards_and_imports_back(
    made: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``atlas contacts list --format csv``: a name like a formula and a phone number
    beginning with ``+`` are guarded; ``contacts import`` of that file reads the raw text back."""
    copied_store(made, tmp_path, monkeypatch)
    source = tmp_path / "contacts.csv"
    source.write_text(
        "role,name,office,phone,email,ward_id,category,provider,valid_from,valid_to,source\n"
        'contractor,"=HYPERLINK(""http://evil"",""x"")",,+27 82 555 0101,,,,Aqua,,,\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, monkeypatch, "contacts", "import", str(source), who="thandi")
    assert code == 0, err
    code, out, err = run(capsys, monkeypatch, "contacts", "list", "--format", "csv", who="lebo")
    assert code == 0, err
    (row,) = rows_of(out)
    assert row["name"] == guarded('=HYPERLINK("http://evil","x")')
    assert row["phone"] == "'+27 82 555 0101"
    listed = tmp_path / "listed.csv"
    listed.write_text(out, encoding="utf-8")
    header, body = read_table(listed)
    cells = dict(zip(header, body[0][1], strict=True))
    assert (cells["name"], cells["phone"]) == ('=HYPERLINK("http://evil","x")', "+27 82 555 0101")


@pytest.mark.warning_case
def test_deliveries_list_csv_guards_what_a_reporter_typed(
    made: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``atlas deliveries list --format csv``: an external id and a note typed like formulas
    are guarded; the litres (a number) are not."""
    copied_store(made, tmp_path, monkeypatch)
    source = tmp_path / "deliveries.csv"
    source.write_text(
        "external_id,settlement_id,arrived_at,litres,tanks,reporter,note\n"
        "=1+1,SET-001,2026-08-03 08:33,20000,4,@SUM(A1),-2+3\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, monkeypatch, "deliveries", "import", str(source), who="sipho")
    assert code == 0, err
    argv = ["deliveries", "list", "--format", "csv"]
    code, out, err = run(capsys, monkeypatch, *argv, who="sipho")
    assert code == 0, err
    (row,) = rows_of(out)
    assert (row["external_id"], row["note"]) == ("'=1+1", "'-2+3")
    assert float(row["litres"]) == 20000  # a number: never guarded


# --- the app's downloads -------------------------------------------------------------------------


@pytest.mark.warning_case
def test_the_apps_csv_download_guards_and_geojson_keeps(hostile_files: dict[str, Path]) -> None:
    """The Clusters page's download (``layers.standalone.output_download``, which
    ``pages.state.downloads.download`` returns): the CSV zip guards, the GeoJSON keeps."""
    dataset = atlas.load_dataset(hostile_files["settlements"], hostile_files["services"])
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    day = date(2026, 12, 1)
    csv_zip = output_download(result, dataset, "csv", on=day)
    with zipfile.ZipFile(io.BytesIO(csv_zip.data)) as archive:
        rows = rows_of(archive.read("settlements.csv").decode("utf-8"))
    check_names(rows)
    geojson = output_download(result, dataset, "geojson", on=day)
    with zipfile.ZipFile(io.BytesIO(geojson.data)) as archive:
        collection = json.loads(archive.read("settlements.geojson"))
    names = {
        f["properties"]["settlement_id"]: f["properties"]["name"] for f in collection["features"]
    }
    assert [names[i] for i in IDS] == LOADED
