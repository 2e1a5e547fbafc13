"""The words of the cluster's records: roles, report states and their steps, channels, and the
problems a report may name per service category (DESIGN §7).

Examples
--------
>>> Role.COORDINATOR.can(Role.MEMBER), Role.MEMBER.can(Role.COORDINATOR)
(True, False)
>>> sorted(NEXT_STATES["reported"])
['confirmed', 'duplicate', 'rejected']
>>> "no_water" in PROBLEMS["water"], "no_water" in OUT_OF_SERVICE
(True, True)
"""

from __future__ import annotations

from enum import IntEnum
from types import MappingProxyType

from atlas.i18n import N_, _

__all__ = [
    "CATEGORY_LABELS",
    "CHANNELS",
    "CLOSED_STATES",
    "NEXT_STATES",
    "OPEN_STATES",
    "OUT_OF_SERVICE",
    "PROBLEMS",
    "PROBLEM_LABELS",
    "STATES",
    "Role",  # i18n-ignore: a name of the API
]


class Role(IntEnum):
    """Who may do what; each role can do everything of the roles before it (cumulative)."""

    #: Sees aggregates only: counts of reports per settlement or cluster, never a report.
    VIEWER = 1
    #: Adds reports for their own cluster and sees its reports, without contact details.
    MEMBER = 2
    #: Confirms, refers, closes; sees reporters' contact details (each reveal audited); exports.
    COORDINATOR = 3
    #: Adds users and reads the audit log.
    ADMIN = 4

    @property
    def label(self) -> str:
        """The role as the commands and the store write it: ``coordinator``."""
        return self.name.lower()

    def can(self, needed: Role) -> bool:
        """True when this role includes ``needed``."""
        return self >= needed

    @classmethod
    def parse(cls, text: str) -> Role:
        """``"member"`` read as :attr:`MEMBER`.

        Raises
        ------
        ValueError
            ``text`` names no role.
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(r.label for r in cls)
            raise ValueError(
                _("'{text}' is not a role: use one of {names}.", text=text, names=names)
            ) from None


#: The lifecycle, after FixMyStreet and Open311 (DESIGN §7), in the order a report goes through.
STATES = ("reported", "confirmed", "referred", "fixed", "not_fixed", "duplicate", "rejected")
#: States of a report someone still has to act on (Open311 status ``open``).
OPEN_STATES = frozenset({"reported", "confirmed", "referred"})
#: States of a closed report (Open311 status ``closed``); each may be reopened as ``reported``.
CLOSED_STATES = frozenset(STATES) - OPEN_STATES

#: The steps a coordinator may take from each state. ``referred`` may be referred again (a new
#: reference number); a report the municipality did not fix may be referred again or found fixed
#: later; a closed report may be reopened.
NEXT_STATES: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "reported": frozenset({"confirmed", "duplicate", "rejected"}),
        "confirmed": frozenset({"referred", "fixed", "not_fixed", "duplicate", "rejected"}),
        "referred": frozenset({"referred", "fixed", "not_fixed", "duplicate"}),
        "not_fixed": frozenset({"referred", "fixed", "reported"}),
        "fixed": frozenset({"reported"}),
        "duplicate": frozenset({"reported"}),
        "rejected": frozenset({"reported"}),
    }
)

#: How a report reached the atlas: ``kobo`` and ``odk`` are field forms sent from phones
#: (KoboToolbox and ODK Central exports), ``survey`` a periodic survey's "no" answer.
CHANNELS = ("app", "paper", "meeting", "kobo", "sms", "odk", "survey")

#: What may be wrong, per service category (the first entries are the commonest).
PROBLEMS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "water": (
            "broken",
            "no_water",
            "leaking",
            "low_pressure",
            "dirty_water",
            "unsafe",
            "other",
        ),
        "sanitation": (
            "broken",
            "not_cleaned",
            "overflowing",
            "blocked",
            "no_water",
            "unsafe",
            "other",
        ),
        "electricity": ("broken", "no_power", "exposed_wires", "unsafe", "other"),
        "waste": (
            "missed_collection",
            "overflowing",
            "illegal_dumping",
            "broken",
            "unsafe",
            "other",
        ),
    }
)

#: Problems that put a service point out of service while a confirmed report about it is open
#: (status as of a date, DESIGN §4).
OUT_OF_SERVICE = frozenset({"broken", "no_water", "no_power", "blocked"})

#: The words people read for each category and problem (the store keeps the codes; translated
#: where shown: the field form, the reports' tables).
CATEGORY_LABELS = {
    "water": N_("Water"),
    "sanitation": N_("Toilets and sanitation"),
    "electricity": N_("Electricity and lights"),
    "waste": N_("Refuse and waste"),
}
PROBLEM_LABELS = {
    "broken": N_("Broken"),
    "no_water": N_("No water"),
    "leaking": N_("Leaking"),
    "low_pressure": N_("Low pressure"),
    "dirty_water": N_("Dirty water"),
    "unsafe": N_("Unsafe"),
    "other": N_("Something else"),
    "not_cleaned": N_("Not cleaned"),
    "overflowing": N_("Overflowing"),
    "blocked": N_("Blocked"),
    "no_power": N_("No power"),
    "exposed_wires": N_("Exposed wires"),
    "missed_collection": N_("Collection missed"),
    "illegal_dumping": N_("Illegal dumping"),
}
