"""What goes into a printable cluster report: the words, the table, the totals and the map layers.

This module only gathers and words the content, from the atlas API and :mod:`atlas.summaries.phrases`;
:mod:`layers.report_pdf` lays it out on paper and :mod:`layers.static_map` draws the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from atlas.errors import SchemaError
from atlas.exports.records import to_records
from atlas.i18n import N_, _, long_date, ngettext, noun, plural, shown_number
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.measure.standards import CategoryRule, Standard
from atlas.problems import Problem
from atlas.schedules import compliance_sentence
from atlas.summaries.phrases import (
    NO_WARD,
    NOT_IN_A_CLUSTER,
    cluster_sentences,
    gap_headings,
    gap_table,
    raster_demand_sentences,
    settlement_sentences,
    totals_note,
    with_cluster_labels,
)

__all__ = [
    "REPORT_CATEGORIES",
    "ClusterReport",
    "build_cluster_report",
    "category_heading",
    "rule_words",
]

#: The categories a cluster report covers, in order.
REPORT_CATEGORIES = ("water", "sanitation")


@dataclass(frozen=True)
class ClusterReport:
    """The content of one cluster's report, in reading order.

    Parameters
    ----------
    cluster
        The cluster's name.
    municipality
        The municipality, or None when neither given nor known from the wards.
    generated
        The date the report was made.
    standard
        The standard measured against.
    headings
        Column headings of the settlement table (from :func:`atlas.summaries.phrases.gap_table`), after
        the row number ``No.``.
    rows
        One row of display text per settlement, worst water gap first; the first cell is the
        settlement's number on the map.
    totals
        The cluster totals row, same columns as ``rows``.
    summary
        One plain sentence per category about the whole cluster.
    sentences
        Per settlement (same order as ``rows``): its number and name, and its sentences.
    standard_lines
        The standard's name, its rule per category and its source (its notes are in
        ``standard.notes``).
    source_lines
        The data sources and dates.
    notes
        Data-quality notes (estimated or unknown household counts).
    members
        The cluster's gap rows (EPSG:4326), in table order, for the map.
    others
        Every other settlement, drawn as context on the map.
    services
        Every service point of the dataset with its attribution.
    wards
        The wards layer, or None.
    metric_crs
        The projected CRS the map is drawn in (metres).
    deliveries
        The "Water deliveries" section: per settlement with scheduled deliveries (table
        order) ``3. Name: 4 of 12 scheduled deliveries arrived on time and in full``, one line
        naming the settlements with none scheduled, and the cluster total. Empty when no
        compliance table was given.
    cluster_row
        The cluster's row of ``GapResult.clusters`` (the totals, exact), for other layouts
        of the same content (the wall map).
    """

    cluster: str
    municipality: str | None
    generated: date
    standard: Standard
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...]
    summary: tuple[str, ...]
    sentences: tuple[tuple[str, tuple[str, ...]], ...]
    standard_lines: tuple[str, ...]
    source_lines: tuple[str, ...]
    notes: tuple[str, ...]
    members: gpd.GeoDataFrame
    others: gpd.GeoDataFrame
    services: gpd.GeoDataFrame
    wards: gpd.GeoDataFrame | None
    metric_crs: CRS
    deliveries: tuple[str, ...] = ()
    cluster_row: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        """The report's title line (the cluster's name; the settlements in no cluster in the
        language of the session)."""
        return _(NOT_IN_A_CLUSTER) if self.cluster == NOT_IN_A_CLUSTER else self.cluster


def _cluster_names(result: GapResult) -> list[str]:
    """The named clusters (the row of settlements in no cluster has no name)."""
    return sorted(str(c) for c in result.clusters["cluster"].dropna())


def _unclustered(result: GapResult) -> bool:
    return bool(result.clusters["cluster"].isna().any())


def _select(result: GapResult, cluster: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    names = _cluster_names(result)
    gaps = result.settlements
    unclustered = cluster in (NOT_IN_A_CLUSTER, _(NOT_IN_A_CLUSTER))
    if cluster not in names and unclustered and _unclustered(result):
        # The settlements in no cluster, reported together like a cluster.
        members = gaps[gaps["cluster"].isna()]
        totals = result.clusters[result.clusters["cluster"].isna()]
        return _worst_first(members), totals
    if cluster not in names:
        if not names:
            raise SchemaError(
                Problem(
                    "error",
                    _(
                        "No cluster is called '{cluster}': this dataset has no clusters.",
                        cluster=cluster,
                    ),
                    _(
                        "Give the settlements a cluster column, or a cluster membership table "
                        "(load_dataset(..., clusters=PATH))."
                    ),
                    code="clusters.none",
                )
            )
        fields = {"cluster": cluster, "names": ", ".join(names)}
        if _unclustered(result):
            raise SchemaError(
                _(
                    "No cluster is called '{cluster}'. The clusters of this dataset are: "
                    "{names} (and '{unclustered}').",
                    unclustered=_(NOT_IN_A_CLUSTER),
                    **fields,
                )
            )
        raise SchemaError(
            _(
                "No cluster is called '{cluster}'. The clusters of this dataset are: {names}.",
                **fields,
            )
        )
    members = gaps[gaps["cluster"] == cluster]
    totals = result.clusters[result.clusters["cluster"] == cluster]
    return _worst_first(members), totals


def _worst_first(members: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # The same stable order as gap_table (worst water gap first), so that the numbers on the
    # map, the table rows and the sentences all line up.
    return members.sort_values(
        f"{REPORT_CATEGORIES[0]}_gap", ascending=False, na_position="last", kind="stable"
    )


def _municipality(members: pd.DataFrame, result: GapResult, dataset: Dataset) -> str | None:
    """The dataset's municipality name when it was given (it wins over a code such as
    ``CPT``), else the ``municipality`` of the wards the members lie in."""
    if dataset.municipality_name and dataset.municipality_name.strip():
        return dataset.municipality_name.strip()
    wards = dataset.wards
    if wards is None or "municipality" not in wards:
        return None
    overlaps = result.ward_overlaps
    ids = set(overlaps.loc[overlaps["settlement_id"].isin(members["settlement_id"]), "ward_id"])
    ids |= set(members["ward_id"].dropna())
    names = wards.loc[wards["ward_id"].isin(ids), "municipality"].dropna().astype(str)
    found = sorted({n.strip() for n in names if n.strip()})
    return " / ".join(found) or None


def _cells(frame: pd.DataFrame, text_columns: Sequence[str]) -> list[list[str]]:
    rows = []
    for record in to_records(frame):
        rows.append(
            [
                (str(v) if v is not None else NO_WARD) if k in text_columns else shown_number(v)
                for k, v in record.items()
            ]
        )
    return rows


#: The standards' categories as a heading names them (translated where shown).
_CATEGORY_NAMES = {
    "water": N_("Water"),
    "sanitation": N_("Sanitation"),
    "electricity": N_("Electricity"),
    "waste": N_("Waste"),
}


def category_heading(category: str) -> str:
    """A category as a heading names it, in the language of the session (one the atlas does
    not know: its name, capitalised).

    >>> category_heading("water"), category_heading("clinics")
    ('Water', 'Clinics')
    """
    known = _CATEGORY_NAMES.get(category)
    return category.capitalize() if known is None else _(known)


def rule_words(rule: CategoryRule) -> str:
    """One category's rule in words, as the report and the slides say it (plain words, not
    escaped).

    >>> import atlas
    >>> rule_words(atlas.load_standard("cape-town").rule("water"))
    '1 tap for 25 households, within 200 m'
    >>> rule_words(atlas.load_standard("cape-town").rule("electricity"))
    'the standard sets no ratio, within 200 m (atlas default, not set by the source)'
    """
    ratio = (
        _(
            "1 {point} for {demand}",
            point=noun(rule.point_label, 1),
            demand=plural(
                rule.max_per_point, "household" if rule.unit == "households" else rule.unit
            ),
        )
        if rule.max_per_point
        else _("the standard sets no ratio")
    )
    if not rule.max_distance_m:
        return ratio
    fields = {"ratio": ratio, "distance": shown_number(rule.max_distance_m)}
    if rule.distance_note:
        return _("{ratio}, within {distance} m ({note})", note=rule.distance_note, **fields)
    return _("{ratio}, within {distance} m", **fields)


def _standard_lines(standard: Standard) -> list[str]:
    lines = [_("Standard used: {standard}.", standard=standard.name)]
    for category in REPORT_CATEGORIES:
        lines.append(
            _(
                "{category}: {rule}.",
                category=category_heading(category),
                rule=rule_words(standard.rule(category)),
            )
        )
    lines.append(_("Source: {source}.", source=standard.source))
    return lines


#: The columns a population raster adds to the gap table, left out of the A4 table.
_RASTER_COLUMNS = ("People", "People (raster estimate)")  # i18n-ignore: gap_table's column keys


def _notes(members: pd.DataFrame, standard: Standard) -> list[str]:
    notes = []
    estimated = members.loc[members["demand_estimated"].astype(bool), "name"]
    if len(estimated):
        notes.append(
            _(
                "Household counts estimated from population ({size} people per household): "
                "{names}.",
                size=f"{standard.household_size:g}",
                names=", ".join(map(str, estimated)),
            )
        )
    if "population_from_raster" in members:
        notes.extend(raster_demand_sentences(members))
    # The totals row adds each settlement's gap: said once, beside the data notes.
    notes.append(totals_note([standard.rule(c).point_label for c in REPORT_CATEGORIES]))
    unknown = members.loc[members["demand_missing"].astype(bool), "name"]
    if len(unknown):
        notes.append(
            _(
                "Households and population unknown, so their gaps cannot be measured and are "
                "not counted in the totals: {names}.",
                names=", ".join(map(str, unknown)),
            )
        )
    return notes


def _file_name(source: str) -> str:
    """A report's source as its file's name: never the folder (a server's upload path)."""
    path, layer, rest = source.partition(" (layer ")
    return Path(path).name + (layer + rest if layer else "")


def _source_lines(dataset: Dataset, generated: date, sources: Sequence[str]) -> list[str]:
    files = [_file_name(r.source) for r in dataset.reports if r.source]
    layers = [r.layer for r in dataset.reports if r.source]
    lines = []
    if dataset.name:
        lines.append(_("Dataset: {dataset}.", dataset=dataset.name))
    if files:
        described = [f"{name} ({layer})" for name, layer in zip(files, layers, strict=True)]
        lines.append(_("Files: {files}.", files=", ".join(described)))
    lines.extend(str(s) for s in sources)
    lines.append(
        _(
            "Report made on {date} ({iso_date}) with Settlement Atlas.",
            date=long_date(generated),
            iso_date=generated.isoformat(),
        )
    )
    return lines


def _delivery_lines(members: pd.DataFrame, compliance: pd.DataFrame) -> list[str]:
    """The "Water deliveries" lines of the cluster's settlements (in table order)."""
    missing = [c for c in ("settlement_id", "scheduled", "delivered") if c not in compliance]
    if missing:
        raise SchemaError(
            _(
                "The delivery compliance table has no {columns} column: pass the settlement "
                "level of atlas.schedules.compliance(outcomes, 'settlement').",
                columns=", ".join(missing),
            )
        )
    known = compliance.dropna(subset=["settlement_id"])
    counts = {
        str(s): (int(n), int(d))
        for s, n, d in zip(
            known["settlement_id"], known["scheduled"], known["delivered"], strict=True
        )
    }
    lines, none = [], []
    total_scheduled = total_delivered = 0
    for i, record in enumerate(to_records(members), 1):
        name = record["name"] or record["settlement_id"]
        scheduled, delivered = counts.get(str(record["settlement_id"]), (0, 0))
        if scheduled == 0:
            none.append(f"{i}. {name}")
            continue
        total_scheduled += scheduled
        total_delivered += delivered
        lines.append(
            _(
                "{number}. {name}: {deliveries}.",
                number=i,
                name=name,
                deliveries=compliance_sentence(scheduled, delivered),
            )
        )
    if none:
        lines.append(_("No deliveries scheduled for: {names}.", names=", ".join(none)))
    lines.append(
        _(
            "Cluster total: {deliveries}.",
            deliveries=compliance_sentence(total_scheduled, total_delivered),
        )
    )
    return lines


def build_cluster_report(
    result: GapResult,
    dataset: Dataset,
    cluster: str,
    *,
    municipality: str | None = None,
    generated: date | None = None,
    sources: Sequence[str] = (),
    compliance: pd.DataFrame | None = None,
) -> ClusterReport:
    """Gather the content of ``cluster``'s report from a gap result.

    Parameters
    ----------
    result
        :func:`atlas.compute_gaps` of ``dataset``.
    dataset
        The dataset measured (for the wards, file names and metric CRS).
    cluster
        The cluster's name, exactly as in ``result.clusters``; :data:`NOT_IN_A_CLUSTER` for
        the settlements in no cluster (when there are any and no cluster has that name).
    municipality
        The municipality named in the title; by default the dataset's ``municipality_name``
        (:func:`atlas.load_dataset`), else the ``municipality`` field of the wards the
        cluster's settlements lie in.
    generated
        The report's date; today by default.
    sources
        Extra lines for the data-sources section (surveys, dates of counts).
    compliance
        Water delivery compliance per settlement (the ``settlement`` level of
        :func:`atlas.schedules.compliance`), for a "Water deliveries" section; none without.

    Returns
    -------
    ClusterReport

    Raises
    ------
    SchemaError
        When no cluster has that name (the message lists the clusters), or the compliance
        table lacks ``settlement_id``, ``scheduled`` or ``delivered``.
    """
    standard = result.standard
    members, totals = _select(result, cluster)
    table = gap_table(members, standard, categories=REPORT_CATEGORIES)
    ratio_columns = [c for c in table.columns if c.endswith("ratio")]
    # The report shows the water ratio only: the sanitation ratio would not fit on A4; nor
    # would a population raster's two people columns (its use is said in the notes).
    dropped = ["Cluster", *ratio_columns[1:], *_RASTER_COLUMNS]  # i18n-ignore: column keys
    table = table.drop(columns=dropped, errors="ignore")
    shown = gap_headings(standard, REPORT_CATEGORIES)
    # TRANSLATORS: the heading of the column of each settlement's number on the map.
    headings = (_("No."), *(shown.get(c, c) for c in table.columns))
    words = ("Settlement", "Ward", ratio_columns[0])  # i18n-ignore: gap_table's column keys
    rows = [[str(i), *cells] for i, cells in enumerate(_cells(table, words), 1)]
    total_table = gap_table(totals, standard, key="cluster", categories=REPORT_CATEGORIES)
    total_cells = _cells(
        total_table.drop(columns=[*ratio_columns[1:], *_RASTER_COLUMNS], errors="ignore"),
        ("Cluster", ratio_columns[0]),  # i18n-ignore: gap_table's column keys
    )[0]
    # Cluster, Settlements, Households, …: the first two become the label of the row.
    count = float(total_table["Settlements"].iloc[0])  # i18n-ignore: gap_table's column keys
    label = (
        ngettext("Cluster total: {n} settlement", "Cluster total: {n} settlements", count)
        if cluster in _cluster_names(result)
        else ngettext("Total: {n} settlement", "Total: {n} settlements", count)
    )
    total_row = ("", label, "", *total_cells[2:])
    records = to_records(members)
    sentences = tuple(
        (f"{i}. {r['name']}", tuple(settlement_sentences(r, standard, REPORT_CATEGORIES)))
        for i, r in enumerate(records, 1)
    )
    summary = tuple(
        s
        for category in REPORT_CATEGORIES
        for s in cluster_sentences(with_cluster_labels(totals), standard, category)
    )
    day = generated or date.today()
    gaps = result.settlements
    return ClusterReport(
        cluster=cluster,
        municipality=municipality or _municipality(members, result, dataset),
        generated=day,
        standard=standard,
        headings=tuple(headings),
        rows=tuple(tuple(r) for r in rows),
        totals=total_row,
        summary=summary,
        sentences=sentences,
        standard_lines=tuple(_standard_lines(standard)),
        source_lines=tuple(_source_lines(dataset, day, sources)),
        notes=tuple(_notes(members, standard)),
        members=members,
        others=gaps[~gaps["settlement_id"].isin(members["settlement_id"])],
        services=result.services,
        wards=dataset.wards,
        metric_crs=dataset.metric_crs,
        deliveries=() if compliance is None else tuple(_delivery_lines(members, compliance)),
        cluster_row=totals,
    )
