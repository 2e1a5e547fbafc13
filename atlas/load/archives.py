"""Zip archives checked before anything reads them (an upload, or a zip the command line reads).

:func:`check_zip` refuses, each with what is wrong and how to fix it: a file that is not a zip,
one that is incomplete or damaged (cut short in a download or a copy: its directory, or a
member whose content does not match its checksum), a password-protected one, members with an
unsafe path or a symbolic link, a zip inside the zip, files that are not part of a GIS layer,
and zips over the :class:`~atlas.load.limits.UploadLimits` (members, each member's and the
total unpacked size, the compression ratio). Every member is read through once, in chunks, and
the bytes actually unpacked are bounded: a zip bomb whose header lies about its size is caught
there, never held in memory.

A layer in a folder of the zip (what "Compress folder" makes) is fine, and so are the files a
Mac or Windows adds beside it (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``).
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from io import BytesIO
from pathlib import Path, PurePosixPath

from atlas.errors import DataFileError
from atlas.i18n import _, format_number, round_half_up
from atlas.load.limits import MB, UploadLimits, limit_error, megabytes, upload_limits

__all__ = ["ALLOWED_MEMBER_SUFFIXES", "NESTED_SUFFIXES", "check_zip"]

#: What a zipped layer may contain (Shapefile parts, FileGDB tables, GeoJSON, GeoPackage, KML...).
ALLOWED_MEMBER_SUFFIXES = frozenset(
    {
        ".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml", ".qmd",
        ".geojson", ".json", ".gpkg", ".kml", ".csv", ".txt",
        ".gdbtable", ".gdbtablx", ".gdbindexes", ".atx", ".spx", ".freelist", ".horizon",
        ".gdb", ".timestamps",
    }
)  # fmt: skip
#: Archives inside an archive: refused (unzip them and zip the layer's files once).
NESTED_SUFFIXES = frozenset(
    {".zip", ".kmz", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst"}
)
#: Files an operating system adds to a zip or a folder by itself: allowed, never a layer.
_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
#: Members smaller than this unpacked are not held to the compression ratio.
_RATIO_FROM = MB
#: How much of a member is unpacked at a time.
_CHUNK = MB


def _damaged(name: str) -> DataFileError:
    return DataFileError(
        _(
            "'{name}' is incomplete or damaged (the download or copy may have been cut short): "
            "download or copy it again, and check that it opens on your computer.",
            name=name,
        )
    )


def _is_system_file(path: PurePosixPath) -> bool:
    return path.parts[:1] == ("__MACOSX",) or path.name.lower() in _SYSTEM_FILES


def _check_member(member: zipfile.ZipInfo, name: str, limits: UploadLimits) -> None:
    """Refuse one member by what its entry in the zip's directory says."""
    text = member.filename.replace("\\", "/")
    path = PurePosixPath(text)
    if text.startswith("/") or ".." in path.parts or ":" in path.parts[0]:
        raise DataFileError(
            _(
                "'{name}' contains an unsafe path: {member}. Zip the layer's files again from "
                "their own folder.",
                name=name,
                member=repr(member.filename),
            )
        )
    if stat.S_ISLNK(member.external_attr >> 16):
        raise DataFileError(
            _(
                "'{name}' contains a symbolic link, {member}: zip the layer's files themselves, "
                "not links to them.",
                name=name,
                member=repr(member.filename),
            )
        )
    if member.flag_bits & 0x1:
        raise DataFileError(
            _(
                "'{name}' is protected by a password ({member} is encrypted), and the atlas "
                "does not read password-protected zips: unzip it on your computer and zip the "
                "files again without a password.",
                name=name,
                member=member.filename,
            )
        )
    suffix = path.suffix.lower()
    if suffix in NESTED_SUFFIXES:
        raise DataFileError(
            _(
                "'{name}' contains another archive, {member}: unzip it and zip the layer's own "
                "files (.shp, .shx, .dbf, .prj, ...) once.",
                name=name,
                member=repr(member.filename),
            )
        )
    in_gdb = any(part.lower().endswith(".gdb") for part in path.parts[:-1])
    if suffix not in ALLOWED_MEMBER_SUFFIXES and not in_gdb and not _is_system_file(path):
        raise DataFileError(
            _(
                "'{name}' contains {member}, which is not part of a GIS layer. Zip only the "
                "layer's files (.shp, .shx, .dbf, .prj, ...).",
                name=name,
                member=repr(member.filename),
            )
        )
    if member.file_size > limits.member_mb * MB:
        raise limit_error(
            _(
                "'{name}' holds {member}, which unpacks to {size}; at most {limit} MB per file "
                "are accepted",
                name=name,
                member=repr(member.filename),
                size=megabytes(member.file_size),
                limit=limits.member_mb,
            ),
            "member_mb",
            limits,
        )
    packed = max(member.compress_size, 1)
    if member.file_size >= _RATIO_FROM and member.file_size / packed > limits.zip_ratio:
        ratio = format_number(round_half_up(member.file_size / packed))
        raise limit_error(
            _(
                "'{name}' holds {member}, compressed {ratio} times ({packed} unpacking to "
                "{size}); at most {limit} times is accepted, more is a zip bomb rather than a "
                "layer",
                name=name,
                member=repr(member.filename),
                ratio=ratio,
                packed=megabytes(packed),
                size=megabytes(member.file_size),
                limit=limits.zip_ratio,
            ),
            "zip_ratio",
            limits,
        )


def _read_through(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, budget: int) -> int:
    """Unpack ``member`` in chunks, reading at most ``budget`` bytes; the bytes it holds.

    zipfile stops at the size the member's entry declares and checks the CRC at its end, so a
    member whose content does not match its entry (a lying header, a cut copy) fails here.
    """
    read = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(min(_CHUNK, budget - read + 1)):
                read += len(chunk)
                if read > budget:
                    break
    except NotImplementedError:
        raise DataFileError(
            _(
                "'{name}' is compressed with a method the atlas cannot unpack ({member}): zip "
                "it again with the usual (Deflate) compression.",
                name=name,
                member=repr(member.filename),
            )
        ) from None
    except (zipfile.BadZipFile, EOFError, zlib.error, ValueError, OSError):
        raise _damaged(name) from None
    return read


def check_zip(
    source: bytes | str | os.PathLike[str],
    name: str | None = None,
    limits: UploadLimits | None = None,
) -> None:
    """Refuse a zip that is broken, protected, too big when unpacked, too crowded or holds
    foreign files (see the module notes).

    Parameters
    ----------
    source
        The zip's content (an upload), or the path of a zip file.
    name
        How messages name it; by default the file's name (``upload.zip`` for bytes).
    limits
        The limits to hold it to; by default :func:`~atlas.load.limits.upload_limits`.

    Raises
    ------
    DataFileError
        With what is wrong and how to fix it (for a limit: the limit and how to raise it).

    Examples
    --------
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("wards/wards.shp", b"...")
    >>> check_zip(buffer.getvalue(), "wards.zip")
    >>> check_zip(buffer.getvalue()[:-30], "wards.zip")
    Traceback (most recent call last):
    ...
    atlas.errors.DataFileError: 'wards.zip' is incomplete or damaged (the download or copy may have been cut short): download or copy it again, and check that it opens on your computer.
    """
    limits = limits or upload_limits()
    opened: BytesIO | str | os.PathLike[str]
    if isinstance(source, bytes):
        name = name or "upload.zip"
        head, opened = source[:4], BytesIO(source)
    else:
        name = name or Path(source).name
        try:
            with Path(source).open("rb") as file:
                head = file.read(4)
        except OSError as exc:
            raise DataFileError(
                _("Cannot open '{name}': {error}.", name=name, error=exc.strerror or exc)
            ) from None
        opened = source
    try:
        archive = zipfile.ZipFile(opened)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        if head.startswith(b"PK"):
            raise _damaged(name) from None
        raise DataFileError(
            _(
                "'{name}' is not a zip archive, though its name ends in .zip: zip the layer's "
                "files again, or give the file itself under its own name.",
                name=name,
            )
        ) from None
    with archive:
        entries = archive.infolist()
        members = [m for m in entries if not m.is_dir()]
        if len(members) > limits.zip_members:
            raise limit_error(
                _(
                    "'{name}' holds {count} files; at most {limit} are accepted",
                    name=name,
                    count=len(members),
                    limit=limits.zip_members,
                ),
                "zip_members",
                limits,
            )
        unpacked = sum(m.file_size for m in members)
        if unpacked > limits.unpacked_mb * MB:
            raise limit_error(
                _(
                    "'{name}' unpacks to {size}; at most {limit} MB are accepted",
                    name=name,
                    size=megabytes(unpacked),
                    limit=limits.unpacked_mb,
                ),
                "unpacked_mb",
                limits,
            )
        seen: set[str] = set()
        for member in members:
            key = member.filename.replace("\\", "/").lower()
            if key in seen:
                raise DataFileError(
                    _(
                        "'{name}' holds {member} twice: zip the layer's files again.",
                        name=name,
                        member=repr(member.filename),
                    )
                )
            seen.add(key)
            _check_member(member, name, limits)
        for member in members:
            # The entry's size was checked above; reading one byte more shows a lying one.
            if _read_through(archive, member, name, member.file_size) > member.file_size:
                raise _damaged(name)
