"""Reading raster cells within bounds: a memory limit checked before any read, and clear words
for a file that cannot be read.

A GeoTIFF is small on disk when it is compressed or sparse, yet may declare 100,000 × 100,000
cells: reading them all would take tens of gigabytes on a server that many people share. So
every read of cells first checks its size, counted as 64-bit numbers (how the atlas computes
with them), against a limit: by default :data:`DEFAULT_LIMIT_MB`, set per process with the
environment variable :data:`LIMIT_VARIABLE` (the command line and the app's server alike), or
per raster with ``load_raster(path, max_mb=...)``.

Examples
--------
>>> cells_mb(1024, 1024)
8.0
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from pathlib import Path

import rasterio
from rasterio.errors import RasterioIOError

from atlas.errors import DataFileError, SchemaError
from atlas.i18n import _, format_number, round_half_up
from atlas.problems import Problem

__all__ = [
    "DEFAULT_LIMIT_MB",
    "LIMIT_VARIABLE",
    "cells_mb",
    "check_cells",
    "damaged",
    "limit_mb",
    "reading",
]

#: The environment variable that sets the most memory (MB) one read of raster cells may take.
LIMIT_VARIABLE = "ATLAS_MAX_RASTER_MB"
#: The limit when neither the raster nor :data:`LIMIT_VARIABLE` sets one.
DEFAULT_LIMIT_MB = 1024.0
#: Bytes per cell as the atlas computes with them (float64).
_CELL_BYTES = 8


def cells_mb(rows: int, columns: int) -> float:
    """Memory in MB (2**20 bytes) of ``rows`` × ``columns`` cells as 64-bit numbers."""
    return rows * columns * _CELL_BYTES / 2**20


def limit_mb(given: float | None = None) -> float:
    """The limit in MB: ``given``, else :data:`LIMIT_VARIABLE`, else :data:`DEFAULT_LIMIT_MB`.

    Raises
    ------
    SchemaError
        When the environment variable is not a positive number.
    """
    if given is not None:
        return float(given)
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_LIMIT_MB
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise SchemaError(
            _(
                "{variable} is {value}: set it to a number of megabytes, e.g. {variable}=4096, "
                "or unset it for the default of {default} MB.",
                variable=LIMIT_VARIABLE,
                value=repr(text),
                default=f"{DEFAULT_LIMIT_MB:.0f}",
            )
        )
    return value


def check_cells(path: Path, rows: int, columns: int, *, max_mb: float | None = None) -> None:
    """Raise before reading ``rows`` × ``columns`` cells of ``path`` when they exceed the limit.

    Raises
    ------
    SchemaError
        Code ``raster.too_big``: the size, the limit and how to change it.
    """
    size, limit = cells_mb(rows, columns), limit_mb(max_mb)
    if size <= limit:
        return
    raise SchemaError(
        Problem(
            "error",
            _(
                "Reading {rows} × {columns} cells of the raster '{name}' would take {size} MB of "
                "memory, more than the limit of {limit} MB.",
                rows=format_number(rows),
                columns=format_number(columns),
                name=path.name,
                size=format_number(round_half_up(size)),
                limit=format_number(round_half_up(limit)),
            ),
            _(
                "Clip the raster to the settlements' area first (gdal_translate -projwin), or "
                "raise the limit: load_raster(path, max_mb=...) or the environment variable "
                "{variable} (in MB).",
                variable=LIMIT_VARIABLE,
            ),
            code="raster.too_big",
            params={"name": path.name, "count": round(limit)},
        )
    )


def damaged(path: Path, reason: object) -> DataFileError:
    """The error for a raster whose cells cannot be read: incomplete or damaged."""
    return DataFileError(
        Problem(
            "error",
            _(
                "The raster '{name}' is incomplete or damaged: its cells cannot be read "
                "({reason}).",
                name=path.name,
                reason=reason,
            ),
            _("Copy or export the file again (a download or copy may have stopped early)."),
            code="raster.damaged",
            params={"name": path.name},
        )
    )


@contextlib.contextmanager
def reading(path: Path) -> Iterator[rasterio.DatasetReader]:
    """``rasterio.open(path)``, a failed read of its cells raised as :func:`damaged`."""
    try:
        with rasterio.open(path) as ds:
            yield ds
    except RasterioIOError as exc:
        raise damaged(path, exc) from None
