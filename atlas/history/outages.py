"""When a service point was out of service, from the cluster's confirmed reports (DESIGN §4).

A confirmed report of a problem that puts a point out of service (``broken``, ``no_water``…:
:data:`atlas.store.OUT_OF_SERVICE`) makes the point broken from the report's ``observed_at``
until the moment the report became ``fixed``; a report reopened after a fix and confirmed again
makes it broken again from the moment it was reopened. Confirmation dates back: a report
observed on the 3rd and confirmed on the 5th says the point was broken from the 3rd.

Unconfirmed reports change nothing. A report later found to be a duplicate or rejected takes
back what it said since its last fix (a duplicate's original says it instead). ``not_fixed`` and
``referred`` leave the point broken.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from atlas.store.timeline import ReportLife
from atlas.store.vocabulary import OUT_OF_SERVICE

__all__ = [
    "Spell",  # i18n-ignore: a name of the API
    "fixed_at",
    "open_since",
    "spells",
    "still_standing",
]


@dataclass(frozen=True)
class Spell:
    """A time a service point was out of service: from ``start`` until ``end`` (None: still),
    by the report ``report_id``."""

    service_id: str
    start: datetime
    end: datetime | None
    report_id: str

    def covers(self, moment: datetime) -> bool:
        """True when the point was out of service at ``moment`` (start inclusive, end not)."""
        return self.start <= moment and (self.end is None or moment < self.end)


def _spells_of(life: ReportLife) -> list[Spell]:
    if life.service_id is None or life.problem not in OUT_OF_SERVICE:
        return []
    found: list[Spell] = []
    begins = life.observed_at  # where a spell starts once the report is confirmed
    current: datetime | None = None
    for at, state in life.steps:
        if state == "reported":
            begins = life.observed_at if not found and current is None else at
        elif state == "confirmed" and current is None:
            current = begins
        elif state == "fixed" and current is not None:
            found.append(Spell(life.service_id, current, max(at, current), life.report_id))
            current = None
        elif state in ("duplicate", "rejected"):
            current = None
    if current is not None:
        found.append(Spell(life.service_id, current, None, life.report_id))
    return found


def spells(lives: Iterable[ReportLife]) -> dict[str, list[Spell]]:
    """The out-of-service spells of every service point the reports name, oldest first.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> d = lambda day: datetime(2026, 3, day, tzinfo=UTC)
    >>> life = ReportLife("r1", "S1", "T1", "water", "broken", d(3),
    ...                   ((d(3), "reported"), (d(5), "confirmed"), (d(9), "fixed")))
    >>> [(s.start.day, s.end.day) for s in spells([life])["T1"]]
    [(3, 9)]
    """
    found: dict[str, list[Spell]] = defaultdict(list)
    for life in lives:
        for spell in _spells_of(life):
            found[spell.service_id].append(spell)
    for entries in found.values():
        entries.sort(key=lambda s: (s.start, s.report_id))
    return dict(found)


#: States in which the problem a report names still stands (``not_fixed`` is closed in
#: Open311's terms, but the problem is not solved).
_STANDING = frozenset({"reported", "confirmed", "referred", "not_fixed"})


def still_standing(life: ReportLife, moment: datetime) -> bool:
    """True when the report had been made by ``moment`` and its problem still stood then."""
    state = life.state_at(moment)
    return state in _STANDING


def open_since(life: ReportLife, moment: datetime) -> datetime | None:
    """When the report's problem last started to stand (observed, or reopened), as of
    ``moment``; None when it did not stand then."""
    if not still_standing(life, moment):
        return None
    start = life.observed_at
    for at, state in life.steps:
        if at > moment:
            break
        if state == "reported" and at > life.observed_at:
            start = at
    return start


def fixed_at(life: ReportLife) -> datetime | None:
    """When a report that is fixed now became fixed (its last fix); None otherwise."""
    if life.state != "fixed":
        return None
    return max(at for at, state in life.steps if state == "fixed")
