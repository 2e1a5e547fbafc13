"""``--output`` anywhere: every command writes through one function (``atlas.writing``), so each
makes missing folders, writes whole or not at all, and says clearly why it could not write.

The command line runs in-process (``atlas.cli.main``, what the ``atlas`` script calls) on the
embedded sample; each refusal is one line on standard error, exit status 1, no traceback.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from atlas.cli import main
from atlas.errors import DataFileError
from atlas.writing import write_error, write_file, writing


def refused_by_gaps(capsys: pytest.CaptureFixture[str], output: str) -> str:
    """``atlas gaps --output OUTPUT``'s error (exit status 1, one paragraph, no traceback)."""
    assert main(["gaps", "--quiet", "--format", "json", "--output", output]) == 1
    err = capsys.readouterr().err
    assert err.startswith("atlas: error: Could not write ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return err


@pytest.mark.accepted_case
def test_every_command_makes_the_missing_folders(tmp_path: Path) -> None:
    """``gaps`` (a result), ``export`` (files) and ``db backup`` (a store) make the folders of
    their ``--output`` alike, as ``export`` always did."""
    target = tmp_path / "new" / "deeper" / "gaps.json"
    assert main(["gaps", "--quiet", "--format", "json", "--output", str(target)]) == 0
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 30  # the sample's settlements
    folder = tmp_path / "exported" / "csv"
    assert main(["export", "--quiet", "--format", "csv", "--output", f"{folder}/"]) == 0
    assert (folder / "settlements.csv").is_file() and (folder / "clusters.csv").is_file()
    backup = tmp_path / "backups" / "2026" / "atlas.sqlite"
    db = str(tmp_path / "atlas.sqlite")
    assert main(["db", "init", "--db", db, "--quiet"]) == 0
    assert main(["db", "backup", "--db", db, "--output", str(backup)]) == 0
    assert backup.read_bytes().startswith(b"SQLite format 3")
    assert not [p for p in tmp_path.rglob("*.part*")]  # no temporary file left


@pytest.mark.error_case
def test_a_full_disk_says_no_space_left(capsys: pytest.CaptureFixture[str]) -> None:
    """``/dev/full`` (every write fails with ENOSPC) said "File exists" for ``export``."""
    err = refused_by_gaps(capsys, "/dev/full")
    assert "Could not write /dev/full: no space left on device. Free some space" in err
    assert main(["export", "--quiet", "--format", "geojson", "--output", "/dev/full"]) == 1
    err = capsys.readouterr().err
    assert "/dev/full is a file, not a folder" in err and "File exists" not in err


@pytest.mark.error_case
def test_a_folder_given_as_the_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    err = refused_by_gaps(capsys, str(tmp_path))
    assert f"Could not write {tmp_path}: it is a folder. Give the name of a file" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.error_case
def test_a_parent_that_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``notes.txt/gaps.json`` and ``notes.txt/more/gaps.json``: the file in the way is named."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    err = refused_by_gaps(capsys, str(notes / "more" / "gaps.json"))
    assert f"{notes} is a file, not a folder. Choose another folder" in err
    with pytest.raises(DataFileError, match=f"{notes} is a file, not a folder"):
        write_file(notes / "gaps.json", "{}")  # the same one function every command writes with
    assert notes.read_text() == "mine"


@pytest.mark.error_case
def test_a_read_only_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A folder the user may not write to (as root every folder is writable: then the
    permission error is made to happen where the file is created)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.geteuid() == 0:
            with pytest.MonkeyPatch.context() as patch:
                real = os.open

                def refuse(path: str, flags: int, mode: int = 0o777, **kw: object) -> int:
                    if str(path).startswith(str(folder)):
                        raise PermissionError(errno.EACCES, "Permission denied", path)
                    return real(path, flags, mode, **kw)  # type: ignore[arg-type]

                patch.setattr(os, "open", refuse)
                err = refused_by_gaps(capsys, str(folder / "gaps.json"))
        else:
            err = refused_by_gaps(capsys, str(folder / "gaps.json"))
    finally:
        folder.chmod(0o755)
    assert f"Could not write {folder / 'gaps.json'}: permission denied. Choose a folder" in err
    assert list(folder.iterdir()) == []


@pytest.mark.error_case
def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    """The disk fills half-way: the old result stays as it was, no half file, no temporary."""
    target = tmp_path / "gaps.csv"
    target.write_text("yesterday's result\n")
    with pytest.raises(DataFileError, match="no space left on device"), writing(target) as part:
        part.write_text("half a ")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "yesterday's result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaps.csv"]


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EROFS, "the disk is read-only. Choose a folder on a disk that can be written to"),
        (errno.EDQUOT, "your disk quota is used up"),
        (errno.ENAMETOOLONG, "the name is too long"),
        (errno.EIO, "input/output error"),
    ],
)
def test_other_write_failures_are_said_in_words(code: int, words: str) -> None:
    error = write_error(OSError(code, os.strerror(code)), "/mnt/usb/gaps.csv")
    assert str(error) == f"Could not write /mnt/usb/gaps.csv: {words}." or words in str(error)
    assert "Errno" not in str(error) and isinstance(error, OSError)


@pytest.mark.accepted_case
def test_a_written_file_is_whole_and_a_device_is_written_directly(tmp_path: Path) -> None:
    """Text as UTF-8; the file replaced only when complete; ``/dev/null`` written in place
    (never renamed over)."""
    target = write_file(tmp_path / "a" / "names.txt", "Ntšhaba\n")
    assert target.read_bytes() == "Ntšhaba\n".encode()
    write_file(target, b"second\n")
    assert target.read_text() == "second\n"
    write_file("/dev/null", "nothing")
    assert Path("/dev/null").is_char_device()
