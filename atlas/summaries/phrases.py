"""Plain words for the numbers: "1 tap : 73 households", sentences a resident can read aloud."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import (
    NO_STANDARD,
    NOT_COUNTED,
    NOT_KNOWN,
    format_number,
    format_percent,
    is_missing,
    noun,
    plural,
    round_half_up,
    shown_count,
    shown_number,
    shown_text,
)
from atlas.measure.standards import DEMAND_COLUMN, CategoryRule, Standard

__all__ = [
    "IN_NO_WARD",
    "NOT_IN_A_CLUSTER",
    "cluster_label",
    "cluster_sentences",
    "estimate_sentence",
    "gap_table",
    "hazard_sentences",
    "missing_words",
    "needed_words",
    "raster_demand_sentences",
    "ratio_phrase",
    "ratio_words",
    "settlement_hazard_sentence",
    "settlement_sentences",
    "standard_table",
    "totals_note",
    "with_cluster_labels",
]

#: Shown in the printed report's ward column where a settlement lies in no ward.
NO_WARD = "–"
#: Shown on screen where a settlement lies in no ward of the wards layer.
IN_NO_WARD = "no ward"
#: What a missing cluster reads as: the settlements in no cluster, and their one row of
#: ``GapResult.clusters`` (whose ``cluster`` is empty).
NOT_IN_A_CLUSTER = "Not in a cluster"


def cluster_label(cluster: object) -> str:
    """A cluster as people read it: its name, or :data:`NOT_IN_A_CLUSTER` when it is missing
    (None, NaN, or a blank name in the file).

    >>> cluster_label("Ilanga East Cluster"), cluster_label(None), cluster_label(float("nan"))
    ('Ilanga East Cluster', 'Not in a cluster', 'Not in a cluster')
    >>> cluster_label("  ")
    'Not in a cluster'
    """
    return shown_text(cluster, NOT_IN_A_CLUSTER)


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


def needed_words(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """How many points of ``category`` a gap record needs, as a table cell on screen: a count,
    or why there is none (:data:`~atlas.i18n.NO_STANDARD`, :data:`~atlas.i18n.NOT_KNOWN`)."""
    if not standard.rule(category).max_per_point:
        return NO_STANDARD
    return shown_count(_value(record, f"{category}_needed"), NOT_KNOWN)


def missing_words(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """How many points of ``category`` a gap record misses, as a table cell on screen: a count,
    or why there is none: the standard sets no ratio (``no standard``), its households are
    unknown (``not known``), or nothing counts its points (``not counted``)."""
    rule = standard.rule(category)
    gap = _value(record, f"{category}_gap")
    if not rule.max_per_point:
        return NO_STANDARD
    if not is_missing(gap):
        return shown_count(gap)
    if is_missing(_value(record, DEMAND_COLUMN[rule.unit])):
        return NOT_KNOWN
    return NOT_COUNTED if is_missing(_value(record, f"{category}_working")) else NOT_KNOWN


def gap_table(
    table: pd.DataFrame,
    standard: Standard,
    *,
    key: str = "settlement",
    categories: tuple[str, ...] = ("water", "sanitation"),
    text: bool = False,
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
        The categories to show; the first decides the order of the rows.
    text
        False: numbers stay numbers (empty where unknown), in the printed report's order (name,
        ward or settlements, cluster, households, then per category working, needed, missing
        and the ratio in words), for charts and for layouts that write the numbers themselves.
        True: the table as a page shows it. The column a person came for comes first: the
        name, then each category's missing points, then the rest. Every cell is text, numbers
        written as the sentences write them (``6 287``) and every empty cell worded:
        ``no standard`` (the standard sets no ratio), ``not known`` (households unknown),
        ``not counted`` (nothing counts the points), ``no ward``, ``Not in a cluster``.

    Returns
    -------
    DataFrame
        Plain column names; per category working, needed, missing and the ratio in words.

    Examples
    --------
    >>> import atlas
    >>> result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    >>> shown = gap_table(result.clusters, result.standard, key="cluster",
    ...                   categories=("water", "electricity"), text=True)
    >>> list(shown.columns[:4])
    ['Cluster', 'Taps missing', 'Lights missing', 'Settlements']
    >>> shown.iloc[0, :4].tolist()
    ['Ilanga East Cluster', '213', 'no standard', '10']
    >>> shown.loc[0, "Households"], shown.loc[3, "Cluster"]
    ('6 287', 'Not in a cluster')
    """
    first = f"{categories[0]}_gap"
    ordered = table.sort_values(first, ascending=False, na_position="last", kind="stable")
    build = _gap_words if text else _gap_numbers
    return pd.DataFrame(build(ordered, standard, key, categories)).reset_index(drop=True)


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers for a table on screen, rounded half up (230.5 households show 231)."""
    return pd.to_numeric(values, errors="coerce").astype(float).map(round_half_up).astype("Int64")


def _gap_numbers(
    table: pd.DataFrame, standard: Standard, key: str, categories: tuple[str, ...]
) -> dict[str, Any]:
    records = to_records(table)
    out: dict[str, Any]
    if key == "cluster":
        out = {"Cluster": table["cluster"], "Settlements": table["settlements"]}
    else:
        ward = table["ward_id"].astype(object).where(table["ward_id"].notna(), NO_WARD)
        out = {"Settlement": table["name"], "Ward": ward, "Cluster": table["cluster"]}
    out["Households"] = _whole(table["households"])
    if "population_estimate" in table:
        # A population raster is in use: its estimate beside the settlements' own figures.
        out["People"] = _whole(table["population"])
        out["People (raster estimate)"] = _whole(table["population_estimate"])
    for category in categories:
        label = standard.rule(category).point_label
        out[f"Working {label}s"] = table[f"{category}_working"]
        out[f"{label.capitalize()}s needed"] = table[f"{category}_needed"]
        out[f"{label.capitalize()}s missing"] = table[f"{category}_gap"]
        ratios = [ratio_phrase(r, category, standard) for r in records]
        out[f"{label.capitalize()} ratio"] = pd.Series(ratios, index=table.index, dtype=object)
    return out


def _gap_words(
    table: pd.DataFrame, standard: Standard, key: str, categories: tuple[str, ...]
) -> dict[str, list[str]]:
    records = to_records(table)
    labels = {c: standard.rule(c).point_label for c in categories}
    rest: dict[str, list[str]]
    if key == "cluster":
        out = {"Cluster": [cluster_label(r["cluster"]) for r in records]}
        rest = {"Settlements": [shown_count(r["settlements"]) for r in records]}
    else:
        out = {"Settlement": [shown_text(r["name"], NOT_KNOWN) for r in records]}
        rest = {
            "Ward": [shown_text(r["ward_id"], IN_NO_WARD) for r in records],
            "Cluster": [cluster_label(r["cluster"]) for r in records],
        }
    for c in categories:
        out[f"{labels[c].capitalize()}s missing"] = [missing_words(r, c, standard) for r in records]
    out.update(rest)
    out["Households"] = [shown_count(r["households"]) for r in records]
    if "population_estimate" in table:
        out["People"] = [shown_count(r["population"]) for r in records]
        out["People (raster estimate)"] = [shown_count(r["population_estimate"]) for r in records]
    for c in categories:
        label = labels[c]
        out[f"Working {label}s"] = [shown_count(r[f"{c}_working"], NOT_COUNTED) for r in records]
        out[f"{label.capitalize()}s needed"] = [needed_words(r, c, standard) for r in records]
        out[f"{label.capitalize()} ratio"] = [ratio_phrase(r, c, standard) for r in records]
    return out


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
    n = round_half_up(float(count))
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
    text = f"{name} has {format_percent(share)} of its area in {zone}"
    return text + ("." if people is None or is_missing(people) else f"; {_people(people)}.")


def estimate_sentence(record: Mapping[str, Any]) -> str | None:
    """What a population raster says of one settlement (a gap record with
    ``population_estimate``), or None without an estimate."""
    estimate = _value(record, "population_estimate")
    if is_missing(estimate):
        return None
    about = f"about {format_number(round_half_up(float(estimate)))} people"
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
        f"{format_number(round_half_up(float(own)))}."
    )


def raster_demand_sentences(settlements: pd.DataFrame) -> list[str]:
    """One sentence per settlement whose demand a population raster filled (a gap table with
    ``population_from_raster``), e.g. "Enkanini had neither households nor population: its
    demand now comes from the raster, about 1 234 people." (plain words, not escaped)."""
    filled = settlements[settlements["population_from_raster"]]
    return [
        f"{name} had neither households nor population: its demand now comes from the "
        f"raster, about {format_number(round_half_up(people))} people."
        for name, people in zip(filled["name"], filled["population"], strict=True)
    ]


def standard_table(standard: Standard) -> pd.DataFrame:
    """A standard's rules as a page shows them: one row per category with its point, what
    demand is counted in, the most one point serves (``no ratio set`` where the standard sets
    none), the walking distance in metres (``not set``) and the note on where that distance
    comes from; every cell text, numbers written as the sentences write them.

    >>> import atlas
    >>> standard_table(atlas.load_standard("cape-town")).iloc[2, :5].tolist()
    ['electricity', 'light', 'households', 'no ratio set', '200']
    """
    rules = standard.categories.values()
    return pd.DataFrame(
        {
            "Service": list(standard.categories),
            "Point": [r.point_label for r in rules],
            "Counted in": [r.unit for r in rules],
            "Most served by one point": [
                shown_number(r.max_per_point, "no ratio set") for r in rules
            ],
            "Walking distance (m)": [shown_number(r.max_distance_m, "not set") for r in rules],
            "Note": [r.distance_note or "" for r in rules],
        }
    )


def totals_note(labels: Sequence[str]) -> str:
    """Why a cluster's missing points can be more than its needed minus its working points
    (gaps are added up per settlement; a settlement's surplus is not lent to its neighbours),
    said once where cluster totals are shown (plain words, not escaped).

    >>> totals_note(["tap"])[:62]
    'Why taps missing can be more than taps needed minus working ta'
    >>> print(totals_note(["tap", "toilet"]))
    Why a cluster's taps or toilets missing can be more than those needed minus those working: they are added up settlement by settlement, and a settlement with more than it needs does not lend the extra ones to its neighbours.
    """
    names = [noun(label, 2) for label in labels]
    if len(names) == 1:
        (name,) = names
        return (
            f"Why {name} missing can be more than {name} needed minus working {name}: a "
            f"cluster's {name} missing are added up settlement by settlement, and a settlement "
            f"with more {name} than it needs does not lend the extra ones to its neighbours."
        )
    return (
        f"Why a cluster's {' or '.join(names)} missing can be more than those needed minus those "
        "working: they are added up settlement by settlement, and a settlement with more than "
        "it needs does not lend the extra ones to its neighbours."
    )
