"""The atlas's one exception family.

Every error the atlas raises on purpose is an :class:`AtlasError`. Each subclass also inherits the
builtin a caller would naturally catch (``ValueError``, ``OSError``…), as rasterio does, so code
that knows nothing of the atlas still handles them sensibly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from atlas.problems import Report

__all__ = [
    "AtlasError",
    "CRSError",
    "DataFileError",
    "MappingError",
    "SchemaError",
    "StandardError",
    "ValidationError",
]


class AtlasError(Exception):
    """Base class of every error the atlas raises on purpose."""


class DataFileError(AtlasError, OSError):
    """A file cannot be found, opened or read as a layer."""


class SchemaError(AtlasError, ValueError):
    """A table or layer does not have the shape the atlas needs."""


class MappingError(SchemaError):
    """A column mapping is malformed or names columns that do not exist."""


class CRSError(AtlasError, ValueError):
    """A coordinate reference system is missing, wrong or unusable for the operation."""


class StandardError(AtlasError, ValueError):
    """A service standard file is missing or malformed."""


class ValidationError(SchemaError):
    """A layer has problems that make it unusable.

    Parameters
    ----------
    report
        The full validation report: every problem found, errors and warnings.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(report.format())
