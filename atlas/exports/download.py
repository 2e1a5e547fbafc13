"""Exports in memory for the app's download button: a single file or a zip of the files."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from atlas.analysis import GapResult
from atlas.dataset import Dataset
from atlas.exports.formats import write_export
from atlas.exports.paths import check_format, file_name, single_file

__all__ = ["Download", "export_zip", "to_download"]

_MIME = {
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html",
    "zip": "application/zip",
}


class Download(NamedTuple):
    """A file for a download button: its name, contents and media type."""

    file_name: str
    data: bytes
    mime: str


def _exported(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    name: str | None,
    clusters: Sequence[str] | str | None,
    category: str | None,
    metric: str,
    compliance: pd.DataFrame | None,
) -> list[tuple[str, bytes]]:
    """The files of :func:`write_export` as (name, contents): written to a temporary folder
    under their default names, or as the one file ``name`` (single-file formats)."""
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as folder:
        files = write_export(
            result,
            dataset,
            fmt,
            Path(folder) / name if name else Path(folder),
            clusters=clusters,
            category=category,
            metric=metric,
            compliance=compliance,
        )
        return [(path.name, path.read_bytes()) for path in files]


def _zipped(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip archive of the files at its top, with fixed timestamps (the same bytes each time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def export_zip(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    compliance: pd.DataFrame | None = None,
) -> bytes:
    """The files of :func:`~atlas.exports.write_export` as a zip archive in memory (for a
    download button).

    The files take their default names (``settlements.geojson``, ``atlas.gpkg``…) at the top
    of the archive; their timestamps are fixed, so the same export gives the same bytes.

    Parameters
    ----------
    result, dataset, fmt, clusters, category, metric, compliance
        As for :func:`~atlas.exports.write_export`.

    Returns
    -------
    bytes
        The zip archive.
    """
    check_format(fmt)
    return _zipped(_exported(result, dataset, fmt, None, clusters, category, metric, compliance))


def to_download(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    stem: str = "atlas",
    compliance: pd.DataFrame | None = None,
) -> Download:
    """One file to offer for download: the file itself for gpkg and html, else a zip.

    Parameters
    ----------
    result, dataset, fmt, clusters, category, metric, compliance
        As for :func:`~atlas.exports.write_export`.
    stem
        The downloaded file's name without suffix.

    Returns
    -------
    Download
        ``(file_name, data, mime)``, e.g. ``("atlas-geojson.zip", b"PK…", "application/zip")``
        or ``("atlas.gpkg", b"SQLite format 3…", "application/geopackage+sqlite3")``.
    """
    check_format(fmt)
    single = file_name(fmt, stem) if single_file(fmt) else None
    files = _exported(result, dataset, fmt, single, clusters, category, metric, compliance)
    if single:
        ((name, data),) = files
        return Download(name, data, _MIME[fmt])
    return Download(f"{stem}-{fmt}.zip", _zipped(files), _MIME["zip"])
