"""What the meeting room's slides say: a cluster's summary, then one slide per settlement.

The slides are the cluster report (:func:`atlas.summaries.cluster_report.build_cluster_report`)
said one settlement at a time, in numbers read from the back of a hall: the same settlements
in the same order (worst water gap first) with the same numbers as the printed report and the
wall map, for the service category the meeting is about. Per slide: the name, the big ratio
("1 tap : 84 households"), how many more are needed ("needs 47 more taps"), the points working
and broken ("20 working, 2 broken") and the standard in words. :mod:`layers.slides` draws them
with a small locator map, for which each slide carries its settlement's id and the deck its
cluster's member ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from atlas.errors import SchemaError
from atlas.exports.records import to_records
from atlas.i18n import _, is_missing, noun, plural
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.measure.standards import DEMAND_COLUMN, CategoryRule
from atlas.summaries.cluster_report import (
    ClusterReport,
    build_cluster_report,
    category_heading,
    rule_words,
)
from atlas.summaries.phrases import ratio_phrase
from atlas.summaries.poster import gap_words, status_words

__all__ = ["Deck", "Slide", "build_slides"]  # i18n-ignore: names of the module's API


@dataclass(frozen=True)
class Slide:
    """One slide, in plain words (not escaped).

    Parameters
    ----------
    number
        The settlement's number on the report and the wall map (1 is the worst water gap);
        0 for the cluster's summary slide.
    settlement_id
        The settlement shown, for the locator map; None on the summary slide.
    title
        The headline: the settlement's name (its id when it has none), or the cluster's name.
    kicker
        The line above it: ``Settlement 3 of 10 · Northern Ridge Cluster`` or ``Cluster
        summary · Water``.
    counts
        Its demand: ``1 675 households``, ``411 households (estimated from population)``,
        ``households unknown``; the summary's ``10 settlements, 5 006 households``.
    ratio
        The big ratio: ``1 tap : 84 households``, ``no working tap``, ``households unknown``,
        ``taps not counted``.
    gap
        How many more are needed: ``needs 47 more taps``, ``enough taps``; None when it would
        repeat the ratio (demand unknown, points not counted) or the standard sets no ratio.
    status
        The points by status: ``20 working, 2 broken``; ``no taps`` when there are none,
        ``taps not counted`` when they are not counted.
    place
        The settlement's primary ward (``Ward 8``), the summary's municipality; None when
        unknown.
    """

    number: int
    settlement_id: str | None
    title: str
    kicker: str
    counts: str
    ratio: str
    gap: str | None
    status: str
    place: str | None = None


@dataclass(frozen=True)
class Deck:
    """A cluster's slides for one service category: the summary first, then the settlements.

    Parameters
    ----------
    cluster
        The cluster's name.
    category
        The service category the slides are about (``water``, ``sanitation``…).
    standard
        The standard's rule for that category in words, with its name:
        ``City of Cape Town target: 1 tap for 25 households, within 200 m.``
    member_ids
        The cluster's settlement ids in the report's order (the locator map's shapes).
    slides
        The summary slide, then one per settlement in the report's order.
    """

    cluster: str
    category: str
    standard: str
    member_ids: tuple[str, ...]
    slides: tuple[Slide, ...]

    @property
    def summary(self) -> Slide:
        """The cluster's summary slide (the first)."""
        return self.slides[0]

    @property
    def settlements(self) -> tuple[Slide, ...]:
        """The settlements' slides, in the report's order."""
        return self.slides[1:]


def _demand_noun(rule: CategoryRule) -> str:
    return "household" if rule.unit == "households" else rule.unit


def _counts(record: Mapping[str, Any], rule: CategoryRule) -> str:
    demand: Any = record.get(DEMAND_COLUMN[rule.unit])
    if is_missing(demand):
        return _("{unit} unknown", unit=noun(_demand_noun(rule), 2))
    text = plural(float(demand), _demand_noun(rule))
    if record.get("demand_estimated"):
        return _("{demand} (estimated from population)", demand=text)
    return text


def _status(record: Mapping[str, Any], category: str, rule: CategoryRule) -> str:
    points = noun(rule.point_label, 2)
    if is_missing(record.get(f"{category}_working")):
        return _("{points} not counted", points=points)
    return status_words(record, category) or _("no {points}", points=points)


def _content(record: Mapping[str, Any], report: ClusterReport, category: str) -> dict[str, Any]:
    """The numbers of one settlement or of the cluster: counts, ratio, gap and status."""
    standard = report.standard
    rule = standard.rule(category)
    ratio = ratio_phrase(record, category, standard)
    gap = gap_words(record, category, standard)
    return {
        "counts": _counts(record, rule),
        "ratio": ratio,
        "gap": None if gap == ratio else gap,
        "status": _status(record, category, rule),
    }


def _ward_names(dataset: Dataset) -> dict[str, str]:
    wards = dataset.wards
    if wards is None or "name" not in wards:
        return {}
    named = wards.dropna(subset=["ward_id", "name"])
    return {
        str(w): str(n).strip()
        for w, n in zip(named["ward_id"], named["name"], strict=True)
        if str(n).strip()
    }


def _ward(ward_id: object, names: Mapping[str, str]) -> str | None:
    """``Ward 8`` (the ward's name when it says it is a ward), ``Langa ward`` (another
    name), ``Ward 19100012`` (no name); None for no ward."""
    # is_missing says so of any text that is not a number: a ward id is text.
    if ward_id is None or (not isinstance(ward_id, str) and is_missing(ward_id)):
        return None
    name = names.get(str(ward_id))
    if name is None:
        return _("Ward {ward}", ward=ward_id)
    # The ward's own name says "ward" in the language of its file (English in most).
    return name if "ward" in name.lower() else _("{name} ward", name=name)


def _name(record: Mapping[str, Any]) -> str:
    name = record.get("name")
    return str(name) if name is not None and str(name).strip() else str(record["settlement_id"])


def _summary(report: ClusterReport, category: str) -> Slide:
    if report.cluster_row is None or report.cluster_row.empty:
        raise SchemaError(
            _("The report of {cluster} has no cluster totals.", cluster=report.cluster)
        )
    (record,) = to_records(report.cluster_row.iloc[:1])
    content = _content(record, report, category)
    rule = report.standard.rule(category)
    counts = plural(record["settlements"], "settlement")
    if not is_missing(record.get(DEMAND_COLUMN[rule.unit])):
        counts = f"{counts}, {content['counts']}"  # a list of counts
    return Slide(
        number=0,
        settlement_id=None,
        title=report.title,
        kicker=_("Cluster summary · {category}", category=category_heading(category)),
        **{**content, "counts": counts},
        place=report.municipality,
    )


def build_slides(
    result: GapResult, dataset: Dataset, cluster: str, category: str = "water"
) -> Deck:
    """Gather the slides of ``cluster`` about ``category`` from a gap result.

    Parameters
    ----------
    result
        :func:`atlas.compute_gaps` of ``dataset``.
    dataset
        The dataset measured (for the wards' names and the municipality).
    cluster
        The cluster's name, exactly as in ``result.clusters`` (or
        :data:`~atlas.summaries.phrases.NOT_IN_A_CLUSTER`), as for
        :func:`~atlas.summaries.cluster_report.build_cluster_report`, which this calls: the
        slides follow the report's order and numbers.
    category
        The service category of the slides: one of the standard's categories.

    Returns
    -------
    Deck
        The summary slide, then one slide per settlement, worst water gap first.

    Raises
    ------
    SchemaError
        When no cluster has that name (the message lists the clusters), or the standard has
        no such category (the message lists its categories).

    Examples
    --------
    >>> import atlas
    >>> sample = atlas.load_sample()
    >>> result = atlas.compute_gaps(sample, atlas.load_standard("cape-town"))
    >>> deck = build_slides(result, sample, "Northern Ridge Cluster")
    >>> deck.summary.counts, deck.summary.ratio, deck.summary.gap, deck.summary.status
    ('10 settlements, 5 006 households', '1 tap : 96 households', 'needs 158 more taps', '52 working, 16 broken, 5 unknown')
    >>> first = deck.settlements[0]
    >>> first.number, first.title, first.ratio, first.gap, first.status, first.place
    (1, 'Mohau Park', '1 tap : 84 households', 'needs 47 more taps', '20 working, 2 broken', 'Ward 8')
    >>> deck.standard
    'City of Cape Town target: 1 tap for 25 households, within 200 m.'
    """
    standard = result.standard
    if category not in standard.categories:
        raise SchemaError(
            _(
                "The standard {standard} has no category '{category}'. Its categories are: "
                "{categories}.",
                standard=standard.name,
                category=category,
                categories=", ".join(standard.categories),
            )
        )
    report = build_cluster_report(result, dataset, cluster)
    records = to_records(report.members)
    wards = _ward_names(dataset)
    slides = [_summary(report, category)]
    for number, record in enumerate(records, 1):
        slides.append(
            Slide(
                number=number,
                settlement_id=str(record["settlement_id"]),
                title=_name(record),
                kicker=_(
                    "Settlement {number} of {count} · {cluster}",
                    number=number,
                    count=len(records),
                    cluster=report.title,
                ),
                **_content(record, report, category),
                place=_ward(record.get("ward_id"), wards),
            )
        )
    return Deck(
        cluster=report.cluster,
        category=category,
        standard=_(
            "{standard}: {rule}.", standard=standard.name, rule=rule_words(standard.rule(category))
        ),
        member_ids=tuple(str(r["settlement_id"]) for r in records),
        slides=tuple(slides),
    )
