"""A history of a settlement, a cluster or every settlement: per period and category the working,
broken and unknown points and the gap as of the period's end; per service point the days out of
service; per settlement and cluster the municipality's response to reports (DESIGN §4, §7).

Examples
--------
>>> import atlas
>>> from datetime import date
>>> ds = atlas.load_sample()
>>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
>>> h = history(ds, result, [], date(2026, 1, 1), date(2026, 3, 31), cluster="Kgotso South Cluster")
>>> h.periods[h.periods["category"] == "water"][["period", "working", "gap"]].to_dict("records")
[{'period': '2026-01', 'working': 61, 'gap': 131}, {'period': '2026-02', 'working': 61, 'gap': 131}, {'period': '2026-03', 'working': 61, 'gap': 131}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from atlas.errors import SchemaError
from atlas.history.moments import Period, day_start, periods
from atlas.history.outages import spells
from atlas.history.responses import RESPONSE_FIELDS, responses
from atlas.history.status import days_out_of_service, statuses_as_of
from atlas.i18n import _
from atlas.load import Dataset
from atlas.measure import GapResult, cluster_gaps, recount
from atlas.store.timeline import ReportLife
from atlas.store.times import iso

__all__ = [
    "PERIOD_FIELDS",
    "POINT_FIELDS",
    "History",  # i18n-ignore: a name of the API
    "history",
    "period_rows",
    "scope_of",
]

#: The fields of a period row.
PERIOD_FIELDS = ("period", "start", "end", "category", "working", "broken", "unknown", "gap")
#: The fields of a service point row.
POINT_FIELDS = ("service_id", "settlement_id", "category", "days_out_of_service")
#: Where a cluster-level row names the settlements in no cluster.
_SCOPE = "(scope)"


@dataclass(frozen=True)
class History:
    """What :func:`history` found; each table a DataFrame with the fields named in this
    module (``settlements`` and ``clusters`` with their keys, ``category`` and
    :data:`~atlas.history.responses.RESPONSE_FIELDS`)."""

    scope: dict[str, str]
    standard: str
    first: date
    last: date
    step: str
    since: datetime | None
    periods: pd.DataFrame
    points: pd.DataFrame
    settlements: pd.DataFrame
    clusters: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name: ``periods``, ``points``, ``settlements``, ``clusters``."""
        return {
            "periods": self.periods,
            "points": self.points,
            "settlements": self.settlements,
            "clusters": self.clusters,
        }

    def to_record(self) -> dict[str, Any]:
        """The whole history as JSON-friendly values (missing values None)."""
        return {
            "scope": dict(self.scope),
            "standard": self.standard,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "step": self.step,
            "services_as_of": iso(self.since),
            **{name: _records(table) for name, table in self.tables().items()},
        }


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def scope_of(
    settlements: pd.DataFrame, *, settlement_id: str | None = None, cluster: str | None = None
) -> tuple[dict[str, str], pd.DataFrame]:
    """The scope a history is about and its settlements (rows of ``settlements``).

    Raises
    ------
    SchemaError
        Both or an unknown settlement or cluster (the message lists what there is).
    """
    if settlement_id is not None and cluster is not None:
        raise SchemaError(_("Give --settlement or --cluster, not both."))
    if settlement_id is not None:
        rows = settlements[settlements["settlement_id"].astype(str) == str(settlement_id)]
        if rows.empty:
            known = ", ".join(settlements["settlement_id"].astype(str).head(5))
            raise SchemaError(
                _(
                    "There is no settlement '{settlement_id}': use a settlement_id of the "
                    "settlements layer (e.g. {known}…).",
                    settlement_id=settlement_id,
                    known=known,
                )
            )
        return {"level": "settlement", "settlement_id": str(settlement_id)}, rows
    if cluster is not None:
        rows = settlements[settlements["cluster"].astype(object) == cluster]
        if rows.empty:
            known = ", ".join(sorted({str(c) for c in settlements["cluster"].dropna()}))
            raise SchemaError(
                _(
                    "There is no cluster '{cluster}': use one of {known}.",
                    cluster=cluster,
                    known=known,
                )
                if known
                else _(
                    "There is no cluster '{cluster}': use one of (none: no settlement has a "
                    "cluster).",
                    cluster=cluster,
                )
            )
        return {"level": "cluster", "cluster": cluster}, rows
    return {"level": "all"}, settlements


def period_rows(
    dataset: Dataset,
    result: GapResult,
    members: pd.Index,
    spans: Sequence[Period],
    point_spells: dict[str, Any],
    since: datetime | None,
) -> pd.DataFrame:
    """Per period of ``spans`` and category: the working, broken and unknown points and the gap
    of the settlements ``members`` (index labels of ``result.settlements``), as of the period's
    end, with the points' statuses changed by ``point_spells``."""
    categories = list(result.standard.categories)
    rows = []
    # Statuses change only where a spell starts or ends: periods with the same statuses share
    # one recount (a year by day is a few dozen recounts, not 365).
    totals: dict[tuple[object, ...], pd.Series] = {}
    for period in spans:
        status = statuses_as_of(dataset.services, period.last, point_spells, since=since)
        key = tuple(status.tolist())
        if key not in totals:
            gaps = recount(dataset, result, status).loc[members]
            totals[key] = cluster_gaps(gaps.assign(cluster=_SCOPE), result.standard).iloc[0]
        total = totals[key]
        for category in categories:
            rows.append(
                {
                    **period.to_record(),
                    "category": category,
                    **{
                        f: _plain(total[f"{category}_{f}"])
                        for f in ("working", "broken", "unknown", "gap")
                    },
                }
            )
    table = pd.DataFrame(rows, columns=list(PERIOD_FIELDS))
    return table.astype({f: "Int64" for f in ("working", "broken", "unknown", "gap")})


def _response_rows(
    lives: Sequence[ReportLife],
    keys: pd.DataFrame,
    categories: Sequence[str],
    start: datetime,
    end: datetime,
) -> pd.DataFrame:
    by_key: dict[tuple[str, str], list[ReportLife]] = {}
    for life in lives:
        by_key.setdefault((life.settlement_id, life.category), []).append(life)
    rows: list[dict[str, Any]] = []
    for record in keys.to_dict("records"):
        ids = record.pop("_members")
        keyed = {str(k): v for k, v in record.items()}
        for category in categories:
            mine = [life for sid in ids for life in by_key.get((sid, category), [])]
            rows.append({**keyed, "category": category, **responses(mine, start, end)})
    return pd.DataFrame(
        rows, columns=[*keys.columns.drop("_members"), "category", *RESPONSE_FIELDS]
    )


def history(
    dataset: Dataset,
    result: GapResult,
    lives: Iterable[ReportLife],
    first: date,
    last: date,
    *,
    step: str = "month",
    settlement_id: str | None = None,
    cluster: str | None = None,
    since: datetime | None = None,
) -> History:
    """The history of a scope from the day ``first`` to the day ``last`` (both included).

    Parameters
    ----------
    dataset, result
        The dataset and its gaps (:func:`atlas.compute_gaps`): the statuses of its service
        points are the file's, changed in time by the confirmed reports in ``lives``.
    lives
        The reports' lifecycles (:func:`atlas.store.timeline.report_lives`).
    step
        ``day``, ``week`` or ``month``: the periods' length.
    settlement_id, cluster
        The scope (one settlement, one cluster's settlements; default every settlement).
    since
        The moment the services file's statuses describe (before it they are unknown).

    Raises
    ------
    SchemaError
        An unknown settlement or cluster.
    ValueError
        ``last`` before ``first`` or an unknown step.
    """
    spans = periods(first, last, step)
    scope, members = scope_of(result.settlements, settlement_id=settlement_id, cluster=cluster)
    ids = set(members["settlement_id"].astype(str))
    reports = [life for life in lives if life.settlement_id in ids]
    point_spells = spells(reports)
    start, end = day_start(first), day_start(last + timedelta(days=1))
    table = period_rows(dataset, result, members.index, spans, point_spells, since)

    services = result.services
    mine = services["settlement_id"].astype(object).isin(ids).to_numpy()
    days = days_out_of_service(dataset.services[mine], start, end, point_spells, since=since)
    points = pd.DataFrame(
        {
            "service_id": services["service_id"].to_numpy()[mine],
            "settlement_id": services["settlement_id"].to_numpy()[mine],
            "category": services["category"].to_numpy()[mine],
            "days_out_of_service": days.round(2).to_numpy(),
        },
        columns=list(POINT_FIELDS),
    ).sort_values(["days_out_of_service", "service_id"], ascending=[False, True], kind="stable")

    categories = list(result.standard.categories)
    people = members[["settlement_id", "name", "cluster"]].astype(object).copy()
    people["_members"] = [[str(s)] for s in people["settlement_id"]]
    by_settlement = _response_rows(reports, people, categories, start, end)
    if scope["level"] == "settlement":
        by_cluster = pd.DataFrame(columns=["cluster", "category", *RESPONSE_FIELDS])
    else:
        groups = members.groupby(members["cluster"].astype(object), dropna=False, sort=True)
        clusters = pd.DataFrame(
            {
                "cluster": [_plain(k) for k in groups.groups],
                "_members": [[str(s) for s in g["settlement_id"]] for _, g in groups],
            }
        )
        by_cluster = _response_rows(reports, clusters, categories, start, end)
    return History(
        scope=scope,
        standard=result.standard.id,
        first=first,
        last=last,
        step=step,
        since=since,
        periods=table,
        points=points.reset_index(drop=True),
        settlements=by_settlement,
        clusters=by_cluster,
    )
