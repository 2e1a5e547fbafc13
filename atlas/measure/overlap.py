"""Do the layers meet? Service points far from every settlement, settlements outside every ward.

A gap table built on layers that do not meet looks like any other: every settlement shows no
points, a full gap and no coverage. Before gaps are presented as facts, :func:`layers_apart`
checks (in metric CRSs, DESIGN §2 rule 4):

* **service points**: more than half of them (:data:`MOST`) lie farther than the standard's
  largest walking distance (:attr:`~atlas.measure.standards.Standard.reach`) from every
  settlement, *and* more than half of the settlements lie farther than that (at least
  :data:`MARGIN_M`) from the area the points cover (their convex hull). The second condition
  keeps a province's clinics or a city's taps, most of them outside the informal settlements,
  from being taken for the wrong file: the settlements lie among them;
* **wards** (when given): more than half of the settlements overlap no ward.

For each finding it names the likely cause, trying in turn: **swapped** coordinates (one
layer's longitude and latitude exchanged makes the layers meet), a **wrong CRS** (one layer's
numbers, read in another CRS: degrees, the local UTM zones, Web Mercator, the South African Lo
zones, the other layer's CRS, make them meet), or else the **wrong file** (how far apart the
layers' extents are, in km, and both extents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from atlas.i18n import N_, _, format_number, round_half_up
from atlas.load.dataset import Dataset
from atlas.measure._meeting import (
    MOST,
    Cause,
    Pair,
    crs_name,
    distance_km,
    extent,
    find_cause,
    finite,
    meeting,
    metric,
    named,
)
from atlas.measure._nearby import Nearby
from atlas.measure.standards import Standard
from atlas.problems import Problem

__all__ = [
    "MARGIN_M",
    "MOST",
    "Apart",  # i18n-ignore: a name of the API
    "Measured",  # i18n-ignore: a name of the API
    "apart_problems",
    "extent_text",
    "layers_apart",
]

#: Settlements nearer than this (metres, or the reach when larger) to the points' area are
#: among the points.
MARGIN_M = 1000.0

_ALLOW = N_(
    "If these are the right files, pass allow_apart=True to compute_gaps to measure anyway."
)

# One whole sentence per layer (and per outcome), so that each language words it as one.
#: What meets: the service points within reach of a settlement, the settlements in a ward.
_MET = {
    "services": N_("{near} of the {total} service points lie within {reach} m of a settlement"),
    "wards": N_("{near} of the {total} settlements lie in a ward"),
}
#: What does not meet, when none of the layer meets and when only some do.
_FINDING = {
    ("services", True): N_(
        "None of the {total} service points lie within {reach} m of a settlement (the "
        "standard's largest walking distance), and most settlements lie far from every point: "
        "the service points and the settlements do not meet, so every settlement would show "
        "no points, a full gap and no coverage."
    ),
    ("services", False): N_(
        "Only {near} of the {total} service points lie within {reach} m of a settlement (the "
        "standard's largest walking distance), and most settlements lie far from every point: "
        "the service points and the settlements do not meet, so every settlement would show "
        "no points, a full gap and no coverage."
    ),
    ("wards", True): N_(
        "None of the {total} settlements lie in one of the wards: the wards and the "
        "settlements do not meet, so the settlements would have no ward."
    ),
    ("wards", False): N_(
        "Only {near} of the {total} settlements lie in one of the wards: the wards and the "
        "settlements do not meet, so the settlements would have no ward."
    ),
}
#: Where the two layers lie, when their extents overlap (True) and when they are apart.
_WHERE = {
    ("services", True): N_(
        "The service points lie within {extent}, the settlements within "
        "{settlements_extent}: their extents overlap."
    ),
    ("services", False): N_(
        "The service points lie within {extent}, the settlements within "
        "{settlements_extent}: about {km} km apart."
    ),
    ("wards", True): N_(
        "The wards lie within {extent}, the settlements within {settlements_extent}: their "
        "extents overlap."
    ),
    ("wards", False): N_(
        "The wards lie within {extent}, the settlements within {settlements_extent}: about "
        "{km} km apart."
    ),
}
#: The layer whose longitude and latitude, swapped, make the layers meet.
_SWAPPED = {
    "services": N_(
        "They meet when the service points' longitude and latitude are swapped: one of the two "
        "files has its coordinates the wrong way round (the one whose extent is not where the "
        "place is)."
    ),
    "settlements": N_(
        "They meet when the settlements' longitude and latitude are swapped: one of the two "
        "files has its coordinates the wrong way round (the one whose extent is not where the "
        "place is)."
    ),
    "wards": N_(
        "They meet when the wards' longitude and latitude are swapped: one of the two files has "
        "its coordinates the wrong way round (the one whose extent is not where the place is)."
    ),
}
#: The layer whose numbers, read in another CRS, make the layers meet.
_OTHER_CRS = {
    "services": N_(
        "They meet when the service points' coordinates are read in {fits_name} instead of "
        "{read_in}: the numbers in the service points' file are most likely in {fits}, and its "
        "CRS is wrong."
    ),
    "settlements": N_(
        "They meet when the settlements' coordinates are read in {fits_name} instead of "
        "{read_in}: the numbers in the settlements' file are most likely in {fits}, and its CRS "
        "is wrong."
    ),
    "wards": N_(
        "They meet when the wards' coordinates are read in {fits_name} instead of {read_in}: "
        "the numbers in the wards' file are most likely in {fits}, and its CRS is wrong."
    ),
}
#: That the layers do not meet, in a printed page's sources and in a warning.
_NOTE = {
    "services": N_(
        "The service points and the settlements do not meet ({met}): these gaps were measured "
        "anyway and are not facts until the files are checked."
    ),
    "wards": N_(
        "The wards and the settlements do not meet ({met}): these gaps were measured anyway "
        "and are not facts until the files are checked."
    ),
}
_SHOWN_APART = {
    "services": N_("The service points and the settlements do not meet: {met}."),
    "wards": N_("The wards and the settlements do not meet: {met}."),
}


@dataclass(frozen=True)
class Apart:
    """Two layers that do not meet, and the likely cause.

    Parameters
    ----------
    layer
        ``services`` (the points miss the settlements) or ``wards`` (the settlements miss the
        wards).
    near, total
        How many of the counted features meet the other layer: service points within reach
        of a settlement (of all located points), or settlements in a ward (of all settlements).
    reach
        The distance the points were measured against (metres).
    cause
        ``swapped``, ``crs`` or ``file``.
    moved
        The layer whose swap or CRS makes them meet (``services``, ``wards``, ``settlements``).
    read_in, fits
        Cause ``crs``: the CRS ``moved`` was read in, and the one its numbers fit.
    distance_km
        How far apart the two layers' extents are (0 when they overlap).
    extent, settlements_extent
        The layer's and the settlements' extents in longitude/latitude, in words.
    """

    layer: str
    near: int
    total: int
    reach: float
    cause: Cause
    moved: str
    read_in: str | None
    fits: str | None
    distance_km: float
    extent: str
    settlements_extent: str

    def _met(self) -> str:
        return _(_MET[self.layer], near=self.near, total=self.total, reach=f"{self.reach:g}")

    def _finding(self) -> str:
        return _(
            _FINDING[self.layer, self.near == 0],
            near=self.near,
            total=self.total,
            reach=f"{self.reach:g}",
        )

    def _cause(self) -> str:
        where = _(
            _WHERE[self.layer, self.distance_km == 0],
            extent=self.extent,
            settlements_extent=self.settlements_extent,
            km=format_number(round_half_up(self.distance_km)),
        )
        if self.cause == "swapped":
            return f"{_(_SWAPPED[self.moved])} {where}"
        if self.cause == "crs":
            other = _(
                _OTHER_CRS[self.moved],
                fits_name=named(self.fits),
                read_in=self.read_in,
                fits=self.fits,
            )
            return f"{other} {where}"
        return f"{where} {_('Most likely one of the files is of another place.')}"

    def problem(self) -> Problem:
        """The refusal: what does not meet, the likely cause, how to fix it (an error)."""
        message = f"{self._finding()} {self._cause()}"
        params = {
            "layer": self.moved,
            "apart": self.layer,
            "near": self.near,
            "total": self.total,
            "cause": self.cause,
            "crs": self.fits or "",
            "distance_km": round(self.distance_km),
        }
        if self.cause == "swapped":
            return Problem(
                "error",
                message,
                _("Swap the two coordinate columns in the file that has them the wrong way round.")
                + " "
                + _(_ALLOW),
                code="layers.swapped",
                params=params,
            )
        if self.cause == "crs":
            return Problem(
                "error",
                message,
                _(
                    "Declare its CRS when loading: crs={{'{layer}': '{crs}'}}.",
                    layer=self.moved,
                    crs=self.fits,
                )
                + " "
                + _(_ALLOW),
                code="layers.other_crs",
                params=params,
            )
        return Problem(
            "error",
            message,
            _("Check that the files are of the same place.") + " " + _(_ALLOW),
            code="layers.apart",
            params=params,
        )

    def note(self) -> str:
        """One line for a printed page's sources: the layers do not meet, the gaps are in doubt."""
        return _(_NOTE[self.layer], met=self._met())

    def warning(self) -> Problem:
        """What a result measured anyway says: the layers do not meet, the gaps are in doubt."""
        shown = _(_SHOWN_APART[self.layer], met=self._met())
        measured = _(
            "The gaps were measured anyway: they are not facts until the files are checked."
        )
        return Problem(
            "warning",
            f"{shown} {self._cause()} {measured}",
            _(
                "They were measured because allow_apart=True was passed: check the files before "
                "using them."
            ),
            code="layers.shown_apart",
            params={"layer": self.layer, "note": self.note()},
        )


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.2f}°{positive if value >= 0 else negative}"


def extent_text(bounds: tuple[float, float, float, float] | None) -> str:
    """An extent in words: ``28.27°E to 28.41°E, 26.16°S to 26.02°S``.

    Examples
    --------
    >>> extent_text((28.265, -26.155, 28.405, -26.032))
    '28.27°E to 28.41°E, 26.16°S to 26.03°S'
    >>> extent_text(None)
    'no known place'
    """
    if bounds is None:
        return _("no known place")
    x0, y0, x1, y1 = bounds
    return _(
        "{west} to {east}, {south} to {north}",
        west=_degrees(x0, "E", "W"),
        east=_degrees(x1, "E", "W"),
        south=_degrees(y0, "N", "S"),
        north=_degrees(y1, "N", "S"),
    )


def _found(
    pair: Pair,
    layer: str,
    near: int,
    reach: float,
    dataset: Dataset,
    order: Sequence[str],
) -> Apart:
    cause, moved, read_in, fits = find_cause(pair, dataset, order)
    settlements = pair.other if pair.other_layer == "settlements" else pair.counted
    layer_geoms = pair.counted if pair.counted_layer == layer else pair.other
    mine, theirs = extent(layer_geoms), extent(settlements)
    return Apart(
        layer=layer,
        near=near,
        total=len(pair.counted),
        reach=reach,
        cause=cause,
        moved=moved,
        read_in=crs_name(read_in) if read_in is not None else None,
        fits=f"EPSG:{fits.to_epsg()}" if fits is not None and fits.to_epsg() else None,
        distance_km=distance_km(mine, theirs),
        extent=extent_text(mine),
        settlements_extent=extent_text(theirs),
    )


@dataclass(frozen=True)
class Measured:
    """What the join already measured, so that the check does not measure it again.

    Attributes
    ----------
    nearby
        The (point, settlement) pairs within the standard's reach (:func:`nearby_pairs`).
    settlements, wards
        The settlements' and the wards' geometries in the dataset's metric CRS (``wards``
        None without wards).
    """

    nearby: Nearby
    settlements: np.ndarray
    wards: np.ndarray | None


def _services_apart(
    dataset: Dataset, standard: Standard, measured: Measured | None
) -> Apart | None:
    if not dataset.has_services or dataset.services.empty or dataset.settlements.empty:
        return None
    crs = dataset.metric_crs
    points = dataset.services.geometry.to_numpy()
    polygons = dataset.settlements.geometry.to_numpy()
    reach = standard.reach
    if measured is not None and measured.nearby.reach >= reach:
        polygons_m = measured.settlements
        located = np.isfinite(measured.nearby.xy).all(axis=1)
        if not located.any():
            return None
        near = np.zeros(len(points), bool)
        near[measured.nearby.point[measured.nearby.distance <= reach]] = True
        met = near[located]
        if (~met).sum() <= MOST * len(met):
            return None
        located_m = shapely.points(measured.nearby.xy[located])
    else:
        points_m, polygons_m = metric(points, crs), metric(polygons, crs)
        located = finite(points_m)
        if not located.any():
            return None
        met = meeting(points_m[located], polygons_m, reach)
        if (~met).sum() <= MOST * len(met):
            return None
        located_m = points_m[located]
    # Are the settlements among the points (a province's clinics) or away from them?
    area = shapely.convex_hull(shapely.multipoints(located_m))
    far = shapely.distance(area, polygons_m[finite(polygons_m)]) > max(reach, MARGIN_M)
    if far.sum() <= MOST * len(far):
        return None
    pair = Pair(points[located], "services", polygons, "settlements", reach)
    return _found(pair, "services", int(met.sum()), reach, dataset, ["services", "settlements"])


def _wards_apart(dataset: Dataset, measured: Measured | None) -> Apart | None:
    if dataset.wards is None or dataset.wards.empty or dataset.settlements.empty:
        return None
    crs = dataset.metric_crs
    polygons = dataset.settlements.geometry.to_numpy()
    wards = dataset.wards.geometry.to_numpy()
    if measured is not None and measured.wards is not None:
        met = meeting(measured.settlements, measured.wards, 0.0)
    else:
        met = meeting(metric(polygons, crs), metric(wards, crs), 0.0)
    if (~met).sum() <= MOST * len(met):
        return None
    pair = Pair(polygons, "settlements", wards, "wards", 0.0)
    return _found(pair, "wards", int(met.sum()), 0.0, dataset, ["wards", "settlements"])


def layers_apart(
    dataset: Dataset, standard: Standard, measured: Measured | None = None
) -> tuple[Apart, ...]:
    """The layers of ``dataset`` that do not meet (empty when they all do).

    Parameters
    ----------
    dataset
        A validated dataset (:func:`atlas.load_dataset`).
    standard
        The standard: its largest walking distance is how near a point must be.
    measured
        What the join already measured (the pairs within reach, the metric geometries): the
        check then reuses it instead of measuring again. The answer is the same.

    Returns
    -------
    tuple of Apart
        The service points that miss the settlements, the wards that miss them, or neither.

    Examples
    --------
    >>> import atlas
    >>> layers_apart(atlas.load_sample(), atlas.load_standard("cape-town"))
    ()
    """
    found = (_services_apart(dataset, standard, measured), _wards_apart(dataset, measured))
    return tuple(a for a in found if a is not None)


def apart_problems(dataset: Dataset, standard: Standard) -> tuple[Problem, ...]:
    """:func:`layers_apart` as refusals (errors with a code, the cause and the fix)."""
    return tuple(a.problem() for a in layers_apart(dataset, standard))
