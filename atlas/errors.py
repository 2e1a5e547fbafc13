"""The atlas's one exception family.

Every error the atlas raises on purpose is an :class:`AtlasError`. Each subclass also inherits the
builtin a caller would naturally catch (``ValueError``, ``OSError``…), as rasterio does, so code
that knows nothing of the atlas still handles them sensibly.

An error carries its problems as data (:class:`~atlas.problems.Problem`: a code, where, the
parameters): ``str(error)`` words the fix for a Python caller, and each surface words it in its
own terms with :meth:`AtlasError.describe` (the command line names flags, the app its controls).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlas.problems import Problem, Report, Wording

__all__ = [
    "AccessDenied",
    "AtlasError",
    "CRSError",
    "ClusterError",
    "DataFileError",
    "LayersApartError",
    "MappingError",
    "SchemaError",
    "SignInError",
    "StandardError",
    "StoreError",
    "ValidationError",
    "describe",
]


class AtlasError(Exception):
    """Base class of every error the atlas raises on purpose.

    Parameters
    ----------
    message
        What is wrong and how to fix it in one text (an error no surface words differently),
        or the :class:`~atlas.problems.Problem` that describes it.
    problems
        More problems (or all of them, with no ``message``).

    Examples
    --------
    >>> from atlas.problems import Problem
    >>> error = CRSError(Problem("error", "The layer 'wards' has no CRS.",
    ...     "Pass crs={'wards': 'EPSG:XXXX'}.", code="crs.missing", params={"layer": "wards"}))
    >>> str(error)
    "The layer 'wards' has no CRS. Pass crs={'wards': 'EPSG:XXXX'}."
    >>> error.describe({"crs.missing": "Give --crs {layer}=EPSG:XXXX."})
    "The layer 'wards' has no CRS. Give --crs wards=EPSG:XXXX."
    """

    def __init__(
        self, message: str | Problem | None = None, *, problems: Sequence[Problem] = ()
    ) -> None:
        if message is not None and not isinstance(message, str):
            problems = (message, *problems)
            message = None
        self.problems: tuple[Problem, ...] = tuple(problems)
        self._text = message
        super().__init__(self.describe())

    def describe(self, wording: Wording | None = None) -> str:
        """What is wrong and how to fix it, fixes worded by a surface's ``wording``."""
        parts = [self._text] if self._text else []
        parts += [p.sentence(wording) for p in self.problems]
        return " ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled with its problems (a worker process or a cache hands it back whole).
        return (_rebuild, (type(self), self._text, self.problems))


def _rebuild(kind: type[AtlasError], text: str | None, problems: tuple[Problem, ...]) -> AtlasError:
    error = kind.__new__(kind)
    AtlasError.__init__(error, text, problems=problems)
    return error


class DataFileError(AtlasError, OSError):
    """A file cannot be found, opened or read as a layer."""


class SchemaError(AtlasError, ValueError):
    """A table or layer does not have the shape the atlas needs."""


class MappingError(SchemaError):
    """A column mapping is malformed or names columns that do not exist."""


class CRSError(AtlasError, ValueError):
    """A coordinate reference system is missing, wrong or unusable for the operation."""


class LayersApartError(AtlasError, ValueError):
    """The layers do not meet (service points far from every settlement, settlements outside
    every ward): gaps measured on them would look like facts and be wrong. Its problems name
    the likely cause (``layers.swapped``, ``layers.other_crs``, ``layers.apart``)."""


class StandardError(AtlasError, ValueError):
    """A service standard file is missing or malformed."""


class StoreError(AtlasError, RuntimeError):
    """The cluster's store cannot be opened, or refuses a change (an unknown report, a step its
    lifecycle does not allow, a bad value in a report)."""


class ClusterError(AtlasError, ConnectionError):
    """A Dask cluster cannot be reached or started, or lost a worker while computing (the
    ``dask`` engine, :mod:`atlas.distributed`)."""


class AccessDenied(AtlasError, PermissionError):
    """The acting user's role does not allow what was asked (DESIGN §7)."""


class SignInError(AccessDenied):
    """A user name and password do not match (the same words for an unknown name, so that
    nobody learns which names exist)."""


class ValidationError(SchemaError):
    """Layers have problems that make them unusable.

    Parameters
    ----------
    report
        The full validation report of the (first) unusable layer: every problem found,
        errors and warnings.
    others
        The reports of the other unusable layers, when several are.
    """

    def __init__(self, report: Report, others: Sequence[Report] = ()) -> None:
        self.report = report
        self.reports: tuple[Report, ...] = (report, *others)
        super().__init__(problems=[p for r in self.reports for p in r.problems])

    def describe(self, wording: Wording | None = None) -> str:
        """Every report, fixes worded by a surface's ``wording``."""
        return "\n\n".join(r.format(wording) for r in self.reports)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ValidationError, (self.report, self.reports[1:]))


def describe(error: BaseException, wording: Wording | None = None) -> str:
    """What went wrong and how to fix it, fixes worded by a surface's ``wording``: an
    :class:`AtlasError`'s problems, or the text of any other error."""
    if isinstance(error, AtlasError):
        return error.describe(wording)
    return str(error)
