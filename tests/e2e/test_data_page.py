"""The Data page in Chromium, with real municipal data as it comes (../shared/real, skipped when
absent): the City of Cape Town's informal settlements (a zipped Shapefile in Web Mercator, with
4 invalid outlines and 110 settlements counted as 0 households and 0 people) and the national
clinics CSV loaded as service points of a ``health`` category that no preset has, added to the
standard with the button the unknown category offers."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

import atlas
from atlas.i18n import plural
from atlas.load.columns import Constant
from atlas.measure.standards import with_category
from atlas.summaries.phrases import NOT_IN_A_CLUSTER, cluster_sentences, with_cluster_labels
from pages.state.standard_form import default_rule
from pages.state.uploads import UPLOAD_ROOT
from tests.atlas.real_common import CLINICS, INFORMAL
from tests.conftest import real_path
from tests.e2e.conftest import ARTIFACTS, Page, choose, settle

pytestmark = pytest.mark.e2e

#: The Cape Town layer's standard the health category is added to (the app's default).
HEALTH_STANDARD = "City of Cape Town target, with health (cape-town-health.toml)"


def zipped_shapefile(folder: Path) -> Path:
    """The Cape Town settlements' .shp, .shx, .dbf and .prj zipped, as a user uploads them."""
    shp = real_path(*INFORMAL)
    target = folder / "informal.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            archive.write(shp.with_suffix(suffix), shp.with_suffix(suffix).name)
    return target


def upload(page: Any, index: int, path: Path, then: str) -> None:
    """Give the ``index``-th file uploader of the page ``path`` and wait for ``then``."""
    page.locator("input[type='file']").nth(index).set_input_files(str(path))
    page.get_by_text(then, exact=False).first.wait_for(timeout=120_000)
    settle(page)


def sentence(result: atlas.GapResult, category: str) -> str:
    """The Clusters page's sentence about the settlements in no cluster, from the API."""
    labelled = with_cluster_labels(result.clusters)
    return cluster_sentences(labelled, result.standard, category)[-1]


def type_into(page: Any, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    settle(page)


def test_clinics_as_health_with_the_cape_town_settlements(
    page: Page, server: str, tmp_path: Path
) -> None:
    settlements = zipped_shapefile(tmp_path)
    clinics = tmp_path / "clinics.csv"
    clinics.write_bytes(real_path(*CLINICS).read_bytes())
    p = page.page
    p.goto(f"{server}/data")
    settle(p)

    upload(p, 0, settlements, "Columns of informal.zip")
    # Invalid outlines are named by settlement and id, located in longitude/latitude.
    named = "Appelboord (TYGAPP001) at 18.60928, -33.92574: Self-intersection"
    p.get_by_text(named, exact=False).first.wait_for(timeout=120_000)
    zeros = "110 settlements have 0 households and 0 people"
    p.get_by_text(zeros, exact=False).first.wait_for(timeout=60_000)
    # The City's own toilet counts, offered among the columns, are the settlements' counts.
    choose(p, "sanitation_working", "Tlt_Total")

    upload(p, 1, clinics, "Columns of clinics.csv")
    type_into(p, "…or one category for every row", "health")
    type_into(p, "…or one status for every row", "working")
    # No preset measures clinics: the check refuses the category and offers to add it.
    p.get_by_text("Unknown category values", exact=False).first.wait_for(timeout=60_000)
    add = p.get_by_role("button", name="Add “health” to the standard")
    add.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "data_page_unknown_category.png"))
    add.click()
    settle(p)
    p.get_by_text("services: 0 errors, 3 warnings").wait_for(timeout=120_000)
    # The sidebar's Standard shows the session's new standard, named without its folder.
    sidebar = p.locator("[data-testid='stSidebar']")
    from playwright.sync_api import expect  # imported here: the page fixture skips without it

    expect(sidebar.get_by_label("Standard", exact=True)).to_have_value(
        HEALTH_STANDARD, timeout=60_000
    )
    # The form shows the rule just added, to edit (once Streamlit has drawn the rerun).
    category = p.get_by_label("Category (one lower-case word, such as health)")
    expect(category).to_have_value("health", timeout=60_000)
    type_into(p, "Municipality's name", "City of Cape Town")
    p.get_by_text("services: 0 errors, 3 warnings").scroll_into_view_if_needed()
    p.screenshot(path=str(ARTIFACTS / "data_page_clinics.png"))

    p.get_by_role("button", name="Use these files").click()
    settle(p)
    standard = with_category(atlas.load_standard("cape-town"), "health", default_rule("health"))
    expected = atlas.load_dataset(
        real_path(*INFORMAL),
        real_path(*CLINICS),
        mapping={
            "settlements": {"sanitation_working": "Tlt_Total"},
            "services": {"category": Constant("health"), "status": Constant("working")},
        },
        categories=list(standard.categories),
    )
    result = atlas.compute_gaps(expected, standard)
    now = (
        f"Now showing: Uploaded: informal.zip ({plural(len(expected.settlements), 'settlement')}, "
        f"{plural(len(expected.services), 'service point')})."
    )
    p.get_by_text(now, exact=False).wait_for(timeout=120_000)
    assert len(expected.settlements) == 326 and len(expected.services) > 2600
    # No server path anywhere: uploads are named by their own names.
    # The server's folder is its own (a fresh private one): no folder of it is shown.
    assert str(UPLOAD_ROOT) not in p.content() and "atlas-uploads-" not in p.content()

    # The Cape Town layer names no clusters: every settlement is in the one row that says so.
    p.get_by_role("link", name="Clusters").click()
    settle(p)
    p.get_by_text(sentence(result, "water"), exact=False).wait_for(timeout=120_000)
    assert sentence(result, "water").startswith(f"{NOT_IN_A_CLUSTER} (326 settlements, ")
    for category in ("sanitation", "health"):
        choose(p, "Service", category, within=sidebar)
        expect(sidebar.get_by_label("Service", exact=True)).to_have_value(category, timeout=60_000)
        p.get_by_text(sentence(result, category), exact=False).wait_for(timeout=120_000)
        if category == "sanitation":
            p.wait_for_timeout(3000)  # the tables draw on a canvas after the script ends
            p.screenshot(path=str(ARTIFACTS / "clusters_not_in_a_cluster.png"))
    # The toilets counted are the City's own (Tlt_Total), not 0.
    assert result.clusters["sanitation_working"].iloc[-1] > 0
    assert page.blocked == [], f"the app asked the internet for {page.blocked[:3]}"
