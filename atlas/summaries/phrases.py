"""Plain words for the numbers: "1 tap : 73 households", sentences a resident can read aloud."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import (
    N_,
    NO_STANDARD,
    NOT_COUNTED,
    NOT_KNOWN,
    _,
    format_number,
    is_missing,
    ngettext,
    noun,
    plural,
    round_half_up,
    shown_count,
    shown_number,
    shown_text,
)
from atlas.measure.standards import DEMAND_COLUMN, CategoryRule, Standard
from atlas.summaries.hazard_phrases import (
    estimate_sentence,
    hazard_sentences,
    raster_demand_sentences,
    settlement_hazard_sentence,
)
from atlas.summaries.standard_words import standard_table, totals_note

__all__ = [
    "IN_NO_WARD",
    "NOT_IN_A_CLUSTER",
    "cluster_label",
    "cluster_sentences",
    "estimate_sentence",
    "gap_headings",
    "gap_table",
    "hazard_sentences",
    "missing_words",
    "needed_words",
    "raster_demand_sentences",
    "ratio_phrase",
    "ratio_words",
    "settlement_hazard_sentence",
    "settlement_sentences",
    "shown_headings",
    "standard_table",
    "totals_note",
    "with_cluster_labels",
]

#: Shown in the printed report's ward column where a settlement lies in no ward.
NO_WARD = "–"
#: Shown on screen where a settlement lies in no ward of the wards layer (translated where shown).
IN_NO_WARD = N_("no ward")
#: What a missing cluster reads as: the settlements in no cluster, and their one row of
#: ``GapResult.clusters`` (whose ``cluster`` is empty). In English here, as a name a command or
#: a report is given; shown translated (:func:`cluster_label`, :func:`with_cluster_labels`).
NOT_IN_A_CLUSTER = N_("Not in a cluster")


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
    out[column] = values.where(values.notna(), _(NOT_IN_A_CLUSTER))
    return out


def _noun(unit: str) -> str:
    """The singular noun that :func:`plural` inflects: ``household`` or ``people``."""
    return "household" if unit == "households" else unit


def _unit(rule: CategoryRule) -> str:
    """What the rule's demand is counted in, as people read it: ``households`` or ``people``."""
    return noun(_noun(rule.unit), 2)


def _capital(text: str) -> str:
    """``text`` with its first letter capital (the rest as the language writes it)."""
    return text[:1].upper() + text[1:]


def _value(record: Mapping[str, Any], key: str) -> Any:
    return record.get(key)


def ratio_words(ratio: float, working: float, demand_missing: bool, rule: CategoryRule) -> str:
    """The headline of one category: ``1 tap : 73 households``, ``no working tap``,
    ``households unknown`` (plain words, not escaped)."""
    if is_missing(working):
        return _("{points} not counted", points=noun(rule.point_label, 2))
    if demand_missing:
        return _("{unit} unknown", unit=_unit(rule))
    if not working:
        return _("no working {point}", point=noun(rule.point_label, 1))
    if is_missing(ratio):
        return _("{unit} unknown", unit=_unit(rule))
    return _(
        "1 {point} : {ratio} {unit}",
        point=noun(rule.point_label, 1),
        ratio=format_number(ratio),
        unit=_unit(rule),
    )


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
        point, points = noun(label, 1), noun(label, 2)
        demand = _value(record, DEMAND_COLUMN[rule.unit])
        counted = _value(record, f"{category}_working")
        if is_missing(counted):
            out.append(
                _(
                    "The number of working {points} in {name} is not known: there are no "
                    "service points for it and no count of its own, so the gap cannot be "
                    "measured. Add its {points} to the services layer, or a count of them to "
                    "the settlements file.",
                    points=points,
                    name=name,
                )
            )
            continue
        working = int(counted)
        if is_missing(demand):
            out.append(
                ngettext(
                    "{name} has {n} working {point}; its number of {unit} is not known, so the "
                    "gap cannot be measured. Add its {unit} to the settlements file (or "
                    "estimate them from a population raster) to measure it.",
                    "{name} has {n} working {points}; its number of {unit} is not known, so the "
                    "gap cannot be measured. Add its {unit} to the settlements file (or "
                    "estimate them from a population raster) to measure it.",
                    working,
                    name=name,
                    point=point,
                    points=points,
                    unit=_unit(rule),
                )
            )
            continue
        parts = [
            ngettext(
                "{name} has {n} working {point} for {demand}.",
                "{name} has {n} working {points} for {demand}.",
                working,
                name=name,
                point=point,
                points=points,
                demand=plural(float(demand), _noun(rule.unit)),
            )
        ]
        if rule.max_per_point:
            parts.append(
                _(
                    "The standard is 1 {point} for {demand}.",
                    point=point,
                    demand=plural(rule.max_per_point, _noun(rule.unit)),
                )
            )
            gap = _value(record, f"{category}_gap")
            if not is_missing(gap) and int(gap) > 0:
                parts.append(
                    ngettext(
                        "{n} more {point} is needed.",
                        "{n} more {points} are needed.",
                        int(gap),
                        point=point,
                        points=points,
                    )
                )
            else:
                parts.append(_("The standard is met."))
        out.append(" ".join(parts))
    return out


def needed_words(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """How many points of ``category`` a gap record needs, as a table cell on screen: a count,
    or why there is none (:data:`~atlas.i18n.NO_STANDARD`, :data:`~atlas.i18n.NOT_KNOWN`)."""
    if not standard.rule(category).max_per_point:
        return _(NO_STANDARD)
    return shown_count(_value(record, f"{category}_needed"), NOT_KNOWN)


def missing_words(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """How many points of ``category`` a gap record misses, as a table cell on screen: a count,
    or why there is none: the standard sets no ratio (``no standard``), its households are
    unknown (``not known``), or nothing counts its points (``not counted``)."""
    rule = standard.rule(category)
    gap = _value(record, f"{category}_gap")
    if not rule.max_per_point:
        return _(NO_STANDARD)
    if not is_missing(gap):
        return shown_count(gap)
    if is_missing(_value(record, DEMAND_COLUMN[rule.unit])):
        return _(NOT_KNOWN)
    return _(NOT_COUNTED if is_missing(_value(record, f"{category}_working")) else NOT_KNOWN)


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
        Plain column names, in English: the keys code picks columns by (``Settlement``,
        ``Taps missing``); :func:`shown_headings` writes them in the session's language for
        display. Per category working, needed, missing and the ratio in words.

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


#: The English keys of :func:`gap_table`'s columns that do not depend on the standard.
_FIXED_KEYS = (
    N_("Cluster"),
    N_("Settlements"),
    N_("Settlement"),
    N_("Ward"),
    N_("Households"),
    N_("People"),
    N_("People (raster estimate)"),
)


def _keys(label: str) -> tuple[str, str, str, str]:
    """The English keys of a category's working, needed, missing and ratio columns: code
    picks columns by them; :func:`gap_headings` words them for people."""
    capital = label.capitalize()
    return (
        f"Working {label}s",  # i18n-ignore: a column key, shown through gap_headings
        f"{capital}s needed",  # i18n-ignore: a column key, shown through gap_headings
        f"{capital}s missing",  # i18n-ignore: a column key, shown through gap_headings
        f"{capital} ratio",  # i18n-ignore: a column key, shown through gap_headings
    )


def gap_headings(standard: Standard, categories: Sequence[str]) -> dict[str, str]:
    """The column headings of :func:`gap_table` (its English keys) as people read them, in the
    language of the session.

    >>> import atlas
    >>> gap_headings(atlas.load_standard("cape-town"), ("water",))["Taps missing"]
    'Taps missing'
    """
    out = {key: _(key) for key in _FIXED_KEYS}
    for category in categories:
        label = standard.rule(category).point_label
        points = noun(label, 2)
        working, needed, missing, ratio = _keys(label)
        out[working] = _("Working {points}", points=points)
        out[needed] = _capital(_("{points} needed", points=points))
        out[missing] = _capital(_("{points} missing", points=points))
        out[ratio] = _capital(_("{point} ratio", point=noun(label, 1)))
    return out


def shown_headings(
    frame: pd.DataFrame, standard: Standard, categories: Sequence[str]
) -> pd.DataFrame:
    """A :func:`gap_table` with its headings in the language of the session, for display only
    (code keeps picking columns of the table itself by their English keys)."""
    return frame.rename(columns=gap_headings(standard, categories))


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers for a table on screen, rounded half up (230.5 households show 231)."""
    return pd.to_numeric(values, errors="coerce").astype(float).map(round_half_up).astype("Int64")


# The column keys below are English (the table's keys, see gap_table's Returns).
def _gap_numbers(
    table: pd.DataFrame, standard: Standard, key: str, categories: tuple[str, ...]
) -> dict[str, Any]:
    records = to_records(table)
    cluster, settlements, settlement, ward_key, households, people, estimate = _FIXED_KEYS
    out: dict[str, Any]
    if key == "cluster":
        out = {cluster: table["cluster"], settlements: table["settlements"]}
    else:
        ward = table["ward_id"].astype(object).where(table["ward_id"].notna(), NO_WARD)
        out = {settlement: table["name"], ward_key: ward, cluster: table["cluster"]}
    out[households] = _whole(table["households"])
    if "population_estimate" in table:
        # A population raster is in use: its estimate beside the settlements' own figures.
        out[people] = _whole(table["population"])
        out[estimate] = _whole(table["population_estimate"])
    for category in categories:
        working, needed, missing, ratio = _keys(standard.rule(category).point_label)
        out[working] = table[f"{category}_working"]
        out[needed] = table[f"{category}_needed"]
        out[missing] = table[f"{category}_gap"]
        ratios = [ratio_phrase(r, category, standard) for r in records]
        out[ratio] = pd.Series(ratios, index=table.index, dtype=object)
    return out


def _gap_words(
    table: pd.DataFrame, standard: Standard, key: str, categories: tuple[str, ...]
) -> dict[str, list[str]]:
    records = to_records(table)
    cluster, settlements, settlement, ward, households, people, estimate = _FIXED_KEYS
    keys = {c: _keys(standard.rule(c).point_label) for c in categories}
    rest: dict[str, list[str]]
    if key == "cluster":
        out = {cluster: [cluster_label(r["cluster"]) for r in records]}
        rest = {settlements: [shown_count(r["settlements"]) for r in records]}
    else:
        out = {settlement: [shown_text(r["name"], NOT_KNOWN) for r in records]}
        rest = {
            ward: [shown_text(r["ward_id"], IN_NO_WARD) for r in records],
            cluster: [cluster_label(r["cluster"]) for r in records],
        }
    for c in categories:
        out[keys[c][2]] = [missing_words(r, c, standard) for r in records]
    out.update(rest)
    out[households] = [shown_count(r["households"]) for r in records]
    if "population_estimate" in table:
        out[people] = [shown_count(r["population"]) for r in records]
        out[estimate] = [shown_count(r["population_estimate"]) for r in records]
    for c in categories:
        working, needed, _missing, ratio = keys[c]
        out[working] = [shown_count(r[f"{c}_working"], NOT_COUNTED) for r in records]
        out[needed] = [needed_words(r, c, standard) for r in records]
        out[ratio] = [ratio_phrase(r, c, standard) for r in records]
    return out


def cluster_sentences(clusters: pd.DataFrame, standard: Standard, category: str) -> list[str]:
    """One sentence per cluster, e.g. "Ilanga East Cluster (10 settlements, 6 287 households):
    46 working taps, 213 more needed; 1 tap : 137 households."."""
    rule = standard.rule(category)
    label = rule.point_label
    point, points = noun(label, 1), noun(label, 2)
    out = []
    for record in to_records(clusters):
        working = record[f"{category}_working"]
        counted = (
            _("{points} not counted", points=points)
            if is_missing(working)
            else ngettext(
                "{n} working {point}",
                "{n} working {points}",
                round_half_up(float(working)),
                point=point,
                points=points,
            )
        )
        fields = {
            "cluster": cluster_label(record["cluster"]),
            "settlements": plural(record["settlements"], "settlement"),
            "demand": shown_number(record[DEMAND_COLUMN[rule.unit]]),
            "unit": _unit(rule),
            "counted": counted,
            "ratio": ratio_phrase(record, category, standard),
        }
        gap = record[f"{category}_gap"]
        if is_missing(gap):
            out.append(
                _("{cluster} ({settlements}, {demand} {unit}): {counted}; {ratio}.", **fields)
            )
        else:
            out.append(
                _(
                    "{cluster} ({settlements}, {demand} {unit}): {counted}, {gap} more needed; "
                    "{ratio}.",
                    gap=format_number(gap),
                    **fields,
                )
            )
    return out
