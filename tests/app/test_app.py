"""The app in Streamlit's AppTest: every page runs on the sample, and interactions change it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import atlas
from atlas.i18n import format_number
from atlas.summaries.phrases import cluster_label

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


def app(page: str | None = None, **state: object) -> AppTest:
    """Run the app (its sidebar and default page), then open ``page`` with ``state`` chosen.

    AppTest runs a switched-to page file on its own, without the sidebar of
    ``streamlit_app.py`` (its pages/ folder rule: `atlas serve` switches that off for the real
    server), so the sidebar's choices are set in the session state its widgets write to; the
    widgets are tested on the app's first run, and the whole app in a real browser in tests/e2e.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def test_sidebar_offers_dataset_standard_cluster_and_service() -> None:
    at = app()
    # The language picker first, under the title (DESIGN §8).
    keys = [s.key for s in at.sidebar.selectbox]
    assert keys == ["language", "standard", "cluster", "category"]
    assert at.sidebar.radio[0].label == "Dataset"
    assert any("City of Cape Town" in c.value for c in at.sidebar.caption)
    at.sidebar.selectbox(key="standard").set_value("sphere-2018").run()
    assert not at.exception


def frame(at: AppTest, i: int):
    return at.dataframe[i].value


@pytest.mark.parametrize(
    "page",
    [
        "pages/clusters.py",
        "pages/settlement.py",
        "pages/data.py",
        "pages/standards.py",
    ],
)
def test_every_page_runs_on_the_sample(page: str) -> None:
    at = app(page)
    assert not at.error


def test_changing_the_standard_changes_cluster_totals_to_the_api_values() -> None:
    for preset in ("cape-town", "sphere-2018"):
        at = app("pages/clusters.py", standard=preset)
        expected = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard(preset)).clusters
        shown = frame(at, 0).set_index("Cluster")
        assert len(shown) == len(expected)
        for _, row in expected.iterrows():
            label = cluster_label(row["cluster"])  # the settlements in no cluster: one row
            # The page's tables are text, numbers written as the sentences write them.
            assert shown.loc[label, "Taps missing"] == format_number(row["water_gap"])
            assert shown.loc[label, "Toilets needed"] == format_number(row["sanitation_needed"])


def test_choosing_a_cluster_shows_its_settlements_worst_first() -> None:
    at = app("pages/clusters.py", cluster="Kgotso South Cluster")
    table = frame(at, 1)
    assert set(table["Cluster"]) == {"Kgotso South Cluster"}
    gaps = [int(g.replace(" ", "")) for g in table["Taps missing"] if g != "not known"]
    assert gaps == sorted(gaps, reverse=True)
    assert any(m.label == "Households" for m in at.metric)


def test_profile_shows_the_chosen_settlements_numbers() -> None:
    at = app("pages/settlement.py")
    at.selectbox(key="settlement").set_value("SET-012").run()
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    row = result.settlements.set_index("settlement_id").loc["SET-012"]
    assert at.subheader[0].value == row["name"]
    assert any("Demand is estimated" in w.value for w in at.warning)
    text = " ".join(m.value for m in at.markdown)
    assert f"{int(row['water_gap'])} more taps are needed" in text


def test_standards_page_lists_every_preset_with_its_source() -> None:
    at = app("pages/standards.py")
    labels = [e.label for e in at.expander]
    assert any("Sphere 2018" in label for label in labels)
    assert any("Sphere Handbook 2018" in m.value for m in at.markdown)


def test_served_files_are_the_default_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import geopandas as gpd
    from shapely.geometry import Point, box

    gpd.GeoDataFrame(
        {"code": ["S1"], "naam": ["Enkanini"], "hh": [50]},
        geometry=[box(28.2, -26.1, 28.21, -26.09)],
        crs=4326,
    ).to_file(tmp_path / "s.geojson")
    gpd.GeoDataFrame(
        {"service_id": ["t"], "category": ["water"], "status": ["working"]},
        geometry=[Point(28.205, -26.095)],
        crs=4326,
    ).to_file(tmp_path / "p.geojson")
    spec = {
        "settlements": str(tmp_path / "s.geojson"),
        "services": str(tmp_path / "p.geojson"),
        "map": ["settlements.settlement_id=code", "settlements.name=naam"],
        "standard": "municipal-minimum",
    }
    monkeypatch.setenv("ATLAS_SERVE", json.dumps(spec))
    at = app("pages/settlement.py")
    assert at.subheader[0].value == "Enkanini"
    text = " ".join(m.value for m in at.markdown)
    assert "The standard is 1 tap for 50 households. The standard is met." in text


def test_a_broken_served_file_shows_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    (tmp_path / "s.geojson").write_text("{broken", encoding="utf-8")
    spec = {"settlements": str(tmp_path / "s.geojson"), "services": str(tmp_path / "s.geojson")}
    monkeypatch.setenv("ATLAS_SERVE", json.dumps(spec))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "cannot be used" in at.error[0].value and "Could not open" in at.error[0].value


def test_clusters_page_offers_the_view_for_download() -> None:
    import io
    import zipfile

    at = app("pages/clusters.py", cluster="Kgotso South Cluster")
    at.selectbox(key="download_format").set_value("geojson").run()
    assert not at.exception
    assert at.get("download_button"), "no download button on the clusters page"
    from datetime import date

    from pages.state.downloads import download
    from pages.state.sources import SAMPLE

    day = date(2026, 12, 1)
    file = download(SAMPLE, "cape-town", "geojson", "Kgotso South Cluster", "water", on=day)
    assert file.file_name == "kgotso-south-cluster_cape-town_2026-12-01_geojson.zip"
    names = zipfile.ZipFile(io.BytesIO(file.data)).namelist()
    assert "settlements.geojson" in names
    import json

    features = json.loads(zipfile.ZipFile(io.BytesIO(file.data)).read("settlements.geojson"))
    assert {f["properties"]["cluster"] for f in features["features"]} == {"Kgotso South Cluster"}


def test_clusters_page_offers_the_cluster_report() -> None:
    at = app("pages/clusters.py", cluster="Ilanga East Cluster")
    assert not at.exception
    from pages.state.downloads import report_pdf
    from pages.state.sources import SAMPLE

    pdf = report_pdf(SAMPLE, "cape-town", "Ilanga East Cluster")
    assert pdf.startswith(b"%PDF")
    from pages.state.timeline import today  # the South African day, as the page names files

    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Download the report of Ilanga East Cluster (PDF)",
        "Download the submission pack of Ilanga East Cluster (PDF)",
        "Download the wall map of Ilanga East Cluster (A2, PDF)",
        f"Download ilanga-east-cluster_cape-town_{today().isoformat()}_geojson.zip",
    ], labels
    at.radio(key="poster_size").set_value("A3").run()
    assert "Download the wall map of Ilanga East Cluster (A3, PDF)" in [
        b.proto.label for b in at.get("download_button")
    ]
    from pages.state.downloads import poster_pdf

    poster = poster_pdf(SAMPLE, "cape-town", "Ilanga East Cluster", "A3")
    assert poster.startswith(b"%PDF") and b"/MediaBox [0 0 841.89 1190.55]" in poster


def test_downloads_include_the_delivery_comparison_shown_on_the_schedules_page() -> None:
    import io
    import json
    import zipfile
    from datetime import date

    from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
    from pages.state.deliveries import DeliveriesUsed
    from pages.state.downloads import download
    from pages.state.sources import SAMPLE

    at = app("pages/schedules.py")
    used = at.session_state["deliveries_used"]
    assert isinstance(used, DeliveriesUsed) and used.source == SAMPLE
    assert Path(used.schedule) == SAMPLE_SCHEDULE and Path(used.deliveries) == SAMPLE_DELIVERIES
    fixed = DeliveriesUsed(
        SAMPLE, used.schedule, used.deliveries, date(2026, 8, 1), date(2026, 10, 30), 2.0, 10.0
    )
    file = download(SAMPLE, "cape-town", "geojson", None, "water", fixed)
    features = json.loads(zipfile.ZipFile(io.BytesIO(file.data)).read("settlements.geojson"))[
        "features"
    ]
    by_id = {f["properties"]["settlement_id"]: f["properties"] for f in features}
    # The Water deliveries page shows Sizwe Village (SET-001): 22 of 26 on time and in full.
    assert by_id["SET-001"]["delivery_scheduled"] == 26
    assert by_id["SET-001"]["delivery_on_time_in_full"] == 22
    assert by_id["SET-002"]["delivery_compliance"] is None
