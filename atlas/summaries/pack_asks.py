"""What a submission asks for, counted from the gaps: taps and toilets to install, broken points
to repair, missed water deliveries to make good, open reports to fix, and an answer by a day.

Every number is the atlas's own: a settlement's ``{category}_gap`` and ``{category}_broken``
(:func:`atlas.compute_gaps`), the ``missed`` deliveries of :func:`atlas.schedules.compliance`,
the reports open at the pack's moment. The totals are the sums of the parts, so an ask for
"131 taps: 42 in Khayalethu, …" adds up; the parts go largest first (ties in the report's order).

Examples
--------
>>> import atlas
>>> from atlas.summaries.cluster_report import build_cluster_report
>>> ds = atlas.load_sample()
>>> r = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
>>> report = build_cluster_report(r, ds, "Kgotso South Cluster")
>>> ask = install_ask(report, "water")
>>> ask.total, ask.parts[:2]
(131, (('Khayalethu', 42), ('Bophelong Ext 2', 29)))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import _, format_number, is_missing, long_date, ngettext, noun, plural
from atlas.measure.standards import CategoryRule
from atlas.summaries.cluster_report import ClusterReport
from atlas.summaries.pack_words import ASK, ASK_COUNTS, listed

__all__ = [
    "Ask",  # i18n-ignore: a name of the API
    "answer_ask",
    "delivery_ask",
    "install_ask",
    "ratio_words",
    "repair_ask",
    "reports_ask",
]


@dataclass(frozen=True)
class Ask:
    """One thing the submission asks for.

    Parameters
    ----------
    kind
        ``install``, ``repair``, ``deliveries``, ``reports`` or ``answer``.
    category
        The service category (None for an answer).
    total
        How many (the sum of ``parts``; 0 for an answer).
    parts
        ``(settlement name, count)`` per settlement with a count above 0, largest first.
    text
        The ask in words.
    """

    kind: str
    category: str | None
    total: int
    parts: tuple[tuple[str, int], ...]
    text: str


def _name(record: dict[str, Any]) -> str:
    return str(record.get("name") or record["settlement_id"])


def _parts(counts: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    kept = [(name, n) for name, n in counts if n > 0]
    # sorted() is stable: equal counts keep the report's order (worst water gap first).
    return tuple(sorted(kept, key=lambda p: -p[1]))


def _part_words(parts: Sequence[tuple[str, int]]) -> str:
    return listed([_(ASK["part"], count=format_number(n), place=name) for name, n in parts])


def _counts(report: ClusterReport, column: str) -> list[tuple[str, int]]:
    return [
        (_name(r), int(r[column]))
        for r in to_records(report.members)
        if not is_missing(r.get(column))
    ]


def ratio_words(rule: CategoryRule, *, distance: bool = False) -> str:
    """``1 tap for 25 households`` (with ``distance``: ``, within 200 m`` where the standard's
    source sets the distance). A gap counts points against the ratio only: the distance is
    the coverage's, not the gap's.

    >>> import atlas
    >>> ratio_words(atlas.load_standard("cape-town").rule("water"), distance=True)
    '1 tap for 25 households, within 200 m'
    """
    unit = "household" if rule.unit == "households" else rule.unit
    fields = {"label": noun(rule.point_label, 1), "units": plural(rule.max_per_point or 0, unit)}
    if distance and rule.max_distance_m and not rule.distance_note:
        return _(ASK["ratio_within"], metres=format_number(rule.max_distance_m), **fields)
    return _(ASK["ratio"], **fields)


def install_ask(report: ClusterReport, category: str) -> Ask | None:
    """The points to install so that every settlement meets the standard (its gaps); None
    when nothing is missing or the standard sets no ratio."""
    rule = report.standard.rule(category)
    column = f"{category}_gap"
    if not rule.max_per_point or column not in report.members:
        return None
    parts = _parts(_counts(report, column))
    if not parts:
        return None
    total = sum(n for _place, n in parts)
    count = plural(total, rule.point_label)
    words = ratio_words(rule)
    if len(parts) == 1:
        text = _(ASK["install_one"], count=count, place=parts[0][0], rule=words)
    else:
        text = _(
            ASK["install"],
            count=count,
            cluster=report.cluster,
            rule=words,
            parts=_part_words(parts),
        )
    unknown = [_name(r) for r in to_records(report.members) if bool(r.get("demand_missing"))]
    if unknown:
        text += " " + _(ASK["unknown"], names=listed(unknown))
    return Ask("install", category, total, parts, text)


def repair_ask(report: ClusterReport, category: str) -> Ask | None:
    """The broken points to repair; None when none is broken."""
    column = f"{category}_broken"
    if column not in report.members:
        return None
    parts = _parts(_counts(report, column))
    if not parts:
        return None
    total = sum(n for _place, n in parts)
    points = noun(report.standard.rule(category).point_label, total)
    if len(parts) == 1:
        text = ngettext(*ASK_COUNTS["repair_one"], total, points=points, place=parts[0][0])
    else:
        text = ngettext(*ASK_COUNTS["repair"], total, points=points, parts=_part_words(parts))
    return Ask("repair", category, total, parts, text)


def delivery_ask(
    report: ClusterReport, compliance: pd.DataFrame, period: tuple[date, date] | None = None
) -> Ask | None:
    """The missed water deliveries of the cluster's settlements (the ``settlement`` level of
    :func:`atlas.schedules.compliance`); None when none was missed."""
    by_id = {str(r["settlement_id"]): r for r in to_records(compliance) if r.get("settlement_id")}
    members = [(str(r["settlement_id"]), _name(r)) for r in to_records(report.members)]
    rows = [(name, by_id[sid]) for sid, name in members if sid in by_id]
    parts = _parts((name, int(r["missed"])) for name, r in rows)
    if not parts:
        return None
    scheduled = sum(int(r["scheduled"]) for _place, r in rows)
    late = sum(int(r["late"]) + int(r["short"]) for _place, r in rows)
    total = sum(n for _place, n in parts)
    fields = {"missed": format_number(total), "parts": _part_words(parts)}
    if late:
        fields["late"] = format_number(late)
    if period:
        fields |= {"first": long_date(period[0]), "last": long_date(period[1])}
    key = "missed" + ("_period" if period else "") + ("_late" if late else "")
    text = ngettext(*ASK_COUNTS[key], scheduled, **fields)
    return Ask("deliveries", "water", total, parts, text)


def reports_ask(
    parts: Sequence[tuple[str, int]], oldest: date, over_30: int, category: str | None = None
) -> Ask | None:
    """The reports still open at the pack's moment (per settlement), to fix."""
    kept = _parts(parts)
    if not kept:
        return None
    total = sum(n for _place, n in kept)
    if over_30:
        text = ngettext(
            *ASK_COUNTS["reports_over"],
            total,
            oldest=long_date(oldest),
            over=format_number(over_30),
        )
    else:
        text = ngettext(*ASK_COUNTS["reports"], total, oldest=long_date(oldest))
    return Ask("reports", category, total, kept, text)


def answer_ask(day: date) -> Ask:
    """A written answer by ``day``."""
    return Ask("answer", None, 0, (), _(ASK["answer"], day=long_date(day)))
