"""The app never shows a traceback (issue #19): a page, or one section of a long page, that
fails shows a message worded for the browser with a short reference, the rest of the app keeps
working, and the server's log has the traceback under the same reference; Streamlit's own
control flow (``st.rerun``, ``st.stop``) passes through. Hostile uploads (a cp1252 CSV with a
ragged row, households of "Infinity", broken geometry) through the Data page's path.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

import atlas
from atlas.cli import main
from layers.text import markdown_text as md
from pages.state.choices import Source
from pages.state.guard import FAILED_PAGE, TELL
from pages.state.messages import error_text
from pages.state.uploads import (
    LayerUpload,
    check_layer,
    columns_of,
    files_source,
    store_upload,
)
from pages.state.wording import STANDARD_FORM
from tests.app.test_app import APP as APP_FILE

CLUSTER = "Kgotso South Cluster"
REFERENCE = re.compile(r"Reference: `([0-9a-f]{8})`")


def run(page: str | None = None, **state: object) -> AppTest:
    at = AppTest.from_file(APP_FILE, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def failing(error: Exception) -> Callable[..., None]:
    """A stand-in for a function a page calls, which raises ``error``."""

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


def logged(caplog: pytest.LogCaptureFixture, reference: str) -> logging.LogRecord:
    (record,) = [r for r in caplog.records if r.name == "atlas.app" and reference in r.message]
    return record


# -- the page boundary --------------------------------------------------------------------------


@pytest.mark.error_case
def test_a_page_that_fails_shows_a_message_and_the_sidebar_still_works(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        "pages.state.maps.map_for", failing(RuntimeError("secret detail of the failure"))
    )
    caplog.set_level(logging.WARNING, logger="atlas.app")
    at = run()  # the Map page, the default, inside streamlit_app.py
    assert not at.exception
    (shown,) = at.error
    assert shown.value.startswith(FAILED_PAGE) and TELL in shown.value
    # What to try is said; the exception's details stay on the server.
    assert "secret detail" not in shown.value and "Traceback" not in shown.value
    (reference,) = REFERENCE.findall(shown.value)
    # The sidebar above the page is all there. (Only the first run of AppTest goes through
    # streamlit_app.py: a rerun runs the page file alone, see tests/app/test_app.py.)
    assert at.sidebar.radio[0].label == "Dataset"
    assert [s.key for s in at.sidebar.selectbox] == ["language", "standard", "cluster", "category"]
    assert any("City of Cape Town" in c.value for c in at.sidebar.caption)
    record = logged(caplog, reference)
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "secret detail of the failure" in caplog.text and "Traceback" in caplog.text
    assert "map_for" in caplog.text or "in fail" in caplog.text


@pytest.mark.error_case
def test_a_section_that_fails_leaves_the_rest_of_the_page_working(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("pages.state.pack.pack_section", failing(KeyError("pack")))
    caplog.set_level(logging.WARNING, logger="atlas.app")
    at = run("pages/clusters.py", cluster=CLUSTER)
    assert not at.exception
    (shown,) = at.error
    assert shown.value.startswith(
        "Something went wrong with the submission pack; the rest of the page still works."
    )
    (reference,) = REFERENCE.findall(shown.value)
    # What comes before and after the section is on the page.
    headings = [s.value for s in at.subheader]
    assert {"All clusters", "Printable report", "Wall map", "Download"} <= set(headings)
    assert any(b.proto.label.startswith("Download the wall map") for b in at.get("download_button"))
    assert logged(caplog, reference).exc_info is not None


@pytest.mark.error_case
def test_an_atlas_error_in_a_section_is_shown_in_its_app_wording(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    error = atlas.DataFileError("Could not read '/srv/atlas/history.db' (it is locked).")
    monkeypatch.setattr("pages.state.timeline.working_history_chart", failing(error))
    caplog.set_level(logging.WARNING, logger="atlas.app")
    at = run("pages/clusters.py", cluster=CLUSTER)
    assert not at.exception
    (shown,) = at.error
    # The atlas's own message, files named without the server's folders, and the reference.
    assert shown.value.startswith(error_text(error, "The chart over time"))
    assert "/srv/atlas" not in shown.value and md("history.db") in shown.value
    (reference,) = REFERENCE.findall(shown.value)
    record = logged(caplog, reference)
    # An error in the user's input is said on screen; the log keeps its kind, not its text
    # (it may quote the user's data), and no traceback.
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "DataFileError" in record.getMessage() and "history.db" not in record.getMessage()
    assert "Printable report" in [s.value for s in at.subheader]


@pytest.mark.accepted_case
def test_streamlit_control_flow_passes_through_a_guard() -> None:
    """``st.rerun`` and ``st.stop`` inside a guarded section are not failures: Streamlit raises
    them as ``BaseException`` (``ScriptControlException``), which the guard does not catch."""

    def script() -> None:
        import streamlit as st

        from pages.state.guard import guard

        with guard("a section that reruns"):
            if not st.session_state.get("again"):
                st.session_state["again"] = True
                st.rerun()
            st.write("after the rerun")
        with guard("a section that stops"):
            st.stop()
        st.write("never shown")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception and not at.error
    assert at.session_state["again"] is True
    assert [m.value for m in at.markdown] == ["after the rerun"]


# -- the Data page --------------------------------------------------------------------------


def _ok_upload(layer: str, *_: object) -> LayerUpload:
    return LayerUpload(
        layer, f"{layer}.geojson", f"/nowhere/{layer}.geojson", (), None, atlas.Report(layer)
    )


@pytest.mark.error_case
def test_an_upload_that_fails_unexpectedly_is_a_message_and_blocks_the_files(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def upload(layer: str, *args: object) -> LayerUpload | None:
        if layer == "services":
            raise shapely.errors.GEOSException("IllegalArgumentException: something new")
        return _ok_upload(layer) if layer == "settlements" else None

    monkeypatch.setattr("pages.state.uploads.upload_layer", upload)
    caplog.set_level(logging.WARNING, logger="atlas.app")
    at = run("pages/data.py")
    assert not at.exception
    (shown,) = at.error
    assert shown.value.startswith("Something went wrong with the services file")
    assert "export it again" in shown.value and REFERENCE.search(shown.value)
    # The services that failed are not quietly left out: the files cannot be used yet.
    assert "Use these files" not in [b.label for b in at.button]
    assert any("Upload the settlements (and fix any errors above)" in c.value for c in at.caption)
    # The rest of the page still works.
    assert STANDARD_FORM in [s.value for s in at.subheader]
    assert "IllegalArgumentException" in caplog.text


@pytest.mark.error_case
def test_using_the_files_catches_every_failure_not_only_the_atlas_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "pages.state.uploads.upload_layer",
        lambda layer, *a: _ok_upload(layer) if layer == "settlements" else None,
    )
    monkeypatch.setattr("pages.state.uploads.use_files", failing(OSError("disk on fire")))
    at = run("pages/data.py")
    at.button[[b.label for b in at.button].index("Use these files")].click().run()
    assert not at.exception
    (shown,) = at.error
    assert shown.value.startswith("Something went wrong with using these files")
    assert "disk on fire" not in shown.value
    assert STANDARD_FORM in [s.value for s in at.subheader]


# -- hostile uploads through the app's path and the command line ----------------------------


def _ragged_cp1252(tmp_path: Path) -> Path:
    path = tmp_path / "homes.csv"
    square = "POLYGON ((28 -26, 28.01 -26, 28.01 -25.99, 28 -25.99, 28 -26))"
    text = (
        "id,name,households,water_working,wkt\n"
        f'A,Ntšhaba,10,1,"{square}"\n'
        f'B,Beta,10,1,"{square}",extra\n'
    )
    path.write_bytes(text.encode("cp1252"))
    return path


@pytest.mark.error_case
def test_a_cp1252_csv_with_a_ragged_row_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = _ragged_cp1252(tmp_path)
    path = str(store_upload(written.read_bytes(), "homes.csv"))
    with pytest.raises(atlas.AtlasError) as refused:
        columns_of(path)  # what the Data page reads first: an error it shows, never a crash
    text = error_text(refused.value, "homes.csv")
    assert "line 3" in text and str(Path(path).parent) not in text
    code = main(["gaps", "--settlements", str(written)])
    err = capsys.readouterr().err
    assert code != 0 and "line 3" in err and "Traceback" not in err


@pytest.mark.error_case
def test_households_of_infinity_are_refused_with_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = tmp_path / "homes.csv"
    square = "POLYGON ((28 -26, 28.01 -26, 28.01 -25.99, 28 -25.99, 28 -26))"
    written.write_text(
        "id,name,households,water_working,wkt\n"
        f'A,Alpha,Infinity,1,"{square}"\nB,Beta,10,1,"{square}"\n'
    )
    path = str(store_upload(written.read_bytes(), "homes.csv"))
    report = check_layer(path, "settlements", (), "cape-town")
    (problem,) = [p for p in report.errors if p.column == "households"]
    assert problem.rows == (1,) and "Infinity" in problem.values
    upload = LayerUpload("settlements", "homes.csv", path, (), None, report)
    assert files_source([upload], zeros_are_counts=False, municipality_name="") is None
    code = main(["gaps", "--settlements", str(written)])
    err = capsys.readouterr().err
    assert code != 0 and "households" in err and "Traceback" not in err


@pytest.mark.warning_case
def test_an_upload_with_an_unclosed_ring_is_used_whole(tmp_path: Path) -> None:
    ring = [[28.1, -26.0], [28.11, -26.0], [28.11, -25.99], [28.1, -25.99]]  # not closed
    feature = {
        "type": "Feature",
        "properties": {"id": "B", "name": "Beta", "households": 10, "water_working": 1},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    written = tmp_path / "homes.geojson"
    written.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    path = str(store_upload(written.read_bytes(), "homes.geojson"))
    report = check_layer(path, "settlements", (), "cape-town")
    assert report.ok and [p.rows for p in report.warnings if "not closed" in p.message] == [(1,)]
    source = files_source(
        [LayerUpload("settlements", "homes.geojson", path, (), None, report)],
        zeros_are_counts=False,
        municipality_name="",
    )
    assert isinstance(source, Source)
    dataset = atlas.load_dataset(path)
    assert dataset.settlements.geometry.iloc[0].equals(shapely.Polygon([*ring, ring[0]]))


@pytest.mark.error_case
def test_a_failing_sidebar_leaves_signing_in_and_the_page(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("pages.state.sources.standard_options", failing(ValueError("sidebar")))
    caplog.set_level(logging.WARNING, logger="atlas.app")
    at = run()
    assert not at.exception
    (shown,) = at.sidebar.error
    assert shown.value.startswith("Something went wrong with the sidebar's choices")
    # Signing in is its own part of the sidebar, and the page below still runs.
    assert at.sidebar.title[0].value == "Settlement Atlas"
    assert "Map" in [h.value for h in at.header]
    assert "sidebar" in caplog.text


@pytest.mark.error_case
def test_a_guard_that_must_stop_shows_its_message_and_nothing_after_it() -> None:
    """The door of a shared server: nothing is shown past a door that failed."""

    def script() -> None:
        import streamlit as st

        from pages.state.guard import guard

        with guard("the sign-in", stop=True):
            raise LookupError("no such meeting")
        st.write("the page behind the door")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    (shown,) = at.error
    assert shown.value.startswith("Something went wrong with the sign-in")
    assert not at.markdown
