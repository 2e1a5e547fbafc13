"""Water delivery schedules against what arrived (DESIGN §5, issue 6).

A *schedule* lists when water tankers or tank refills are promised per settlement: a weekly
entry (``weekday``) with an optional validity period, or a one-off ``date``; a time window
(``start``–``end``, local time in Africa/Johannesburg) and the volume (``litres`` and/or
``tanks``). *Delivery reports* are what residents noted: ``settlement_id``, ``arrived_at``, the
volume, and optionally a reporter and a note.

For a period the schedule is expanded into scheduled deliveries (*slots*). Each report is paired
with at most one slot of the same settlement on the same local day, the nearest in time first
(ties broken by slot start, arrival and file order, so the pairing is deterministic). A slot is

* ``late`` when its report arrived outside the window by more than the time tolerance
  (default 2 hours), even if it was also short;
* ``short`` when the volume reported is below the volume scheduled by more than the volume
  tolerance (default 10 %);
* ``delivered`` otherwise (on time and in full);
* ``missed`` when no report is paired with it.

A report paired with no slot is ``unscheduled``. Compliance is the share of slots delivered on
time and in full. Rows that cannot be used (unknown settlement, unreadable time or date, a day
not in the calendar, negative volume, a schedule of 0 litres, window ending before it starts…)
are reported with their spreadsheet row numbers (the header is row 1) and left out; the other
rows are used. A file none of whose rows can be used is an error, never an empty comparison.

Litres and tanks are read one column at a time (:func:`atlas.load.numbers.read_numbers`):
``10,000`` and ``10 000`` are ten thousand, and the report names the convention understood and
its rows. Each delivery is counted once (:mod:`atlas.schedules.duplicates`): a schedule row that
repeats another exactly is left out; rows for the same settlement, day and window promising
other volumes are all kept, with a warning; reports of the same settlement in the same minute
are one delivery (as in the store), the first kept and the others named.
"""

from __future__ import annotations

from atlas.schedules.constants import (
    BASIC_LITRES_PER_PERSON_DAY,
    DELIVERY_COLUMNS,
    LEVELS,
    LOCAL_TZ,
    ROLLUP_COLUMNS,
    STATUSES,
)
from atlas.schedules.fields import SCHEDULE_TABLES, TableField, parse_table_mapping, read_table
from atlas.schedules.match import classify_deliveries, default_period, expand_schedule
from atlas.schedules.period import litres_note, picked_period
from atlas.schedules.read import clean_deliveries, clean_schedule, read_deliveries, read_schedule
from atlas.schedules.rollup import (
    STATUS_WORDS,
    Comparison,
    compare_files,
    compliance,
    compliance_sentence,
    outcome_records,
    timeline_frame,
)
from atlas.schedules.tables import (
    ROLLUP_LABELS,
    compliance_table,
    delivery_sentences,
    readable_compliance,
    settlement_names,
)

__all__ = [
    "BASIC_LITRES_PER_PERSON_DAY",
    "DELIVERY_COLUMNS",
    "LEVELS",
    "LOCAL_TZ",
    "ROLLUP_COLUMNS",
    "ROLLUP_LABELS",
    "SCHEDULE_TABLES",
    "STATUSES",
    "STATUS_WORDS",
    "Comparison",  # i18n-ignore: a name of the API
    "TableField",
    "classify_deliveries",
    "clean_deliveries",
    "clean_schedule",
    "compare_files",
    "compliance",
    "compliance_sentence",
    "compliance_table",
    "default_period",
    "delivery_sentences",
    "expand_schedule",
    "litres_note",
    "outcome_records",
    "parse_table_mapping",
    "picked_period",
    "read_deliveries",
    "read_schedule",
    "read_table",
    "readable_compliance",
    "settlement_names",
    "timeline_frame",
]
