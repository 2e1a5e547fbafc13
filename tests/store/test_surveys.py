"""Reports from a periodic survey table (Asivikelane-style yes/no questions): each "no" a
report, "yes" and blank nothing, anything else a refused line; idempotent."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from atlas import store as st
from atlas.errors import AccessDenied, DataFileError
from tests.store.conftest import Team, scalar

LINES = [
    "Settlement ID,Period start,Water,Toilets cleaned?,Refuse collected,Electricity,"
    "Taps working,Comments",  # 1
    "SET-001,2026-11-02,yes,no,,Y,no,fine",  # 2
    "SET-002,2026-11-02,NO,maybe,TRUE,0,,",  # 3
    "SET-999,2026-11-02,no,,,,,",  # 4: not registered
    "SET-003,2026-13-01,no,,,,,",  # 5: no such date
    ",2026-11-02,no,,,,,",  # 6: no settlement
    "SET-004,2026-11-02,yes,yes,yes,yes,yes,all good",  # 7: nothing to report
]
REFUSED = {
    3: "The answer 'maybe' to Toilets cleaned? is not yes or no",
    4: "There is no settlement 'SET-999' in the register",
    5: "The period start '2026-13-01' is not a date",
    6: "No settlement: give the settlement's id",
}
TAPS = "Taps working=water:broken"


def _file(folder: Path, lines: list[str] = LINES) -> Path:
    path = folder / "asivikelane.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _refused(result: st.ImportResult) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in result.rejected}


def test_each_no_is_a_report_and_importing_again_adds_nothing(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    path = _file(tmp_path)
    questions = [st.parse_question(TAPS)]
    result = st.import_survey(registered, team.coordinator, path, questions)
    assert (result.added, result.unchanged) == (4, 0)
    refused = _refused(result)
    assert sorted(refused) == sorted(REFUSED)
    for line, reason in REFUSED.items():
        assert reason in refused[line], (line, refused[line])
    found = {
        r["external_id"]: (r["settlement_id"], r["category"], r["problem"], r["channel"])
        for r in st.list_reports(registered, team.coordinator)
    }
    assert found == {
        "survey:SET-001:2026-11-02:toilets_cleaned": ("SET-001", "sanitation", "not_cleaned", "survey"),
        "survey:SET-001:2026-11-02:taps_working": ("SET-001", "water", "broken", "survey"),
        "survey:SET-002:2026-11-02:water": ("SET-002", "water", "no_water", "survey"),
        "survey:SET-002:2026-11-02:electricity": ("SET-002", "electricity", "no_power", "survey"),
    }  # fmt: skip
    reports = {r["external_id"]: r for r in st.list_reports(registered, team.coordinator)}
    water = reports["survey:SET-002:2026-11-02:water"]
    assert water["observed_at"] == "2026-11-02T00:00:00+02:00"
    assert water["description"] == (
        "Survey of the period from 2026-11-02: Was there clean water in the last 7 days? No."
    )
    taps = reports["survey:SET-001:2026-11-02:taps_working"]
    assert taps["description"] == "Survey of the period from 2026-11-02: Taps working? No."

    again = st.import_survey(registered, team.coordinator, path, questions)
    assert (again.added, again.unchanged, sorted(_refused(again))) == (0, 4, sorted(REFUSED))
    # Without the mapping, the taps column is not a question: nothing new, nothing lost.
    plain = st.import_survey(registered, team.coordinator, path)
    assert (plain.added, plain.unchanged) == (0, 3)
    assert scalar(registered, "SELECT count(*) FROM reports") == 4


def test_a_survey_workbook_with_dates_and_booleans(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["settlement", "week", "clean water", "toilets", "refuse", "power"])
    sheet.append(["SET-005", datetime(2026, 11, 9), False, True, None, 0])  # 2
    sheet.append(["SET-006", datetime(2026, 11, 9), "n", "no", "Nope", 1])  # 3
    path = tmp_path / "survey.xlsx"
    book.save(path)
    result = st.import_survey(registered, team.coordinator, path)
    assert (result.added, result.unchanged) == (4, 0)
    assert [(r["line"], r["reason"][:38]) for r in result.rejected] == [
        (3, "The answer 'Nope' to refuse is not yes")
    ]
    found = sorted(r["external_id"] for r in st.list_reports(registered, team.coordinator))
    assert found == [
        "survey:SET-005:2026-11-09:electricity",
        "survey:SET-005:2026-11-09:water",
        "survey:SET-006:2026-11-09:toilets_cleaned",
        "survey:SET-006:2026-11-09:water",
    ]


def test_a_member_reports_their_own_cluster_only(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    lines = [LINES[0], "SET-001,2026-11-02,no,,,,,", "SET-011,2026-11-02,no,,,,,"]
    result = st.import_survey(registered, team.member, _file(tmp_path, lines))
    assert result.added == 1
    assert "Masakhane is not in your cluster" in _refused(result)[3]


def test_question_mappings_and_tables_that_are_not_surveys(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    assert st.parse_question(" Street lights? = Electricity : Broken ") == st.Question(
        "street_lights", "electricity", "broken", "Street lights?"
    )
    with pytest.raises(DataFileError, match="write COLUMN=CATEGORY:PROBLEM"):
        st.parse_question("taps working")
    with pytest.raises(DataFileError, match="'roads' in 'potholes=roads:broken' is not a service"):
        st.parse_question("potholes=roads:broken")
    with pytest.raises(DataFileError, match="'no_power' in 'taps=water:no_power' is not a water"):
        st.parse_question("taps=water:no_power")
    lines = ["settlement_id,period_start,comments", "SET-001,2026-11-02,fine"]
    with pytest.raises(DataFileError, match="has no question column: a survey table has"):
        st.import_survey(registered, team.coordinator, _file(tmp_path, lines))
    lines = ["place,water", "SET-001,no"]
    with pytest.raises(DataFileError, match="has no settlement_id and no period_start column"):
        st.import_survey(registered, team.coordinator, _file(tmp_path, lines))
    with pytest.raises(AccessDenied, match="vusi is a viewer"):
        st.import_survey(registered, team.viewer, tmp_path / "missing.csv")
    assert scalar(registered, "SELECT count(*) FROM reports") == 0
