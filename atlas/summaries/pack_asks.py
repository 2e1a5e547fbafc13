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
from atlas.i18n import format_number, is_missing, long_date, noun, plural
from atlas.measure.standards import CategoryRule
from atlas.summaries.cluster_report import ClusterReport
from atlas.summaries.pack_words import ASK, listed

__all__ = [
    "Ask",
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
    return listed([ASK["part"].format(count=format_number(n), place=name) for name, n in parts])


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
    units = plural(rule.max_per_point or 0, unit)
    text = ASK["ratio"].format(label=rule.point_label, units=units)
    if distance and rule.max_distance_m and not rule.distance_note:
        text += ASK["within"].format(metres=format_number(rule.max_distance_m))
    return text


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
    total = sum(n for _, n in parts)
    count = plural(total, rule.point_label)
    words = ratio_words(rule)
    if len(parts) == 1:
        text = ASK["install_one"].format(count=count, place=parts[0][0], rule=words)
    else:
        text = ASK["install"].format(
            count=count, cluster=report.cluster, rule=words, parts=_part_words(parts)
        )
    unknown = [_name(r) for r in to_records(report.members) if bool(r.get("demand_missing"))]
    if unknown:
        text += ASK["unknown"].format(names=listed(unknown))
    return Ask("install", category, total, parts, text)


def repair_ask(report: ClusterReport, category: str) -> Ask | None:
    """The broken points to repair; None when none is broken."""
    column = f"{category}_broken"
    if column not in report.members:
        return None
    parts = _parts(_counts(report, column))
    if not parts:
        return None
    total = sum(n for _, n in parts)
    label = report.standard.rule(category).point_label
    count = f"{format_number(total)} broken {noun(label, total)}"
    if len(parts) == 1:
        text = ASK["repair_one"].format(count=count, place=parts[0][0])
    else:
        text = ASK["repair"].format(count=count, parts=_part_words(parts))
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
    scheduled = sum(int(r["scheduled"]) for _, r in rows)
    late = sum(int(r["late"]) + int(r["short"]) for _, r in rows)
    total = sum(n for _, n in parts)
    when = (
        ASK["period"].format(first=long_date(period[0]), last=long_date(period[1]))
        if period
        else ASK["no_period"]
    )
    text = ASK["missed"].format(
        missed=format_number(total),
        scheduled=format_number(scheduled),
        period=when,
        parts=_part_words(parts),
        late=ASK["late"].format(count=format_number(late)) if late else "",
    )
    return Ask("deliveries", "water", total, parts, text)


def reports_ask(
    parts: Sequence[tuple[str, int]], oldest: date, over_30: int, category: str | None = None
) -> Ask | None:
    """The reports still open at the pack's moment (per settlement), to fix."""
    kept = _parts(parts)
    if not kept:
        return None
    total = sum(n for _, n in kept)
    text = ASK["reports"].format(
        count=plural(total, "problem"),
        verb="is" if total == 1 else "are",
        oldest=long_date(oldest),
        over=ASK["over"].format(count=format_number(over_30)) if over_30 else "",
    )
    return Ask("reports", category, total, kept, text)


def answer_ask(day: date) -> Ask:
    """A written answer by ``day``."""
    return Ask("answer", None, 0, (), ASK["answer"].format(day=long_date(day)))
