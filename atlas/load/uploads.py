"""Files that arrive as bytes (browser uploads): size and zip checks before anything reads them.

An upload is written to a private temporary folder under its own (sanitised) name, so the format
is recognised by its extension and a zipped Shapefile keeps its parts together. Zip archives are
checked first: number of members, total unpacked size and allowed extensions (a zip bomb or an
executable is refused before GDAL sees it).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath

from atlas.errors import DataFileError

__all__ = [
    "ALLOWED_MEMBER_SUFFIXES",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_ZIP_MEMBERS",
    "check_zip",
    "content_hash",
    "save_upload",
]

#: Largest upload accepted, in bytes (the app's server.maxUploadSize is set to match).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
#: Most members a zip may hold.
MAX_ZIP_MEMBERS = 200
#: Largest total unpacked size of a zip, in bytes.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
#: What a zipped layer may contain (Shapefile parts, FileGDB tables, GeoJSON, GeoPackage, KML...).
ALLOWED_MEMBER_SUFFIXES = frozenset(
    {
        ".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml", ".qmd",
        ".geojson", ".json", ".gpkg", ".kml", ".csv", ".txt",
        ".gdbtable", ".gdbtablx", ".gdbindexes", ".atx", ".spx", ".freelist", ".horizon",
        ".gdb", ".timestamps",
    }
)  # fmt: skip


def content_hash(data: bytes) -> str:
    """A short, stable identity of an upload's content (for caching and reports)."""
    return hashlib.sha256(data).hexdigest()[:16]


def check_zip(data: bytes, name: str = "upload.zip") -> None:
    """Refuse a zip that is broken, too big when unpacked, too crowded or holds foreign files.

    Raises
    ------
    DataFileError
        With what is wrong and what is allowed.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise DataFileError(
            f"'{name}' is not a readable zip archive. Zip the layer again."
        ) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise DataFileError(
                f"'{name}' holds {len(members)} files; at most {MAX_ZIP_MEMBERS} are accepted. "
                "Zip only the layer's own files."
            )
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise DataFileError(
                f"'{name}' unpacks to {unpacked / 1e6:.0f} MB; at most "
                f"{MAX_UNPACKED_BYTES / 1e6:.0f} MB are accepted."
            )
        for member in members:
            path = PurePosixPath(member.filename)
            if member.filename.startswith("/") or ".." in path.parts:
                raise DataFileError(f"'{name}' contains an unsafe path: {member.filename!r}.")
            suffix = path.suffix.lower()
            in_gdb = any(part.lower().endswith(".gdb") for part in path.parts[:-1])
            if suffix not in ALLOWED_MEMBER_SUFFIXES and not in_gdb:
                raise DataFileError(
                    f"'{name}' contains {member.filename!r}, which is not part of a GIS layer. "
                    "Zip only the layer's files (.shp, .shx, .dbf, .prj, ...)."
                )


def _safe_name(name: str) -> str:
    base = Path(name).name or "upload"
    cleaned = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "upload"
    return cleaned[-120:]


def save_upload(data: bytes, name: str, folder: Path | None = None) -> Path:
    """Write uploaded bytes to a file with a sanitised version of its name, after checks.

    Parameters
    ----------
    data
        The file's content.
    name
        The name the user's file had (its extension selects the reader).
    folder
        Where to write it; a new private temporary folder by default.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    DataFileError
        Empty, too large, or (for zips) failing :func:`check_zip`.
    """
    if not data:
        raise DataFileError(f"'{name}' is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataFileError(
            f"'{name}' is {len(data) / 1e6:.0f} MB; at most {MAX_UPLOAD_BYTES / 1e6:.0f} MB are accepted."
        )
    safe = _safe_name(name)
    if safe.lower().endswith(".zip"):
        check_zip(data, safe)
    target_dir = folder or Path(tempfile.mkdtemp(prefix="atlas-upload-"))
    path = target_dir / safe
    path.write_bytes(data)
    return path
