"""A comparison for people to read: plain sentences and readable compliance tables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import N_, Nn_, _, format_number, ngettext, round_half_up, shown_number
from atlas.schedules.constants import _KEYS

__all__ = [
    "ROLLUP_LABELS",
    "SHOWN_PLACES",
    "compliance_table",
    "delivery_sentences",
    "readable_compliance",
    "settlement_names",
]

#: Plain column names of a compliance roll-up (:data:`ROLLUP_COLUMNS`, in order), marked for
#: the catalogue: a table for people shows ``_(label)``.
ROLLUP_LABELS = {
    "scheduled": N_("Scheduled"),
    "delivered": N_("On time and in full"),
    "late": N_("Late"),
    "short": N_("Short"),
    "missed": N_("Missed"),
    "unscheduled": N_("Not on the schedule"),
    "compliance": N_("Compliance"),
    "litres_per_person_day": N_("Litres per person per day"),
}
#: The heading of a roll-up's key column, by level (the settlement level's is ``Settlement``).
_LEVEL_HEADINGS = {
    "settlement": N_("Settlement"),
    "cluster": N_("Cluster"),
    "provider": N_("Provider"),
    "week": N_("Week"),
    "month": N_("Month"),
}


#: Decimal places the readable table shows (the roll-up itself is exact).
SHOWN_PLACES = {"compliance": 4, "litres_per_person_day": 1}


def settlement_names(settlements: pd.DataFrame) -> dict[str, str]:
    """``settlement_id`` → name (empty where the name is missing), for tables and charts."""
    return dict(zip(settlements["settlement_id"], settlements["name"].fillna(""), strict=True))


def delivery_sentences(outcomes: pd.DataFrame, period: tuple[date, date]) -> list[str]:
    """The delivery level of a comparison in plain words: how many scheduled deliveries
    arrived on time and in full over ``period``, then how many were late, short or missed and
    how many reported deliveries were not on the schedule (each only when there are some).

    Examples
    --------
    >>> outcomes = pd.DataFrame({"status": ["delivered", "late", "missed", "unscheduled"]})
    >>> delivery_sentences(outcomes, (date(2026, 8, 1), date(2026, 8, 31)))[1]
    '1 scheduled delivery was late.'
    """
    counts = outcomes["status"].value_counts()
    scheduled = int(counts.drop("unscheduled", errors="ignore").sum())
    delivered = int(counts.get("delivered", 0))
    start, end = period
    lines = [_period_sentence(scheduled, delivered, start, end)]
    for status, (singular, plural) in _STATUS_SENTENCES.items():
        count = int(counts.get(status, 0))
        if count:
            lines.append(ngettext(singular, plural, count))
    extra = int(counts.get("unscheduled", 0))
    if extra:
        lines.append(
            ngettext(
                "{n} reported delivery was not on the schedule.",
                "{n} reported deliveries were not on the schedule.",
                extra,
            )
        )
    return lines


#: How many scheduled deliveries went wrong, one sentence per outcome.
_STATUS_SENTENCES = {
    "late": Nn_("{n} scheduled delivery was late.", "{n} scheduled deliveries were late."),
    "short": Nn_("{n} scheduled delivery was short.", "{n} scheduled deliveries were short."),
    "missed": Nn_("{n} scheduled delivery was missed.", "{n} scheduled deliveries were missed."),
}


def _period_sentence(scheduled: int, delivered: int, start: date, end: date) -> str:
    """:func:`~atlas.schedules.compliance_sentence` over the period, as one sentence."""
    if scheduled == 0:
        return _(
            "No deliveries were scheduled in this period from {start} to {end}.",
            start=start,
            end=end,
        )
    return ngettext(
        "{delivered} of {n} scheduled delivery arrived on time and in full from {start} to {end}.",
        "{delivered} of {n} scheduled deliveries arrived on time and in full from {start} to "
        "{end}.",
        scheduled,
        delivered=format_number(delivered),
        start=start,
        end=end,
    )


def compliance_table(
    rollup: pd.DataFrame, level: str = "settlement", names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A roll-up of :func:`atlas.schedules.compliance` with plain column names, for people.

    The roll-up's numbers are exact (they are data); here, for reading, compliance is rounded
    to 4 places and litres per person per day to 1 (:data:`SHOWN_PLACES`).

    Parameters
    ----------
    rollup
        The roll-up: its key column, then :data:`ROLLUP_COLUMNS`.
    level
        The roll-up's level. At the settlement level the table starts with ``Settlement`` (the
        name from ``names``) and ``Id``; at other levels with the key, capitalised
        (``Provider``, ``Cluster``, ``Week``, ``Month``).
    names
        ``settlement_id`` → name (see :func:`settlement_names`).

    Raises
    ------
    SchemaError
        An unknown level.
    """
    if level not in _KEYS:
        raise SchemaError(_("Unknown roll-up level '{level}'.", level=level))
    rounded = rollup.assign(
        **{
            # Half up, the one display rule (pandas' round goes to even).
            column: pd.to_numeric(rollup[column], errors="coerce").map(
                lambda v, p=places: round_half_up(v, p)
            )
            for column, places in SHOWN_PLACES.items()
            if column in rollup
        }
    )
    labels = {column: _(label) for column, label in ROLLUP_LABELS.items()}
    if level != "settlement":
        return rounded.rename(columns={_KEYS[level]: _(_LEVEL_HEADINGS[level]), **labels})
    settlement, id_ = _(_LEVEL_HEADINGS["settlement"]), _("Id")
    shown = rounded.rename(columns={"settlement_id": id_, **labels})
    shown.insert(0, settlement, rollup["settlement_id"].map(dict(names or {})))
    return shown[[settlement, id_, *labels.values()]]


#: What an empty litres-per-person cell means: the settlement's population is not known.
POPULATION_NOT_KNOWN = N_("population not known")


def readable_compliance(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`compliance_table` for a page: litres per person per day written as the
    sentences write numbers, and "population not known" where it cannot be worked out (never
    an empty cell that reads "None"); the compliance share stays a number (drawn as a bar).

    >>> table = pd.DataFrame({"Compliance": [0.5, 1.0], "Litres per person per day": [18.3, None]})
    >>> readable_compliance(table)["Litres per person per day"].tolist()
    ['18', 'population not known']
    >>> readable_compliance(table.assign(**{"Litres per person per day": [4.3, 1250.0]}))[
    ...     "Litres per person per day"].tolist()
    ['4.3', '1 250']
    """
    column = _(ROLLUP_LABELS["litres_per_person_day"])
    if column not in table:
        return table
    return table.assign(
        **{column: [shown_number(v, POPULATION_NOT_KNOWN) for v in table[column].tolist()]}
    )
