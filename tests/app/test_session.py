"""The session state (pages/state/session.py): the one module that reads and writes it, what one
page chooses reaching another through it, and the app's one configuration per process."""

from __future__ import annotations

import ast
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point, box

import atlas
import pages.state.downloads as downloads
from pages.state import keys, session
from pages.state.choices import DeliveriesUsed
from pages.state.messages import report_text, warning_texts
from pages.state.rasters import sample_population
from pages.state.sources import SAMPLE, dataset_of, served_config, served_source
from tests.app.test_app import app

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").rglob("*.py"))]
WIDGETS = {
    "button",
    "checkbox",
    "date_input",
    "download_button",
    "file_uploader",
    "multiselect",
    "number_input",
    "radio",
    "selectbox",
    "slider",
    "st_folium",
    "text_input",
    "toggle",
}


def test_only_the_session_module_reads_or_writes_the_session_state() -> None:
    touching = [
        str(p.relative_to(ROOT)) for p in APP_FILES if "session_state" in p.read_text("utf-8")
    ]
    assert touching == ["pages/state/session.py"]


def test_widget_keys_are_never_spelled_in_a_page() -> None:
    spelled = []
    for path in APP_FILES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            for keyword in node.keywords:
                literal = isinstance(keyword.value, ast.Constant | ast.JoinedStr)
                if keyword.arg == "key" and name in WIDGETS and literal:
                    spelled.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert spelled == []


def test_accessors_give_none_for_what_was_never_written_or_is_of_another_type() -> None:
    # Another type under a key (an old session, a test) is no value: the pages carry on.
    at = app("pages/clusters.py", deliveries_used="not a comparison", population_raster=3)
    assert not at.error
    assert "People (raster estimate)" not in at.dataframe[0].value


def test_unknown_raster_roles_are_refused() -> None:
    with pytest.raises(ValueError, match="population, hazard"):
        session.raster("flood")


def test_keys_made_per_layer_field_and_view() -> None:
    assert keys.upload_key("wards") == "upload_wards"
    assert keys.column_key("services", "category") == "map_services_category"
    assert keys.constant_key("services", "category") == "const_services_category"
    assert keys.map_key(keys.MAP, "Sample", "cape-town", None, True) == (
        "map-Sample-cape-town-None-True"
    )


def recorder(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[Any, Any]]:
    """Record the arguments and the result of each call the pages make to a downloads function
    (the pages import it when they run, so they get the recording one)."""
    calls: list[tuple[Any, Any]] = []
    real = getattr(downloads, name)

    def record(*args: Any) -> Any:
        result = real(*args)
        calls.append((args, result))
        return result

    monkeypatch.setattr(downloads, name, record)
    return calls


def test_the_comparison_chosen_on_water_deliveries_reaches_the_clusters_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = recorder(monkeypatch, "download")
    reports = recorder(monkeypatch, "report_pdf")
    at = app("pages/schedules.py")
    at.number_input(key=keys.LATE_HOURS).set_value(0.0).run()
    assert not at.exception
    chosen = at.session_state["deliveries_used"]
    assert isinstance(chosen, DeliveriesUsed) and chosen.late_hours == 0.0
    at.session_state[keys.CLUSTER] = "Kgotso South Cluster"
    at.switch_page("pages/clusters.py").run()
    assert not at.exception
    (args, file), *_ = files
    assert args[5] == chosen  # the download of the view includes the comparison …
    layer = json.loads(zipfile.ZipFile(io.BytesIO(file.data)).read("settlements.geojson"))
    compliance = {f["properties"]["delivery_compliance"] for f in layer["features"]}
    assert compliance - {None}, "the download has no delivery compliance"
    (args, pdf), *_ = reports
    assert args[2] == "Kgotso South Cluster" and args[3] == chosen  # … and so does the report
    assert pdf.startswith(b"%PDF")


def test_a_raster_chosen_on_the_hazards_page_reaches_the_other_pages() -> None:
    at = app("pages/hazards.py")
    at.main.radio[0].set_value(sample_population()).run()
    assert not at.exception and not at.error
    assert at.session_state["population_raster"] == sample_population()
    at.switch_page("pages/clusters.py").run()
    assert not at.exception
    assert "People (raster estimate)" in at.dataframe[0].value


def test_the_report_of_a_layer_lists_each_problem_worded_for_the_app() -> None:
    problem = atlas.Problem(
        "error", "The layer 'wards' has no CRS.", "Pass crs.", code="crs.missing",
        params={"layer": "wards"},
    )  # fmt: skip
    note = atlas.Problem("info", "Read ward_id from *WARD*.")
    text = report_text(atlas.Report("wards", "w_1.shp", (note, problem)))
    head, blank, first, second = text.split("\n")
    assert head == "wards \\(w\\_1.shp\\): 1 error\\(s\\), 0 warning\\(s\\)" and blank == ""
    assert first.startswith("- error: The layer 'wards' has no CRS. Fix: ")
    assert ".prj" in first and "crs=" not in first  # the app's wording, not Python's
    assert second == "- info: Read ward\\_id from \\*WARD\\*."
    assert report_text(atlas.Report("wards")) == "wards: 0 error\\(s\\), 0 warning\\(s\\)"


def test_left_out_rows_are_listed_per_layer() -> None:
    warning = atlas.Problem("warning", "Row left out: bad time.", rows=(3,))
    reports = [atlas.Report("schedule", problems=(warning,)), atlas.Report("deliveries")]
    assert warning_texts(reports) == ["schedule: warning: Row left out: bad time. \\(row 3\\)"]


def serve(monkeypatch: pytest.MonkeyPatch, **options: object) -> None:
    monkeypatch.setenv("ATLAS_SERVE", json.dumps(options))


def test_without_start_options_the_app_computes_with_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ATLAS_SERVE", raising=False)
    assert served_config() == atlas.Config()
    serve(monkeypatch, standard="cape-town")
    assert served_config() == atlas.Config()


def test_the_start_options_make_one_frozen_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    serve(monkeypatch, standard="cape-town", workers=2, metric_crs="EPSG:32735")
    config = served_config()
    assert config == atlas.Config(workers=2, metric_crs="EPSG:32735")
    assert served_config() is config  # one per process (per start options)
    with pytest.raises(AttributeError):
        config.workers = 3  # type: ignore[misc]


def test_the_served_configuration_measures_the_served_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gpd.GeoDataFrame(
        {"settlement_id": ["S1"], "name": ["Enkanini"], "households": [50]},
        geometry=[box(28.2, -26.1, 28.21, -26.09)],
        crs=4326,
    ).to_file(tmp_path / "s.geojson")
    gpd.GeoDataFrame(
        {"service_id": ["t"], "category": ["water"], "status": ["working"]},
        geometry=[Point(28.205, -26.095)],
        crs=4326,
    ).to_file(tmp_path / "p.geojson")
    serve(
        monkeypatch,
        settlements=str(tmp_path / "s.geojson"),
        services=str(tmp_path / "p.geojson"),
        standard="cape-town",
        workers=1,
        metric_crs="EPSG:22235",  # Cape / UTM 35S, not the WGS 84 zone the atlas would pick
    )
    configs: list[atlas.Config | None] = []
    real = atlas.compute_gaps

    def compute_gaps(*args: Any, config: atlas.Config | None = None, **kw: Any) -> Any:
        configs.append(config)
        return real(*args, config=config, **kw)

    monkeypatch.setattr(atlas, "compute_gaps", compute_gaps)
    at = app("pages/settlement.py")
    assert at.subheader[0].value == "Enkanini"
    assert configs == [atlas.Config(workers=1, metric_crs="EPSG:22235")]
    source = served_source()
    assert source is not None and source != SAMPLE
    assert dataset_of(source, "cape-town").metric_crs == CRS("EPSG:22235")
