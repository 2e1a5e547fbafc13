"""``atlas contacts``: importing a contacts file (idempotent, refused lines named), listing as
JSON, CSV and text with filters, adding, changing and retiring, and who may do which."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from atlas.cli import EXIT_NOPERM, main
from tests.atlas.store_cli import copied_store

#: name -> (role, password)
PEOPLE = {
    "thandi": ("admin", "admin-password"),
    "nomsa": ("coordinator", "coordinator-pw"),
    "lebo": ("viewer", "viewer-password"),
}
FILE = """role,name,office,phone,email,ward_id,category,provider,valid_from,valid_to,source
ward_councillor,Priya Phiri,Ward 2 office,021 400 1111,priya@example.org,99900002,,,2021-11-01,2026-10-31,City website
ward_councillor,Sipho Dube,,,,99900002,,,2026-11-01,,IEC results 2026
department,Water and Sanitation,Civic Centre,021 400 2222,water@example.org,,water,,,,City directory
mayor,Someone,,,,,,,,,
contractor,Aqua Tankers,,082 555 0101,,,,,,,
"""


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, who: str, *argv: str
) -> tuple[int, str, str]:
    """Run ``atlas argv --as who`` in this process: exit status, stdout and stderr."""
    monkeypatch.setenv("ATLAS_PASSWORD", PEOPLE[who][1])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    code = main([*argv, "--as", who])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample registered and an admin, a coordinator and a viewer."""
    db = tmp_path_factory.mktemp("cli-contacts") / "atlas.sqlite"
    patch = pytest.MonkeyPatch()
    try:
        patch.setenv("ATLAS_DB", str(db))
        patch.setenv("ATLAS_PASSWORD", PEOPLE["thandi"][1])
        assert main(["db", "init", "--quiet"]) == 0
        for name, (role, password) in PEOPLE.items():
            patch.setattr("sys.stdin", io.StringIO(password + "\n"))
            argv = ["users", "add", name, "--role", role, "--password-stdin"]
            assert main(argv + ([] if name == "thandi" else ["--as", "thandi"])) == 0
    finally:
        patch.undo()
    return db


@pytest.fixture
def store(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the made store for one test."""
    return copied_store(made, tmp_path, monkeypatch)


@pytest.fixture
def contacts_file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_import_is_idempotent_and_names_the_lines_it_refuses(
    store: Path,
    contacts_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run(capsys, monkeypatch, "nomsa", "contacts", "import", str(contacts_file))
    assert code == 0
    data = json.loads(out)
    assert (data["added"], data["unchanged"]) == (3, 0)
    assert [r["line"] for r in data["rejected"]] == [5, 6]
    assert "'mayor' is not a contact role" in data["rejected"][0]["reason"]
    assert "A contractor is named for a provider" in data["rejected"][1]["reason"]
    assert "line 5 not imported: 'mayor' is not a contact role" in err
    assert "Traceback" not in err

    code, out, _ = run(
        capsys, monkeypatch, "nomsa", "contacts", "import", str(contacts_file), "--format", "text"
    )
    assert code == 0 and out == "0 added, 3 unchanged, 2 rejected\n"
    # A corrected phone number updates the kept contact.
    contacts_file.write_text(FILE.replace("021 400 2222", "021 400 3333"), encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, "nomsa", "contacts", "import", str(contacts_file))
    assert (json.loads(out)["added"], json.loads(out)["edited"]) == (0, 1)


def test_list_filters_and_formats(
    store: Path,
    contacts_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, monkeypatch, "thandi", "contacts", "import", str(contacts_file))
    # A viewer lists them too: public officials' work details.
    code, out, _ = run(capsys, monkeypatch, "lebo", "contacts", "list", "--db", str(store))
    assert code == 0
    assert [c["name"] for c in json.loads(out)] == [
        "Priya Phiri",
        "Sipho Dube",
        "Water and Sanitation",
    ]
    listed = lambda *more: [  # noqa: E731
        c["name"]
        for c in json.loads(run(capsys, monkeypatch, "lebo", "contacts", "list", *more)[1])
    ]
    assert listed("--on", "2026-10-31") == ["Priya Phiri", "Water and Sanitation"]
    assert listed("--on", "2026-11-01") == ["Sipho Dube", "Water and Sanitation"]
    assert listed("--role", "department") == ["Water and Sanitation"]
    assert listed("--ward", "99900002", "--on", "2030-01-01") == ["Sipho Dube"]
    assert listed("--category", "Water") == ["Water and Sanitation"]

    code, out, _ = run(capsys, monkeypatch, "lebo", "contacts", "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "id", "role", "name", "office", "phone", "email", "ward_id", "category", "provider",
        "valid_from", "valid_to", "source",
    ]  # fmt: skip
    assert (rows[0]["name"], rows[0]["valid_to"], rows[1]["valid_to"]) == (
        "Priya Phiri",
        "2026-10-31",
        "",
    )
    code, out, _ = run(capsys, monkeypatch, "lebo", "contacts", "list", "--format", "text")
    assert out.splitlines()[0].split() == [
        "id", "role", "name", "ward_id", "category", "provider", "phone", "email", "valid_to",
    ]  # fmt: skip
    assert "Water and Sanitation" in out and len(out.splitlines()) == 4
    with pytest.raises(SystemExit) as stopped:
        run(capsys, monkeypatch, "lebo", "contacts", "list", "--on", "soon")
    assert stopped.value.code == 2
    assert "'soon' is not a date: write YYYY-MM-DD" in capsys.readouterr().err


def test_add_update_retire_and_who_may(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add = (
        "contacts",
        "add",
        "--role",
        "contractor",
        "--name",
        "Aqua Tankers",
        "--provider",
        "Metro Water Services",
    )
    code, _, err = run(capsys, monkeypatch, "lebo", *add)
    assert code == EXIT_NOPERM and "lebo is a viewer: adding a contact needs a coordinator" in err
    code, out, _ = run(capsys, monkeypatch, "nomsa", *add, "--phone", "082 555 0101")
    assert code == 0
    cid = json.loads(out)["id"]
    code, _, err = run(capsys, monkeypatch, "nomsa", *add)
    assert code == 1 and "Aqua Tankers is kept already" in err and "Traceback" not in err
    code, _, err = run(
        capsys, monkeypatch, "nomsa", "contacts", "add", "--role", "department", "--name", "Roads"
    )
    assert code == 1 and "A department is named for a service category" in err

    code, out, _ = run(
        capsys, monkeypatch, "nomsa", "contacts", "update", cid, "--email", "ops@example.org",
        "--phone", "", "--format", "text",
    )  # fmt: skip
    assert code == 0 and out == f"{cid}: Aqua Tankers (contractor)\n"
    (kept,) = json.loads(run(capsys, monkeypatch, "lebo", "contacts", "list")[1])
    assert (kept["email"], kept["phone"]) == ("ops@example.org", None)  # "" clears it

    code, _, err = run(capsys, monkeypatch, "lebo", "contacts", "retire", cid)
    assert code == EXIT_NOPERM and "retiring a contact needs a coordinator" in err
    code, out, _ = run(capsys, monkeypatch, "nomsa", "contacts", "retire", cid, "--format", "text")
    assert code == 0 and out == f"{cid}: Aqua Tankers retired\n"
    assert json.loads(run(capsys, monkeypatch, "lebo", "contacts", "list")[1]) == []
    code, _, err = run(capsys, monkeypatch, "lebo", "contacts", "import", "missing.csv")
    assert code == EXIT_NOPERM and "importing contacts needs a coordinator" in err
