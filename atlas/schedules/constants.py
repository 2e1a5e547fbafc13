"""Constants of the water-delivery comparison: time zone, statuses, levels, output fields."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

#: Schedules are written in South African local time (UTC+2 all year).
LOCAL_TZ = ZoneInfo("Africa/Johannesburg")
#: The national basic water supply: 25 litres per person per day (Water Services Act, reg. 3).
BASIC_LITRES_PER_PERSON_DAY = 25.0
#: Outcomes of a scheduled delivery, then of a report that matches no schedule entry.
STATUSES = ("delivered", "late", "short", "missed", "unscheduled")
#: Roll-up levels of :func:`compliance` (besides ``delivery``, the outcomes themselves).
LEVELS = ("settlement", "cluster", "provider", "week", "month")
#: Fields of the delivery-level output, in order.
DELIVERY_COLUMNS = [
    "settlement_id",
    "provider",
    "scheduled_start",
    "scheduled_end",
    "arrived_at",
    "scheduled_litres",
    "delivered_litres",
    "status",
]
#: Fields of a roll-up after its key, in order.
ROLLUP_COLUMNS = [
    "scheduled",
    "delivered",
    "late",
    "short",
    "missed",
    "unscheduled",
    "compliance",
    "litres_per_person_day",
]
_KEYS = {
    "settlement": "settlement_id",
    "cluster": "cluster",
    "provider": "provider",
    "week": "week",
    "month": "month",
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2})[:h](\d{2})(?::(\d{2}))?$")
_NOT_GIVEN = "(not given)"  # i18n-ignore: a provider value of the data, rolled up and exported
