"""Hostile uploads: zips that are damaged, protected, bombs, links or archives in archives, and
the upload folder on disk (private, no links followed, removed with the session and the server).

Each case runs through the library (``check_zip``, ``save_upload``) and the app's upload path
(``pages.state.uploads.store_upload``, as every uploader of the app calls it); the limits are
one number in one unit (MB of 2**20 bytes) on every surface.
"""

from __future__ import annotations

import gc
import io
import json
import os
import stat
import struct
import subprocess
import sys
import tomllib
import zipfile
import zlib
from pathlib import Path

import pytest

import atlas
from atlas.cli import main
from atlas.errors import DataFileError, SchemaError
from atlas.load.archives import check_zip
from atlas.load.limits import MB, UploadLimits, upload_limits
from atlas.load.uploads import (
    check_private_folder,
    content_hash,
    private_folder,
    private_subfolder,
    save_upload,
)
from pages.state import session, upload_folder
from pages.state.messages import error_text
from pages.state.upload_folder import UPLOAD_ROOT, SessionUploads, remove_root, session_folder
from pages.state.uploads import store_upload

ROOT = Path(__file__).resolve().parents[2]
#: A small zipped Shapefile's parts (check_zip looks at the archive, not at the layer).
SHAPEFILE = {"wards.shp": b"shp", "wards.shx": b"shx", "wards.dbf": b"dbf", "wards.prj": b"prj"}


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def patched(data: bytes, signature: bytes, offset: int, fmt: str, value: int) -> bytes:
    """``data`` with the field at ``offset`` of every header starting with ``signature`` set."""
    out = bytearray(data)
    start = out.find(signature)
    while start >= 0:
        struct.pack_into(fmt, out, start + offset, value)
        start = out.find(signature, start + 4)
    return bytes(out)


def refused(data: bytes, name: str, match: str) -> str:
    """``data`` refused the same way by the library and by the app's upload path; the app's
    message (it never names the server's folders)."""
    with pytest.raises(DataFileError, match=match):
        check_zip(data, name)
    with pytest.raises(DataFileError, match=match) as raised:
        store_upload(data, name)
    text = error_text(raised.value, name).replace("\\", "")  # Markdown's escapes
    assert str(UPLOAD_ROOT) not in text
    return text


# -- zips checked before anything reads them ----------------------------------------------------


@pytest.mark.error_case
def test_a_password_protected_zip_says_so() -> None:
    """Flag bit 0x1 set in the local and the central headers (as an encrypting zip tool does)."""
    data = zipped(SHAPEFILE)
    data = patched(data, b"PK\x03\x04", 6, "<H", 0x1)
    data = patched(data, b"PK\x01\x02", 8, "<H", 0x1)
    refused(
        data,
        "wards.zip",
        r"^'wards.zip' is protected by a password \(.+ is encrypted\), and the atlas does not "
        r"read password-protected zips: unzip it on your computer and zip the files again "
        r"without a password\.$",
    )


@pytest.mark.error_case
@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_zip_is_incomplete_or_damaged(cut: float) -> None:
    """A download cut short: the zip's directory (at its end) is missing."""
    data = zipped({"wards.geojson": os.urandom(4000), **SHAPEFILE})
    text = refused(data[: int(len(data) * cut)], "wards.zip", "incomplete or damaged")
    assert "download or copy it again" in text


@pytest.mark.error_case
def test_a_member_whose_content_fails_its_checksum_is_damaged() -> None:
    """The directory is intact but a member's bytes were changed (a bad copy): its CRC fails."""
    data = bytearray(zipped({"wards.geojson": b'{"type": "FeatureCollection"}' * 50}, 0))
    data[40] ^= 0xFF  # inside the stored (uncompressed) member
    refused(bytes(data), "wards.zip", "incomplete or damaged")


@pytest.mark.error_case
def test_a_zip_bomb_whose_header_lies_is_caught_while_reading() -> None:
    """64 MB of zeros whose headers declare 1 KB: reading stops at the declared size, the
    checksum then fails, and nothing near 64 MB is ever unpacked or held."""
    payload = b"\0" * (64 * MB)
    data = zipped({"wards.geojson": payload})
    assert len(data) < MB
    data = patched(data, b"PK\x03\x04", 22, "<I", 1024)
    data = patched(data, b"PK\x01\x02", 24, "<I", 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.infolist()[0].file_size == 1024  # the header lies
    refused(data, "wards.zip", "incomplete or damaged")


@pytest.mark.error_case
def test_a_deflate_stream_cut_inside_a_member_is_damaged() -> None:
    """The member's compressed stream ends early, the directory is intact."""
    raw = zlib.compress(os.urandom(3000))[2:-4]  # raw deflate
    info = zipfile.ZipInfo("wards.geojson")
    info.compress_type = zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(info, raw[: len(raw) // 2])
    data = patched(buffer.getvalue(), b"PK\x03\x04", 8, "<H", zipfile.ZIP_DEFLATED)
    data = patched(data, b"PK\x01\x02", 10, "<H", zipfile.ZIP_DEFLATED)
    refused(data, "wards.zip", "incomplete or damaged")


@pytest.mark.error_case
def test_a_file_named_zip_that_is_not_one() -> None:
    """A GeoJSON renamed to .zip is not "damaged": it is not a zip at all."""
    refused(b'{"type": "FeatureCollection", "features": []}', "wards.zip", "is not a zip archive")


@pytest.mark.error_case
def test_declared_sizes_over_the_limits_name_the_limit_and_how_to_raise_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each limit, set by its environment variable, is named with its value in every message."""
    data = zipped({"wards.geojson": os.urandom(3 * MB // 2), "wards.csv": os.urandom(MB)})
    monkeypatch.setenv("ATLAS_MAX_MEMBER_MB", "1")
    text = refused(data, "wards.zip", r"unpacks to 1\.5 MB; at most 1 MB per file")
    assert "ATLAS_MAX_MEMBER_MB=1" in text and "ask whoever runs Settlement Atlas" in text
    monkeypatch.delenv("ATLAS_MAX_MEMBER_MB")
    monkeypatch.setenv("ATLAS_MAX_UNPACKED_MB", "2")
    refused(data, "wards.zip", r"unpacks to 2\.5 MB; at most 2 MB are accepted.*UNPACKED_MB=2")
    monkeypatch.setenv("ATLAS_MAX_ZIP_MEMBERS", "1")
    refused(data, "wards.zip", r"holds 2 files; at most 1 are accepted.*ATLAS_MAX_ZIP_MEMBERS=1")


@pytest.mark.error_case
def test_a_compression_ratio_over_the_limit_is_a_zip_bomb() -> None:
    """2 MB of zeros packed into 2 KB (ratio ~1000, the limit 100)."""
    data = zipped({"wards.geojson": b"0" * 2 * MB})
    text = refused(data, "wards.zip", r"compressed 1 0\d\d times")
    assert "at most 100 times" in text and "ATLAS_MAX_ZIP_RATIO=100" in text


@pytest.mark.accepted_case
def test_small_members_may_compress_well() -> None:
    """A 500 KB DBF of blank padding compresses 100s of times, harmlessly: members under 1 MB
    are not held to the ratio."""
    check_zip(zipped({**SHAPEFILE, "wards.dbf": b" " * 500_000}), "wards.zip")


@pytest.mark.error_case
def test_a_symbolic_link_member_is_refused() -> None:
    """A member whose Unix mode says link (S_IFLNK), pointing out of the folder."""
    link = zipfile.ZipInfo("wards/wards.prj")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("wards/wards.shp", b"shp")
        z.writestr(link, "/etc/passwd")
    refused(buffer.getvalue(), "wards.zip", r"contains a symbolic link, 'wards/wards.prj'")


@pytest.mark.error_case
@pytest.mark.parametrize("inner", ["inner.zip", "layer.kmz", "wards.tar.gz", "old.7z"])
def test_an_archive_inside_the_zip_is_refused(inner: str) -> None:
    """Nested archives are refused (one level of zip is a layer; more is a way to hide a bomb)."""
    data = zipped({inner: zipped(SHAPEFILE), **SHAPEFILE})
    text = refused(data, "wards.zip", f"contains another archive, '{inner}'")
    assert "unzip it" in text


@pytest.mark.error_case
@pytest.mark.parametrize("member", ["..\\..\\evil.shp", "C:/evil.shp", "/etc/evil.shp"])
def test_members_with_unsafe_paths_are_refused(member: str) -> None:
    """Backslashes count as separators, as a Windows tool writes them."""
    refused(zipped({member: b"x"}), "wards.zip", "unsafe path")


@pytest.mark.error_case
def test_a_member_twice_is_refused() -> None:
    """Two entries of one name: which one GDAL reads is not for the zip to decide."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr("wards.shp", b"one")
        z.writestr("wards.shp", b"two")
    refused(buffer.getvalue(), "wards.zip", "holds 'wards.shp' twice")


@pytest.mark.accepted_case
def test_a_shapefile_in_a_folder_with_the_files_a_mac_adds_is_accepted() -> None:
    """What "Compress folder" makes: the layer in a folder, ``__MACOSX/`` and ``.DS_Store``
    beside it; all allowed (reading the layer from the folder is the reader's part)."""
    members = {f"Wards 2021/{name}": data for name, data in SHAPEFILE.items()}
    members |= {"Wards 2021/.DS_Store": b"\0", "__MACOSX/Wards 2021/._wards.shp": b"\0"}
    data = zipped(members)
    check_zip(data, "Wards 2021.zip")
    path = store_upload(data, "Wards 2021.zip")
    assert path.name == "Wards_2021.zip" and path.read_bytes() == data


@pytest.mark.error_case
def test_the_command_line_can_check_a_zip_file_on_disk(tmp_path: Path) -> None:
    """``check_zip`` takes a path too (for the command line's reader), named by its file."""
    path = tmp_path / "wards.zip"
    path.write_bytes(zipped(SHAPEFILE)[:-10])
    with pytest.raises(DataFileError, match=r"^'wards\.zip' is incomplete or damaged"):
        check_zip(path)


# -- upload limits: one unit, one number ---------------------------------------------------------


@pytest.mark.error_case
def test_an_upload_over_the_limit_says_the_number_streamlit_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The atlas says "at most 200 MB" as Streamlit's uploader says "200MB" for the same bytes
    (it counts 2**20): never 210 MB (1e6) for one and 200 for the other."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == UploadLimits().upload_mb == 200
    assert UploadLimits().upload_bytes == 200 * 2**20
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "1")
    with pytest.raises(DataFileError) as raised:
        store_upload(b"x" * (MB + MB // 2), "homes.geojson")
    text = error_text(raised.value, "homes.geojson").replace("\\", "")  # Markdown's escapes
    assert "'homes.geojson' is 1.5 MB; at most 1 MB are accepted" in text
    assert "ATLAS_MAX_UPLOAD_MB=1" in text and "--" not in text
    assert "set ATLAS_MAX_UPLOAD_MB" in str(raised.value)  # Python: the variable or limits=
    assert "limits=UploadLimits(upload_mb=...)" in str(raised.value)


@pytest.mark.accepted_case
def test_atlas_serve_gives_streamlit_the_same_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``atlas serve`` passes ``--server.maxUploadSize`` from the limit in force (the process
    would become the server: ``os.execve`` is caught here)."""
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "64")
    calls: list[list[str]] = []

    def execve(_: str, command: list[str], env: dict[str, str]) -> None:
        calls.append(command)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", execve)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["serve", "--db", str(tmp_path / "atlas.sqlite")])
    (command,) = calls
    assert command[command.index("--server.maxUploadSize") + 1] == "64"
    assert upload_limits().upload_mb == 64


@pytest.mark.error_case
@pytest.mark.parametrize("value", ["200MB", "0", "-5", "1.5"])
def test_a_limit_variable_that_is_not_a_number_is_named(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", value)
    with pytest.raises(SchemaError, match=f"ATLAS_MAX_UPLOAD_MB='{value}' is not a limit: give"):
        upload_limits()
    with pytest.raises(SchemaError, match="ATLAS_MAX_UPLOAD_MB"):
        save_upload(b"{}", "x.geojson")


# -- the upload folder on disk ------------------------------------------------------------------


@pytest.mark.accepted_case
def test_the_server_folder_is_private_fresh_and_ours() -> None:
    """Made by mkdtemp (a name nobody guesses), mode 0700, owned by this user; the session's
    folder and each upload's folder too; an upload is 0600."""
    for folder in (UPLOAD_ROOT, session_folder()):
        info = os.lstat(folder)
        assert stat.S_ISDIR(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o700
        assert info.st_uid == os.geteuid()
    assert UPLOAD_ROOT.name.startswith("atlas-uploads-") and UPLOAD_ROOT.name != "atlas-uploads"
    path = store_upload(b'{"features": []}', "homes.geojson")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parents[1] == session_folder() and path.parents[2] == UPLOAD_ROOT
    assert path == store_upload(b'{"features": []}', "homes.geojson")  # same upload, same path


@pytest.mark.error_case
def test_a_symbolic_link_planted_at_the_target_is_refused_not_followed(tmp_path: Path) -> None:
    """Someone plants ``<hash>/homes.geojson -> their file``: refused, their file untouched."""
    data = b'{"type": "FeatureCollection", "features": []}'
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = private_subfolder(session_folder(), content_hash(data))
    (folder / "homes.geojson").symlink_to(victim)
    with pytest.raises(DataFileError, match=r"symbolic link .* not followed") as raised:
        store_upload(data, "homes.geojson")
    assert victim.read_text() == "keep me"
    assert str(UPLOAD_ROOT) not in error_text(raised.value, "homes.geojson")
    (folder / "homes.geojson").unlink()
    # The library refuses the same, in any folder it is given.
    (tmp_path / "homes.geojson").symlink_to(victim)
    with pytest.raises(DataFileError, match="not followed"):
        save_upload(data, "homes.geojson", tmp_path)
    assert victim.read_text() == "keep me"


@pytest.mark.error_case
def test_a_link_planted_as_the_upload_folder_is_refused(tmp_path: Path) -> None:
    """``<session>/<hash> -> elsewhere``: the folder is checked, not entered."""
    data = b'{"features": [1]}'
    (session_folder() / content_hash(data)).symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(DataFileError, match=r"changed by someone else .*link"):
        store_upload(data, "homes.geojson")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.error_case
@pytest.mark.parametrize("change", ["mode", "owner"])
def test_a_server_folder_someone_changed_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: str
) -> None:
    """Its mode opened to others, or given to another user: every upload refused, clearly."""
    root = private_folder(parent=tmp_path)
    holder = SessionUploads(root)
    if change == "mode":
        root.chmod(0o755)
        match = "others may open it"
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder away")
        os.chown(root, 4242, -1)
        match = "belongs to another user"
    monkeypatch.setattr(upload_folder, "UPLOAD_ROOT", root)
    monkeypatch.setattr(session, "uploads_holder", lambda kind: holder)
    with pytest.raises(DataFileError, match=match) as raised:
        store_upload(b"{}", "homes.geojson")
    assert "refused until the atlas is started again" in str(raised.value)
    with pytest.raises(DataFileError, match=match):
        check_private_folder(root)


@pytest.mark.accepted_case
def test_a_sessions_files_go_when_the_session_ends(tmp_path: Path) -> None:
    """The holder lives in the session's state; when Streamlit drops the state (the session
    ended), the folder and its files are removed; or at once with close()."""
    root = private_folder(parent=tmp_path)
    holder = SessionUploads(root)
    path = save_upload(b"{}", "homes.geojson", private_subfolder(holder.path, "abc"))
    folder = holder.path
    assert path.is_file()
    del holder
    gc.collect()
    assert not folder.exists() and list(root.iterdir()) == []
    other = SessionUploads(root)
    save_upload(b"{}", "homes.geojson", private_subfolder(other.path, "abc"))
    other.close()
    assert not other.path.exists() and not other.open


def _uploading_page() -> None:
    import streamlit as st

    from pages.state.uploads import store_upload

    st.session_state["stored"] = str(store_upload(b'{"features": []}', "homes.geojson"))


@pytest.mark.accepted_case
def test_a_real_session_ending_removes_its_uploads() -> None:
    """A Streamlit session (AppTest) stores an upload; when the session is dropped, as the
    server drops an ended one, its folder goes with it."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_uploading_page, default_timeout=30)
    at.run()
    assert not at.exception
    path = Path(at.session_state["stored"])
    assert path.is_file() and path.parents[2] == UPLOAD_ROOT
    del at
    gc.collect()
    assert not path.exists() and not path.parents[1].exists()


@pytest.mark.accepted_case
def test_two_sessions_never_share_a_folder(tmp_path: Path) -> None:
    """The same file uploaded in two sessions: two paths, so two cache keys."""
    root = private_folder(parent=tmp_path)
    one, two = SessionUploads(root), SessionUploads(root)
    assert one.path != two.path and one.path.parent == two.path.parent == root


@pytest.mark.accepted_case
def test_the_server_folder_goes_at_exit(tmp_path: Path) -> None:
    """The cleanup registered with atexit removes the root and all in it (a link inside is
    removed, its target kept); and a real process's root is gone once it exits."""
    root = private_folder(parent=tmp_path)
    keep = tmp_path / "keep.txt"
    keep.write_text("kept")
    holder = SessionUploads(root)
    (holder.path / "link").symlink_to(keep)
    remove_root(root)
    assert not root.exists() and keep.read_text() == "kept"
    holder.close()  # nothing left to remove: no error
    script = (
        "import json, sys\n"
        "from pages.state.upload_folder import UPLOAD_ROOT, SessionUploads\n"
        "holder = SessionUploads()\n"
        "print(json.dumps([str(UPLOAD_ROOT), str(holder.path)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    server, session = map(Path, json.loads(out.stdout))
    assert not server.exists() and not session.exists()


@pytest.mark.accepted_case
def test_a_standard_raster_or_schedule_upload_goes_the_same_way() -> None:
    """Every uploader (layers, standard TOML, rasters, schedules) stores through
    ``store_upload``: a standard file lands in the session's folder, 0600."""
    from pages.state.standard_form import read_standard_upload

    text = (ROOT / "data" / "standards" / "cape-town.toml").read_bytes()
    path = Path(read_standard_upload(text, "ours.toml"))
    assert path.parents[1] == session_folder()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert atlas.load_standard(str(path)).id == atlas.load_standard("cape-town").id
