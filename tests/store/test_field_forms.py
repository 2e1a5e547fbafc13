"""Reports from field forms: KoboToolbox and ODK Central exports of the atlas's report form,
written here in the exact shape those servers export (see the headers below), imported on
both backends: the reports kept, the refused lines with why, edits, and re-imports.

The shapes, as the servers' own code writes them:

* KoboToolbox: formpack's ``Export.to_csv`` as KPI runs it (``kpi/models/import_export_task.py``
  ``COPY_FIELDS``, ``force_index``; "XML values and headers"): ``;`` between values, every value
  quoted, ``\\r\\n`` line ends; a geopoint as one column and ``_<name>_latitude``… (with groups in
  the headers: ``report/_location_latitude``, the combined ``location`` left bare); the copy
  fields ``_id`` … ``meta/rootUuid`` and ``_index`` last (KPI's ``test_mock_data_exports``). In
  XLSX with "types as data", dates are Excel dates without their offset, numbers numbers.
* ODK Central: ``lib/data/briefcase.js``: ``SubmissionDate``, the fields with their group paths
  joined by ``-``, a geopoint as ``-Latitude``, ``-Longitude``, ``-Altitude``, ``-Accuracy``,
  then ``KEY``, ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``,
  ``AttachmentsExpected``, ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``
  (its tests' headers); csv-stringify quotes only what needs it.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from atlas import store as st
from atlas.errors import AccessDenied, DataFileError
from tests.store.conftest import Team, scalar

KOBO_FORM = [
    "start", "end", "report/settlement_id", "report/service_id", "report/category",
    "report/problem", "report/observed_at", "report/note", "report/photo", "report/photo_URL",
    "location", "report/_location_latitude", "report/_location_longitude",
    "report/_location_altitude", "report/_location_precision",
]  # fmt: skip
KOBO_META = [
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_tags", "meta/rootUuid", "_index",
]  # fmt: skip
KOBO_HEADER = KOBO_FORM + KOBO_META
ODK_HEADER = [
    "SubmissionDate", "start", "end", "report-settlement_id", "report-service_id",
    "report-category", "report-problem", "report-observed_at", "report-note", "report-photo",
    "report-location-Latitude", "report-location-Longitude", "report-location-Altitude",
    "report-location-Accuracy", "meta-instanceID", "meta-instanceName", "KEY", "SubmitterID",
    "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
    "DeviceID", "Edits", "FormVersion",
]  # fmt: skip
U = "1b6ff1c8-0d0c-4c38-9b0e-5e3a5d0e0a"  # the submissions' uuids: U + "01", U + "02"…


def kobo_row(
    n: int,
    uuid: str,
    settlement: str,
    category: str,
    problem: str,
    observed: str,
    *,
    service: str = "",
    note: str = "",
    photo: str = "",
    geopoint: str = "",
    root: str | None = None,
    validation: str = "",
) -> list[str]:
    """A row of a KoboToolbox export (the values formpack writes for each column)."""
    lat, lon, alt, acc = ([*geopoint.split(), "", "", "", ""])[:4]
    url = f"https://kf.kobotoolbox.org/media/original?media_file=mandla%2F{photo}" if photo else ""
    return [
        "2026-11-20T09:12:03.123+02:00", "2026-11-20T09:15:40.456+02:00", settlement, service,
        category, problem, observed, note, photo, url, geopoint, lat, lon, alt, acc,
        str(500 + n), uuid, "2026-11-20T07:16:02", validation, "", "submitted_via_web",
        "mandla", "vKx9Fz3zqTzLQeQ", "", f"uuid:{root or uuid}", str(n),
    ]  # fmt: skip


def write_kobo_csv(path: Path, rows: list[list[str]], header: list[str] = KOBO_HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerows([header, *rows])
    return path


def odk_row(
    uuid: str,
    settlement: str,
    category: str,
    problem: str,
    observed: str,
    *,
    note: str = "",
    geopoint: str = "",
    key: str | None = None,
    status: str = "",
    review: str = "",
    edits: int = 0,
) -> list[str]:
    """A row of an ODK Central export of the form."""
    lat, lon, alt, acc = ([*geopoint.split(), "", "", "", ""])[:4]
    name = f"{settlement} {category} {problem}" if settlement else ""
    return [
        "2026-11-22T08:01:12.345Z", "2026-11-22T07:55:10.101+02:00",
        "2026-11-22T07:58:40.202+02:00", settlement, "", category, problem, observed, note, "",
        lat, lon, alt, acc, uuid, name, key or uuid, "5", "Mandla", "0", "0", status,
        review or ("edited" if edits else ""), "collect:Xk3Pq9", str(edits), "2026120101",
    ]  # fmt: skip


def write_odk_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([ODK_HEADER, *rows])
    return path


#: The first KoboToolbox export: lines 2-12 (B's note takes lines 3-4).
KOBO_ROWS = [
    kobo_row(1, U + "01", "SET-001", "water", "broken", "2026-11-20T09:00:00.000+02:00",
             note="The handle is off", geopoint="-26.03350 28.30580 1520.4 4.9"),  # 2
    kobo_row(2, U + "02", "SET-002", "sanitation", "not_cleaned", "2026-11-19T17:30:00.000+02:00",
             service="SRV-0031", note="Not cleaned since Monday;\nthe door is broken",
             photo="1763622940123.jpg"),  # 3-4
    kobo_row(3, U + "03b", "SET-003", "electricity", "no_power",
             "2026-11-18T20:00:00.000+02:00", geopoint="-26.04550 28.30860 0 10",
             root=U + "03"),  # 5: edited in Kobo before this export
    kobo_row(1, U + "01", "SET-001", "water", "broken", "2026-11-20T09:00:00.000+02:00",
             note="The handle is off", geopoint="-26.03350 28.30580 1520.4 4.9"),  # 6: again
    kobo_row(5, U + "05", "SET-001", "water", "leaking", "2026-11-20T10:00:00.000+02:00",
             geopoint="near the tap"),  # 7
    kobo_row(6, U + "06", "SET-002", "water", "flooded", "2026-11-20T10:00:00.000+02:00"),  # 8
    kobo_row(7, U + "07", "SET-999", "water", "broken", "2026-11-20T10:00:00.000+02:00"),  # 9
    kobo_row(8, U + "08", "SET-002", "water", "broken", "20/11/2026 09:00"),  # 10
    kobo_row(9, U + "09", "SET-003", "waste", "overflowing", "2026-11-20T10:00:00.000+02:00",
             validation="validation_status_not_approved"),  # 11
    kobo_row(10, U + "10", "SET-004", "water", "leaking low_pressure", ""),  # 12
]  # fmt: skip
KOBO_REFUSED = {
    6: f"submission uuid:{U}01 is on line 2 already",
    7: "The location 'near the tap' is not a geopoint: ODK writes one as latitude, longitude",
    8: "'flooded' is not a water problem",
    9: "There is no settlement 'SET-999' in the register",
    10: "observed_at '20/11/2026 09:00' is not a time",
    11: f"KoboToolbox marks the submission uuid:{U}09 not approved",
}


def _refused(result: st.ImportResult) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in result.rejected}


def _check_refused(result: st.ImportResult, expected: dict[int, str]) -> None:
    refused = _refused(result)
    assert sorted(refused) == sorted(expected)
    for line, reason in expected.items():
        assert reason in refused[line], (line, refused[line])


def _by_external_id(store: st.Store, user: st.User) -> dict[str, dict[str, object]]:
    return {r["external_id"]: r for r in st.list_reports(store, user)}


def test_a_kobo_export_is_imported_once(team: Team, registered: st.Store, tmp_path: Path) -> None:
    path = write_kobo_csv(tmp_path / "atlas_report.csv", KOBO_ROWS)
    calls: list[tuple[int, int]] = []
    result = st.import_form_export(
        registered,
        team.coordinator,
        path,
        "kobo",
        progress=lambda done, added: calls.append((done, added)),
        batch=4,
    )
    # 10 rows, 11 entries (line 12 ticks two problems): batches of 4, 4 and 3
    assert (result.added, result.edited, result.unchanged) == (5, 0, 0)
    assert calls == [(4, 3), (8, 3), (11, 5)]
    _check_refused(result, KOBO_REFUSED)
    found = _by_external_id(registered, team.coordinator)
    assert sorted(found) == [f"uuid:{U}{n}" for n in ("01", "02", "03", "10")] + [
        f"uuid:{U}10#low_pressure"
    ]
    a = found[f"uuid:{U}01"]
    assert (a["settlement_id"], a["category"], a["problem"], a["channel"]) == (
        "SET-001",
        "water",
        "broken",
        "kobo",
    )
    assert (a["lon"], a["lat"], a["service_id"]) == (28.3058, -26.0335, None)  # the geopoint
    assert (a["observed_at"], a["description"]) == (
        "2026-11-20T09:00:00+02:00",
        "The handle is off",
    )
    b = found[f"uuid:{U}02"]
    assert (b["service_id"], b["lon"], b["lat"]) == ("SRV-0031", 28.296299, -26.036301)
    assert b["description"] == "Not cleaned since Monday;\nthe door is broken"
    c = found[f"uuid:{U}03"]  # kept under the id it was first sent under, with its edit's values
    assert (c["problem"], c["lon"], c["lat"]) == ("no_power", 28.3086, -26.0455)
    both = [found[f"uuid:{U}10"], found[f"uuid:{U}10#low_pressure"]]
    assert [(r["problem"], r["observed_at"]) for r in both] == [
        ("leaking", "2026-11-20T09:16:02+02:00"),  # no observed_at: when it reached the server
        ("low_pressure", "2026-11-20T09:16:02+02:00"),
    ]
    versions = scalar(
        registered,
        "SELECT count(*) FROM report_versions v JOIN reports r ON r.id = v.report_id "
        "WHERE r.external_id = :c",
        c=f"uuid:{U}03",
    )
    assert versions == 2  # ...03 and ...03b
    assert scalar(registered, "SELECT count(*) FROM report_versions") == 6

    again = st.import_form_export(registered, team.coordinator, path, "kobo")
    assert (again.added, again.edited, again.unchanged) == (0, 0, 5)
    _check_refused(again, KOBO_REFUSED)
    assert scalar(registered, "SELECT count(*) FROM reports") == 5
    assert scalar(registered, "SELECT count(*) FROM report_history") == 5
    assert scalar(registered, "SELECT count(*) FROM report_versions") == 6


def test_an_edit_corrects_its_report_with_a_history_row(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    first = write_kobo_csv(tmp_path / "first.csv", KOBO_ROWS)
    st.import_form_export(registered, team.coordinator, first, "kobo")
    found = _by_external_id(registered, team.coordinator)
    a, b, c = (found[f"uuid:{U}{n}"]["service_request_id"] for n in ("01", "02", "03"))
    assert isinstance(c, str)
    st.update_report(registered, team.coordinator, c, "confirmed", at="2026-11-25T10:00")
    later = [
        kobo_row(1, U + "01b", "SET-001", "water", "leaking", "2026-11-20T09:00:00.000+02:00",
                 note="The handle is off and it leaks", geopoint="-26.03350 28.30580 1520.4 4.9",
                 root=U + "01"),  # 2: edited
        kobo_row(2, U + "02", "SET-002", "sanitation", "not_cleaned",
                 "2026-11-19T17:30:00.000+02:00", service="SRV-0031",
                 note="Not cleaned since Monday;\nthe door is broken"),  # 3-4: as before
        kobo_row(3, U + "03c", "SET-003", "electricity", "broken",
                 "2026-11-18T20:00:00.000+02:00", geopoint="-26.04550 28.30860 0 10",
                 root=U + "03"),  # 5: edited again
        kobo_row(2, U + "02b", "SET-003", "sanitation", "not_cleaned",
                 "2026-11-19T17:30:00.000+02:00", root=U + "02"),  # 6: to another settlement
        kobo_row(3, U + "03d", "SET-003", "electricity", "no_power",
                 "2026-11-26T20:00:00.000+02:00", root=U + "03"),  # 7: seen after confirmed
    ]  # fmt: skip
    second = write_kobo_csv(tmp_path / "second.csv", later)
    result = st.import_form_export(registered, team.coordinator, second, "kobo")
    assert (result.added, result.edited, result.unchanged) == (0, 2, 1)
    assert result.to_record()["edited"] == 2
    _check_refused(
        result,
        {
            6: f"The edit moves report {b} from settlement SET-002 to SET-003: a report stays",
            7: "The edit says the problem was seen at 2026-11-26T20:00:00+02:00, after report",
        },
    )
    found = _by_external_id(registered, team.coordinator)
    edited = found[f"uuid:{U}01"]
    assert (edited["problem"], edited["description"], edited["state"]) == (
        "leaking",
        "The handle is off and it leaks",
        "reported",
    )
    steps = st.history(registered, team.coordinator, str(a))
    assert [(h["state_from"], h["state_to"], h["actor"]) for h in steps] == [
        (None, "reported", "cora"),
        ("reported", "reported", "cora"),
    ]
    assert steps[1]["note"] == (
        "edited in the form: problem broken → leaking; "
        "note 'The handle is off' → 'The handle is off and it leaks'"
    )
    steps = st.history(registered, team.coordinator, c)
    assert [(h["state_from"], h["state_to"]) for h in steps] == [
        (None, "reported"),
        ("reported", "confirmed"),
        ("confirmed", "confirmed"),
    ]
    assert steps[2]["note"] == "edited in the form: problem no_power → broken"
    audits = [r for r in st.read_audit(registered, team.admin) if r["action"] == "report.edited"]
    assert [(r["subject"], r["detail"]) for r in audits] == [
        (a, {"changed": ["problem", "description"], "version": f"uuid:{U}01b"}),
        (c, {"changed": ["problem"], "version": f"uuid:{U}03c"}),
    ]
    imported = [r["detail"] for r in st.read_audit(registered, team.admin)]
    assert {"added": 0, "edited": 2} in imported

    # Either export again changes nothing: the old versions are kept too.
    for path in (second, first):
        again = st.import_form_export(registered, team.coordinator, path, "kobo")
        assert (again.added, again.edited) == (0, 0)
    assert _by_external_id(registered, team.coordinator)[f"uuid:{U}01"]["problem"] == "leaking"
    assert scalar(registered, "SELECT count(*) FROM report_history") == 8


def test_an_edit_and_its_original_in_one_file_make_one_report(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    # A table that carries meta/instanceID and meta/deprecatedID (e.g. KoboToolbox's data
    # API flattened), the edit listed before its original, and an edit of nothing kept.
    header = [*KOBO_FORM, "meta/instanceID", "meta/deprecatedID", "_uuid", "_submission_time"]

    def row(instance: str, deprecated: str, problem: str) -> list[str]:
        values = kobo_row(1, instance, "SET-005", "water", problem, "2026-11-21T06:00")
        return [*values[: len(KOBO_FORM)], f"uuid:{instance}", deprecated, instance, values[17]]

    rows = [
        row("e2", "uuid:e1", "leaking"),  # 2
        row("e1", "", "broken"),  # 3
        row("f2", "uuid:f1", "broken"),  # 4
    ]
    path = write_kobo_csv(tmp_path / "edits.csv", rows, header)
    result = st.import_form_export(registered, team.coordinator, path, "kobo")
    assert (result.added, result.edited, result.unchanged) == (1, 1, 0)
    _check_refused(result, {4: "The submission uuid:f2 is an edit of uuid:f1, which is not kept"})
    [report] = st.list_reports(registered, team.coordinator)
    assert (report["external_id"], report["problem"]) == ("uuid:e1", "leaking")
    again = st.import_form_export(registered, team.coordinator, path, "kobo")
    assert (again.added, again.edited, again.unchanged) == (0, 0, 2)


def test_a_kobo_xlsx_export_names_sheet_rows(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    # KoboToolbox's defaults: no groups in the headers, types as data (dates without offset)
    header = [h.split("/")[-1] for h in KOBO_HEADER]
    book = Workbook()
    sheet = book.active
    sheet.title = "Settlement Atlas report"  # the project's name
    sheet.append(header)
    seen = datetime(2026, 11, 21, 7, 45)
    start, end = datetime(2026, 11, 21, 7, 50, 1, 123000), datetime(2026, 11, 21, 7, 52, 2)
    sheet.append([start, end, "SET-005", None, "waste", "missed_collection", seen, None, None,
                  None, "-26.05 28.3 0 5", -26.05, 28.3, 0, 5, 601, "x1", "2026-11-21T05:53:00",
                  None, None, "submitted_via_web", "mandla", "vKx9Fz3zqTzLQeQ", None, "uuid:x1",
                  1])  # fmt: skip
    sheet.append([start, end, None, None, "water", "broken", seen, None, None, None, None, None,
                  None, None, None, 602, "x2", "2026-11-21T05:53:00", None, None,
                  "submitted_via_web", "mandla", "vKx9Fz3zqTzLQeQ", None, "uuid:x2", 2])  # fmt: skip
    sheet.append([None] * len(header))  # an empty row
    sheet.append([start, end, "SET-006", None, "Water", "No_Water", seen, "Dry since Sunday",
                  None, None, None, None, None, None, None, 603, "x3", "2026-11-21T05:53:00",
                  None, None, "submitted_via_web", "mandla", "vKx9Fz3zqTzLQeQ", None, "uuid:x3",
                  3])  # fmt: skip
    path = tmp_path / "atlas_report.xlsx"
    book.save(path)
    result = st.import_form_export(registered, team.coordinator, path, "kobo")
    assert (result.added, result.unchanged) == (2, 0)
    _check_refused(result, {3: "The submission uuid:x2 names no settlement"})
    found = _by_external_id(registered, team.coordinator)
    x1, x3 = found["uuid:x1"], found["uuid:x3"]
    assert (x1["observed_at"], x1["lon"], x1["lat"]) == ("2026-11-21T07:45:00+02:00", 28.3, -26.05)
    assert (x3["category"], x3["problem"], x3["lon"]) == ("water", "no_water", None)
    again = st.import_form_export(registered, team.coordinator, path, "kobo")
    assert (again.added, again.unchanged) == (0, 2)


@pytest.mark.parametrize("separator", ["/", ".", None], ids=["slash", "dot", "no-groups"])
def test_group_separators_and_bare_names_read_alike(tmp_path: Path, separator: str | None) -> None:
    def named(header: str) -> str:
        if separator is None:
            return header.split("/")[-1]
        return header.replace("report/", f"report{separator}")

    header = [named(h) if h in KOBO_FORM else h for h in KOBO_HEADER]
    path = write_kobo_csv(tmp_path / "export.csv", KOBO_ROWS[:1], header)
    [(line, entry)] = st.read_form_export(path, "kobo")
    assert isinstance(entry, st.FormVersion)
    assert (line, entry.root, entry.replaces) == (2, f"uuid:{U}01", None)
    assert entry.report == st.NewReport(
        settlement_id="SET-001",
        category="water",
        problem="broken",
        observed_at="2026-11-20T09:00:00.000+02:00",
        note="The handle is off",
        channel="kobo",
        lon=28.3058,
        lat=-26.0335,
        external_id=f"uuid:{U}01",
    )


ODK_ROWS = [
    odk_row("uuid:o1", "SET-006", "water", "low_pressure", "2026-11-22T07:30:00.000+02:00",
            note="Only a trickle", geopoint="-26.0401 28.3102 1500 3.9"),  # 2
    odk_row("uuid:o2b", "SET-007", "sanitation", "blocked", "2026-11-21T18:00:00.000+02:00",
            key="uuid:o2", edits=1),  # 3: edited in Central
    odk_row("uuid:o3", "SET-007", "water", "broken", "2026-11-21T18:00:00.000+02:00",
            review="rejected"),  # 4
    odk_row("uuid:o4", "", "", "", "", status="not decrypted"),  # 5
    odk_row("uuid:o5", "SET-008", "water", "broken", "2026-11-21T18:00:00.000+02:00",
            geopoint="126.1 28.3 0 0"),  # 6
]  # fmt: skip
ODK_REFUSED = {
    4: "ODK Central's reviewers rejected the submission uuid:o3",
    5: "ODK Central could not read the submission uuid:o4 (not decrypted)",
    6: "The location '126.1 28.3' is not a geopoint",
}


def test_an_odk_central_export_and_its_edits(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    path = write_odk_csv(tmp_path / "atlas_report.csv", ODK_ROWS)
    result = st.import_form_export(registered, team.coordinator, path, "odk")
    assert (result.added, result.edited, result.unchanged) == (2, 0, 0)
    _check_refused(result, ODK_REFUSED)
    found = _by_external_id(registered, team.coordinator)
    assert sorted(found) == ["uuid:o1", "uuid:o2"]  # KEY: the id first sent
    o1 = found["uuid:o1"]
    assert (o1["channel"], o1["problem"], o1["lon"], o1["lat"]) == (
        "odk",
        "low_pressure",
        28.3102,
        -26.0401,
    )
    assert found["uuid:o2"]["problem"] == "blocked"
    again = st.import_form_export(registered, team.coordinator, path, "odk")
    assert (again.added, again.edited, again.unchanged) == (0, 0, 2)

    edited = write_odk_csv(
        tmp_path / "later.csv",
        [
            odk_row("uuid:o1b", "SET-006", "water", "low_pressure", "2026-11-22T07:30:00.000+02:00",
                    note="Only a trickle since Friday", geopoint="-26.0401 28.3102 1500 3.9",
                    key="uuid:o1", edits=1)
        ],
    )  # fmt: skip
    result = st.import_form_export(registered, team.coordinator, edited, "odk")
    assert (result.added, result.edited, result.rejected) == (0, 1, [])
    [_, step] = st.history(registered, team.coordinator, str(o1["service_request_id"]))
    assert (
        step["note"] == "edited in the form: note 'Only a trickle' → 'Only a trickle since Friday'"
    )
    assert st.import_form_export(registered, team.coordinator, edited, "odk").unchanged == 1


def test_the_wrong_kind_or_file_is_refused_before_anything_is_written(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    odk = write_odk_csv(tmp_path / "central.csv", ODK_ROWS)
    with pytest.raises(DataFileError, match=r"central\.csv is an ODK Central export, not Kobo"):
        st.import_form_export(registered, team.coordinator, odk, "kobo")
    kobo = write_kobo_csv(tmp_path / "kobo.csv", KOBO_ROWS)
    with pytest.raises(DataFileError, match=r"--kind kobo\)"):
        st.import_form_export(registered, team.coordinator, kobo, "odk")
    plain = tmp_path / "reports.csv"
    plain.write_text("external_id,settlement_id,category,problem,observed_at\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"no column meta/instanceID \(or _uuid, KEY\)"):
        st.import_form_export(registered, team.coordinator, plain, "kobo")
    labels = write_kobo_csv(tmp_path / "labels.csv", [], ["Settlement", "Which service?"])
    with pytest.raises(DataFileError, match="'XML values and headers'"):
        st.import_form_export(registered, team.coordinator, labels, "kobo")
    with pytest.raises(DataFileError, match="'sms' is not a field-form export"):
        st.import_form_export(registered, team.coordinator, kobo, "sms")
    with pytest.raises(AccessDenied, match="vusi is a viewer"):  # before reading any file
        st.import_form_export(registered, team.viewer, tmp_path / "missing.csv", "kobo")
    assert scalar(registered, "SELECT count(*) FROM reports") == 0


def test_a_member_imports_their_own_clusters_submissions(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    rows = [
        kobo_row(1, U + "21", "SET-001", "water", "broken", "2026-11-20T09:00:00.000+02:00"),
        kobo_row(2, U + "22", "SET-011", "water", "broken", "2026-11-20T09:00:00.000+02:00"),
    ]
    path = write_kobo_csv(tmp_path / "export.csv", rows)
    result = st.import_form_export(registered, team.member, path, "kobo")
    assert result.added == 1
    _check_refused(result, {3: "Masakhane is not in your cluster"})
    [report] = st.list_reports(registered, team.member)
    assert (report["external_id"], report["reporter"]) == (f"uuid:{U}21", "mandla")
