"""Everything the atlas knows about one settlement, gathered for a profile page or a report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from atlas.errors import SchemaError
from atlas.exports.records import to_records
from atlas.i18n import (
    N_,
    NOT_COUNTED,
    NOT_KNOWN,
    NOT_MEASURED,
    _,
    ngettext,
    pgettext,
    shown_count,
    shown_number,
    shown_percent,
    shown_text,
)
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.measure.standards import Standard
from atlas.summaries.phrases import (
    IN_NO_WARD,
    missing_words,
    needed_words,
    ratio_phrase,
    settlement_sentences,
)

__all__ = [
    "OUT_OF_SERVICE_HEADING",
    "SettlementProfile",
    "days_out_words",
    "point_table",
    "primary_ward",
    "service_table",
    "settlement_profile",
    "ward_table",
]


@dataclass(frozen=True)
class SettlementProfile:
    """One settlement's numbers, wards, service points, flags and plain sentences.

    Parameters
    ----------
    record
        The settlement's gap record (JSON-ready values, see :func:`atlas.exports.records.to_records`).
    ratios
        Per category, the headline ratio in words ("1 tap : 73 households").
    wards
        ``ward_id`` and ``share`` of every ward the settlement overlaps, largest first.
    services
        The service points attributed to it: ``service_id``, ``category``, ``kind``, ``status``,
        ``provider``, ``distance_m``.
    flags
        Data-quality notes (estimated or unknown demand, repaired geometry, no ward).
    sentences
        Plain sentences about water and sanitation.
    has_wards
        Whether the dataset has a wards layer: without one a settlement's ward is not known,
        rather than none.
    standard
        The standard it was measured against (None for a profile made by hand: its needed
        and missing points are then read from the record alone).
    """

    record: dict[str, Any]
    ratios: dict[str, str]
    wards: pd.DataFrame
    services: pd.DataFrame
    flags: tuple[str, ...]
    sentences: tuple[str, ...]
    has_wards: bool = True
    standard: Standard | None = None


def settlement_profile(
    result: GapResult, dataset: Dataset, settlement_id: str
) -> SettlementProfile:
    """The profile of ``settlement_id``.

    Raises
    ------
    SchemaError
        When no settlement has that id.
    """
    gaps = result.settlements
    match = gaps[gaps["settlement_id"] == settlement_id]
    if match.empty:
        raise SchemaError(_("No settlement has the id '{id}'.", id=settlement_id))
    record = to_records(match)[0]
    standard = result.standard
    overlaps = result.ward_overlaps
    wards = overlaps.loc[overlaps["settlement_id"] == settlement_id, ["ward_id", "share"]]
    points = result.services[result.services["settlement_id"] == settlement_id]
    columns = [
        c
        for c in ("service_id", "category", "kind", "status", "provider", "distance_m")
        if c in points
    ]
    flags = []
    if record["demand_missing"]:
        flags.append(
            _(
                "The number of households is not known (households and population are both "
                "missing, or both 0, which in most municipal files means not counted): the gaps "
                "cannot be measured. Add the households or the people to the settlements file, "
                "or estimate them from a population raster on the Population and hazards page."
            )
        )
    elif record.get("population_from_raster"):
        flags.append(
            _(
                "Demand is estimated: households and population are unknown, so the people are "
                "the population raster's estimate and households follow at {size} people per "
                "household.",
                size=f"{standard.household_size:g}",
            )
        )
    elif record["demand_estimated"]:
        flags.append(
            _(
                "Demand is estimated: households and population were derived from each other "
                "with {size} people per household.",
                size=f"{standard.household_size:g}",
            )
        )
    source = dataset.settlements.loc[match.index[0]]
    if bool(source.get("geometry_repaired", False)):
        flags.append(_("The boundary was invalid in the file and was repaired (make_valid)."))
    has_wards = dataset.wards is not None
    if record["ward_id"] is None and has_wards:
        flags.append(_("The settlement lies in no ward of the wards layer."))
    return SettlementProfile(
        record=record,
        ratios={c: ratio_phrase(record, c, standard) for c in standard.categories},
        wards=wards.reset_index(drop=True),
        services=points[columns]
        .sort_values(["category", "status", "service_id"])
        .reset_index(drop=True),
        flags=tuple(flags),
        sentences=tuple(settlement_sentences(record, standard)),
        has_wards=has_wards,
        standard=standard,
    )


#: Where a category's counts come from (``<category>_source``), in words (translated where
#: shown).
COUNTED_FROM = {"points": N_("service points"), "attribute": N_("the settlement's own count")}


def _needs(record: dict[str, Any], category: str, standard: Standard | None) -> tuple[str, str]:
    if standard is None:
        return (
            shown_count(record.get(f"{category}_needed")),
            shown_count(record.get(f"{category}_gap")),
        )
    return needed_words(record, category, standard), missing_words(record, category, standard)


def service_table(profile: SettlementProfile) -> pd.DataFrame:
    """A profile against its standard, as a page shows it: one row per category with where its
    counts come from, working, broken and unknown points, how many are needed and missing, the
    ratio in words and the share of the area within walking distance. Every cell is text:
    numbers as the sentences write them, and every empty cell worded (``not counted``,
    ``no standard``, ``not known``, ``not measured``: a count has no locations to walk from).

    >>> import atlas
    >>> dataset = atlas.load_sample()
    >>> result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    >>> table = service_table(settlement_profile(result, dataset, "SET-001"))
    >>> table.set_index("Service").loc["electricity", ["Needed", "Missing"]].tolist()
    ['no standard', 'no standard']
    """
    record = profile.record
    needs = {c: _needs(record, c, profile.standard) for c in profile.ratios}
    return pd.DataFrame(
        [
            {
                _("Service"): c,
                _("Counted from"): _(
                    COUNTED_FROM.get(str(record.get(f"{c}_source")), N_("nothing counts it"))
                ),
                pgettext("points", "Working"): shown_count(record.get(f"{c}_working"), NOT_COUNTED),
                pgettext("points", "Broken"): shown_count(record.get(f"{c}_broken"), NOT_COUNTED),
                pgettext("points", "Unknown"): shown_count(record.get(f"{c}_unknown"), NOT_COUNTED),
                _("Needed"): needs[c][0],
                _("Missing"): needs[c][1],
                _("Ratio"): ratio,
                _("Within walking distance"): shown_percent(
                    record.get(f"{c}_coverage"), NOT_MEASURED
                ),
            }
            for c, ratio in profile.ratios.items()
        ]
    )


def primary_ward(profile: SettlementProfile) -> str:
    """The settlement's primary ward as a page names it: its id, ``no ward`` when it lies in
    none, ``not known`` when the dataset has no wards layer."""
    return shown_text(profile.record.get("ward_id"), IN_NO_WARD if profile.has_wards else NOT_KNOWN)


def ward_table(profile: SettlementProfile) -> pd.DataFrame:
    """The wards the settlement overlaps, largest share first, as a page shows them: ``Ward``
    and ``Share of area`` (``42 %``)."""
    wards = profile.wards
    return pd.DataFrame(
        {
            _("Ward"): [shown_text(w) for w in wards["ward_id"]],
            _("Share of area"): [shown_percent(s) for s in wards["share"]],
        }
    )


#: The headings of the service points table, by field (the fields a services layer has),
#: translated where shown.
POINT_HEADINGS = {
    "service_id": N_("Service point"),
    "category": N_("Service"),
    "kind": N_("Kind"),
    "status": N_("Status"),
    "provider": N_("Provider"),
    "distance_m": N_("Distance (m)"),
}


#: The heading of the days a point has been out of service by a confirmed report.
OUT_OF_SERVICE_HEADING = N_("Out of service")
#: That column for a point no report has out of service, by its status.
_NOT_OUT = {"working": N_("in service"), "broken": N_("since a date not known")}


def days_out_words(days: float) -> str:
    """How long a point has been out of service, in words.

    >>> days_out_words(0.4), days_out_words(1.2), days_out_words(43.9)
    ('since today', 'for 1 day', 'for 43 days')
    """
    whole = int(days)
    if whole < 1:
        return _("since today")
    return ngettext("for {n} day", "for {n} days", whole)


def point_table(
    profile: SettlementProfile, out_of_service: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """The service points attributed to the settlement, as a page shows them: plain headings
    (:data:`POINT_HEADINGS`), the distance in metres as the sentences write numbers (0 inside
    the boundary), ``not known`` where the file says nothing.

    Parameters
    ----------
    out_of_service
        Days each point has been out of service by a confirmed report (a missing or NaN entry:
        none has it out): an *Out of service* column ("for 43 days") after the status, with
        the points out longest first, when any point is out.
    """
    points = profile.services
    days = [(out_of_service or {}).get(str(sid), float("nan")) for sid in points["service_id"]]
    if any(d == d for d in days):  # some point is out by a report
        order = sorted(range(len(days)), key=lambda i: -days[i] if days[i] == days[i] else 1.0)
        points = points.iloc[order]
        days = [days[i] for i in order]
    else:
        days = []
    columns: dict[str, list[str]] = {}
    for field, heading in POINT_HEADINGS.items():
        if field not in points:
            continue
        values = points[field].tolist()
        columns[_(heading)] = (
            [shown_number(v, NOT_MEASURED) for v in values]
            if field == "distance_m"
            else [shown_text(v) for v in values]
        )
        if field == "status" and days:
            columns[_(OUT_OF_SERVICE_HEADING)] = [
                days_out_words(d) if d == d else _(_NOT_OUT.get(str(status), NOT_KNOWN))
                for d, status in zip(days, values, strict=True)
            ]
    return pd.DataFrame(columns)
