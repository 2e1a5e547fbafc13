"""Where a dataset came from: each input file's name, SHA-256, CRS and feature count.

Exports record it (with the standard, the mapping, the atlas version and the time), so a
researcher can tell exactly which files a number was computed from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyproj import CRS

__all__ = ["InputFile", "describe_input", "file_sha256"]

_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, hex; of every file in a folder (a FileGDB), in name
    order; of a Shapefile's .shp with its sidecars (.shx, .dbf, .prj, .cpg) that exist."""
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        parts = sorted(p for p in path.rglob("*") if p.is_file())
    elif path.suffix.lower() == ".shp":
        parts = [path, *(s for s in (path.with_suffix(x) for x in _SIDECARS) if s.exists())]
    else:
        parts = [path]
    for part in parts:
        with part.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class InputFile:
    """One input file of a dataset.

    Parameters
    ----------
    layer
        The canonical layer it was read as (``settlements``, ``services``, ``wards``,
        ``clusters``).
    name
        The file's name (never the folder it sits in: that may be a server's upload path).
    sha256
        :func:`file_sha256` of it.
    crs
        The CRS its coordinates were read in (``EPSG:4326``, or a WKT name), None for a table.
    features
        Rows in the file; ``used`` of them passed validation.
    used
        Rows kept for analysis.
    """

    layer: str
    name: str
    sha256: str
    crs: str | None
    features: int
    used: int

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        return {
            "layer": self.layer,
            "name": self.name,
            "sha256": self.sha256,
            "crs": self.crs,
            "features": self.features,
            "used": self.used,
        }


def describe_input(
    layer: str, path: str | Path, crs: object, features: int, used: int
) -> InputFile:
    """An :class:`InputFile` for ``path`` read as ``layer``."""
    text: str | None = None
    if crs is not None:
        parsed = CRS.from_user_input(crs)
        epsg = parsed.to_epsg()
        text = f"EPSG:{epsg}" if epsg else parsed.name
    return InputFile(layer, Path(path).name, file_sha256(path), text, features, used)
