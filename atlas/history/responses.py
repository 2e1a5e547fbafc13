"""The municipality's response to the cluster's reports over a period (DESIGN §7): how many
were made, how many fixed, how many had stood for more than 7 and 30 days at its end, and the
median days from a problem being seen to the report becoming fixed.

A report found to be a duplicate or rejected is no problem of its own and is not counted.
``opened`` counts reports observed in the period; ``fixed`` and ``median_days_to_fix`` the
reports that became fixed in it (a report reopened and fixed again counts at its last fix);
``open_over_7_days`` and ``open_over_30_days`` the problems still standing at the period's end
(reported, confirmed, referred or not fixed) that had stood that long by then (since they were
observed, or reopened).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from atlas.history.outages import fixed_at, open_since
from atlas.store.timeline import ReportLife

__all__ = ["RESPONSE_FIELDS", "counted", "responses"]

#: The fields of a response row after its keys.
RESPONSE_FIELDS = (
    "opened",
    "fixed",
    "open_over_7_days",
    "open_over_30_days",
    "median_days_to_fix",
)
_DAY = 86400.0


def counted(lives: Iterable[ReportLife]) -> list[ReportLife]:
    """The reports that stand as problems of their own (not duplicates, not rejected)."""
    return [life for life in lives if life.state not in ("duplicate", "rejected")]


def responses(lives: Iterable[ReportLife], start: datetime, end: datetime) -> dict[str, Any]:
    """The response fields of ``lives`` between ``start`` and ``end`` (end exclusive).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> d = lambda day: datetime(2026, 3, day, tzinfo=UTC)
    >>> fixed = ReportLife("a", "S", "T", "water", "broken", d(1),
    ...                    ((d(1), "reported"), (d(2), "confirmed"), (d(11), "fixed")))
    >>> open_ = ReportLife("b", "S", None, "water", "no_water", d(2), ((d(2), "reported"),))
    >>> responses([fixed, open_], d(1), d(31))
    {'opened': 2, 'fixed': 1, 'open_over_7_days': 1, 'open_over_30_days': 0, 'median_days_to_fix': 10.0}
    """
    last = end - timedelta(microseconds=1)
    opened = fixed = over_7 = over_30 = 0
    durations: list[float] = []
    for life in counted(lives):
        if start <= life.observed_at < end:
            opened += 1
        done = fixed_at(life)
        if done is not None and start <= done < end:
            fixed += 1
            durations.append((done - life.observed_at).total_seconds() / _DAY)
        standing = open_since(life, last)
        if standing is not None:
            age = (end - standing).total_seconds() / _DAY
            over_7 += age > 7
            over_30 += age > 30
    return {
        "opened": opened,
        "fixed": fixed,
        "open_over_7_days": over_7,
        "open_over_30_days": over_30,
        "median_days_to_fix": round(statistics.median(durations), 2) if durations else None,
    }
