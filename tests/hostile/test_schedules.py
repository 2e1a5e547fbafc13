"""Hostile and broken water schedules (issue 19): numbers with separators, repeated rows, days
that do not exist, volumes of nothing; through the library, ``atlas schedule`` and the app's
upload path (the file stored as an upload, compared as the Water deliveries page compares it,
and its messages worded for the page).

The week compared is Monday 2026-08-03 to Sunday 2026-08-09, with the sample's settlements.
The schedule of most cases has 4 deliveries that week, worked out by hand:

=========  =============  ===========  ========  ===================================
slot       window         scheduled    report    outcome
=========  =============  ===========  ========  ===================================
SET-001    Mon 08-10      10 000 l     09:00     delivered (10 000 l)
SET-001    Thu 08-10      10 000 l     09:30     delivered (9 500 l: within 10 %)
SET-003    Tue 09-11      15 000 l     10:00     short (12 000 l < 13 500 l)
SET-003    Fri 09-11      15 000 l     none      missed
=========  =============  ===========  ========  ===================================
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atlas.cli import main
from atlas.errors import ValidationError
from atlas.load import load_layer
from atlas.registry import sample_files
from atlas.schedules import compare_files, read_schedule
from pages.state.messages import error_text, warning_texts
from pages.state.uploads import store_upload

WEEK = ["--from", "2026-08-03", "--to", "2026-08-09"]
HEADER = "settlement_id,provider,weekday,date,start,end,litres"
ROWS = [
    "SET-001,Metro,Monday,,08:00,10:00,{a}",
    "SET-001,Metro,Thursday,,08:00,10:00,{a}",
    "SET-003,Metro,Tuesday,,09:00,11:00,{b}",
    "SET-003,Metro,Friday,,09:00,11:00,{b}",
]
REPORTS = (
    "settlement_id,arrived_at,litres\n"
    "SET-001,2026-08-03 09:00,10000\n"
    "SET-001,2026-08-06 09:30,9500\n"
    "SET-003,2026-08-04 10:00,12000\n"
)
#: The outcomes of the week worked out by hand (the table above).
BY_HAND = {"delivered": 2, "short": 1, "missed": 1}
IDS = ["SET-001", "SET-003", "SET-006"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def schedule_file(folder: Path, rows: list[str], a: str = "10000", b: str = "15000") -> Path:
    lines = [HEADER, *(r.format(a=a, b=b) for r in rows)]
    return write(folder, "schedule.csv", "\n".join(lines) + "\n")


def atlas(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``atlas argv``: the exit status, standard output and standard error."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def compare(
    capsys: pytest.CaptureFixture[str], schedule: Path, reports: Path, *extra: str
) -> tuple[int, list[dict[str, Any]], str]:
    argv = ["schedule", "--schedule", str(schedule), "--deliveries", str(reports), *WEEK]
    code, out, err = atlas(capsys, *argv, *extra)
    return code, (json.loads(out) if code == 0 else []), err


def statuses(records: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(str(r["status"]) for r in records))


def warnings_of(report: Any) -> dict[str, Any]:
    return {p.code: p for p in report.warnings if p.code}


# Numbers with separators


@pytest.mark.warning_case
def test_litres_with_thousands_separators_are_read_as_thousands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'10,000' is ten thousand litres, never 10 (which made every delivery short)."""
    path = write(
        tmp_path,
        "schedule.csv",
        f'{HEADER}\nSET-001,Metro,Monday,,08:00,10:00,"10,000"\n'
        'SET-001,Metro,Thursday,,08:00,10:00,"10,000"\n'
        'SET-003,Metro,Tuesday,,09:00,11:00,"15,000"\n'
        "SET-003,Metro,Friday,,09:00,11:00,15000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["litres"].tolist() == [10000.0, 10000.0, 15000.0, 15000.0]
    convention = warnings_of(report)["numbers.convention"]
    assert convention.column == "litres" and convention.rows == (2, 3, 4)
    assert "a comma as thousands separator ('10,000' = 10000)" in convention.message
    reports = write(tmp_path, "reports.csv", REPORTS)
    code, records, err = compare(capsys, path, reports, "--quiet")
    assert code == 0 and statuses(records) == BY_HAND
    assert [r["scheduled_litres"] for r in records] == [10000, 10000, 15000, 15000]
    assert "litres read with a comma as thousands separator" in err  # shown even with --quiet
    assert "rows 2, 3, 4" in err


@pytest.mark.warning_case
def test_litres_with_spaces_or_dots_as_thousands_separators(tmp_path: Path) -> None:
    """'10 000' (the South African way) and '10.000' (a count of litres) are ten thousand."""
    for litres, words in (("10 000", "a space"), ("10.000", "a dot")):
        path = schedule_file(tmp_path, ROWS, a=litres, b=litres.replace("10", "15", 1))
        entries, report = read_schedule(path, settlement_ids=IDS)
        assert entries["litres"].tolist() == [10000.0, 10000.0, 15000.0, 15000.0], litres
        convention = warnings_of(report)["numbers.convention"]
        assert convention.rows == (2, 3, 4, 5)
        assert f"{words} as thousands separator" in convention.message


@pytest.mark.warning_case
def test_tanks_with_a_decimal_comma_and_a_validity_day_not_in_the_calendar(tmp_path: Path) -> None:
    """'2,5' tanks is two and a half (said); valid_to 2026-02-29 (not a leap year) is no day."""
    path = write(
        tmp_path,
        "schedule.csv",
        "settlement_id,weekday,start,end,tanks,valid_to\n"
        'SET-001,Monday,08:00,10:00,"2,5",\n'
        "SET-001,Thursday,08:00,10:00,3,2026-02-29\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["tanks"].tolist() == [2.5] and entries["line"].tolist() == [2]
    convention = warnings_of(report)["numbers.convention"]
    assert (convention.column, convention.rows) == ("tanks", (2,))
    assert "a decimal comma ('2,5' = 2.5)" in convention.message
    day = warnings_of(report)["table.bad_day"]
    assert (day.column, day.rows, day.values) == ("valid_to", (3,), ("2026-02-29",))


@pytest.mark.warning_case
def test_a_column_mixing_comma_and_dot_leaves_the_ambiguous_rows_out(tmp_path: Path) -> None:
    """'1,500' beside '2.5' could be 1500 or 1.5: those rows are left out, named, the rest used."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER},tanks\n"
        'SET-001,Metro,Monday,,08:00,10:00,10000,"1,500"\n'
        "SET-001,Metro,Thursday,,08:00,10:00,10000,2.5\n"
        "SET-003,Metro,Tuesday,,09:00,11:00,15000,3\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [4]
    (left_out,) = [p for p in report.warnings if p.code == "table.number_refused"]
    assert (left_out.column, left_out.rows, left_out.values) == ("tanks", (2, 3), ("1,500", "2.5"))
    assert "could be read two ways" in left_out.message


@pytest.mark.warning_case
def test_volumes_that_are_not_numbers_leave_their_rows_out(tmp_path: Path) -> None:
    """Infinity, NaN, words and 1e400 are no volume: each row named, the rest used."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\n"
        "SET-001,Metro,Monday,,08:00,10:00,Infinity\n"
        "SET-001,Metro,Thursday,,08:00,10:00,lots\n"
        "SET-003,Metro,Tuesday,,09:00,11:00,1e400\n"
        "SET-003,Metro,Friday,,09:00,11:00,15000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [5]
    refused = {p.rows: p for p in report.warnings if p.code == "table.number_refused"}
    assert set(refused) == {(2, 4), (3,)}
    assert "not a finite number" in refused[(2, 4)].message
    assert refused[(3,)].values == ("lots",) and "not a number" in refused[(3,)].message


# Repeated rows


@pytest.mark.warning_case
def test_every_schedule_row_doubled_is_scheduled_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each row twice: 4 scheduled deliveries, not 8 (1 missed, not 5)."""
    doubled = [row for row in ROWS for _ in range(2)]
    path = schedule_file(tmp_path, doubled)
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [2, 4, 6, 8]
    repeated = warnings_of(report)["schedule.duplicate"]
    assert repeated.rows == (3, 5, 7, 9)
    assert repeated.values == ("repeats row 2", "repeats row 4", "repeats row 6", "repeats row 8")
    reports = write(tmp_path, "reports.csv", REPORTS)
    code, records, err = compare(capsys, path, reports)
    assert code == 0 and statuses(records) == BY_HAND
    assert "Rows that repeat an earlier row of the schedule exactly are left out" in err
    assert "run atlas schedule again" in err  # the fix worded for the command line
    code, out, _ = atlas(
        capsys,
        "schedule",
        "--schedule",
        str(path),
        "--deliveries",
        str(reports),
        *WEEK,
        "--level",
        "settlement",
        "--quiet",
    )
    rows = {r["settlement_id"]: r for r in json.loads(out)}
    assert [rows["SET-001"][k] for k in ("scheduled", "delivered", "missed")] == [2, 2, 0]
    assert [rows["SET-003"][k] for k in ("scheduled", "short", "missed")] == [2, 1, 1]
    assert rows["SET-003"]["compliance"] == 0.0 and rows["SET-001"]["compliance"] == 1.0


@pytest.mark.warning_case
def test_rows_repeated_with_the_same_numbers_written_two_ways_are_one(tmp_path: Path) -> None:
    """'10000' and '10 000' are the same promise once read: the repeat is left out."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\nSET-001,Metro,Monday,,08:00,10:00,10000\n"
        "SET-001,Metro,Monday,,08:00,10:00,10 000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [2]
    assert warnings_of(report)["schedule.duplicate"].rows == (3,)
    assert warnings_of(report)["numbers.convention"].rows == (3,)


@pytest.mark.warning_case
def test_the_same_window_with_other_litres_is_kept_twice_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two rows for SET-001 on Monday 08:00-10:00 with 10 000 and 5 000 l: the atlas cannot
    tell two tankers from a correction, so both are kept (two scheduled deliveries, the one
    report matches the first) and the warning names both rows and their volumes."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\nSET-001,Metro,Monday,,08:00,10:00,10000\n"
        "SET-001,Metro,Monday,,08:00,10:00,5000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [2, 3]
    conflict = warnings_of(report)["schedule.conflict"]
    assert conflict.rows == (2, 3)
    assert conflict.values == ("10000 litres, provider Metro", "5000 litres, provider Metro")
    reports = write(
        tmp_path, "reports.csv", "settlement_id,arrived_at,litres\nSET-001,2026-08-03 09:00,10000\n"
    )
    code, records, err = compare(capsys, path, reports, "--quiet")
    assert code == 0 and statuses(records) == {"delivered": 1, "missed": 1}
    assert "all kept, as separate deliveries" in err and "rows 2, 3" in err


@pytest.mark.accepted_case
def test_the_same_window_in_validity_periods_that_do_not_meet_is_no_conflict(
    tmp_path: Path,
) -> None:
    """The same Monday window with 10 000 l until 2026-08-09 and 12 000 l from 2026-08-10 is a
    schedule that changed, not a repeat: accepted without a word."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER},valid_from,valid_to\n"
        "SET-001,Metro,Monday,,08:00,10:00,10000,,2026-08-09\n"
        "SET-001,Metro,Monday,,08:00,10:00,12000,2026-08-10,\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [2, 3] and not report.warnings


# Days, times and volumes that cannot be


@pytest.mark.warning_case
def test_days_that_are_not_in_the_calendar_or_written_day_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2026-02-31 is no day; 31/02/2026 and 06/08/2026 could be read two ways: left out, named."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\n"
        "SET-001,Metro,,2026-02-31,08:00,10:00,10000\n"
        "SET-001,Metro,,31/02/2026,08:00,10:00,10000\n"
        "SET-001,Metro,,06/08/2026,08:00,10:00,10000\n"
        "SET-001,Metro,,2026-08-06,08:00,10:00,10000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [5]
    days = {p.rows: p for p in report.warnings if p.code == "table.bad_day"}
    assert set(days) == {(2,), (3, 4)}
    assert "not a day of the calendar" in days[(2,)].message
    assert "February has 28 days" in days[(2,)].fix
    assert days[(3, 4)].values == ("31/02/2026", "06/08/2026")
    reports = write(tmp_path, "reports.csv", REPORTS)
    code, records, err = compare(capsys, path, reports, "--quiet")
    # Only Thursday 6th is scheduled: delivered; the two other reports are unscheduled.
    assert code == 0 and statuses(records) == {"delivered": 1, "unscheduled": 2}
    assert "rows 3, 4" in err and "'31/02/2026'" in err


@pytest.mark.warning_case
def test_times_that_do_not_parse_leave_their_rows_out(tmp_path: Path) -> None:
    """8am, 25:00 and 08:60 are not 24-hour times: each row named, the rest used."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\n"
        "SET-001,Metro,Monday,,8am,10:00,10000\n"
        "SET-001,Metro,Tuesday,,08:00,25:00,10000\n"
        "SET-001,Metro,Wednesday,,08:60,10:00,10000\n"
        "SET-001,Metro,Thursday,,08:00,10:00,10000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [5]
    found = {p.column: (p.rows, p.values) for p in report.warnings}
    assert found["start"] == ((2, 4), ("8am", "08:60"))
    assert found["end"] == ((3,), ("25:00",))


@pytest.mark.warning_case
def test_zero_or_negative_litres_leave_their_rows_out(tmp_path: Path) -> None:
    """0 l promises no water (its absence would count as missed), -5 l is no volume."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\n"
        "SET-001,Metro,Monday,,08:00,10:00,0\n"
        "SET-001,Metro,Tuesday,,08:00,10:00,-5\n"
        "SET-001,Metro,Thursday,,08:00,10:00,10000\n",
    )
    entries, report = read_schedule(path, settlement_ids=IDS)
    assert entries["line"].tolist() == [4]
    codes = warnings_of(report)
    assert codes["schedule.zero_volume"].rows == (2,)
    assert codes["table.negative"].rows == (3,) and codes["table.negative"].values == ("-5",)


@pytest.mark.warning_case
def test_an_unknown_settlement_leaves_its_rows_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SET-999 is in no settlements layer: its row is named, the others compared."""
    path = schedule_file(tmp_path, [*ROWS, "SET-999,Metro,Monday,,08:00,10:00,{a}"])
    reports = write(tmp_path, "reports.csv", REPORTS)
    code, records, err = compare(capsys, path, reports, "--quiet")
    assert code == 0 and statuses(records) == BY_HAND
    assert "not in the settlements layer are left out" in err and "row 6" in err


@pytest.mark.error_case
def test_a_schedule_with_no_usable_row_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every row for settlements of another layer (or every time unreadable): no comparison of
    nothing with exit 0 (every report 'unscheduled'), but an error naming why."""
    path = write(
        tmp_path,
        "schedule.csv",
        f"{HEADER}\nX-1,Metro,Monday,,08:00,10:00,10000\nSET-001,Metro,Monday,,8am,10am,10000\n",
    )
    _, report = read_schedule(path, settlement_ids=IDS)
    assert not report.ok
    (error,) = report.errors
    assert error.code == "table.nothing_usable"
    assert "No row of the schedule file can be used: both are left out" in error.message
    reports = write(tmp_path, "reports.csv", REPORTS)
    code, _, err = compare(capsys, path, reports)
    assert code == 1
    assert "No row of the schedule file can be used: both are left out" in err
    assert "--settlements" in err  # the fix worded for the command line
    assert "row 2" in err and "'X-1'" in err and "'8am'" in err  # and why each row is out


# The app's upload path


@pytest.mark.warning_case
def test_an_uploaded_schedule_with_doubled_rows_and_separators(tmp_path: Path) -> None:
    """The Water deliveries page: uploads stored, compared, messages worded for the page."""
    doubled = [row for row in ROWS for _ in range(2)]
    schedule = schedule_file(tmp_path, doubled, a='"10,000"', b='"15,000"')
    stored = store_upload(schedule.read_bytes(), "schedule.csv")
    reports = store_upload(REPORTS.encode(), "reports.csv")
    result = compare_files(stored, reports, sample_files_ids(), date(2026, 8, 3), date(2026, 8, 9))
    assert statuses(result.outcomes.to_dict("records")) == {
        "delivered": 2,
        "short": 1,
        "missed": 1,
    }
    texts = warning_texts(result.reports)
    assert any("litres read with a comma as thousands separator" in t for t in texts)
    (repeats,) = [t for t in texts if "repeat an earlier row" in t]
    assert "upload it again" in repeats and "--" not in repeats
    assert str(tmp_path) not in " ".join(texts)


@pytest.mark.error_case
def test_an_uploaded_schedule_with_no_usable_row_is_an_error_on_the_page(tmp_path: Path) -> None:
    """The page shows the error, worded for the app (no flag), naming the rows."""
    schedule = write(tmp_path, "s.csv", f"{HEADER}\nX-1,Metro,Monday,,08:00,10:00,10000\n")
    stored = store_upload(schedule.read_bytes(), "s.csv")
    reports = store_upload(REPORTS.encode(), "reports.csv")
    with pytest.raises(ValidationError) as raised:
        compare_files(stored, reports, sample_files_ids())
    text = error_text(raised.value)
    assert "The one row of the schedule file cannot be used" in text
    assert "upload it again" in text and "--settlements" not in text
    assert "X-1" in text


def sample_files_ids() -> list[str]:
    """The ids of the sample's settlements (the page's dataset)."""
    layer, _ = load_layer(sample_files().settlements, "settlements")
    return [str(s) for s in layer["settlement_id"]]
