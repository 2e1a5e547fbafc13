"""Reports as lifecycles in time: when each was observed and every state it went through, when.

What :mod:`atlas.history` needs to say a service point's status as of a date, its days out of
service and the municipality's response time (DESIGN §4 and §7). A lifecycle carries no text,
no contact and no reporter: only ids, the category and problem, and times, so every role may
read them (a viewer's numbers are aggregates made from them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from atlas.i18n import _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.store import Store
from atlas.store.vocabulary import Role

__all__ = ["ReportLife", "report_lives"]


@dataclass(frozen=True)
class ReportLife:
    """One report's lifecycle.

    Parameters
    ----------
    steps
        ``(when it happened, the state it moved to)``, oldest first; the first is
        ``(observed_at, "reported")``.
    """

    report_id: str
    settlement_id: str
    service_id: str | None
    category: str
    problem: str
    observed_at: datetime
    steps: tuple[tuple[datetime, str], ...]

    @property
    def state(self) -> str:
        """The state it is in now."""
        return self.steps[-1][1] if self.steps else "reported"

    def state_at(self, when: datetime) -> str | None:
        """The state it was in at ``when`` (None before it was observed)."""
        found = None
        for at, state in self.steps:
            if at > when:
                break
            found = state
        return found


def report_lives(
    store: Store, actor: User, *, settlement_ids: Iterable[str] | None = None
) -> list[ReportLife]:
    """Every report's lifecycle (of ``settlement_ids`` when given), oldest report first.

    Raises
    ------
    AccessDenied
        The actor is not a user of the store.
    """
    r, h = schema.reports, schema.report_history
    query = (
        select(
            r.c.id,
            r.c.settlement_id,
            r.c.service_id,
            r.c.category,
            r.c.problem,
            r.c.observed_at,
            h.c.at,
            h.c.state_from,
            h.c.state_to,
        )
        .join(h, h.c.report_id == r.c.id)
        .order_by(r.c.observed_at, r.c.id, h.c.id)
    )
    if settlement_ids is not None:
        query = query.where(r.c.settlement_id.in_(sorted({str(s) for s in settlement_ids})))
    with store.engine.connect() as conn:
        acting(conn, actor, Role.VIEWER, _("reading when service points were out of service"))
        rows = conn.execute(query).all()
    lives: list[ReportLife] = []
    steps: list[tuple[datetime, str]] = []
    for i, row in enumerate(rows):
        # An edit of a form record (state_from == state_to, not a re-referral) is no step.
        if row.state_from != row.state_to or row.state_to == "referred":
            steps.append((row.at, row.state_to))
        if i + 1 == len(rows) or rows[i + 1].id != row.id:
            lives.append(
                ReportLife(
                    row.id,
                    row.settlement_id,
                    row.service_id,
                    row.category,
                    row.problem,
                    row.observed_at,
                    tuple(steps),
                )
            )
            steps = []
    return lives
