"""The store's commands: ``atlas db``, ``users``, ``reports`` and ``audit``, as a person or a
script runs them: JSON out, one-paragraph errors, and every role against every command."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from atlas.cli import EXIT_NOPERM, main
from tests.atlas.store_cli import EAST, NORTH, PEOPLE, copied_store

CONTACT = "072 555 0199 (Mrs Dlamini)"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    password: str | None = None,
    stdin: str = "",
) -> tuple[int, str, str]:
    """Run ``atlas argv`` in this process; returns the exit status, stdout and stderr."""
    if password is None:
        monkeypatch.delenv("ATLAS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("ATLAS_PASSWORD", password)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def as_user(name: str, *argv: str) -> tuple[list[str], str]:
    return [*argv, "--as", name], PEOPLE[name][2]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample registered and one user of each role, made with the commands."""
    db = tmp_path_factory.mktemp("cli-store") / "atlas.sqlite"
    patch = pytest.MonkeyPatch()
    try:
        patch.setenv("ATLAS_DB", str(db))
        assert main(["db", "init", "--quiet"]) == 0
        for name, (role, cluster, password) in PEOPLE.items():
            argv = ["users", "add", name, "--role", role, "--password-stdin"]
            argv += ["--cluster", cluster] if cluster else []
            argv += [] if name == "thandi" else ["--as", "thandi"]
            patch.setenv("ATLAS_PASSWORD", PEOPLE["thandi"][2])
            patch.setattr("sys.stdin", io.StringIO(password + "\n"))
            assert main(argv) == 0, name
    finally:
        patch.undo()
    return db


@pytest.fixture
def store(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the made store for one test."""
    return copied_store(made, tmp_path, monkeypatch)


def add(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, who: str, *extra: str
) -> tuple[int, str, str]:
    argv, password = as_user(
        who,
        "reports", "add", "--settlement", "SET-001", "--category", "water", "--problem", "broken",
        "--observed-at", "2026-11-28T08:00", "--contact", CONTACT, *extra,
    )  # fmt: skip
    return run(capsys, monkeypatch, *argv, password=password)


def test_init_registers_the_sample_and_says_so_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "new" / "atlas.sqlite"
    code, out, _ = run(capsys, monkeypatch, "db", "init", "--db", str(db), "--quiet")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "0003" and data["settlements"] == 30
    assert data["register"]["settlements_added"] == 30
    assert data["register"]["services_added"] == 800
    # Again: the schema is up to date, the register is not touched.
    code, out, _ = run(capsys, monkeypatch, "db", "init", "--db", str(db), "--quiet")
    assert code == 0 and json.loads(out)["register"] is None


def test_a_store_that_does_not_exist_is_not_created_by_other_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "none.sqlite"
    code, _, err = run(
        capsys, monkeypatch, "reports", "list", "--db", str(db), "--as", "x", password="p"
    )
    assert code == 1 and not db.exists()
    assert "There is no store at" in err and "atlas db init --db" in err
    assert "Traceback" not in err


def test_sync_keeps_settlements_left_out_but_retires_them(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import geopandas as gpd

    from atlas.registry import sample_files

    files = sample_files()
    settlements = gpd.read_file(files.settlements)
    fewer = tmp_path / "fewer.gpkg"
    settlements[settlements["settlement_id"] != "SET-002"].to_file(fewer)
    code, out, _ = run(
        capsys, monkeypatch, "db", "sync", "--settlements", str(fewer),
        "--services", str(files.services), "--wards", str(files.wards), "--quiet",
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["register"]["settlements_retired"] == 1
    assert data["register"]["settlements_added"] == 0
    assert data["settlements"] == 29
    with sqlite3.connect(store) as conn:
        assert conn.execute(
            "select active from settlements where settlement_id = 'SET-002'"
        ).fetchone() == (0,)
    conn.close()


def test_sync_needs_the_settlements(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "db", "sync")
    assert code == 1 and "--settlements PATH" in err


def test_the_first_user_must_be_an_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "a.sqlite")
    run(capsys, monkeypatch, "db", "init", "--db", db, "--quiet")
    code, _, err = run(
        capsys, monkeypatch, "users", "add", "ann", "--role", "coordinator", "--db", db,
        "--password-stdin", stdin="long enough\n",
    )  # fmt: skip
    assert code == 1 and "first one must be an admin" in err
    code, out, _ = run(
        capsys, monkeypatch, "users", "add", "ann", "--role", "admin", "--db", db,
        "--password-stdin", stdin="long enough\n",
    )  # fmt: skip
    assert code == 0 and json.loads(out) == {"name": "ann", "role": "admin", "cluster": None}
    # Now an admin must say who adds the next one.
    code, _, err = run(
        capsys, monkeypatch, "users", "add", "ben", "--role", "viewer", "--db", db,
        "--password-stdin", stdin="long enough\n",
    )  # fmt: skip
    assert code == 1 and "--as ADMIN" in err


def test_a_wrong_password_is_refused_without_saying_whether_the_name_exists(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = run(capsys, monkeypatch, "reports", "summary", "--as", "lebo", password="nope")
    unknown = run(capsys, monkeypatch, "reports", "summary", "--as", "nobody", password="nope")
    assert wrong[0] == unknown[0] == EXIT_NOPERM
    assert wrong[2] == unknown[2]
    assert "user name or the password is wrong" in wrong[2]


def test_no_password_and_no_terminal_says_how_to_give_one(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "reports", "summary", "--as", "lebo")
    assert code == EXIT_NOPERM and "ATLAS_PASSWORD" in err


def test_add_prints_the_id_and_offers_duplicates(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = add(capsys, monkeypatch, "sipho", "--service", "SRV-0071")
    assert code == 0
    first = json.loads(out)
    assert set(first) == {"id", "possible_duplicates"} and len(first["id"]) == 16
    assert first["possible_duplicates"] == []
    code, out, err = add(capsys, monkeypatch, "sipho", "--service", "SRV-0071")
    second = json.loads(out)
    assert second["possible_duplicates"] == [first["id"]]
    assert f"may be the same problem as the open report {first['id']}" in err
    assert CONTACT not in err  # never in what the command says


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--settlement", "SET-999"], "no settlement 'SET-999' in the register"),
        (["--category", "gas"], "'gas' is not a service category"),
        (["--problem", "exploded"], "'exploded' is not a water problem"),
        (["--observed-at", "yesterday"], "is not a time"),
        (["--observed-at", "2099-01-01"], "is in the future"),
        (["--service", "SRV-0010"], "is a sanitation point, not water"),
    ],
)
def test_a_wrong_report_is_refused_with_the_reason(
    store: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    words: str,
) -> None:
    code, out, err = add(capsys, monkeypatch, "nomsa", *extra)
    assert code == 1 and out == ""
    assert words in err and "Traceback" not in err


def test_a_member_reports_only_for_their_own_cluster(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = add(capsys, monkeypatch, "ayanda")
    assert code == EXIT_NOPERM
    assert "is not in your cluster (Ilanga East Cluster)" in err


#: Every role against every command: the exit status each gets (0 allowed, 77 refused).
MATRIX = {
    # command: (viewer, member of the cluster, member of another, coordinator, admin)
    "add": (77, 0, 77, 0, 0),
    "list": (77, 0, 0, 0, 0),
    "list-other-cluster": (77, 77, 0, 0, 0),
    "list-with-contacts": (77, 77, 77, 0, 0),
    "update": (77, 77, 77, 0, 0),
    "summary": (0, 0, 0, 0, 0),
    "audit": (77, 77, 77, 77, 0),
    "users-add": (77, 77, 77, 77, 0),
    "users-list": (77, 77, 77, 77, 0),
}
ROLES = ("lebo", "sipho", "ayanda", "nomsa", "thandi")


@pytest.mark.parametrize("command", sorted(MATRIX))
def test_every_role_against_every_command(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    code, out, _ = add(capsys, monkeypatch, "nomsa")
    report = json.loads(out)["id"]
    commands = {
        "add": ["reports", "add", "--settlement", "SET-001", "--category", "water",
                "--problem", "leaking", "--observed-at", "2026-11-29T10:00"],
        "list": ["reports", "list"],
        "list-other-cluster": ["reports", "list", "--cluster", EAST],
        "list-with-contacts": ["reports", "list", "--with-contacts"],
        "update": ["reports", "update", report, "--state", "confirmed"],
        "summary": ["reports", "summary"],
        "audit": ["audit"],
        "users-add": ["users", "add", "zola", "--role", "viewer", "--password-stdin"],
        "users-list": ["users", "list"],
    }  # fmt: skip
    for who, expected in zip(ROLES, MATRIX[command], strict=True):
        if command == "update":  # a new report each time: a report is confirmed once
            report = json.loads(add(capsys, monkeypatch, "nomsa")[1])["id"]
            commands["update"][2] = report
        argv, password = as_user(who, *commands[command])
        code, out, err = run(capsys, monkeypatch, *argv, password=password, stdin="zola's pw 1\n")
        assert code == expected, (who, command, err)
        if command.startswith("list") and code == 0:
            records = json.loads(out)
            shows_contact = any(r.get("contact") == CONTACT for r in records)
            assert shows_contact == (command == "list-with-contacts"), who
            if who in ("sipho", "ayanda"):  # members see their own cluster only
                assert {r["cluster"] for r in records} <= {PEOPLE[who][1]}
        if code == EXIT_NOPERM:
            assert "refused" in err and out == ""


def test_the_lifecycle_through_the_command_line(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = json.loads(add(capsys, monkeypatch, "sipho")[1])["id"]
    coordinator = PEOPLE["nomsa"][2]

    def update(*extra: str) -> tuple[int, str, str]:
        argv = ["reports", "update", report, "--as", "nomsa", *extra]
        return run(capsys, monkeypatch, *argv, password=coordinator)

    code, _, err = update("--state", "fixed")
    assert code == 1 and "it can become confirmed, duplicate, rejected, not fixed" in err
    confirmed = update(
        "--state", "confirmed", "--note", "seen at the meeting", "--at", "2026-11-29T10:00"
    )
    assert confirmed[0] == 0
    code, _, err = update("--state", "referred")
    assert code == 1 and "reference number" in err and "--reference REF" in err
    code, out, _ = update(
        "--state", "referred", "--reference", "CPT-2026-0042", "--at", "2026-11-30T09:00"
    )  # fmt: skip
    assert code == 0
    referred = json.loads(out)
    assert referred["state"] == "referred" and referred["reference"] == "CPT-2026-0042"
    assert referred["status"] == "open" and referred["status_notes"] == "seen at the meeting"
    assert "contact" not in referred
    code, out, _ = update("--state", "fixed", "--at", "2026-11-30T16:00", "--note", "new tap")
    assert code == 0 and json.loads(out)["status"] == "closed"
    assert json.loads(out)["updated_datetime"] == "2026-11-30T16:00:00+02:00"
    code, _, err = update("--state", "reported", "--at", "2026-11-30T12:00")
    assert code == 1 and "before the report's last change (2026-11-30T16:00:00+02:00)" in err


def test_list_as_csv_and_geojson_with_contacts_is_audited(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = json.loads(add(capsys, monkeypatch, "sipho", "--service", "SRV-0071")[1])["id"]
    argv, password = as_user("nomsa", "reports", "list", "--format", "csv", "--with-contacts")
    code, out, _ = run(capsys, monkeypatch, *argv, password=password)
    header, row = out.strip().splitlines()
    assert header.startswith("service_request_id,external_id,state,status,")
    assert header.endswith(",contact") and row.startswith(f"{report},,reported,open,SET-001,")
    assert f'"{CONTACT}"' not in row and CONTACT in row
    argv, password = as_user("nomsa", "reports", "list", "--format", "geojson")
    collection = json.loads(run(capsys, monkeypatch, *argv, password=password)[1])
    (feature,) = collection["features"]
    assert feature["geometry"]["type"] == "Point"  # the place of service point SRV-0071
    assert "contact" not in feature["properties"]
    code, out, _ = run(capsys, monkeypatch, "audit", "--as", "thandi", password=PEOPLE["thandi"][2])
    assert code == 0
    rows = json.loads(out)
    exported = [r for r in rows if r["action"] == "contacts.exported"]
    assert [r["detail"] for r in exported] == [{"count": 1, "reports": [report]}]
    assert CONTACT not in out  # the audit names reports, never the details


def test_import_is_idempotent_and_names_the_lines_it_refuses(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = tmp_path / "reports.csv"
    csv.write_text(
        "external_id,settlement_id,service_id,category,problem,observed_at,note,contact,channel\n"
        "K-1,SET-001,SRV-0071,water,broken,2026-11-20T09:00,no handle,,kobo\n"
        'K-2,SET-002,,sanitation,not_cleaned,2026-11-21,"two lines\nof note",,paper\n'
        "K-3,SET-999,,water,broken,2026-11-21,,,paper\n"
        "K-4,SET-011,,water,broken,2026-11-21,,,paper\n"
        ",SET-001,,water,broken,2026-11-21,,,paper\n",
        encoding="utf-8",
    )
    argv, password = as_user("sipho", "reports", "import", str(csv))
    code, out, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 0
    result = json.loads(out)
    assert (result["added"], result["unchanged"]) == (2, 0)
    # Lines of the file: the header is 1, K-2's note takes lines 3-4.
    assert [r["line"] for r in result["rejected"]] == [5, 6, 7]
    assert "no settlement 'SET-999'" in result["rejected"][0]["reason"]
    assert "not in your cluster" in result["rejected"][1]["reason"]
    assert "No external_id" in result["rejected"][2]["reason"]
    assert "committed 5 rows of the file (2 added)" in err
    code, out, _ = run(capsys, monkeypatch, *argv, password=password)
    again = json.loads(out)
    assert (again["added"], again["unchanged"], len(again["rejected"])) == (0, 2, 3)


def test_summary_counts_by_cluster(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add(capsys, monkeypatch, "sipho")
    add(capsys, monkeypatch, "sipho", "--problem", "leaking")
    argv, password = as_user("lebo", "reports", "summary", "--level", "cluster")
    code, out, _ = run(capsys, monkeypatch, *argv, password=password)
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out)
    assert rows == [
        {
            "cluster": NORTH, "category": "water", "reported": 2, "confirmed": 0, "referred": 0,
            "fixed": 0, "not_fixed": 0, "duplicate": 0, "rejected": 0, "open": 2, "total": 2,
        }
    ]  # fmt: skip
    assert CONTACT not in out


def test_backup_is_a_store_of_its_own(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add(capsys, monkeypatch, "sipho")
    copy = tmp_path / "backup.sqlite"
    code, out, _ = run(capsys, monkeypatch, "db", "backup", "--output", str(copy))
    assert code == 0 and json.loads(out) == {"output": str(copy), "reports": 1}
    argv, password = as_user("lebo", "reports", "summary", "--db", str(copy))
    code, out, _ = run(capsys, monkeypatch, *argv, password=password)
    assert code == 0 and json.loads(out)[0]["total"] == 1
    code, _, err = run(capsys, monkeypatch, "db", "backup", "--output", str(copy))
    assert code == 1 and "never overwrites" in err


def test_an_admin_sets_a_new_password_and_a_user_their_own(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["users", "password", "lebo", "--password-stdin", "--as", "thandi"]
    code, out, _ = run(
        capsys, monkeypatch, *argv, password=PEOPLE["thandi"][2], stdin="a new one!\n"
    )
    assert code == 0 and json.loads(out) == {"name": "lebo", "password": "set"}
    old = run(capsys, monkeypatch, "reports", "summary", "--as", "lebo", password="viewer-password")
    assert old[0] == EXIT_NOPERM
    new = run(capsys, monkeypatch, "reports", "summary", "--as", "lebo", password="a new one!")
    assert new[0] == 0
    argv = ["users", "password", "sipho", "--password-stdin", "--as", "lebo"]
    code, _, err = run(capsys, monkeypatch, *argv, password="a new one!", stdin="hijacked!!\n")
    assert code == EXIT_NOPERM and "lebo is a viewer" in err and "needs an admin" in err
