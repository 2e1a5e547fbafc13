"""The export formats and where each one's files go.

``output`` is a folder when it already is one, ends in ``/`` or has no suffix, and the files
take their default names inside it (created if missing)::

    geojson   settlements.geojson services.geojson wards.geojson clusters.json
    gpkg      atlas.gpkg (layers settlements, services, wards, clusters)
    csv       settlements.csv (with a WKT geometry column named ``wkt``) clusters.csv, each with
              its record beside it: settlements.metadata.json clusters.metadata.json
    parquet   settlements.parquet services.parquet wards.parquet (GeoParquet) clusters.parquet
    html      atlas.html

Otherwise ``output`` is a file name whose suffix must suit the format. A single-file format
(gpkg, html) writes exactly there; a multi-file format uses its stem as a prefix:
``out/joburg.geojson`` gives ``out/joburg_settlements.geojson``, ``out/joburg_services.geojson``,
``out/joburg_wards.geojson`` and ``out/joburg_clusters.json`` (a CSV's record:
``out/joburg_settlements.metadata.json``). Existing files are replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from atlas.errors import SchemaError
from atlas.i18n import _

__all__ = ["DATA_FORMATS", "FORMATS", "check_format", "file_name", "output_paths", "single_file"]

#: Export formats, in the order the command line and the app offer them.
FORMATS = ("geojson", "gpkg", "csv", "parquet", "html")
#: The formats that carry data (written by :func:`~atlas.exports.write_export`); ``html`` is
#: a drawing, written by ``layers.standalone``.
DATA_FORMATS = FORMATS[:4]

#: Per format: each layer's file name in a folder (a plain string: every layer in one file).
_FILES: dict[str, dict[str, str] | str] = {
    "geojson": {
        "settlements": "settlements.geojson",
        "services": "services.geojson",
        "wards": "wards.geojson",
        "clusters": "clusters.json",
    },
    "gpkg": "atlas.gpkg",
    "csv": {"settlements": "settlements.csv", "clusters": "clusters.csv"},
    "parquet": {
        "settlements": "settlements.parquet",
        "services": "services.parquet",
        "wards": "wards.parquet",
        "clusters": "clusters.parquet",
    },
    "html": "atlas.html",
}
#: Suffixes an output file name may have, per format.
_SUFFIXES = {
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "csv": (".csv",),
    "parquet": (".parquet",),
    "html": (".html", ".htm"),
}


def check_format(fmt: str) -> None:
    """Raise :class:`~atlas.errors.SchemaError` unless ``fmt`` is one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise SchemaError(
            _(
                "Unknown export format {format}: choose one of {formats}.",
                format=repr(fmt),
                formats=", ".join(FORMATS),
            )
        )


def single_file(fmt: str) -> bool:
    """Whether the format writes every layer into one file (gpkg, html)."""
    return isinstance(_FILES[fmt], str)


def file_name(fmt: str, stem: str) -> str:
    """A file name of the format: ``stem`` with the format's usual suffix."""
    return f"{stem}{_SUFFIXES[fmt][0]}"


def output_paths(
    fmt: str, output: str | Path, layers: Sequence[str] = ("settlements", "services", "wards")
) -> dict[str, Path]:
    """Where :func:`~atlas.exports.write_export` puts each layer (see the module notes).

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    output
        A folder (existing, ending in ``/`` or without a suffix) or a file name.
    layers
        The layers to place (``clusters`` is always added).

    Returns
    -------
    dict of str to Path
        Layer name -> file; single-file formats give every layer the same file.

    Raises
    ------
    SchemaError
        Unknown format, or a file name whose suffix does not suit the format.
    """
    check_format(fmt)
    names = [*dict.fromkeys([*layers, "clusters"])]
    files = _FILES[fmt]
    text = str(output)
    path = Path(output)
    if text.endswith(("/", "\\")) or path.is_dir() or not path.suffix:
        if isinstance(files, str):
            return {name: path / files for name in names}
        return {name: path / files[name] for name in names if name in files}
    if path.suffix.lower() not in _SUFFIXES[fmt]:
        *others, last = _SUFFIXES[fmt]
        endings = (
            _("{suffixes} or {last}", suffixes=", ".join(others), last=last) if others else last
        )
        raise SchemaError(
            _(
                "'{name}' does not suit the {format} format: give a file name ending in "
                "{endings}, or a folder for the files.",
                name=path.name,
                format=fmt,
                endings=endings,
            )
        )
    if isinstance(files, str):
        return dict.fromkeys(names, path)
    return {name: path.with_name(f"{path.stem}_{files[name]}") for name in names if name in files}
