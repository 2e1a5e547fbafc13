"""The app in Streamlit's AppTest: every page runs on the sample, and interactions change it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import atlas

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


def app(page: str | None = None, **state: object) -> AppTest:
    """Run the app (its sidebar and default page), then open ``page`` with ``state`` chosen.

    AppTest runs a switched-to page file on its own, without the sidebar of
    ``streamlit_app.py`` (and drops the sidebar from reruns), so the sidebar's choices are set
    in the session state its widgets write to; the widgets are tested on the app's first run,
    and the whole app in a real browser in tests/e2e.
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
    assert [s.key for s in at.sidebar.selectbox] == ["standard", "cluster", "category"]
    assert at.sidebar.radio[0].label == "Dataset"
    assert any("City of Cape Town" in c.value for c in at.sidebar.caption)
    at.sidebar.selectbox(key="standard").set_value("sphere-2018").run()
    assert not at.exception


def frame(at: AppTest, i: int):
    return at.dataframe[i].value


@pytest.mark.parametrize(
    "page", ["pages/clusters.py", "pages/settlement.py", "pages/data.py", "pages/standards.py"]
)
def test_every_page_runs_on_the_sample(page: str) -> None:
    at = app(page)
    assert not at.error


def test_changing_the_standard_changes_cluster_totals_to_the_api_values() -> None:
    for preset in ("cape-town", "sphere-2018"):
        at = app("pages/clusters.py", standard=preset)
        expected = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard(preset)).clusters
        shown = frame(at, 0).set_index("Cluster")
        for _, row in expected.iterrows():
            assert shown.loc[row["cluster"], "Taps missing"] == row["water_gap"]
            assert shown.loc[row["cluster"], "Toilets needed"] == row["sanitation_needed"]


def test_choosing_a_cluster_shows_its_settlements_worst_first() -> None:
    at = app("pages/clusters.py", cluster="Kgotso South Cluster")
    table = frame(at, 1)
    assert set(table["Cluster"]) == {"Kgotso South Cluster"}
    gaps = table["Taps missing"].dropna().tolist()
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
