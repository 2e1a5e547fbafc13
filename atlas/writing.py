"""Files out: the one way the atlas writes a file it is asked for (``--output``, an export, a PDF).

Every command and export writes through :func:`write_file` (bytes or text) or :func:`writing`
(for a writer that wants a path, such as GDAL), so all of them behave alike:

* missing parent folders are created (as ``atlas export`` always did);
* the file is written beside its place under a temporary name and renamed over it only when
  complete, so a failed write never leaves a partial file that looks like a result (a device
  such as ``/dev/stdout`` is written directly);
* a failure is a :class:`~atlas.errors.DataFileError` that names the path, says why in words
  (no space left on the device, permission denied, a read-only disk, a folder given for a
  file, a file where a folder should be) and how to fix it, never a bare ``[Errno 28]``.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     write_file(Path(folder) / "new" / "gaps.csv", "a,b\\n").read_text()
'a,b\\n'
>>> write_file("/dev/full", "x")
Traceback (most recent call last):
...
atlas.errors.DataFileError: Could not write /dev/full: no space left on device. Free some space, or write to another disk.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from atlas.errors import DataFileError
from atlas.i18n import N_, _

__all__ = ["make_parents", "write_error", "write_file", "writing"]

#: Why a write failed, in words, and what to do, per errno: the whole sentence, so that a
#: language words it as one (translated where the error is raised).
_REASONS = {
    errno.ENOSPC: N_(
        "Could not write {path}: no space left on device. Free some space, or write to another "
        "disk."
    ),
    getattr(errno, "EDQUOT", -1): N_(
        "Could not write {path}: your disk quota is used up. Free some space, or write to "
        "another disk."
    ),
    errno.EACCES: N_(
        "Could not write {path}: permission denied. Choose a folder you may write to, or ask its "
        "owner for access."
    ),
    errno.EPERM: N_(
        "Could not write {path}: permission denied. Choose a folder you may write to, or ask its "
        "owner for access."
    ),
    errno.EROFS: N_(
        "Could not write {path}: the disk is read-only. Choose a folder on a disk that can be "
        "written to."
    ),
    errno.EISDIR: N_(
        "Could not write {path}: it is a folder. Give the name of a file to write (in that "
        "folder or elsewhere)."
    ),
    errno.ENAMETOOLONG: N_("Could not write {path}: the name is too long. Choose a shorter name."),
    errno.EFBIG: N_(
        "Could not write {path}: the file is too large for this disk. Write to another disk."
    ),
    errno.EIO: N_(
        "Could not write {path}: the disk reported an input/output error. Check the disk, or "
        "write to another."
    ),
}


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is not a folder (or None)."""
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            return None if parent.is_dir() else parent
    return None


def write_error(exc: OSError, path: str | os.PathLike[str]) -> DataFileError:
    """The clear error of a failed write to ``path`` (what, where, how to fix)."""
    where = Path(path)
    reason = _REASONS.get(exc.errno or 0)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) or reason is None:
        blocker = _file_in_the_way(where)
        if blocker is not None:
            return DataFileError(
                _(
                    "Could not write {path}: {blocker} is a file, not a folder. Choose another "
                    "folder, or another name.",
                    path=where,
                    blocker=blocker,
                )
            )
    if reason is None:
        # The system's own words for the error (English, as the system gives them).
        return DataFileError(
            _(
                "Could not write {path}: {system_error}. Check the path, or write elsewhere.",
                path=where,
                system_error=(exc.strerror or str(exc)).lower(),
            )
        )
    return DataFileError(_(reason, path=where))


def make_parents(path: str | os.PathLike[str]) -> Path:
    """Create the folders ``path`` goes in (if missing); the path.

    Raises
    ------
    DataFileError
        A folder cannot be made there (a file is in the way, no permission, a read-only disk).
    """
    where = Path(path)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, where) from None
    return where


def _replaceable(where: Path) -> bool:
    """Whether ``where`` is written by renaming a complete file over it (a new or plain
    file), not directly (a device, a pipe)."""
    try:
        mode = where.stat().st_mode
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise write_error(exc, where) from None
    if stat.S_ISDIR(mode):
        eisdir = OSError(errno.EISDIR, "Is a directory")  # i18n-ignore: worded by _REASONS
        raise write_error(eisdir, where)
    return stat.S_ISREG(mode)


def _temporary(where: Path) -> Path:
    """A new empty file beside ``where`` (same suffix, so a driver recognises the format),
    created with the user's usual permissions (the umask's)."""
    temporary = where.with_name(f".{where.stem}.{secrets.token_hex(4)}.part{where.suffix}")
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise write_error(exc, where) from None
    return temporary


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A path to write ``path``'s content to, for writers that take a path (GDAL, pandas):
    renamed to ``path`` when the block ends, removed if it fails; parents made first.

    Raises
    ------
    DataFileError
        The write failed (see :func:`write_error`); no partial file is left at ``path``.
    """
    where = make_parents(path)
    if where.is_symlink():  # the user's own link (latest.csv -> 2026/12.csv): its file is meant
        where = make_parents(where.resolve())
    if not _replaceable(where):
        try:
            yield where
        except DataFileError:
            raise
        except OSError as exc:
            raise write_error(exc, where) from None
        return
    temporary = _temporary(where)
    try:
        yield temporary
        temporary.replace(where)
    except DataFileError:
        raise
    except OSError as exc:
        raise write_error(exc, where) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_file(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all; the path.

    Raises
    ------
    DataFileError
        The write failed (see :func:`write_error`); no partial file is left at ``path``.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    # Not in "x" mode: a device (/dev/stdout) is written where it is.
    with writing(path) as target, target.open("wb") as file:
        file.write(content)
    return Path(path)
