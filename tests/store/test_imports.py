"""Importing reports from a CSV file: each row checked like a typed report, refused rows named
by their line (the header is line 1), and idempotent on ``external_id``."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import store as st
from atlas.errors import AccessDenied, DataFileError
from tests.store.conftest import Team, scalar
from tests.store.helpers import write_rows

HEADER = "external_id,settlement_id,service_id,category,problem,observed_at,note,contact,channel"
LINES = [
    HEADER,  # 1
    "p-1,SET-001,SRV-0071,water,broken,2025-10-05T08:00,,,paper",  # 2
    'p-2,SET-001,,water,leaking,2025-10-05T09:00,"two',  # 3: a note on two lines
    'lines",082 555 0101,kobo',  # 4
    "p-3,SET-999,,water,broken,2025-10-05,,,",  # 5: no such settlement
    "",  # 6: blank
    "p-4,SET-002,,roads,broken,2025-10-05,,,",  # 7: no such category
    ",SET-002,,water,broken,2025-10-05,,,",  # 8: no external id
    "p-5,SET-002,,water,broken,2025-10-05,,,fax",  # 9: no such channel
    " p-6 ,SET-011,,sanitation,blocked,2025-10-06,,,meeting",  # 10: Ilanga East
    "p-1,SET-003,,water,broken,2025-10-05,,,",  # 11: p-1 again
    "p-7,SET-002,,water,broken,not a date,,,",  # 12: no time
]
#: The refused lines and what each reason names.
REFUSED = {
    5: "There is no settlement 'SET-999' in the register",
    7: "'roads' is not a service category",
    8: "No external_id: give every row its own id",
    9: "'fax' is not a channel",
    11: "external_id p-1 is on line 2 already",
    12: "observed_at 'not a date' is not a time",
}


def _file(folder: Path, lines: list[str], newline: str = "\n", name: str = "reports.csv") -> Path:
    path = folder / name
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    return path


def _refused(result: st.ImportResult) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in result.rejected}


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_rows_are_read_with_the_line_they_start_on(tmp_path: Path, newline: str) -> None:
    rows = st.read_report_rows(_file(tmp_path, LINES, newline))
    assert [line for line, _ in rows] == [2, 3, 5, 7, 8, 9, 10, 11, 12]
    _, values = rows[1]
    assert values == {
        "external_id": "p-2",
        "settlement_id": "SET-001",
        "service_id": "",
        "category": "water",
        "problem": "leaking",
        "observed_at": "2025-10-05T09:00",
        "note": f"two{newline}lines",
        "contact": "082 555 0101",
        "channel": "kobo",
    }
    assert rows[6][1]["external_id"] == "p-6"  # values are stripped


def test_an_import_keeps_good_rows_and_names_the_lines_of_bad_ones(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    calls: list[tuple[int, int]] = []
    result = st.import_reports(
        registered,
        team.coordinator,
        _file(tmp_path, LINES),
        progress=lambda done, added: calls.append((done, added)),
        batch=4,
    )
    assert (result.added, result.unchanged) == (3, 0)
    refused = _refused(result)
    assert sorted(refused) == sorted(REFUSED)
    for line, reason in REFUSED.items():
        assert reason in refused[line], (line, refused[line])
    # nine rows in batches of four: lines 2-7 (2 added), 8-11 (1 added), 12
    assert calls == [(4, 2), (8, 3), (9, 3)]
    listed = st.list_reports(registered, team.coordinator, with_contacts=True)
    found = {
        r["external_id"]: (r["settlement_id"], r["problem"], r["channel"], r["reporter"])
        for r in listed
    }
    assert found == {
        "p-1": ("SET-001", "broken", "paper", "cora"),
        "p-2": ("SET-001", "leaking", "kobo", "cora"),
        "p-6": ("SET-011", "blocked", "meeting", "cora"),
    }
    [p2] = [r for r in listed if r["external_id"] == "p-2"]
    assert (p2["description"], p2["contact"]) == ("two\nlines", "082 555 0101")
    assert p2["observed_at"] == "2025-10-05T09:00:00+02:00"
    [first] = st.history(registered, team.coordinator, p2["service_request_id"])
    assert (first["state_to"], first["actor"], first["at"]) == (
        "reported",
        "cora",
        "2025-10-05T09:00:00+02:00",
    )
    imported = [
        a["detail"]
        for a in st.read_audit(registered, team.admin)
        if a["action"] == "reports.imported"
    ]
    assert imported == [{"added": 2}, {"added": 1}]
    assert result.to_record()["added"] == 3


def test_importing_again_adds_nothing(team: Team, registered: st.Store, tmp_path: Path) -> None:
    path = _file(tmp_path, LINES)
    first = st.import_reports(registered, team.coordinator, path)
    ids = {r["service_request_id"] for r in st.list_reports(registered, team.coordinator)}
    again = st.import_reports(registered, team.member, path)  # another user, same file
    assert (first.added, first.unchanged) == (3, 0)
    # p-6 is in another cluster than the member's: refused to them, not unchanged
    assert (again.added, again.unchanged) == (0, 2)
    assert "Masakhane is not in your cluster" in _refused(again)[10]
    assert sorted(_refused(again)) == sorted([*REFUSED, 10])
    third = st.import_reports(registered, team.coordinator, path)
    assert (third.added, third.unchanged, sorted(_refused(third))) == (0, 3, sorted(REFUSED))
    assert {r["service_request_id"] for r in st.list_reports(registered, team.coordinator)} == ids
    assert scalar(registered, "SELECT count(*) FROM reports") == 3
    assert scalar(registered, "SELECT count(*) FROM report_history") == 3


def test_the_same_external_id_with_other_values_is_refused(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    st.import_reports(registered, team.coordinator, _file(tmp_path, LINES))
    p1 = scalar(registered, "SELECT id FROM reports WHERE external_id = 'p-1'")
    changed = [
        HEADER,
        "p-1,SET-001,SRV-0071,water,leaking,2025-10-05T08:00,,,paper",  # 2: another problem
        'p-2,SET-001,,water,leaking,2025-10-05T09:00,"two',  # 3: as before
        'lines",082 555 0101,kobo',
        "p-6,SET-011,,sanitation,blocked,2025-10-06T00:00+02:00,,,meeting",  # 5: same time
        "p-8,SET-004,,waste,overflowing,2025-10-07,,,",  # 6: new
    ]
    result = st.import_reports(
        registered, team.coordinator, _file(tmp_path, changed, name="changed.csv")
    )
    assert (result.added, result.unchanged) == (1, 2)
    [refused] = result.rejected
    assert refused["line"] == 2
    assert f"external_id p-1 is already kept (report {p1}) with other values" in refused["reason"]
    assert scalar(registered, "SELECT problem FROM reports WHERE external_id = 'p-1'") == "broken"


def test_a_duplicate_external_id_within_one_file(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    lines = [
        HEADER,
        "d-1,SET-001,,water,broken,2025-10-05,,,",
        "d-1,SET-001,,water,broken,2025-10-05,,,",  # the same row twice
        "d-2,SET-002,,water,broken,2025-10-05,,,",
        "d-1,SET-003,,water,leaking,2025-10-06,,,",  # and once more, otherwise
    ]
    result = st.import_reports(registered, team.coordinator, _file(tmp_path, lines), batch=2)
    assert (result.added, result.unchanged) == (2, 0)
    assert _refused(result) == {
        3: "external_id d-1 is on line 2 already: give every row its own id.",
        5: "external_id d-1 is on line 2 already: give every row its own id.",
    }
    assert scalar(registered, "SELECT count(*) FROM reports WHERE external_id = 'd-1'") == 1


def test_a_file_without_a_required_column_is_refused(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    lines = ["external_id,settlement_id,category,problem", "p-1,SET-001,water,broken"]
    with pytest.raises(DataFileError, match=r"reports\.csv has no column observed_at: a reports"):
        st.import_reports(registered, team.coordinator, _file(tmp_path, lines))
    lines = ["id,place", "p-1,SET-001"]
    message = "has no column external_id, settlement_id, category, problem, observed_at"
    with pytest.raises(DataFileError, match=message):
        st.import_reports(registered, team.coordinator, _file(tmp_path, lines, name="b.csv"))
    assert scalar(registered, "SELECT count(*) FROM reports") == 0


def test_a_spreadsheets_file_is_read(team: Team, registered: st.Store, tmp_path: Path) -> None:
    # Excel's "CSV UTF-8": a byte order mark, its own header case, CRLF, columns in any order
    text = "\ufeffObserved_At, External_ID ,Settlement_ID,Category,Problem\r\n"
    text += "2025-10-05,x-1,SET-001,Water,No_Water\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8"))
    result = st.import_reports(registered, team.coordinator, path)
    assert (result.added, result.rejected) == (1, [])
    [report] = st.list_reports(registered, team.coordinator)
    assert (report["external_id"], report["problem"], report["channel"]) == (
        "x-1",
        "no_water",
        "paper",
    )


def test_unreadable_files_are_refused(team: Team, registered: st.Store, tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"There is no file .*missing\.csv: check the path"):
        st.import_reports(registered, team.coordinator, tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\np-1,SET-001,,water,broken,2025-10-05,café,,\n").encode("cp1252"))
    with pytest.raises(DataFileError, match=r"latin\.csv is not UTF-8 text"):
        st.import_reports(registered, team.coordinator, latin)


def test_a_viewer_cannot_import(team: Team, registered: st.Store, tmp_path: Path) -> None:
    with pytest.raises(AccessDenied, match="vusi is a viewer: importing reports needs a member"):
        st.import_reports(registered, team.viewer, _file(tmp_path, LINES))
    with pytest.raises(AccessDenied, match="vusi is a viewer"):  # before reading any file
        st.import_reports(registered, team.viewer, tmp_path / "missing.csv")


def test_rows_may_be_given_instead_of_a_file(team: Team, registered: st.Store) -> None:
    rows = [
        (7, {"external_id": "r-1", "settlement_id": "SET-002", "category": "water",
             "problem": "broken", "observed_at": "2025-10-05"}),
        (9, {"external_id": "r-2", "settlement_id": "SET-011", "category": "water",
             "problem": "broken", "observed_at": "2025-10-05"}),
    ]  # fmt: skip
    result = st.import_reports(registered, team.member, rows)
    assert result.added == 1
    assert [r["line"] for r in result.rejected] == [9]


def test_a_generated_file_round_trips(team: Team, registered: st.Store, tmp_path: Path) -> None:
    from tests.store.helpers import generated_rows

    path = write_rows(tmp_path / "many.csv", generated_rows(250, "g"))
    result = st.import_reports(registered, team.coordinator, path)
    assert (result.added, result.unchanged, result.rejected) == (250, 0, [])
    assert scalar(registered, "SELECT count(DISTINCT external_id) FROM reports") == 250
