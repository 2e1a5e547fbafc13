"""The cluster's own records as evidence: the reports still open at a moment, oldest first, with
the days each has been open, and the municipality's response over the 12 months before it.

The reports come as lifecycles (:func:`atlas.store.timeline.report_lives`: ids, categories,
problems and times, never a text or a contact), so the evidence is the same for every role that
may read them and holds no resident's details. Whether a report is open, and since when, is
:func:`atlas.history.outages.open_since` (reported, confirmed, referred or not fixed; since it
was seen, or reopened); the response is :func:`atlas.history.responses`. A duplicate or a
rejected report is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from atlas.history.outages import open_since
from atlas.history.responses import counted, responses
from atlas.i18n import _, format_number, long_date, ngettext, plural
from atlas.store.timeline import ReportLife
from atlas.store.times import LOCAL_ZONE
from atlas.summaries.pack_words import RECORDS, RECORDS_COUNTS
from atlas.summaries.records import category_label, problem_label

__all__ = ["OpenReport", "RecordsEvidence", "records_evidence"]

#: The response is counted over this long before the moment.
WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class OpenReport:
    """One report open at the moment."""

    report_id: str
    settlement: str
    category: str
    problem: str
    seen: date
    days_open: int
    reference: str | None = None

    @property
    def cells(self) -> tuple[str, ...]:
        """Its cells after the row number, as :data:`RECORDS` ``headings`` name them."""
        return (
            self.settlement,
            category_label(self.category),
            problem_label(self.problem),
            self.seen.isoformat(),
            format_number(self.days_open),
            self.reference or "",
        )


@dataclass(frozen=True)
class RecordsEvidence:
    """The open reports of a cluster at ``day`` and the response before it.

    Parameters
    ----------
    day
        The local day of the moment.
    rows
        The open reports, oldest seen first (at most the limit asked for).
    open_count
        Every report open at the moment (``rows`` may list fewer).
    over_30
        Those open for more than 30 days.
    per_settlement
        ``(settlement name, open reports)`` in the cluster's order.
    oldest
        The day the oldest open report was seen (None when none is open).
    response
        :func:`atlas.history.responses` over the 12 months to the moment.
    sentences
        The response in words.
    """

    day: date
    rows: tuple[OpenReport, ...]
    open_count: int
    over_30: int
    per_settlement: tuple[tuple[str, int], ...]
    oldest: date | None
    response: dict[str, Any]
    sentences: tuple[str, ...]

    @property
    def more(self) -> str:
        """What follows the table when it lists fewer reports than are open: ``And 3 more open
        reports, newer than these.`` (empty when it lists them all)."""
        more = self.open_count - len(self.rows)
        return ngettext(*RECORDS_COUNTS["more"], more) if more > 0 else ""


def _sentences(response: dict[str, Any], day: date, open_count: int, cluster: str) -> list[str]:
    when = long_date(day)
    fixed = response["fixed"]
    opened = plural(response["opened"], "problem")
    if fixed:
        days = format_number(response["median_days_to_fix"])
        done = ngettext(*RECORDS_COUNTS["response"], fixed, day=when, opened=opened, days=days)
    else:
        done = _(RECORDS["response_none"], day=when, opened=opened)
    lines = [done]
    if open_count:
        lines.append(
            ngettext(
                *RECORDS_COUNTS["standing"],
                open_count,
                day=when,
                over_7=format_number(response["open_over_7_days"]),
                over_30=format_number(response["open_over_30_days"]),
            )
        )
    else:
        lines.append(_(RECORDS["none"], cluster=cluster, day=when))
    lines.append(_(RECORDS["days"], day=when))
    return lines


def records_evidence(
    lives: Iterable[ReportLife],
    members: Mapping[str, str],
    moment: datetime,
    *,
    cluster: str,
    references: Mapping[str, str | None] | None = None,
    category: str | None = None,
    limit: int = 20,
) -> RecordsEvidence:
    """The evidence of the reports about the settlements ``members`` at ``moment``.

    Parameters
    ----------
    lives
        The reports' lifecycles (any settlements: those of ``members`` are used).
    members
        ``settlement_id`` to name, in the cluster's order.
    moment
        When (timezone-aware): the reports open then, and the 12 months before it.
    cluster
        The cluster's name, for the sentences.
    references
        The municipality's reference per report id, when the reader may see them
        (:func:`atlas.store.list_reports`).
    category
        Only the reports of this service category (a department's pack).
    limit
        The most reports listed (the oldest); the counts cover all.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> d = lambda day: datetime(2026, 3, day, 12, tzinfo=UTC)
    >>> old = ReportLife("a", "S1", "T1", "water", "broken", d(1), ((d(1), "reported"),))
    >>> done = ReportLife("b", "S2", None, "water", "no_water", d(2),
    ...                   ((d(2), "reported"), (d(12), "fixed")))
    >>> e = records_evidence([old, done], {"S1": "Khayalethu", "S2": "Kgotsong"}, d(31),
    ...                      cluster="Kgotso South Cluster")
    >>> [(r.settlement, r.days_open) for r in e.rows], e.response["median_days_to_fix"]
    ([('Khayalethu', 30)], 10.0)
    """
    refs = references or {}
    mine = [
        life
        for life in counted(lives)
        if life.settlement_id in members
        and (category is None or life.category == category)
        and life.observed_at <= moment
    ]
    standing: list[tuple[ReportLife, datetime]] = []
    for life in mine:
        since = open_since(life, moment)
        if since is not None:
            standing.append((life, since))
    standing.sort(key=lambda pair: (pair[0].observed_at, pair[0].report_id))
    rows = tuple(
        OpenReport(
            life.report_id,
            members[life.settlement_id],
            life.category,
            life.problem,
            life.observed_at.astimezone(LOCAL_ZONE).date(),
            max(0, (moment - since).days),
            refs.get(life.report_id),
        )
        for life, since in standing
    )
    counts = {sid: 0 for sid in members}
    for life, _since in standing:
        counts[life.settlement_id] += 1
    response = responses(mine, moment - WINDOW, moment)
    day = moment.astimezone(LOCAL_ZONE).date()
    return RecordsEvidence(
        day=day,
        rows=rows[:limit],
        open_count=len(rows),
        over_30=int(response["open_over_30_days"]),
        per_settlement=tuple((members[s], n) for s, n in counts.items()),
        oldest=rows[0].seen if rows else None,
        response=response,
        sentences=tuple(_sentences(response, day, len(rows), cluster)),
    )
