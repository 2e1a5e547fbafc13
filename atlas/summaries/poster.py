"""What goes on a cluster's wall map: each settlement's headline numbers in a few words.

The poster is the cluster report (:func:`atlas.summaries.cluster_report.build_cluster_report`)
said shorter: the same settlements in the same order (worst water gap first, numbered as on
the map), the same standard, date, municipality and sources; per settlement only what can be
read across a hall: "needs 18 more taps", "1 tap : 114 households", "5 working, 1 broken".
:mod:`layers.poster_pdf` lays it out on an A3, A2 or A1 sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from atlas.errors import SchemaError
from atlas.exports.records import to_records
from atlas.i18n import Nn_, _, is_missing, ngettext, noun, plural
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.measure.standards import DEMAND_COLUMN, Standard
from atlas.summaries.cluster_report import REPORT_CATEGORIES, ClusterReport, build_cluster_report
from atlas.summaries.phrases import ratio_phrase

__all__ = [
    "ClusterPoster",
    "PosterEntry",
    "build_cluster_poster",
    "gap_words",
    "poster_entries",
    "status_words",
]

#: The points of a category by status, each counted in words (``5 working``).
_STATUSES = {
    "working": Nn_("{n} working", "{n} working"),
    "broken": Nn_("{n} broken", "{n} broken"),
    "unknown": Nn_("{n} unknown", "{n} unknown"),
}


@dataclass(frozen=True)
class PosterEntry:
    """One settlement on the poster.

    Parameters
    ----------
    number
        Its number on the map (1 is the worst water gap).
    name
        Its name (its id when it has none), as plain text.
    headline
        The water gap in words: ``needs 18 more taps``, ``enough taps``, ``households
        unknown``, ``taps not counted``.
    details
        Short phrases after the headline, in reading order: the water ratio (``1 tap : 114
        households``), the taps by status (``5 working, 1 broken``), the toilet gap in words.
    gap
        The water gap (NaN when unknown), for shading.
    """

    number: str
    name: str
    headline: str
    details: tuple[str, ...]
    gap: float


@dataclass(frozen=True)
class ClusterPoster:
    """The content of one cluster's wall map.

    Parameters
    ----------
    report
        The cluster report it is drawn from (title, municipality, date, standard, sources,
        notes and the map layers).
    entries
        One per settlement, in the report's order.
    total
        The whole cluster in the same words: its name is the count of settlements and
        households (``10 settlements, 5 006 households``).
    """

    report: ClusterReport
    entries: tuple[PosterEntry, ...]
    total: PosterEntry

    @property
    def standard_words(self) -> str:
        """The standard in words: its name and its rule per category (its source is in
        :attr:`source_lines`)."""
        report = self.report
        return " ".join(line for line in report.standard_lines if not _is_source(line, report))

    @property
    def source_lines(self) -> tuple[str, ...]:
        """The standard's source, the data sources and dates, and the data-quality notes."""
        report = self.report
        standard = [line for line in report.standard_lines if _is_source(line, report)]
        return (
            *(_("Standard source: {source}.", source=report.standard.source) for _line in standard),
            *self.report.source_lines,
            *self.report.notes,
        )


def _value(record: Mapping[str, Any], key: str) -> Any:
    return record.get(key)


def _is_source(line: str, report: ClusterReport) -> bool:
    """Whether ``line`` of the report's standard lines is the one naming its source."""
    return line == _("Source: {source}.", source=report.standard.source)


def _unit(unit: str) -> str:
    """What demand is counted in, as people read it: ``households`` or ``people``."""
    return noun("household" if unit == "households" else unit, 2)


def gap_words(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """The gap of one category in words: ``needs 12 more taps``, ``needs 1 more tap``,
    ``enough taps``, ``households unknown`` or ``taps not counted``; the ratio words when the
    standard sets no ratio (plain words, not escaped).

    >>> import atlas
    >>> standard = atlas.load_standard("cape-town")
    >>> record = {"households": 571.0, "water_working": 5, "water_gap": 18, "water_ratio": 114.2}
    >>> gap_words(record, "water", standard)
    'needs 18 more taps'
    >>> gap_words({**record, "water_gap": 1}, "water", standard)
    'needs 1 more tap'
    >>> gap_words({**record, "water_gap": 0}, "water", standard)
    'enough taps'
    >>> gap_words({**record, "households": None}, "water", standard)
    'households unknown'
    """
    rule = standard.rule(category)
    label = rule.point_label
    point, points = noun(label, 1), noun(label, 2)
    if is_missing(_value(record, f"{category}_working")):
        return _("{points} not counted", points=points)
    if is_missing(_value(record, DEMAND_COLUMN[rule.unit])):
        return _("{unit} unknown", unit=_unit(rule.unit))
    if not rule.max_per_point:
        return ratio_phrase(record, category, standard)
    gap = _value(record, f"{category}_gap")
    if is_missing(gap):
        return _("{unit} unknown", unit=_unit(rule.unit))
    count = int(gap)
    if count == 0:
        return _("enough {points}", points=points)
    return ngettext(
        "needs {n} more {point}", "needs {n} more {points}", count, point=point, points=points
    )


def status_words(record: Mapping[str, Any], category: str) -> str | None:
    """The points of one category by status, counts above zero only: ``5 working, 1
    broken``, ``1 broken, 2 unknown``; None when there are none or they are not counted.

    >>> status_words({"water_working": 5, "water_broken": 1, "water_unknown": 0}, "water")
    '5 working, 1 broken'
    >>> status_words({"water_working": 0, "water_broken": 1}, "water")
    '1 broken'
    >>> status_words({"water_working": None}, "water") is None
    True
    """
    if is_missing(_value(record, f"{category}_working")):
        return None
    parts = []
    for status, words in _STATUSES.items():
        value = _value(record, f"{category}_{status}")
        if not is_missing(value) and int(value) > 0:
            parts.append(ngettext(*words, int(value)))
    return ", ".join(parts) or None


def _other_words(record: Mapping[str, Any], category: str, standard: Standard) -> str:
    """A further category in a few words: its gap, or its working points when the gap cannot
    be measured for want of households (the headline already says so)."""
    rule = standard.rule(category)
    working = _value(record, f"{category}_working")
    if not is_missing(working) and is_missing(_value(record, DEMAND_COLUMN[rule.unit])):
        label = rule.point_label
        return ngettext(
            "{n} working {point}",
            "{n} working {points}",
            int(working),
            point=noun(label, 1),
            points=noun(label, 2),
        )
    return gap_words(record, category, standard)


def _entry(
    number: int, record: Mapping[str, Any], standard: Standard, name: object = None
) -> PosterEntry:
    first, *rest = REPORT_CATEGORIES
    name = _value(record, "name") if name is None else name
    details = []
    if not is_missing(_value(record, f"{first}_working")):
        ratio = ratio_phrase(record, first, standard)
        if ratio != gap_words(record, first, standard):
            details.append(ratio)
        details.append(status_words(record, first) or "")
    details.extend(_other_words(record, category, standard) for category in rest)
    gap = _value(record, f"{first}_gap")
    return PosterEntry(
        number=str(number),
        name=str(name) if name is not None and str(name).strip() else str(record["settlement_id"]),
        headline=gap_words(record, first, standard),
        details=tuple(d for d in details if d),
        gap=float("nan") if is_missing(gap) else float(gap),
    )


def poster_entries(report: ClusterReport) -> tuple[PosterEntry, ...]:
    """One entry per settlement of ``report``, in its order (worst water gap first)."""
    return tuple(
        _entry(i, record, report.standard) for i, record in enumerate(to_records(report.members), 1)
    )


def _total(report: ClusterReport) -> PosterEntry:
    """The cluster's totals as an entry with no number."""
    if report.cluster_row is None or report.cluster_row.empty:
        raise SchemaError(
            _("The report of {cluster} has no cluster totals.", cluster=report.cluster)
        )
    (record,) = to_records(report.cluster_row.iloc[:1])
    rule = report.standard.rule(REPORT_CATEGORIES[0])
    demand = _value(record, DEMAND_COLUMN[rule.unit])
    counts = [plural(record["settlements"], "settlement")]
    if not is_missing(demand):
        counts.append(
            plural(float(demand), "household" if rule.unit == "households" else rule.unit)
        )
    return _entry(0, record, report.standard, name=", ".join(counts))


def build_cluster_poster(
    result: GapResult,
    dataset: Dataset,
    cluster: str,
    *,
    municipality: str | None = None,
    generated: date | None = None,
    sources: Sequence[str] = (),
) -> ClusterPoster:
    """Gather the content of ``cluster``'s wall map from a gap result.

    Parameters are those of :func:`atlas.summaries.cluster_report.build_cluster_report`
    (without the deliveries), which this calls: the poster and the report say the same
    thing, in the same order.

    Returns
    -------
    ClusterPoster

    Raises
    ------
    SchemaError
        When no cluster has that name (the message lists the clusters).

    Examples
    --------
    >>> import atlas
    >>> result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    >>> poster = build_cluster_poster(result, atlas.load_sample(), "Northern Ridge Cluster")
    >>> first = poster.entries[0]
    >>> first.number, first.name, first.headline, first.details
    ('1', 'Mohau Park', 'needs 47 more taps', ('1 tap : 84 households', '20 working, 2 broken', 'needs 317 more toilets'))
    """
    report = build_cluster_report(
        result,
        dataset,
        cluster,
        municipality=municipality,
        generated=generated,
        sources=sources,
    )
    return ClusterPoster(report=report, entries=poster_entries(report), total=_total(report))
