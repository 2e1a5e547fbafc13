"""Counts of reports per settlement or cluster, category and state: what every role may see
(a viewer sees nothing else), and the audit log, which only an admin reads."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Literal

from sqlalchemy import func, select

from atlas.errors import StoreError
from atlas.i18n import _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.store import Store
from atlas.store.times import iso
from atlas.store.vocabulary import OPEN_STATES, STATES, Role

__all__ = ["read_audit", "report_counts"]


def report_counts(
    store: Store, actor: User, level: Literal["settlement", "cluster"] = "settlement"
) -> list[dict[str, Any]]:
    """One row per settlement (or cluster) and category that has reports: the count in each
    state, ``open`` (reported, confirmed or referred) and ``total``.

    Settlements in no cluster are counted under a cluster of None at the cluster level.

    Raises
    ------
    AccessDenied
        The actor is not a user of the store.
    StoreError
        ``level`` is neither ``settlement`` nor ``cluster``.
    """
    if level not in ("settlement", "cluster"):
        raise StoreError(_("'{level}' is not a level: use settlement or cluster.", level=level))
    r, s = schema.reports, schema.settlements
    keys = [s.c.cluster] if level == "cluster" else [r.c.settlement_id, s.c.name, s.c.cluster]
    query = (
        select(*keys, r.c.category, r.c.state, func.count())
        .join(s, s.c.settlement_id == r.c.settlement_id)
        .group_by(*keys, r.c.category, r.c.state)
    )
    with store.engine.connect() as conn:
        acting(conn, actor, Role.VIEWER, _("counting reports"))
        rows = conn.execute(query).all()
    table: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    for *key, category, state, count in rows:
        entry = table[(*key, category)]
        if not entry:
            names = ["cluster"] if level == "cluster" else ["settlement_id", "name", "cluster"]
            entry.update(zip(names, key, strict=True), category=category)
            entry.update(dict.fromkeys(STATES, 0), open=0, total=0)
        entry[state] += int(count)
        entry["total"] += int(count)
        entry["open"] += int(count) if state in OPEN_STATES else 0
    order = sorted(table, key=lambda k: tuple("" if v is None else str(v) for v in k))
    return [table[k] for k in order]


def read_audit(store: Store, actor: User, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The audit log, oldest first (the newest ``limit`` rows when given); admins only.

    Raises
    ------
    AccessDenied
        The actor is not an admin.
    """
    a = schema.audit
    with store.engine.connect() as conn:
        acting(conn, actor, Role.ADMIN, _("reading the audit log"))
        query = select(a).order_by(a.c.id.desc() if limit else a.c.id)
        rows = conn.execute(query.limit(limit) if limit else query).all()
    if limit:
        rows = rows[::-1]
    return [
        {
            "id": row.id,
            "at": iso(row.at),
            "actor": row.actor,
            "action": row.action,
            "subject": row.subject,
            "detail": json.loads(row.detail) if row.detail else {},
        }
        for row in rows
    ]
