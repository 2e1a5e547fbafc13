"""``atlas reports import FILE --kind kobo|odk|survey``: field-form exports and survey tables
from the command line, as a member runs it (JSON out, refused lines on standard error, plain
errors, the same file twice adding nothing)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from atlas.cli import EXIT_DATA, main
from tests.store.test_field_forms import KOBO_ROWS, ODK_ROWS, U, write_kobo_csv, write_odk_csv

ADMIN, MEMBER = ("thandi", "admin-password"), ("sipho", "member-north-pw")


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> tuple[int, str, str]:
    """``atlas argv --as sipho`` (the member) in this process: exit status, stdout, stderr."""
    monkeypatch.setenv("ATLAS_PASSWORD", MEMBER[1])
    capsys.readouterr()
    code = main([*argv, "--as", MEMBER[0]])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample registered, an admin and a member of Northern Ridge."""
    db = tmp_path_factory.mktemp("cli-forms") / "atlas.sqlite"
    patch = pytest.MonkeyPatch()
    try:
        assert main(["db", "init", "--db", str(db), "--quiet"]) == 0
        patch.setenv("ATLAS_PASSWORD", ADMIN[1])
        for argv, password in (
            (["users", "add", ADMIN[0], "--role", "admin"], ADMIN[1]),
            (["users", "add", MEMBER[0], "--role", "member", "--as", ADMIN[0],
              "--cluster", "Northern Ridge Cluster"], MEMBER[1]),
        ):  # fmt: skip
            patch.setattr("sys.stdin", io.StringIO(password + "\n"))
            assert main([*argv, "--db", str(db), "--password-stdin"]) == 0
    finally:
        patch.undo()
    return db


@pytest.fixture
def db(made: Path, tmp_path: Path) -> str:
    """A fresh copy of the made store for one test."""
    copy = tmp_path / "atlas.sqlite"
    with sqlite3.connect(made) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    return str(copy)


def test_a_kobo_export_is_imported_once(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    export = write_kobo_csv(tmp_path / "atlas_report.csv", KOBO_ROWS)
    argv = ("reports", "import", str(export), "--kind", "kobo", "--db", db)
    code, out, err = run(capsys, monkeypatch, *argv)
    assert code == 0, err
    result = json.loads(out)
    assert (result["added"], result["edited"], result["unchanged"]) == (5, 0, 0)
    assert [r["line"] for r in result["rejected"]] == [6, 7, 8, 9, 10, 11]
    assert f"line 6 not imported: submission uuid:{U}01 is on line 2 already" in err
    assert "committed 11 rows of the file (5 added)" in err
    code, out, _ = run(capsys, monkeypatch, *argv, "--format", "text")
    assert (code, out) == (0, "0 added, 0 edited, 5 unchanged, 6 rejected\n")
    code, out, _ = run(capsys, monkeypatch, "reports", "list", "--db", db)
    listed = json.loads(out)
    assert len(listed) == 5 and {r["channel"] for r in listed} == {"kobo"}
    assert {r["reporter"] for r in listed} == {"sipho"}


def test_an_odk_export_and_the_wrong_kind(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    export = write_odk_csv(tmp_path / "central.csv", ODK_ROWS)
    code, _, err = run(capsys, monkeypatch, "reports", "import", str(export), "--kind", "kobo",
                       "--db", db)  # fmt: skip
    assert code == EXIT_DATA
    assert "central.csv is an ODK Central export, not KoboToolbox" in err
    assert "--kind odk" in err and "Traceback" not in err
    code, out, _ = run(capsys, monkeypatch, "reports", "import", str(export), "--kind", "odk",
                       "--db", db, "--format", "text")  # fmt: skip
    assert (code, out) == (0, "2 added, 0 edited, 0 unchanged, 3 rejected\n")


def test_a_survey_with_a_mapped_question(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "settlement_id,period_start,water,taps working\n"
        "SET-001,2026-11-02,no,no\n"
        "SET-002,2026-11-02,yes,perhaps\n",
        encoding="utf-8",
    )
    argv = ("reports", "import", str(survey), "--kind", "survey", "--db", db)
    code, out, err = run(capsys, monkeypatch, *argv, "--question", "taps working=water:broken")
    assert code == 0, err
    result = json.loads(out)
    assert (result["added"], result["unchanged"], len(result["rejected"])) == (2, 0, 1)
    assert "edited" not in result
    assert "line 3 not imported: The answer 'perhaps' to taps working is not yes or no" in err
    code, _, err = run(capsys, monkeypatch, *argv, "--question", "taps")
    assert code == EXIT_DATA and "write COLUMN=CATEGORY:PROBLEM" in err
    code, _, err = run(capsys, monkeypatch, "reports", "import", str(survey), "--db", db,
                       "--question", "taps working=water:broken")  # fmt: skip
    assert code == EXIT_DATA and "use it with --kind survey" in err


def test_an_xlsx_export_names_its_rows(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "SubmissionDate",
            "report-settlement_id",
            "report-category",
            "report-problem",
            "report-observed_at",
            "meta-instanceID",
            "KEY",
            "ReviewState",
            "Status",
        ]
    )
    sheet.append(
        [
            "2026-11-22T08:01:12.345Z",
            "SET-001",
            "water",
            "broken",
            "2026-11-22T07:30:00.000+02:00",
            "uuid:w1",
            "uuid:w1",
            None,
            None,
        ]
    )
    sheet.append(["2026-11-22T08:01:12.345Z", "SET-001", "water", "broken", "soon", "uuid:w2",
                  "uuid:w2", None, None])  # fmt: skip
    path = tmp_path / "central.xlsx"
    book.save(path)
    code, out, err = run(capsys, monkeypatch, "reports", "import", str(path), "--kind", "odk",
                         "--db", db)  # fmt: skip
    assert code == 0 and json.loads(out)["added"] == 1
    assert "row 3 not imported: observed_at 'soon' is not a time" in err
