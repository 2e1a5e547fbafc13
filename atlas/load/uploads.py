"""Files that arrive as bytes (browser uploads): size and zip checks before anything reads them,
written so that nobody else can read them or redirect them.

An upload is written under its own (sanitised) name, so the format is recognised by its
extension and a zipped Shapefile keeps its parts together. Zip archives are checked first
(:func:`~atlas.load.archives.check_zip`: a zip bomb, a damaged or protected zip or an executable
is refused before GDAL sees it), against the :class:`~atlas.load.limits.UploadLimits`.

On disk: a new folder is private (:func:`private_folder`: ``tempfile.mkdtemp``, mode 0700),
checked before every use (:func:`check_private_folder`: a link, another owner or a mode open
to others is refused), and a file is created without following links (``O_NOFOLLOW``, mode
0600): a symbolic link planted where the file goes is refused, never written through. How long
the files live is the caller's choice (the app removes them when a session ends).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load.archives import ALLOWED_MEMBER_SUFFIXES, check_zip
from atlas.load.limits import UploadLimits, limit_error, megabytes, upload_limits

__all__ = [
    "ALLOWED_MEMBER_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "check_private_folder",
    "check_zip",
    "content_hash",
    "private_folder",
    "private_subfolder",
    "save_upload",
    "upload_name",
]

#: The default largest upload, in bytes (:attr:`UploadLimits.upload_bytes`; the one in force
#: is ``upload_limits().upload_bytes``).
MAX_UPLOAD_BYTES = UploadLimits().upload_bytes
#: Opening a file or folder never follows a symbolic link at its last step (where supported).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def content_hash(data: bytes) -> str:
    """A short, stable identity of an upload's content (for caching and reports)."""
    return hashlib.sha256(data).hexdigest()[:16]


def upload_name(name: str) -> str:
    """The sanitised file name an upload named ``name`` is written under (its extension kept)."""
    base = Path(name.replace("\\", "/")).name or "upload"
    cleaned = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "upload"
    return cleaned[-120:]


def private_folder(prefix: str = "atlas-uploads-", parent: str | Path | None = None) -> Path:
    """A new folder, created fresh with a name nobody could guess, that only this user may
    enter (mode 0700)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def check_private_folder(folder: str | Path) -> None:
    """Refuse to use ``folder`` unless it is a real folder (not a link), owned by this user and
    closed to everyone else (no permission for the group or others).

    Raises
    ------
    DataFileError
        It is missing, a link or not a folder, someone else's, or open to others.
    """
    where = Path(folder)
    try:
        info = os.lstat(where)
    except FileNotFoundError:
        raise DataFileError(
            _(
                "The upload folder {folder} was removed while in use: upload the file again.",
                folder=where,
            )
        ) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise DataFileError(
            _(
                "The upload folder {folder} was changed by someone else (it is not a folder but "
                "a link or a file): uploads are refused until the atlas is started again (it "
                "then makes a new private folder).",
                folder=where,
            )
        )
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise DataFileError(
            _(
                "The upload folder {folder} was changed by someone else (it belongs to another "
                "user (uid {uid})): uploads are refused until the atlas is started again (it "
                "then makes a new private folder).",
                folder=where,
                uid=info.st_uid,
            )
        )
    if os.name == "posix" and info.st_mode & 0o077:
        raise DataFileError(
            _(
                "The upload folder {folder} was changed by someone else (others may open it "
                "(mode {mode}, not 700)): uploads are refused until the atlas is started again "
                "(it then makes a new private folder).",
                folder=where,
                mode=f"{stat.S_IMODE(info.st_mode):o}",
            )
        )


def private_subfolder(folder: str | Path, name: str) -> Path:
    """``folder/name``, made private (mode 0700) when new; both checked with
    :func:`check_private_folder` (a link planted there is refused)."""
    check_private_folder(folder)
    path = Path(folder) / name
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DataFileError(
            _("Cannot make the upload folder {folder}: {error}.", folder=path, error=exc.strerror)
        ) from None
    check_private_folder(path)
    return path


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``path`` (mode 0600), never through a link; a regular
    file already there is replaced (by renaming a new file over it, so never written through)."""
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DataFileError(
            _(
                "Refused to write the upload {path}: something that is not a plain file (a "
                "symbolic link or a device) is in its place, and it is not followed.",
                path=path,
            )
        )
    target = path if info is None else path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(target, flags, 0o600)
    except FileExistsError:
        raise DataFileError(
            _(
                "Refused to write the upload {path}: a file or link appeared in its place.",
                path=target,
            )
        ) from None
    except OSError as exc:
        raise DataFileError(_write_error(target, exc)) from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        if target != path:
            target.replace(path)
    except OSError as exc:
        Path(target).unlink(missing_ok=True)
        raise DataFileError(_write_error(path, exc)) from None


def _write_error(path: Path, exc: OSError) -> str:
    return _("Cannot write the upload {path}: {error}.", path=path, error=exc.strerror)


def save_upload(
    data: bytes, name: str, folder: Path | None = None, *, limits: UploadLimits | None = None
) -> Path:
    """Write uploaded bytes to a file with a sanitised version of its name, after checks.

    Parameters
    ----------
    data
        The file's content.
    name
        The name the user's file had (its extension selects the reader).
    folder
        Where to write it; a new private folder by default (:func:`private_folder`).
    limits
        The limits it is held to; by default :func:`~atlas.load.limits.upload_limits`.

    Returns
    -------
    Path
        The written file (mode 0600).

    Raises
    ------
    DataFileError
        Empty, too large, (for zips) failing :func:`check_zip`, or a link or device where
        the file goes.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_upload(b'{"features": []}', "../My wards.geojson", Path(folder))
    ...     path.name, oct(path.stat().st_mode & 0o777)
    ('My_wards.geojson', '0o600')
    """
    limits = limits or upload_limits()
    if not data:
        raise DataFileError(_("'{name}' is empty.", name=name))
    if len(data) > limits.upload_bytes:
        raise limit_error(
            _(
                "'{name}' is {size}; at most {limit} MB are accepted",
                name=name,
                size=megabytes(len(data)),
                limit=limits.upload_mb,
            ),
            "upload_mb",
            limits,
        )
    safe = upload_name(name)
    if safe.lower().endswith(".zip"):
        check_zip(data, safe, limits)
    path = (folder or private_folder(prefix="atlas-upload-")) / safe
    _write_new(path, data)
    return path
