"""The Data page and what it hands the other pages: the standard form, a category an upload
offers to add, settlements without service points, zeros kept as counts, the municipality's
name, a CRS typed per upload, files named without the server's folders, and the settlements
in no cluster on the Clusters page and in the sidebar.

AppTest cannot upload a file, so the uploads' own widgets are driven in a real browser
(tests/e2e/test_data_page.py); here the Data page's state functions are called with stored
files, as the widgets call them.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

import atlas
from atlas.measure.standards import category_rule, standard_to_toml, with_category
from atlas.summaries.phrases import NOT_IN_A_CLUSTER
from pages.state import keys
from pages.state.choices import Source
from pages.state.messages import error_text, report_text
from pages.state.sources import dataset_of, standard_label
from pages.state.standard_form import add_category, read_standard_upload
from pages.state.uploads import UPLOAD_ROOT, check_layer, files_source, store_upload, use_files
from pages.state.wording import APP, CRS_BOX, STANDARD_FORM, ZEROS_BOX
from tests.app.test_app import APP as APP_FILE
from tests.app.test_app import app

ROOT = Path(__file__).resolve().parents[2]


def stored(frame: gpd.GeoDataFrame, name: str, tmp_path: Path) -> str:
    """``frame`` written as GeoJSON and stored as an upload is (under its content hash)."""
    path = tmp_path / name
    frame.to_file(path, driver="GeoJSON")
    return str(store_upload(path.read_bytes(), name))


def homes(**columns: object) -> gpd.GeoDataFrame:
    data: dict[str, object] = {
        "code": ["S1", "S2"],
        "naam": ["Enkanini", "Sweet Home"],
        "hh": [50, 0],
        "popn": [150, 0],
    }
    data.update(columns)
    return gpd.GeoDataFrame(
        data, geometry=[box(28.2, -26.1, 28.21, -26.09), box(28.3, -26.1, 28.31, -26.09)], crs=4326
    )


HOMES_MAP = ("settlements.settlement_id=code", "settlements.name=naam")


# -- the standard: the form, an uploaded file, the sidebar ------------------------------------


def test_the_data_page_names_its_controls() -> None:
    at = app("pages/data.py")
    assert not at.error
    assert {"Municipality's name", "Category (one lower-case word, such as health)"} <= {
        t.label for t in at.text_input
    }
    assert [c.label for c in at.checkbox] == [ZEROS_BOX]
    assert STANDARD_FORM in [s.value for s in at.subheader]
    (download,) = at.get("download_button")
    assert "City of Cape Town target" in download.proto.label


def test_the_form_builds_a_standard_that_the_sidebar_then_shows() -> None:
    at = app("pages/data.py")
    at.text_input(key=keys.FORM_CATEGORY).input("health")
    at.radio(key=keys.FORM_UNIT).set_value("people")
    at.number_input(key=keys.FORM_PER_POINT).set_value(10000.0)
    at.number_input(key=keys.FORM_DISTANCE).set_value(5000.0)
    at.text_input(key=keys.FORM_LABEL).input("clinic")
    at.button(key=keys.FORM_ADD).click().run()
    assert not at.exception and not at.error
    path = at.session_state["chosen_standard"]
    assert Path(path).parents[2] == UPLOAD_ROOT  # in the session's folder, under its hash
    assert at.session_state["own_standards"] == (path,)
    built = atlas.load_standard(path)
    rule = category_rule("people", max_per_point=10000, max_distance_m=5000, point_label="clinic")
    expected = with_category(atlas.load_standard("cape-town"), "health", rule)
    assert built.categories == expected.categories
    assert (built.id, built.name) == ("cape-town-health", "City of Cape Town target, with health")

    # The whole app (with its sidebar) selects it and names it without the server's folder.
    full = AppTest.from_file(APP_FILE, default_timeout=60)
    full.session_state["own_standards"] = (path,)
    full.session_state["chosen_standard"] = path
    full.run()
    assert not full.exception
    box_ = full.sidebar.selectbox(key=keys.STANDARD)
    assert box_.value == path
    assert box_.options[-1] == "City of Cape Town target, with health (cape-town-health.toml)"
    assert "health" in full.sidebar.selectbox(key=keys.CATEGORY).options
    assert standard_label(path) == box_.options[-1] and "/" not in standard_label(path)


def test_a_category_the_form_cannot_use_is_an_error_in_the_page() -> None:
    at = app("pages/data.py")
    at.text_input(key=keys.FORM_CATEGORY).input("Health care")
    at.button(key=keys.FORM_ADD).click().run()
    assert not at.exception
    assert "lower-case word" in at.error[0].value
    assert "chosen_standard" not in at.session_state


def test_an_uploaded_standard_file_is_checked_and_stored(tmp_path: Path) -> None:
    ours = with_category(
        atlas.load_standard("sphere-2018"), "health", category_rule("people", max_per_point=5e3)
    )
    text = standard_to_toml(ours).encode()
    path = read_standard_upload(text, "ours.toml")
    assert path == read_standard_upload(text, "ours.toml")  # same content, same path
    assert atlas.load_standard(path) == ours
    with pytest.raises(atlas.StandardError) as bad:
        read_standard_upload(b'name = "x"\n', "mine.toml")
    assert "mine.toml: the standard has no 'source'" in str(bad.value)
    assert str(UPLOAD_ROOT) not in error_text(bad.value)


def test_an_unknown_category_offers_to_add_it(tmp_path: Path) -> None:
    clinics = gpd.GeoDataFrame(
        {"id": ["c1", "c2"], "status": ["working", "working"]},
        geometry=[Point(28.205, -26.095), Point(28.305, -26.095)],
        crs=4326,
    )
    path = stored(clinics, "clinics.geojson", tmp_path)
    mapping = ("services.service_id=id", "services.category='health'")
    report = check_layer(path, "services", mapping, "cape-town")
    (problem,) = report.errors
    assert problem.code == "services.unknown_category"
    assert problem.params["categories"] == ("health",)
    assert "“Add … to the standard”" in problem.fix_in(APP)
    assert "clinics.geojson" in report_text(report) and str(UPLOAD_ROOT) not in report_text(report)

    def page(path: str, mapping: tuple[str, ...]) -> None:
        from pages.state.standard_form import offer_categories
        from pages.state.uploads import LayerUpload, check_layer

        report = check_layer(path, "services", mapping, "cape-town")
        offer_categories(LayerUpload("services", "clinics.geojson", path, mapping), "cape-town")
        offer_categories(
            LayerUpload("services", "clinics.geojson", path, mapping, report=report), "cape-town"
        )

    at = AppTest.from_function(page, args=(path, mapping), default_timeout=60)
    at.run()
    (button,) = at.button
    assert button.label == "Add “health” to the standard"
    button.click().run()
    assert not at.exception
    chosen = at.session_state["chosen_standard"]
    added = atlas.load_standard(chosen)
    assert added.rule("health") == category_rule("households", point_label="health point")
    # The form shows the rule just added, to edit (put in its widgets on the next run).
    assert at.session_state["standard_form_fill"] == (
        chosen, "health", "households", 0.0, 0.0, "health point"
    )  # fmt: skip
    assert check_layer(path, "services", mapping, chosen).ok


def test_changing_the_rule_of_an_own_standard_keeps_its_name() -> None:
    first = add_category("cape-town", "health", category_rule("households"))
    again = add_category(first, "health", category_rule("people", max_per_point=9000))
    assert atlas.load_standard(again).name == "City of Cape Town target, with health"
    assert atlas.load_standard(again).rule("health").max_per_point == 9000
    changed = atlas.load_standard(add_category("cape-town", "water", category_rule()))
    assert changed.name == "City of Cape Town target, water changed"


# -- the files: no services, zeros, municipality, CRS, names ---------------------------------


def test_settlements_without_service_points_are_used_when_they_carry_counts(
    tmp_path: Path,
) -> None:
    path = stored(homes(toilets=[12, 3]), "homes.geojson", tmp_path)
    counted = Source(
        "Uploaded: homes.geojson",
        settlements=path,
        mapping=(*HOMES_MAP, "settlements.sanitation_working=toilets"),
    )
    dataset = dataset_of(counted, "cape-town")
    assert len(dataset.services) == 0
    assert list(dataset.settlements["sanitation_working"]) == [12, 3]
    uncounted = Source("Uploaded: homes.geojson", settlements=path, mapping=HOMES_MAP)
    with pytest.raises(atlas.SchemaError) as info:
        use_files(uncounted, "cape-town")
    assert [p.code for p in info.value.problems] == ["services.none"]
    assert "Upload the service points too" in error_text(info.value)


def test_the_files_source_needs_the_settlements_and_every_upload_usable(tmp_path: Path) -> None:
    from pages.state.uploads import LayerUpload

    path = stored(homes(), "homes.geojson", tmp_path)
    ok = check_layer(path, "settlements", HOMES_MAP, "cape-town")
    settlements = LayerUpload("settlements", "homes.geojson", path, HOMES_MAP, report=ok)
    source = files_source(
        [settlements, None, None], zeros_are_counts=True, municipality_name=" Rustenburg "
    )
    assert source is not None and source.services is None
    assert (source.label, source.municipality_name, source.zeros_are_counts) == (
        "Uploaded: homes.geojson",
        "Rustenburg",
        True,
    )
    broken = LayerUpload("services", "taps.csv", "", ())
    assert files_source([settlements, broken], zeros_are_counts=False, municipality_name="") is None
    assert files_source([None, None], zeros_are_counts=False, municipality_name="") is None


def test_zeros_are_read_as_not_counted_unless_the_box_is_ticked(tmp_path: Path) -> None:
    path = stored(homes(taps=[1, 0]), "homes.geojson", tmp_path)
    report = check_layer(path, "settlements", HOMES_MAP, "cape-town")
    (zeros,) = [p for p in report.warnings if p.code == "demand.zeros"]
    assert f"tick “{ZEROS_BOX}”" in zeros.fix_in(APP)
    ticked = check_layer(path, "settlements", HOMES_MAP, "cape-town", None, True)
    assert not [p for p in ticked.problems if p.code == "demand.zeros"]
    source = Source("x", settlements=path, mapping=(*HOMES_MAP, "settlements.water_working=taps"))
    unknown = dataset_of(source, "cape-town").settlements.set_index("settlement_id")
    assert unknown.loc["S2", ["households", "population"]].isna().all()
    kept = Source(
        "x", settlements=path, mapping=source.mapping, zeros_are_counts=True, municipality_name="M"
    )
    counted = dataset_of(kept, "cape-town")
    assert counted.settlements.set_index("settlement_id").loc["S2", "households"] == 0
    assert counted.municipality_name == "M" and counted.zeros_are_counts


def test_a_crs_typed_for_an_upload_reads_a_file_that_has_none(tmp_path: Path) -> None:
    csv = tmp_path / "metres.csv"
    square = box(585000, 7110000, 586000, 7111000)  # UTM 35S: near 27.85 E, 26.1 S
    csv.write_text(f'code,naam,hh,wkt\nS1,Enkanini,50,"{square.wkt}"\n', encoding="utf-8")
    path = str(store_upload(csv.read_bytes(), "metres.csv"))
    without = check_layer(path, "settlements", HOMES_MAP, "cape-town")
    (missing,) = [p for p in without.errors if p.code == "crs.missing"]
    assert f"in the “{CRS_BOX}” box under the settlements upload" in missing.fix_in(APP)
    typed = check_layer(path, "settlements", HOMES_MAP, "cape-town", "EPSG:32735")
    assert typed.ok
    source = Source(
        "x",
        settlements=path,
        mapping=(*HOMES_MAP, "settlements.households=hh", "settlements.water_working=hh"),
        crs=(("settlements", "EPSG:32735"),),
    )
    minx, miny, *_ = dataset_of(source, "cape-town").settlements.total_bounds
    assert 27.8 < minx < 27.9 and -26.2 < miny < -26.0


def test_messages_name_uploaded_files_never_the_servers_folders(tmp_path: Path) -> None:
    bad = stored(homes(hh=[-1, 5]), "homes.geojson", tmp_path)
    source = Source("Uploaded: homes.geojson", settlements=bad, mapping=HOMES_MAP)
    with pytest.raises(atlas.ValidationError) as info:
        dataset_of(source, "cape-town")
    assert str(UPLOAD_ROOT) in str(info.value)  # the library names the path it read …
    text = error_text(info.value)
    assert str(UPLOAD_ROOT) not in text and "/tmp" not in text  # … the app its file's name
    assert "settlements \\(homes.geojson\\)" in text  # Markdown-escaped
    missing = atlas.DataFileError(f"File not found: '{UPLOAD_ROOT}/0a1b/homes.geojson'. Check.")
    assert error_text(missing) == "File not found: 'homes.geojson'. Check."


# -- the settlements in no cluster -------------------------------------------------------------


def test_the_settlements_in_no_cluster_are_one_row_never_a_sidebar_choice() -> None:
    full = AppTest.from_file(APP_FILE, default_timeout=60)
    full.run()
    assert not full.exception
    options = full.sidebar.selectbox(key=keys.CLUSTER).options
    assert options[0] == "All clusters" and NOT_IN_A_CLUSTER not in options
    assert "None" not in options and len(options) == 4
    at = app("pages/clusters.py")
    clusters = at.dataframe[0].value
    assert clusters["Cluster"].tolist()[-1] == NOT_IN_A_CLUSTER
    assert clusters.set_index("Cluster").loc[NOT_IN_A_CLUSTER, "Settlements"] == "1"
    settlements = at.dataframe[1].value
    assert settlements["Cluster"].isna().sum() == 0
    assert (settlements["Cluster"] == NOT_IN_A_CLUSTER).sum() == 1
    sentences = at.markdown[-1].value
    assert f"{NOT_IN_A_CLUSTER} \\(1 settlement, " in sentences and "None" not in sentences


def test_a_served_dataset_without_service_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    homes(toilets=[4, 1]).to_file(tmp_path / "s.geojson")
    spec = {
        "settlements": str(tmp_path / "s.geojson"),
        "map": [*HOMES_MAP, "settlements.sanitation_working=toilets"],
        "municipality_name": "Madibeng",
    }
    monkeypatch.setenv("ATLAS_SERVE", json.dumps(spec))
    at = app("pages/data.py")
    assert not at.error
    assert "no service points" in at.markdown[0].value
    assert str(tmp_path) not in " ".join(m.value for m in at.markdown)


def test_the_standards_page_lists_the_sessions_own_standard() -> None:
    path = add_category("sphere-2018", "health", category_rule("people", max_per_point=10000))
    at = app("pages/standards.py", own_standards=(path,), standard=path)
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("Sphere 2018, with health" in label for label in labels)
    assert not any(str(UPLOAD_ROOT) in label for label in labels)
    assert "In force: Sphere 2018, with health" in at.markdown[0].value
