"""The cluster's own records in plain words: labels for states, problems, channels and roles,
and the tables and map points a page shows of reports (DESIGN §7).

The store (:mod:`atlas.store`) keeps codes (``not_fixed``, ``no_water``); people read words
("not fixed", "no water"). Everything here is computed from records the store already gave the
acting user, so a table or a map point never holds more than that user may see; and none of
the functions here ever puts a reporter's contact details into what they return, even when a
record carries them.

Examples
--------
>>> problem_label("no_water"), state_label("not_fixed"), action_label("referred")
('No water', 'not fixed', 'Refer to the municipality')
>>> plain_words("Report 7 is not_fixed: it can become fixed, referred, reported.")
'Report 7 is not fixed: it can become fixed, referred, reported.'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from atlas.i18n import N_, _, format_number, ngettext, pgettext, round_half_up
from atlas.store import PROBLEMS, STATES, Role, SettlementEntry, User
from atlas.store.times import LOCAL_ZONE, now
from atlas.store.vocabulary import CATEGORY_LABELS, PROBLEM_LABELS
from atlas.summaries.phrases import cluster_label

__all__ = [
    "CATEGORY_LABELS",
    "action_label",
    "category_label",
    "channel_label",
    "cluster_names",
    "count_table",
    "days_open",
    "history_table",
    "of_category",
    "of_settlement",
    "other_reports",
    "plain_words",
    "problem_label",
    "report_facts",
    "report_points",
    "report_table",
    "report_title",
    "reportable_settlements",
    "reports_by_id",
    "service_point_label",
    "settlement_label",
    "shown_time",
    "state_label",
    "user_label",
]

_CHANNELS = {
    "app": N_("This app"),
    "paper": N_("Paper form"),
    "meeting": N_("At a meeting"),
    "kobo": N_("KoBoToolbox form"),
    "odk": N_("ODK Central form"),
    "survey": N_("Survey"),
    "sms": N_("SMS"),
}
_ACTIONS = {
    "confirmed": N_("Confirm"),
    "referred": N_("Refer to the municipality"),
    "fixed": N_("Mark fixed"),
    "not_fixed": N_("Mark not fixed"),
    "duplicate": N_("Mark as a duplicate"),
    "rejected": N_("Reject"),
    "reported": N_("Reopen"),
}
#: The store's field names in plain words (for messages).
_FIELDS = {
    "observed_at": N_("the time it was seen"),
    "service_request_id": N_("report number"),
}
_PROBLEM_CODES = frozenset(p for problems in PROBLEMS.values() for p in problems)
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_DAYS_OPEN = N_("Days open")
#: The columns of :func:`report_table` and :func:`history_table` (translated where shown).
_REPORT_COLUMNS = (
    N_("Report"),
    N_("Reported"),
    N_("Seen"),
    N_("Settlement"),
    N_("Cluster"),
    N_("Service"),
    N_("Problem"),
    N_("Service point"),
    N_("State"),
    _DAYS_OPEN,
    N_("Reference"),
)
_HISTORY_COLUMNS = (
    N_("When"),
    N_("Who"),
    N_("From"),
    N_("To"),
    N_("Note"),
    N_("Reference"),
    N_("Duplicate of"),
)


def _words(code: object) -> str:
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def category_label(category: str) -> str:
    """``Water``, ``Toilets and sanitation``… (an unknown category: its name, capitalised)."""
    known = CATEGORY_LABELS.get(category)
    return _words(category) if known is None else _(known)


def problem_label(problem: str) -> str:
    """``No water``, ``Collection missed``… (an unknown code: its words, capitalised)."""
    known = PROBLEM_LABELS.get(problem)
    return _words(problem) if known is None else _(known)


def state_label(state: str) -> str:
    """``reported``, ``not fixed``…: a state as it reads in a sentence."""
    words = {
        "reported": pgettext("report state", "reported"),
        "confirmed": pgettext("report state", "confirmed"),
        "referred": pgettext("report state", "referred"),
        "fixed": pgettext("report state", "fixed"),
        "not_fixed": pgettext("report state", "not fixed"),
        "duplicate": pgettext("report state", "duplicate"),
        "rejected": pgettext("report state", "rejected"),
    }
    return words.get(str(state), str(state).replace("_", " "))


def channel_label(channel: str) -> str:
    """``This app``, ``Paper form``…"""
    known = _CHANNELS.get(channel)
    return _words(channel) if known is None else _(known)


def action_label(state: str) -> str:
    """The button that moves a report to ``state``: ``Confirm``, ``Reopen``…"""
    known = _ACTIONS.get(state)
    return _words(state) if known is None else _(known)


def _plain(code: str) -> str:
    """A snake_case word of a message in plain words: a state, a problem, a field of the store
    (``observed_at``), else the word without its underscores."""
    if code in STATES:
        return state_label(code)
    if code in _PROBLEM_CODES:
        return problem_label(code).lower()
    known = _FIELDS.get(code)
    return code.replace("_", " ") if known is None else _(known)


def plain_words(text: str) -> str:
    """``text`` with the store's codes (``not_fixed``, ``observed_at``) in plain words, for a
    message shown to a person; any other snake_case word loses its underscores."""
    return _SNAKE.sub(lambda m: _plain(m.group(0)), text)


def user_label(user: User) -> str:
    """``thandi (coordinator)``, ``sipho (member of Ilanga East Cluster)``."""
    role = user.role.label
    if user.role is Role.MEMBER and user.cluster:
        role = _("{role} of {cluster}", role=role, cluster=user.cluster)
    return f"{user.name} ({role})"


def settlement_label(entry: SettlementEntry) -> str:
    """A registered settlement as a list shows it: ``Dikgageng (SET-019)``."""
    return f"{entry.name or entry.settlement_id} ({entry.settlement_id})"


def reportable_settlements(entries: Iterable[SettlementEntry], user: User) -> list[SettlementEntry]:
    """The registered settlements ``user`` may report for: a member's own cluster, or all."""
    if user.role is Role.MEMBER:
        return [e for e in entries if e.cluster == user.cluster]
    return list(entries)


def service_point_label(point: Mapping[str, Any]) -> str:
    """A service point offered for a report (:func:`atlas.store.nearest_services`), short
    enough for a phone: ``Standpipe, 34 m (SRV-0744)`` (the distance from the middle of the
    settlement).

    >>> service_point_label({"service_id": "S1", "kind": "standpipe", "distance_m": 34.3})
    'Standpipe, 34 m (S1)'
    """
    kind = _words(point["kind"]) if point.get("kind") else _("Service point")
    metres = point.get("distance_m")
    where = "" if metres is None else f", {format_number(round_half_up(float(metres)))} m"
    return f"{kind}{where} ({point['service_id']})"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def days_open(record: Mapping[str, Any], at: datetime | None = None) -> int | None:
    """Whole days since an open report was reported (None for a closed report).

    >>> from datetime import datetime, timezone
    >>> days_open({"status": "open", "requested_datetime": "2026-11-01T08:00:00+02:00"},
    ...           datetime(2026, 11, 4, 7, 0, tzinfo=timezone.utc))
    3
    """
    if record.get("status") != "open":
        return None
    since = _time(record.get("requested_datetime"))
    if since is None:
        return None
    return max(0, ((at or now()) - since).days)


def shown_time(value: str | None) -> str:
    """An ISO time of the store as people read it: ``2026-11-03 08:30``, South African time
    (empty for none).

    >>> shown_time("2026-11-03T06:30:00+00:00")
    '2026-11-03 08:30'
    """
    when = _time(value)
    return when.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if when else ""


def report_title(record: Mapping[str, Any], at: datetime | None = None) -> str:
    """One line about a report: ``Water: No water at Dikgageng (reported, 3 days open)``."""
    days = days_open(record, at)
    fields = {
        "service": category_label(record["category"]),
        "problem": problem_label(record["problem"]),
        "place": record.get("settlement_name") or record.get("settlement_id"),
        "state": state_label(record["state"]),
    }
    if days is None:
        return _("{service}: {problem} at {place} ({state})", **fields)
    return ngettext(
        "{service}: {problem} at {place} ({state}, {n} day open)",
        "{service}: {problem} at {place} ({state}, {n} days open)",
        days,
        **fields,
    )


def report_facts(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The facts of one report as (what, value) pairs, in reading order, without the empty
    ones (never the contact)."""
    reported = {
        "time": shown_time(record.get("requested_datetime")),
        "channel": channel_label(record["channel"]),
    }
    facts = [
        (_("Settlement"), f"{record.get('settlement_name') or ''} ({record['settlement_id']})"),
        (_("Service"), category_label(record["category"])),
        (_("What is wrong"), problem_label(record["problem"])),
        (_("Service point"), record.get("service_id") or _("not a specific point")),
        (_("Seen"), shown_time(record.get("observed_at"))),
        (
            _("Reported"),
            _("{time} by {reporter} ({channel})", reporter=record["reporter"], **reported)
            if record.get("reporter")
            else _("{time} ({channel})", **reported),
        ),
        (_("State"), state_label(record["state"])),
        (_("Reference"), record.get("reference") or ""),
        (_("Duplicate of"), record.get("duplicate_of") or ""),
        (_("Note"), record.get("description") or ""),
        (_("Latest note"), record.get("status_notes") or ""),
    ]
    return [(what, str(value)) for what, value in facts if value]


def reports_by_id(
    records: Iterable[Mapping[str, Any]], ids: Iterable[str] | None = None
) -> dict[str, Mapping[str, Any]]:
    """Reports by their number, in the order of ``ids`` (unknown ones left out), or all."""
    found = {r["service_request_id"]: r for r in records}
    return found if ids is None else {i: found[i] for i in ids if i in found}


def of_category(
    records: Iterable[Mapping[str, Any]], category: str | None
) -> list[Mapping[str, Any]]:
    """The reports of one service category (all when ``category`` is None)."""
    return [r for r in records if category is None or r["category"] == category]


def other_reports(records: Iterable[Mapping[str, Any]], report_id: str) -> list[Mapping[str, Any]]:
    """The reports a report may duplicate: every other one that is not itself a duplicate."""
    return [
        r for r in records if r["service_request_id"] != report_id and r["state"] != "duplicate"
    ]


def of_settlement(rows: Iterable[Mapping[str, Any]], settlement_id: str) -> list[Mapping[str, Any]]:
    """The rows (reports or counts) of one settlement."""
    return [r for r in rows if r.get("settlement_id") == settlement_id]


def cluster_names(entries: Iterable[SettlementEntry]) -> list[str]:
    """The clusters of the register's settlements, sorted."""
    return sorted({e.cluster for e in entries if e.cluster})


def report_table(
    records: Sequence[Mapping[str, Any]],
    at: datetime | None = None,
    *,
    leave_out: Iterable[str] = (),
) -> pd.DataFrame:
    """The reports as a table people read, in the order given (the queue's: oldest first);
    never a contact column. Its headings are in the language of the session; ``leave_out``
    names columns to leave out by their English headings (``Cluster``)."""
    rows = [
        (
            r["service_request_id"],
            shown_time(r.get("requested_datetime")),
            shown_time(r.get("observed_at")),
            r.get("settlement_name") or r.get("settlement_id"),
            cluster_label(r.get("cluster")),
            category_label(r["category"]),
            problem_label(r["problem"]),
            r.get("service_id") or "",
            state_label(r["state"]),
            days_open(r, at),
            r.get("reference") or "",
        )
        for r in records
    ]
    table = pd.DataFrame(rows, columns=list(_REPORT_COLUMNS))
    table[_DAYS_OPEN] = table[_DAYS_OPEN].astype("Int64")
    table = table.drop(columns=list(leave_out))
    return table.rename(columns={c: _(c) for c in table.columns})


def history_table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A report's history (:func:`atlas.store.history`) as a table, oldest first."""
    return pd.DataFrame(
        [
            (
                shown_time(h.get("at")),
                h.get("actor"),
                state_label(h["state_from"]) if h.get("state_from") else "",
                state_label(h["state_to"]),
                h.get("note") or "",
                h.get("reference") or "",
                h.get("duplicate_of") or "",
            )
            for h in rows
        ],
        columns=list(_HISTORY_COLUMNS),
    ).rename(columns={c: _(c) for c in _HISTORY_COLUMNS})


def count_table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Counts of reports (:func:`atlas.store.report_counts`, either level) with plain headers:
    where, the service, then open, each state and the total."""
    frame = pd.DataFrame(list(rows))
    where = ["name", "cluster"] if "settlement_id" in frame else ["cluster"]
    columns = [*where, "category", "open", *STATES, "total"]
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    frame = frame[columns].copy()
    if "cluster" in frame:
        frame["cluster"] = [cluster_label(c) for c in frame["cluster"]]
    frame["category"] = [category_label(c) for c in frame["category"]]
    headers = {
        "name": _("Settlement"),
        "cluster": _("Cluster"),
        "category": _("Service"),
        "open": _("Open"),
        "total": _("All"),
        **{s: _words(state_label(s)) for s in STATES},
    }
    return frame.rename(columns=headers).reset_index(drop=True)


def _finite(value: Any) -> bool:
    return value is not None and isinstance(value, int | float) and math.isfinite(value)


def report_points(
    records: Sequence[Mapping[str, Any]],
    settlements: Iterable[SettlementEntry] = (),
    at: datetime | None = None,
) -> pd.DataFrame:
    """Where open reports are drawn, and what their tooltip says: ``lon``, ``lat``,
    ``category``, ``problem``, ``state`` (plain words), ``days_open``, ``report``. A report
    about no specific point is drawn at its settlement's point from the register; one with
    neither is left out. Closed reports are left out; contacts are never carried.

    >>> rec = {"service_request_id": "r1", "status": "open", "state": "reported",
    ...        "category": "water", "problem": "no_water", "settlement_id": "S1",
    ...        "requested_datetime": "2026-11-01T08:00:00+02:00", "lon": None, "lat": None,
    ...        "contact": "082 000 0000"}
    >>> entry = SettlementEntry("S1", "Ilanga", None, 28.1, -26.05)
    >>> report_points([rec], [entry]).drop(columns="days_open").to_dict("records")
    [{'lon': 28.1, 'lat': -26.05, 'category': 'Water', 'problem': 'No water', 'state': 'reported', 'report': 'r1'}]
    """
    places = {e.settlement_id: (e.lon, e.lat) for e in settlements}
    rows = []
    for r in records:
        if r.get("status") != "open":
            continue
        lon, lat = r.get("lon"), r.get("lat")
        if not (_finite(lon) and _finite(lat)):
            lon, lat = places.get(str(r.get("settlement_id")), (None, None))
        if not (_finite(lon) and _finite(lat)):
            continue
        rows.append(
            {
                "lon": float(lon),  # type: ignore[arg-type]
                "lat": float(lat),  # type: ignore[arg-type]
                "category": category_label(r["category"]),
                "problem": problem_label(r["problem"]),
                "state": state_label(r["state"]),
                "days_open": days_open(r, at),
                "report": r["service_request_id"],
            }
        )
    columns = ["lon", "lat", "category", "problem", "state", "days_open", "report"]
    return pd.DataFrame(rows, columns=columns)
