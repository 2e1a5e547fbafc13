"""Time (DESIGN §4 and §7): service points' statuses as of a date, changed by the cluster's
confirmed reports; days out of service; the municipality's response time; and histories per
period of a settlement, a cluster or every settlement.

The reports come from the store as lifecycles (:func:`atlas.store.timeline.report_lives`): ids,
categories, problems and times, never a text or a contact. Everything here is a pure function
of a dataset, its gaps and those lifecycles.

* :mod:`atlas.history.moments`: "as of" a date, a services file's date, periods.
* :mod:`atlas.history.outages`: when a confirmed report put a point out of service.
* :mod:`atlas.history.status`: a point's status at a moment; a dataset as of a date; days out
  of service.
* :mod:`atlas.history.responses`: reports opened, fixed, open for long, median days to fix.
* :mod:`atlas.history.timeline`: :func:`history`, all of it per period.
"""

from atlas.history.moments import STEPS, Period, as_of, periods, since
from atlas.history.outages import Spell, spells
from atlas.history.responses import RESPONSE_FIELDS, responses
from atlas.history.status import (
    dataset_as_of,
    days_out_of_service,
    out_of_service_for,
    status_at,
    statuses_as_of,
)
from atlas.history.timeline import PERIOD_FIELDS, POINT_FIELDS, History, history, scope_of

__all__ = [
    "PERIOD_FIELDS",
    "POINT_FIELDS",
    "RESPONSE_FIELDS",
    "STEPS",
    "History",  # i18n-ignore: a name of the API
    "Period",  # i18n-ignore: a name of the API
    "Spell",  # i18n-ignore: a name of the API
    "as_of",
    "dataset_as_of",
    "days_out_of_service",
    "history",
    "out_of_service_for",
    "periods",
    "responses",
    "scope_of",
    "since",
    "spells",
    "status_at",
    "statuses_as_of",
]
