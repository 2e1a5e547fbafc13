"""A service point's status as of a moment, and the time it spent out of service (DESIGN §4).

The status of a point at a moment is, in this order:

1. ``broken`` while a confirmed report says it is out of service (:mod:`atlas.history.outages`);
2. else the latest thing known about it by then: the services file's status, from the moment
   the file describes (``since``; without one, from the beginning), or ``working`` after a
   report about it was fixed, whichever is later;
3. else (before the file's date and before any fix) ``unknown``.

Without reports and without ``since``, every status is the file's: nothing changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.history.outages import Spell, spells
from atlas.load import Dataset
from atlas.store.timeline import ReportLife

__all__ = [
    "dataset_as_of",
    "days_out_of_service",
    "out_of_service_for",
    "status_at",
    "statuses_as_of",
]


def status_at(
    file_status: str, point_spells: Sequence[Spell], moment: datetime, since: datetime | None
) -> str:
    """One point's status at ``moment`` (the rule above).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> d = lambda day: datetime(2026, 3, day, tzinfo=UTC)
    >>> spell = Spell("T1", d(3), d(9), "r1")
    >>> [status_at("working", [spell], d(n), None) for n in (2, 3, 8, 9)]
    ['working', 'broken', 'broken', 'working']
    >>> status_at("broken", [spell], d(10), None), status_at("broken", [spell], d(10), d(1))
    ('working', 'working')
    >>> status_at("broken", [spell], d(10), d(9)), status_at("working", [], d(1), d(9))
    ('broken', 'unknown')
    """
    if any(s.covers(moment) for s in point_spells):
        return "broken"
    fixes = [s.end for s in point_spells if s.end is not None and s.end <= moment]
    last_fix = max(fixes, default=None)
    file_known = since is None or since <= moment
    if last_fix is not None and (not file_known or since is None or last_fix > since):
        return "working"
    return file_status if file_known else "unknown"


def statuses_as_of(
    services: gpd.GeoDataFrame,
    moment: datetime,
    point_spells: Mapping[str, Sequence[Spell]],
    *,
    since: datetime | None = None,
) -> pd.Series:
    """Every point's status at ``moment``, indexed like ``services``."""
    file_known = since is None or since <= moment
    status = (
        services["status"].astype(object)
        if file_known
        else pd.Series("unknown", index=services.index, dtype=object)
    )
    if point_spells:
        ids = services["service_id"].astype(str)
        touched = np.flatnonzero(ids.isin(list(point_spells)).to_numpy())
        values = status.to_numpy(copy=True)
        for i in touched:
            values[i] = status_at(
                str(services["status"].iat[i]), point_spells[ids.iat[i]], moment, since
            )
        status = pd.Series(values, index=services.index, dtype=object)
    return status


def dataset_as_of(
    dataset: Dataset,
    moment: datetime,
    lives: Iterable[ReportLife] = (),
    *,
    since: datetime | None = None,
    point_spells: Mapping[str, Sequence[Spell]] | None = None,
) -> Dataset:
    """``dataset`` with each service point's status as of ``moment``, changed by the confirmed
    reports ``lives`` (or by their ``point_spells``, :func:`atlas.history.spells`, when given);
    the layer's other columns and the settlements unchanged."""
    services = dataset.services.copy()
    found = spells(lives) if point_spells is None else point_spells
    services["status"] = statuses_as_of(services, moment, found, since=since)
    return replace(dataset, services=services)


def _segments(
    file_status: str,
    point_spells: Sequence[Spell],
    start: datetime,
    end: datetime,
    since: datetime | None,
) -> list[tuple[datetime, datetime, str]]:
    """The point's status between ``start`` and ``end``, as constant pieces."""
    cuts = {start, end}
    for s in point_spells:
        cuts.update(t for t in (s.start, s.end) if t is not None and start < t < end)
    if since is not None and start < since < end:
        cuts.add(since)
    ordered = sorted(cuts)
    return [
        (a, b, status_at(file_status, point_spells, a, since))
        for a, b in itertools.pairwise(ordered)
    ]


def days_out_of_service(
    services: pd.DataFrame,
    start: datetime,
    end: datetime,
    point_spells: Mapping[str, Sequence[Spell]],
    *,
    since: datetime | None = None,
) -> pd.Series:
    """Days each point was ``broken`` between ``start`` and ``end``, indexed like ``services``.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> d = lambda day: datetime(2026, 3, day, tzinfo=UTC)
    >>> points = pd.DataFrame({"service_id": ["T1", "T2", "T3"],
    ...                        "status": ["working", "broken", "unknown"]})
    >>> days_out_of_service(points, d(1), d(11), {"T1": [Spell("T1", d(3), d(9), "r")]}).tolist()
    [6.0, 10.0, 0.0]
    """
    length = (end - start).total_seconds() / 86400
    broken = services["status"].astype(str).eq("broken").to_numpy()
    if since is not None and since > start:
        share = max(0.0, (end - max(since, start)).total_seconds() / 86400)
        days = np.where(broken, min(share, length), 0.0)
    else:
        days = np.where(broken, length, 0.0)
    ids = services["service_id"].astype(str).tolist()
    statuses = services["status"].astype(str).tolist()
    for i, sid in enumerate(ids):
        if sid not in point_spells:
            continue
        pieces = _segments(statuses[i], point_spells[sid], start, end, since)
        days[i] = sum((b - a).total_seconds() for a, b, s in pieces if s == "broken") / 86400
    return pd.Series(days, index=services.index, dtype=float)


def out_of_service_for(
    services: pd.DataFrame, moment: datetime, point_spells: Mapping[str, Sequence[Spell]]
) -> pd.Series:
    """Days each point had been out of service at ``moment`` by a confirmed report (NaN when
    no report had it out then: working, or broken in the file since a date nobody knows).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> d = lambda day: datetime(2026, 3, day, tzinfo=UTC)
    >>> points = pd.DataFrame({"service_id": ["T1", "T2"], "status": ["working", "broken"]})
    >>> out_of_service_for(points, d(20), {"T1": [Spell("T1", d(3), None, "r")]}).tolist()
    [17.0, nan]
    """
    days = np.full(len(services), np.nan)
    for i, sid in enumerate(services["service_id"].astype(str).tolist()):
        starts = [s.start for s in point_spells.get(sid, ()) if s.covers(moment)]
        if starts:
            days[i] = (moment - min(starts)).total_seconds() / 86400
    return pd.Series(days, index=services.index, dtype=float)
