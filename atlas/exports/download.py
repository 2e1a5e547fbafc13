"""Exports in memory for the app's download button: a single file or a zip of the files."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple, Protocol

import pandas as pd

from atlas.exports.clusters import chosen_clusters
from atlas.exports.download_names import data_download_name
from atlas.exports.formats import write_export
from atlas.exports.paths import check_format, single_file
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult

__all__ = [
    "Download",  # i18n-ignore: a name of the API
    "Writer",  # i18n-ignore: a name of the API
    "export_zip",
    "to_download",
]

_MIME = {
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html",
    "zip": "application/zip",
}


class Writer(Protocol):
    """What writes an export's files (:func:`~atlas.exports.write_export`, or
    ``layers.standalone.write_output``, which adds the drawn HTML map)."""

    def __call__(
        self,
        result: GapResult,
        dataset: Dataset,
        fmt: str,
        output: str | Path,
        *,
        clusters: Sequence[str] | str | None = None,
        category: str | None = None,
        metric: str = "gap",
        compliance: pd.DataFrame | None = None,
        source_columns: bool = True,
    ) -> list[Path]: ...


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
    source_columns: bool,
    write: Writer,
) -> list[tuple[str, bytes]]:
    """The files of :func:`write_export` as (name, contents): written to a temporary folder
    under their default names, or as the one file ``name`` (single-file formats)."""
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as folder:
        files = write(
            result,
            dataset,
            fmt,
            Path(folder) / name if name else Path(folder),
            clusters=clusters,
            category=category,
            metric=metric,
            compliance=compliance,
            source_columns=source_columns,
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
    source_columns: bool = True,
    write: Writer = write_export,
) -> bytes:
    """The files of :func:`~atlas.exports.write_export` as a zip archive in memory (for a
    download button).

    The files take their default names (``settlements.geojson``, ``atlas.gpkg``…) at the top
    of the archive, CSV files with their records (``settlements.metadata.json``); the
    archive's timestamps are fixed, so two exports differ only in what their records say (the
    time they were made).

    Parameters
    ----------
    result, dataset, fmt, clusters, category, metric, compliance, source_columns
        As for :func:`~atlas.exports.write_export`.
    write
        What writes the files (default :func:`~atlas.exports.write_export`).

    Returns
    -------
    bytes
        The zip archive.
    """
    check_format(fmt)
    files = _exported(
        result, dataset, fmt, None, clusters, category, metric, compliance, source_columns, write
    )
    return _zipped(files)


def to_download(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    compliance: pd.DataFrame | None = None,
    source_columns: bool = True,
    write: Writer = write_export,
    on: date | None = None,
    subject: str | None = None,
) -> Download:
    """One file to offer for download: the file itself for gpkg and html, else a zip.

    The file is named by :func:`~atlas.exports.download_names.data_download_name`: the cluster
    (when one is chosen, else the dataset), the standard, the date and the format, e.g.
    ``kgotso-south-cluster_cape-town_2026-12-01_geojson.zip``. Inside a zip the files keep
    their default names (``settlements.geojson``…).

    Parameters
    ----------
    result, dataset, fmt, clusters, category, metric, compliance, source_columns
        As for :func:`~atlas.exports.write_export`.
    write
        What writes the files (default :func:`~atlas.exports.write_export`).
    on
        The date in the file's name (default: today).
    subject
        What the file's name starts with (default: the one cluster chosen, else the
        dataset's name).

    Returns
    -------
    Download
        ``(file_name, data, mime)``, e.g. ``("…_geojson.zip", b"PK…", "application/zip")``
        or ``("…_data.gpkg", b"SQLite format 3…", "application/geopackage+sqlite3")``.

    Examples
    --------
    >>> import io, zipfile, atlas
    >>> from atlas.exports import to_download
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> from datetime import date
    >>> csv = to_download(result, ds, "csv", on=date(2026, 12, 1))
    >>> csv.file_name, csv.mime
    ('sample_cape-town_2026-12-01_csv.zip', 'application/zip')
    >>> zipfile.ZipFile(io.BytesIO(csv.data)).namelist()
    ['settlements.csv', 'settlements.metadata.json', 'clusters.csv', 'clusters.metadata.json']
    >>> gpkg = to_download(result, ds, "gpkg", clusters="Kgotso South Cluster", on=date(2026, 12, 1))
    >>> gpkg.file_name, gpkg.mime, gpkg.data[:15]
    ('kgotso-south-cluster_cape-town_2026-12-01_data.gpkg', 'application/geopackage+sqlite3', b'SQLite format 3')
    """
    check_format(fmt)
    if subject is None:
        chosen = chosen_clusters(clusters)
        many = f"{len(chosen)} clusters" if chosen else dataset.name
        subject = chosen[0] if len(chosen) == 1 else many
    name = data_download_name(fmt, subject, result.standard.id, on=on or date.today())
    # A single-file format is written under its download name; the others go into a zip.
    single = name if single_file(fmt) else None
    files = _exported(
        result, dataset, fmt, single, clusters, category, metric, compliance, source_columns, write
    )
    if single:
        ((_, data),) = files
        return Download(name, data, _MIME[fmt])
    return Download(name, _zipped(files), _MIME["zip"])
