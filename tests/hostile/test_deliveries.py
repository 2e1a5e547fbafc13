"""Hostile and broken delivery reports (issue 19): litres with separators, reports repeated in a
file, in the file and the store, and in a store import; days that do not exist. Through the
library, ``atlas schedule`` (with and without ``--db``), ``atlas deliveries import|add`` with a
store, and the app's upload path.

The schedule and reports are those of ``tests/hostile/test_schedules.py`` (the week of Monday
2026-08-03, 4 scheduled deliveries, by hand: 2 delivered, 1 short, 1 missed).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atlas.schedules import compare_files, read_deliveries
from pages.state.messages import warning_texts
from pages.state.uploads import store_upload
from tests.atlas.store_cli import copied_store, made_store, quick_password_hashes, run
from tests.hostile.test_schedules import (
    BY_HAND,
    IDS,
    ROWS,
    WEEK,
    sample_files_ids,
    schedule_file,
    write,
)

__all__ = ["quick_password_hashes"]  # the autouse fixture, for this module's tests

HEAD = "settlement_id,arrived_at,litres,reporter"
#: The three reports of the week, as residents wrote them (the worked-out outcomes above).
REPORTED = [
    'SET-001,2026-08-03 09:00,"10,000",Nomsa',
    'SET-001,2026-08-06 09:30,"9,500",Zanele',
    'SET-003,2026-08-04 10:00,"12,000",Kagiso',
]
IMPORT_HEAD = "external_id,settlement_id,arrived_at,litres,tanks,reporter,note"
IMPORTED = [
    'd-1,SET-001,2026-08-03 09:00,"10,000",,Nomsa,',
    'd-2,SET-001,2026-08-06 09:30,"9,500",,Zanele,',
    'd-3,SET-003,2026-08-04 10:00,"12,000",,Kagiso,',
]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample registered and a user of each role."""
    return made_store(tmp_path_factory, "hostile-deliveries")


@pytest.fixture
def db(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the made store for one test (``ATLAS_DB`` names it too)."""
    return copied_store(made, tmp_path, monkeypatch)


def reports_file(folder: Path, rows: list[str], head: str = HEAD, name: str = "r.csv") -> Path:
    return write(folder, name, "\n".join([head, *rows]) + "\n")


def statuses(records: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(str(r["status"]) for r in records))


def compare(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    schedule: Path,
    reports: Path | None,
    *extra: str,
    who: str = "",
) -> tuple[int, list[dict[str, Any]], str]:
    files = ["--schedule", str(schedule)]
    if reports is not None:
        files += ["--deliveries", str(reports)]
    code, out, err = run(capsys, monkeypatch, "schedule", *files, *WEEK, *extra, who=who)
    assert "Traceback" not in err
    return code, (json.loads(out) if code == 0 else []), err


def codes(report: Any) -> dict[str, Any]:
    return {p.code: p for p in report.warnings if p.code}


# Reports in a file


@pytest.mark.warning_case
def test_reported_litres_with_thousands_separators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """'10,000' l reported is ten thousand: delivered, not 'short' against 10 000 l."""
    path = reports_file(tmp_path, REPORTED)
    reports, report = read_deliveries(path, settlement_ids=IDS)
    assert reports["litres"].tolist() == [10000.0, 9500.0, 12000.0]
    assert codes(report)["numbers.convention"].rows == (2, 3, 4)
    code, records, err = compare(capsys, monkeypatch, schedule_file(tmp_path, ROWS), path)
    assert code == 0 and statuses(records) == BY_HAND
    assert [r["delivered_litres"] for r in records if r["status"] != "missed"] == [
        10000,
        9500,
        12000,
    ]
    assert "deliveries: warning: litres read with a comma as thousands separator" in err


@pytest.mark.warning_case
def test_every_report_doubled_counts_each_delivery_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each report twice: still 2 delivered, 1 short, 1 missed, and no 'unscheduled' twin."""
    path = reports_file(tmp_path, [row for row in REPORTED for _ in range(2)])
    reports, report = read_deliveries(path, settlement_ids=IDS)
    assert reports["line"].tolist() == [2, 4, 6]
    repeated = codes(report)["deliveries.duplicate"]
    assert repeated.rows == (3, 5, 7)
    assert repeated.values == ("repeats row 2", "repeats row 4", "repeats row 6")
    code, records, err = compare(capsys, monkeypatch, schedule_file(tmp_path, ROWS), path)
    assert code == 0 and statuses(records) == BY_HAND
    assert "a delivery is counted once" in err and "rows 3, 5, 7" in err


@pytest.mark.warning_case
def test_two_residents_report_one_delivery_in_the_same_minute(tmp_path: Path) -> None:
    """09:00 and 09:00:40, two reporters, the same volume: one delivery (as the store counts
    it), the second report named as left out."""
    path = reports_file(
        tmp_path,
        ["SET-001,2026-08-03 09:00,10000,Nomsa", "SET-001,2026-08-03T09:00:40,10000,Thabo"],
    )
    reports, report = read_deliveries(path, settlement_ids=IDS)
    assert reports["reporter"].tolist() == ["Nomsa"]
    assert codes(report)["deliveries.duplicate"].rows == (3,)


@pytest.mark.warning_case
def test_one_delivery_reported_with_two_volumes_keeps_the_first_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same settlement and minute with 12 000 and 15 000 l: one delivery (the store's
    rule); the first is kept and the warning shows both volumes."""
    path = reports_file(
        tmp_path, [*REPORTED[:2], REPORTED[2], "SET-003,2026-08-04 10:00,15000,Thabo"]
    )
    reports, report = read_deliveries(path, settlement_ids=IDS)
    assert reports["line"].tolist() == [2, 3, 4]
    conflict = codes(report)["deliveries.conflict"]
    assert conflict.rows == (5,)
    assert conflict.values == ("15000 litres; row 4 kept: 12000 litres",)
    code, records, err = compare(capsys, monkeypatch, schedule_file(tmp_path, ROWS), path)
    assert code == 0 and statuses(records) == BY_HAND
    assert "with another volume are left out: the first report is kept" in err


@pytest.mark.accepted_case
def test_a_report_of_zero_litres_is_a_short_delivery(tmp_path: Path) -> None:
    """A tanker that came empty (0 l reported) arrived but brought nothing: short, as the
    store keeps 0 l ('0 is a volume'); no warning, since nothing was changed or left out."""
    schedule = schedule_file(tmp_path, ROWS[:1])
    path = reports_file(tmp_path, ["SET-001,2026-08-03 09:00,0,Nomsa"])
    result = compare_files(schedule, path, IDS, date(2026, 8, 3), date(2026, 8, 3))
    assert result.outcomes["status"].tolist() == ["short"]
    assert not any(r.warnings for r in result.reports[1:])


@pytest.mark.warning_case
def test_arrivals_on_days_that_do_not_exist_are_left_out(tmp_path: Path) -> None:
    """2026-02-30 09:00 is no day, 03/08/2026 09:00 is written day first: both named."""
    path = reports_file(
        tmp_path,
        ["SET-001,2026-02-30 09:00,10000,", "SET-001,03/08/2026 09:00,10000,", REPORTED[0]],
    )
    reports, report = read_deliveries(path, settlement_ids=IDS)
    assert reports["line"].tolist() == [4]
    days = {p.rows: p for p in report.warnings if p.code == "table.bad_day"}
    assert "arrived_at is not a day of the calendar" in days[(2,)].message
    assert days[(3,)].values == ("03/08/2026 09:00",)


@pytest.mark.error_case
def test_reports_with_no_usable_row_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every arrival a date alone: no table of '4 missed' with exit 0, but an error."""
    path = reports_file(
        tmp_path, ["SET-001,2026-08-03,10000,", "SET-001,2026-08-06,9500,", "SET-003,tuesday,1,"]
    )
    code, _, err = compare(capsys, monkeypatch, schedule_file(tmp_path, ROWS), path)
    assert code == 1
    assert "No row of the deliveries file can be used: all 3 are left out" in err
    assert "rows 2, 3, 4" in err and "--settlements" in err


@pytest.mark.warning_case
def test_uploaded_reports_doubled_with_separators_on_the_page(tmp_path: Path) -> None:
    """The app's path: the upload stored, compared as the page does, warnings worded for it."""
    schedule = store_upload(schedule_file(tmp_path, ROWS).read_bytes(), "schedule.csv")
    data = reports_file(tmp_path, [row for row in REPORTED for _ in range(2)]).read_bytes()
    reports = store_upload(data, "reports.csv")
    result = compare_files(
        schedule, reports, sample_files_ids(), date(2026, 8, 3), date(2026, 8, 9)
    )
    assert statuses(result.outcomes.to_dict("records")) == BY_HAND
    texts = warning_texts(result.reports)
    (twice,) = [t for t in texts if "a delivery is counted once" in t]
    assert "reports CSV and upload it again" in twice and "--" not in twice
    assert any("thousands separator" in t for t in texts)


# Reports in the file and the store


@pytest.mark.warning_case
def test_a_delivery_twice_in_the_file_and_once_in_the_store_is_counted_once(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's repeat is left out by the file's check; the store's copy by the file-store
    rule (same settlement and minute): the same delivery, counted once either way."""
    argv = ["deliveries", "add", "--settlement", "SET-001", "--arrived-at", "2026-08-03T09:00"]
    assert run(capsys, monkeypatch, *argv, "--litres", "10 000", who="sipho")[0] == 0
    path = reports_file(tmp_path, [REPORTED[0], *REPORTED])
    schedule = schedule_file(tmp_path, ROWS)
    code, records, err = compare(capsys, monkeypatch, schedule, path, "--db", str(db), who="sipho")
    assert code == 0 and statuses(records) == BY_HAND
    assert "Deliveries compared: 3 from r.csv and 1 recorded in the store." in err
    assert "1 delivery was both in r.csv and in the store: it is counted once." in err
    assert "rows 3" not in err and "row 3" in err  # the file's repeat, named


# Store imports


def imported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, path: Path
) -> tuple[dict[str, Any], str]:
    code, out, err = run(capsys, monkeypatch, "deliveries", "import", str(path), who="sipho")
    assert code == 0 and "Traceback" not in err, err
    return json.loads(out), err


@pytest.mark.warning_case
def test_an_import_reads_thousands_separators_and_says_so(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """'10,000' in an import is kept as 10000 l (not 10), and the command says how it read it."""
    path = reports_file(tmp_path, IMPORTED, IMPORT_HEAD)
    result, err = imported(capsys, monkeypatch, path)
    assert (result["added"], result["unchanged"], result["rejected"]) == (3, 0, [])
    assert result["warnings"] == [
        "litres read with a comma as thousands separator ('10,000' = 10000) (lines 2, 3, 4)."
    ]
    assert "litres read with a comma as thousands separator" in err
    code, out, _ = run(capsys, monkeypatch, "deliveries", "list", who="sipho")
    assert [r["litres"] for r in json.loads(out)] == [10000.0, 12000.0, 9500.0]
    code, records, _ = compare(
        capsys, monkeypatch, schedule_file(tmp_path, ROWS), None, "--db", str(db), who="sipho"
    )
    assert code == 0 and statuses(records) == BY_HAND


@pytest.mark.warning_case
def test_an_import_with_every_line_doubled_adds_each_delivery_once(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each line twice: 3 added, the 3 repeats named; again: 3 unchanged, nothing added; and
    the comparison counts each delivery once."""
    path = reports_file(tmp_path, [row for row in IMPORTED for _ in range(2)], IMPORT_HEAD)
    result, err = imported(capsys, monkeypatch, path)
    assert (result["added"], result["unchanged"]) == (3, 0)
    assert [r["line"] for r in result["rejected"]] == [3, 5, 7]
    assert "it repeats line 2 (the same external_id and values)" in result["rejected"][0]["reason"]
    assert "line 3 not imported: it repeats line 2" in err
    again, _ = imported(capsys, monkeypatch, path)
    assert (again["added"], again["unchanged"], len(again["rejected"])) == (0, 3, 3)
    code, records, _ = compare(
        capsys, monkeypatch, schedule_file(tmp_path, ROWS), None, "--db", str(db), who="sipho"
    )
    assert code == 0 and statuses(records) == BY_HAND


@pytest.mark.warning_case
def test_an_import_repeating_a_delivery_under_another_id_keeps_it_once(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """d-9 is d-1 again (same settlement and minute) under another id: refused with the reason;
    an id reused for other values is refused too."""
    rows = [
        *IMPORTED,
        'd-9,SET-001,2026-08-03 09:00:30,"10,000",,Thabo,',
        "d-2,SET-003,2026-08-07 10:00,1,,,",
    ]
    result, _ = imported(capsys, monkeypatch, reports_file(tmp_path, rows, IMPORT_HEAD))
    assert result["added"] == 3
    reasons = {r["line"]: r["reason"] for r in result["rejected"]}
    assert set(reasons) == {5, 6}
    assert "that arrived at 2026-08-03T09:00:30+02:00 is already recorded" in reasons[5]
    assert reasons[6] == "external_id d-2 is on line 3 already: give every row its own id."
    code, out, _ = run(capsys, monkeypatch, "deliveries", "list", who="sipho")
    assert code == 0 and len(json.loads(out)) == 3


@pytest.mark.warning_case
def test_an_import_whose_litres_could_be_read_two_ways_refuses_those_lines(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """'1,500' beside '9.5' in one column: which is the decimal? Those lines are refused with
    the reason, the other imported."""
    rows = [
        'd-1,SET-001,2026-08-03 09:00,"1,500",,,',
        "d-2,SET-001,2026-08-06 09:30,9.5,,,",
        "d-3,SET-003,2026-08-04 10:00,12000,,,",
    ]
    result, err = imported(capsys, monkeypatch, reports_file(tmp_path, rows, IMPORT_HEAD))
    assert result["added"] == 1
    assert [r["line"] for r in result["rejected"]] == [2, 3]
    assert "The litres '1,500' could be read two ways" in result["rejected"][0]["reason"]
    assert "line 3 not imported: The litres '9.5' could be read two ways" in err


@pytest.mark.accepted_case
def test_a_delivery_added_with_a_thousands_separator_is_ten_thousand(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--litres 10,000``: one value, whose only reading as a volume of water is ten thousand
    (it used to be kept as 10 l); '2,5' tanks is two and a half, as before."""
    argv = ["deliveries", "add", "--settlement", "SET-001", "--arrived-at", "2026-08-03T09:00"]
    code, _, err = run(
        capsys, monkeypatch, *argv, "--litres", "10,000", "--tanks", "2,5", who="sipho"
    )
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, "deliveries", "list", who="sipho")
    assert [(r["litres"], r["tanks"]) for r in json.loads(out)] == [(10000.0, 2.5)]
