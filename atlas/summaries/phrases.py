"""Plain words for the numbers: "1 tap : 73 households", sentences a resident can read aloud."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import format_number, is_missing, noun, plural, shown_number
from atlas.measure.standards import DEMAND_COLUMN, CategoryRule, Standard

__all__ = [
    "NOT_IN_A_CLUSTER",
    "cluster_label",
    "cluster_sentences",
    "estimate_sentence",
    "gap_table",
    "hazard_sentences",
    "raster_demand_sentences",
    "ratio_phrase",
    "ratio_words",
    "settlement_hazard_sentence",
    "settlement_sentences",
    "standard_table",
    "with_cluster_labels",
]

#: Shown where a settlement lies in no ward.
NO_WARD = "–"
#: What a missing cluster reads as: the settlements in no cluster, and their one row of
#: ``GapResult.clusters`` (whose ``cluster`` is empty).
NOT_IN_A_CLUSTER = "Not in a cluster"


def cluster_label(cluster: object) -> str:
    """A cluster as people read it: its name, or :data:`NOT_IN_A_CLUSTER` when it is missing.

    >>> cluster_label("Ilanga East Cluster"), cluster_label(None), cluster_label(float("nan"))
    ('Ilanga East Cluster', 'Not in a cluster', 'Not in a cluster')
    """
    missing = (
        cluster is None or cluster is pd.NA or (isinstance(cluster, float) and cluster != cluster)
    )
    return NOT_IN_A_CLUSTER if missing else str(cluster)


def with_cluster_labels(frame: pd.DataFrame, column: str = "cluster") -> pd.DataFrame:
    """A copy of ``frame`` for display whose missing ``column`` values read
    :data:`NOT_IN_A_CLUSTER` (the row of settlements in no cluster, a settlement in none);
    a frame without the column comes back as it is.

    >>> import pandas as pd
    >>> with_cluster_labels(pd.DataFrame({"cluster": ["A", None]}))["cluster"].tolist()
    ['A', 'Not in a cluster']
    """
    if column not in frame:
        return frame
    out = frame.copy()
    values = out[column].astype(object)
    out[column] = values.where(values.notna(), NOT_IN_A_CLUSTER)
    return out


def _noun(unit: str) -> str:
    """The singular noun that :func:`plural` inflects: ``household`` or ``people``."""
    return "household" if unit == "households" else unit


def _value(record: Mapping[str, Any], key: str) -> Any:
    return record.get(key)


def ratio_words(ratio: float, working: float, demand_missing: bool, rule: CategoryRule) -> str:
    """The headline of one category: ``1 tap : 73 households``, ``no working tap``,
    ``households unknown`` (plain words, not escaped)."""
    if is_missing(working):
        return f"{noun(rule.point_label, 2)} not counted"
    if demand_missing:
        return f"{rule.unit} unknown"
    if not working:
        return f"no working {rule.point_label}"
    if is_missing(ratio):
        return f"{rule.unit} unknown"
    return f"1 {rule.point_label} : {format_number(ratio)} {rule.unit}"


def ratio_phrase(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """The headline ratio of one category of a gap record, e.g. ``1 tap : 73 households``."""
    rule = standard.rule(category)
    demand = _value(record, DEMAND_COLUMN[rule.unit])
    return ratio_words(
        _value(record, f"{category}_ratio"),
        _value(record, f"{category}_working"),
        is_missing(demand),
        rule,
    )


def settlement_sentences(
    record: Mapping[str, Any],
    standard: Standard,
    categories: tuple[str, ...] = ("water", "sanitation"),
) -> list[str]:
    """Sentences about one settlement, e.g. "Settlement X has 1 working tap for 73 households.
    The standard is 1 tap for 25 households. 2 more taps are needed."
    """
    name = _value(record, "name") or _value(record, "settlement_id")
    out = []
    for category in categories:
        rule = standard.rule(category)
        label = rule.point_label
        demand = _value(record, DEMAND_COLUMN[rule.unit])
        counted = _value(record, f"{category}_working")
        if is_missing(counted):
            out.append(
                f"The number of working {noun(label, 2)} in {name} is not known: there are no "
                f"service points for it and no count of its own, so the gap cannot be measured. "
                f"Add its {noun(label, 2)} to the services layer, or a count of them to the "
                "settlements file."
            )
            continue
        working = int(counted)
        if is_missing(demand):
            out.append(
                f"{name} has {plural(working, 'working ' + label)}; its number of {rule.unit} is "
                f"not known, so the gap cannot be measured. Add its {rule.unit} to the "
                "settlements file (or estimate them from a population raster) to measure it."
            )
            continue
        text = f"{name} has {plural(working, 'working ' + label)} for {plural(float(demand), _noun(rule.unit))}."
        if rule.max_per_point:
            text += (
                f" The standard is 1 {label} for {plural(rule.max_per_point, _noun(rule.unit))}."
            )
            gap = _value(record, f"{category}_gap")
            if not is_missing(gap) and int(gap) > 0:
                text += (
                    f" {format_number(int(gap))} more {label if int(gap) == 1 else label + 's'}"
                    f" {'is' if int(gap) == 1 else 'are'} needed."
                )
            else:
                text += " The standard is met."
        out.append(text)
    return out


def gap_table(
    table: pd.DataFrame,
    standard: Standard,
    *,
    key: str = "settlement",
    categories: tuple[str, ...] = ("water", "sanitation"),
) -> pd.DataFrame:
    """A readable table of settlement or cluster gaps, worst water gap first.

    Parameters
    ----------
    table
        ``GapResult.settlements`` or ``GapResult.clusters``.
    standard
        The standard in force (for the ratio wording).
    key
        ``settlement`` (name, primary ward) or ``cluster`` (cluster, number of settlements).
    categories
        The categories to show.

    Returns
    -------
    DataFrame
        Plain column names; per category working, needed, gap and the ratio in words.
    """
    records = to_records(table)
    if key == "cluster":
        out = pd.DataFrame({"Cluster": table["cluster"], "Settlements": table["settlements"]})
    else:
        out = pd.DataFrame(
            {
                "Settlement": table["name"],
                "Ward": table["ward_id"].astype(object).where(table["ward_id"].notna(), NO_WARD),
                "Cluster": table["cluster"],
            },
            index=table.index,
        )
    out["Households"] = table["households"].round().astype("Int64")
    if "population_estimate" in table:
        # A population raster is in use: its estimate beside the settlements' own figures.
        out["People"] = table["population"].round().astype("Int64")
        out["People (raster estimate)"] = table["population_estimate"].round().astype("Int64")
    for category in categories:
        label = standard.rule(category).point_label
        out[f"Working {label}s"] = table[f"{category}_working"]
        out[f"{label.capitalize()}s needed"] = table[f"{category}_needed"]
        out[f"{label.capitalize()}s missing"] = table[f"{category}_gap"]
        out[f"{label.capitalize()} ratio"] = [ratio_phrase(r, category, standard) for r in records]
    first_gap = f"{standard.rule(categories[0]).point_label.capitalize()}s missing"
    return out.sort_values(
        first_gap, ascending=False, na_position="last", kind="stable"
    ).reset_index(drop=True)


def cluster_sentences(clusters: pd.DataFrame, standard: Standard, category: str) -> list[str]:
    """One sentence per cluster, e.g. "Ilanga East Cluster (10 settlements, 6 287 households):
    46 working taps, 213 more needed; 1 tap : 137 households."."""
    rule = standard.rule(category)
    label = rule.point_label
    out = []
    for record in to_records(clusters):
        working = record[f"{category}_working"]
        counted = (
            f"{noun(label, 2)} not counted"
            if is_missing(working)
            else plural(working, "working " + label)
        )
        name = cluster_label(record["cluster"])
        text = (
            f"{name} ({plural(record['settlements'], 'settlement')}, "
            f"{shown_number(record[DEMAND_COLUMN[rule.unit]])} {rule.unit}): {counted}"
        )
        gap = record[f"{category}_gap"]
        if not is_missing(gap):
            text += f", {format_number(gap)} more needed"
        out.append(f"{text}; {ratio_phrase(record, category, standard)}.")
    return out


def _people(count: float) -> str:
    n = round(float(count))
    return f"about {format_number(n)} {'person lives' if n == 1 else 'people live'} in it"


def hazard_sentences(per_cluster: pd.DataFrame, zone: str = "the hazard zone") -> list[str]:
    """One sentence per cluster of :func:`atlas.raster.hazard_by_cluster`, e.g. "2 of 10
    settlements in Northern Ridge Cluster have more than half their area in the flood zone
    (2 have some); about 8 030 people live in it." (plain words, not escaped)."""
    out = []
    for record in to_records(per_cluster):
        cluster, total = record["cluster"], int(record["settlements"])
        exposed, mostly = (
            int(record["settlements_exposed"]),
            int(record["settlements_mostly_exposed"]),
        )
        if exposed == 0:
            out.append(
                f"No settlement of {cluster} ({plural(total, 'settlement')}) lies in {zone}."
            )
            continue
        verb = "has more than half its area" if mostly == 1 else "have more than half their area"
        text = f"{format_number(mostly)} of {plural(total, 'settlement')} in {cluster} {verb} in {zone}"
        text += f" ({format_number(exposed)} {'has' if exposed == 1 else 'have'} some)"
        people = record["hazard_population"]
        text += (
            "; how many people live in it is unknown."
            if is_missing(people)
            else f"; {_people(people)}."
        )
        out.append(text)
    return out


def settlement_hazard_sentence(
    name: str, share: float, people: float | None, zone: str = "the hazard zone"
) -> str:
    """E.g. "Tšhepong has 75 % of its area in the flood zone; about 3 058 people live in it."."""
    if is_missing(share):
        return f"{name} has no boundary to compare with {zone}."
    if share <= 0:
        return f"{name} lies outside {zone}."
    percent = "less than 1 %" if share < 0.005 else f"{round(share * 100)} %"
    text = f"{name} has {percent} of its area in {zone}"
    return text + ("." if people is None or is_missing(people) else f"; {_people(people)}.")


def estimate_sentence(record: Mapping[str, Any]) -> str | None:
    """What a population raster says of one settlement (a gap record with
    ``population_estimate``), or None without an estimate."""
    estimate = _value(record, "population_estimate")
    if is_missing(estimate):
        return None
    about = f"about {format_number(round(float(estimate)))} people"
    if _value(record, "population_from_raster"):
        return (
            f"Households and population are unknown: the population raster estimates {about}, "
            f"and the gaps are measured for {shown_number(_value(record, 'households'))} "
            "households from it."
        )
    own = _value(record, "population")
    if is_missing(own):
        return f"The population raster estimates {about}."
    return (
        f"The population raster estimates {about}; the settlement's own figures give "
        f"{format_number(round(float(own)))}."
    )


def raster_demand_sentences(settlements: pd.DataFrame) -> list[str]:
    """One sentence per settlement whose demand a population raster filled (a gap table with
    ``population_from_raster``), e.g. "Enkanini had neither households nor population: its
    demand now comes from the raster, about 1 234 people." (plain words, not escaped)."""
    filled = settlements[settlements["population_from_raster"]]
    return [
        f"{name} had neither households nor population: its demand now comes from the "
        f"raster, about {format_number(round(people))} people."
        for name, people in zip(filled["name"], filled["population"], strict=True)
    ]


def standard_table(standard: Standard) -> pd.DataFrame:
    """A standard's rules as a readable table: one row per category with its point, what
    demand is counted in, the most one point serves, the walking distance (m) and the note on
    where that distance comes from."""
    rules = standard.categories.values()
    return pd.DataFrame(
        {
            "Service": list(standard.categories),
            "Point": [r.point_label for r in rules],
            "Counted in": [r.unit for r in rules],
            "Most served by one point": [r.max_per_point for r in rules],
            "Walking distance (m)": [r.max_distance_m for r in rules],
            "Note": [r.distance_note for r in rules],
        }
    )
