"""Everything the atlas knows about one settlement, gathered for a profile page or a report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from atlas.errors import SchemaError
from atlas.exports.records import to_records
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.summaries.phrases import ratio_phrase, settlement_sentences

__all__ = ["SettlementProfile", "service_table", "settlement_profile"]


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
    """

    record: dict[str, Any]
    ratios: dict[str, str]
    wards: pd.DataFrame
    services: pd.DataFrame
    flags: tuple[str, ...]
    sentences: tuple[str, ...]


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
        raise SchemaError(f"No settlement has the id '{settlement_id}'.")
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
            "The number of households is not known (households and population are both missing, "
            "or both 0, which in most municipal files means not counted): the gaps cannot be "
            "measured. Add the households or the people to the settlements file, or estimate "
            "them from a population raster on the Population and hazards page."
        )
    elif record.get("population_from_raster"):
        flags.append(
            "Demand is estimated: households and population are unknown, so the people are the "
            f"population raster's estimate and households follow at {standard.household_size:g} "
            "people per household."
        )
    elif record["demand_estimated"]:
        flags.append(
            f"Demand is estimated: households and population were derived from each other with "
            f"{standard.household_size:g} people per household."
        )
    source = dataset.settlements.loc[match.index[0]]
    if bool(source.get("geometry_repaired", False)):
        flags.append("The boundary was invalid in the file and was repaired (make_valid).")
    if record["ward_id"] is None:
        flags.append("The settlement lies in no ward of the wards layer.")
    return SettlementProfile(
        record=record,
        ratios={c: ratio_phrase(record, c, standard) for c in standard.categories},
        wards=wards.reset_index(drop=True),
        services=points[columns]
        .sort_values(["category", "status", "service_id"])
        .reset_index(drop=True),
        flags=tuple(flags),
        sentences=tuple(settlement_sentences(record, standard)),
    )


#: Where a category's counts come from (``<category>_source``), in words.
COUNTED_FROM = {"points": "service points", "attribute": "the settlement's own count"}


def service_table(profile: SettlementProfile) -> pd.DataFrame:
    """A profile against its standard, one row per category: where its counts come from,
    working, broken and unknown points, how many are needed and missing, the ratio in words and
    the share of the area within walking distance."""
    record = profile.record
    return pd.DataFrame(
        [
            {
                "Service": c,
                "Counted from": COUNTED_FROM.get(
                    str(record.get(f"{c}_source")), "nothing counts it"
                ),
                "Working": record[f"{c}_working"],
                "Broken": record[f"{c}_broken"],
                "Unknown": record[f"{c}_unknown"],
                "Needed": record[f"{c}_needed"],
                "Missing": record[f"{c}_gap"],
                "Ratio": ratio,
                "Within walking distance": record[f"{c}_coverage"],
            }
            for c, ratio in profile.ratios.items()
        ]
    )
