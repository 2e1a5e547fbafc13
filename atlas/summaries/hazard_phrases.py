"""Plain words for a hazard zone and a population raster: who lives in the zone, what the raster
estimates (re-exported by :mod:`atlas.summaries.phrases`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import (
    N_,
    _,
    format_number,
    format_percent,
    is_missing,
    ngettext,
    plural,
    round_half_up,
    shown_number,
)

__all__ = [
    "estimate_sentence",
    "hazard_sentences",
    "raster_demand_sentences",
    "settlement_hazard_sentence",
]

#: What a hazard zone is called when its raster gives it no name (translated where shown).
HAZARD_ZONE = N_("the hazard zone")


def _people(count: float) -> str:
    n = round_half_up(float(count))
    return ngettext("about {n} person lives in it", "about {n} people live in it", n)


def hazard_sentences(per_cluster: pd.DataFrame, zone: str = HAZARD_ZONE) -> list[str]:
    """One sentence per cluster of :func:`atlas.raster.hazard_by_cluster`, e.g. "2 of 10
    settlements in Northern Ridge Cluster have more than half their area in the flood zone
    (2 have some); about 8 030 people live in it." (plain words, not escaped)."""
    zone = _(zone)
    out = []
    for record in to_records(per_cluster):
        cluster, total = record["cluster"], int(record["settlements"])
        exposed, mostly = (
            int(record["settlements_exposed"]),
            int(record["settlements_mostly_exposed"]),
        )
        settlements = plural(total, "settlement")
        if exposed == 0:
            out.append(
                _(
                    "No settlement of {cluster} ({settlements}) lies in {zone}.",
                    cluster=cluster,
                    settlements=settlements,
                    zone=zone,
                )
            )
            continue
        people = record["hazard_population"]
        fields = {
            "settlements": settlements,
            "cluster": cluster,
            "zone": zone,
            "some": ngettext("{n} has some", "{n} have some", exposed),
        }
        if is_missing(people):
            out.append(
                ngettext(
                    "{n} of {settlements} in {cluster} has more than half its area in {zone} "
                    "({some}); how many people live in it is unknown.",
                    "{n} of {settlements} in {cluster} have more than half their area in {zone} "
                    "({some}); how many people live in it is unknown.",
                    mostly,
                    **fields,
                )
            )
        else:
            out.append(
                ngettext(
                    "{n} of {settlements} in {cluster} has more than half its area in {zone} "
                    "({some}); {people}.",
                    "{n} of {settlements} in {cluster} have more than half their area in {zone} "
                    "({some}); {people}.",
                    mostly,
                    people=_people(people),
                    **fields,
                )
            )
    return out


def settlement_hazard_sentence(
    name: str, share: float, people: float | None, zone: str = HAZARD_ZONE
) -> str:
    """E.g. "Tšhepong has 75 % of its area in the flood zone; about 3 058 people live in it."."""
    zone = _(zone)
    if is_missing(share):
        return _("{name} has no boundary to compare with {zone}.", name=name, zone=zone)
    if share <= 0:
        return _("{name} lies outside {zone}.", name=name, zone=zone)
    fields = {"name": name, "share": format_percent(share), "zone": zone}
    if people is None or is_missing(people):
        return _("{name} has {share} of its area in {zone}.", **fields)
    return _(
        "{name} has {share} of its area in {zone}; {people}.", people=_people(people), **fields
    )


def estimate_sentence(record: Mapping[str, Any]) -> str | None:
    """What a population raster says of one settlement (a gap record with
    ``population_estimate``), or None without an estimate."""
    estimate: Any = record.get("population_estimate")
    if is_missing(estimate):
        return None
    about = format_number(round_half_up(float(estimate)))
    if record.get("population_from_raster"):
        return _(
            "Households and population are unknown: the population raster estimates about "
            "{people} people, and the gaps are measured for {households} households from it.",
            people=about,
            households=shown_number(record.get("households")),
        )
    own: Any = record.get("population")
    if is_missing(own):
        return _("The population raster estimates about {people} people.", people=about)
    return _(
        "The population raster estimates about {people} people; the settlement's own figures "
        "give {own}.",
        people=about,
        own=format_number(round_half_up(float(own))),
    )


def raster_demand_sentences(settlements: pd.DataFrame) -> list[str]:
    """One sentence per settlement whose demand a population raster filled (a gap table with
    ``population_from_raster``), e.g. "Enkanini had neither households nor population: its
    demand now comes from the raster, about 1 234 people." (plain words, not escaped)."""
    filled = settlements[settlements["population_from_raster"]]
    return [
        _(
            "{name} had neither households nor population: its demand now comes from the "
            "raster, about {people} people.",
            name=name,
            people=format_number(round_half_up(people)),
        )
        for name, people in zip(filled["name"], filled["population"], strict=True)
    ]
