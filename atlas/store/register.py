"""The settlements register: which settlements and service points reports may refer to.

Filled from a measured dataset (:class:`atlas.measure.GapResult`: the settlements with their
clusters, the service points with the settlement each is counted for) by ``atlas db init`` and
``atlas db sync``. A sync upserts: new settlements are added, known ones updated, and those no
longer in the file are kept (reports still refer to them) but marked inactive; nothing a
report points at is ever deleted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, Table, func, insert, select, update

from atlas.measure import GapResult
from atlas.store import schema
from atlas.store.engine import writing
from atlas.store.store import Store, audit_row
from atlas.store.times import now

__all__ = [
    "RegisterCounts",
    "SettlementEntry",
    "register_size",
    "registered_settlements",
    "service_rows",
    "settlement_rows",
    "sync_register",
]


@dataclass(frozen=True)
class RegisterCounts:
    """What a sync did: settlements and service points added, updated, no longer in the file."""

    settlements_added: int = 0
    settlements_updated: int = 0
    settlements_retired: int = 0
    services_added: int = 0
    services_updated: int = 0
    services_retired: int = 0

    def to_record(self) -> dict[str, int]:
        """A JSON-friendly dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class SettlementEntry:
    """One settlement of the register."""

    settlement_id: str
    name: str | None
    cluster: str | None
    lon: float | None
    lat: float | None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _coordinate(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 7)


def settlement_rows(settlements: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The register's rows for validated settlements in EPSG:4326 (a point inside each).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> frame = gpd.GeoDataFrame({"settlement_id": ["S1"], "name": ["Ilanga"],
    ...     "cluster": [None]}, geometry=[box(28.0, -26.1, 28.2, -26.0)], crs=4326)
    >>> settlement_rows(frame)
    [{'settlement_id': 'S1', 'name': 'Ilanga', 'cluster': None, 'lon': 28.1, 'lat': -26.05}]
    """
    points = settlements.geometry.representative_point()
    clusters = settlements["cluster"] if "cluster" in settlements else [None] * len(settlements)
    return [
        {
            "settlement_id": str(sid),
            "name": _text(name),
            "cluster": _text(cluster),
            "lon": _coordinate(point.x),
            "lat": _coordinate(point.y),
        }
        for sid, name, cluster, point in zip(
            settlements["settlement_id"], settlements["name"], clusters, points, strict=True
        )
    ]


def service_rows(services: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The register's rows for service points in EPSG:4326 with their ``settlement_id``."""
    kinds = services["kind"] if "kind" in services else [None] * len(services)
    owners = services["settlement_id"] if "settlement_id" in services else [None] * len(services)
    return [
        {
            "service_id": str(sid),
            "settlement_id": _text(owner),
            "category": str(category),
            "kind": _text(kind),
            "lon": _coordinate(point.x),
            "lat": _coordinate(point.y),
        }
        for sid, owner, category, kind, point in zip(
            services["service_id"],
            owners,
            services["category"],
            kinds,
            services.geometry,
            strict=True,
        )
    ]


def _upsert(
    conn: Connection, table: Table, key: str, rows: list[dict[str, Any]], extra: dict[str, Any]
) -> tuple[int, int, int]:
    """Insert new rows, update changed ones, mark rows no longer given inactive; returns how
    many were added, updated and retired."""
    fields = [c for c in rows[0] if c != key] if rows else []
    existing = {
        r[0]: (tuple(r[1:-1]), bool(r[-1]))
        for r in conn.execute(select(table.c[key], *[table.c[f] for f in fields], table.c.active))
    }
    stamp = now()
    added = [
        {**row, **extra, "active": True, "updated_at": stamp}
        for row in rows
        if row[key] not in existing
    ]
    changed = [
        row
        for row in rows
        if row[key] in existing and existing[row[key]] != (tuple(row[f] for f in fields), True)
    ]
    if added:
        conn.execute(insert(table), added)
    for row in changed:
        conn.execute(
            update(table)
            .where(table.c[key] == row[key])
            .values(**row, active=True, updated_at=stamp)
        )
    seen = {row[key] for row in rows}
    gone = [k for k, (_, active) in existing.items() if active and k not in seen]
    for start in range(0, len(gone), 500):
        conn.execute(
            update(table)
            .where(table.c[key].in_(gone[start : start + 500]))
            .values(active=False, updated_at=stamp)
        )
    return len(added), len(changed), len(gone)


def sync_register(
    store: Store,
    result: GapResult,
    by: str = "atlas db sync",  # i18n-ignore: the audit log's actor
) -> RegisterCounts:
    """Register the settlements and service points of a measured dataset (upsert).

    ``by`` is who did it, for the audit log (the operator's command; the register is not a
    user's data).
    """
    settlements = settlement_rows(result.settlements)
    services = service_rows(result.services)
    with writing(store.engine) as conn:
        s = _upsert(
            conn, schema.settlements, "settlement_id", settlements, {"registered_at": now()}
        )
        p = _upsert(conn, schema.services, "service_id", services, {})
        counts = RegisterCounts(*s, *p)
        audit_row(conn, by, "register.synced", counts=counts.to_record())
    return counts


def register_size(store: Store) -> int:
    """How many active settlements the register holds."""
    with store.engine.connect() as conn:
        query = (
            select(func.count()).select_from(schema.settlements).where(schema.settlements.c.active)
        )
        return int(conn.execute(query).scalar_one())


def registered_settlements(store: Store) -> list[SettlementEntry]:
    """Every active settlement of the register, by cluster (those in none last) then name."""
    t = schema.settlements
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.c.settlement_id, t.c.name, t.c.cluster, t.c.lon, t.c.lat)
            .where(t.c.active)
            .order_by(t.c.cluster.nulls_last(), t.c.name, t.c.settlement_id)
        )
        return [SettlementEntry(*r) for r in rows]
