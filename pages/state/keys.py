"""Every widget key of the app, by page: one spelling per key, used as ``key=keys.LATE_HOURS``.

Widgets made per layer, field or view get their keys from :mod:`pages.state.session`
(:func:`~pages.state.session.upload_key`…), which is also the only module that reads or writes
the session state. Keys of the cluster's records start with ``records_``: signing out removes
them all (:func:`~pages.state.session.forget_user`).
"""

from __future__ import annotations

from typing import Final

from pages.state.choices import DeliveriesUsed

__all__ = [
    "ADMIN_FORM",
    "ADMIN_NAME",
    "ADMIN_PASSWORD",
    "ADMIN_REPEAT",
    "ADMIN_SUBMIT",
    "AS_OF",
    "CATEGORY",
    "CLUSTER",
    "CONTACT_ADD",
    "CONTACT_CHOSEN",
    "CONTACT_FORM",
    "DELIVERIES_FILE",
    "DELIVERIES_MAP",
    "DELIVERIES_ONLINE_TILES",
    "DOWNLOAD_FORMAT",
    "FORM_ADD",
    "FORM_BASE",
    "FORM_CATEGORY",
    "FORM_DISTANCE",
    "FORM_LABEL",
    "FORM_PER_POINT",
    "FORM_UNIT",
    "GUEST_CODE",
    "GUEST_FORM",
    "GUEST_SUBMIT",
    "LANGUAGE",
    "LATE_HOURS",
    "MAP",
    "METRIC",
    "MUNICIPALITY_NAME",
    "ONLINE_TILES",
    "POSTER_PDF",
    "POSTER_SIZE",
    "QUEUE_CATEGORY",
    "QUEUE_CLUSTER",
    "QUEUE_REPORT",
    "QUEUE_STATES",
    "RECORDS",
    "REPORT_CATEGORY",
    "REPORT_CHANNEL",
    "REPORT_CONTACT",
    "REPORT_DAY",
    "REPORT_NOTE",
    "REPORT_PDF",
    "REPORT_POINT",
    "REPORT_PROBLEM",
    "REPORT_SEND",
    "REPORT_SETTLEMENT",
    "REPORT_TIME",
    "SCHEDULE_FILE",
    "SCHEDULE_PERIOD",
    "SCHEDULE_SOURCE",
    "SERVICES_AS_OF",
    "SETTLEMENT",
    "SHORT_PERCENT",
    "SHOW_APART",
    "SIGN_IN_FORM",
    "SIGN_IN_NAME",
    "SIGN_IN_PASSWORD",
    "SIGN_IN_SUBMIT",
    "SIGN_OUT",
    "STANDARD",
    "STANDARD_DOWNLOAD",
    "STANDARD_FILE",
    "STANDARD_FILE_USE",
    "SUBMISSIONS_CLUSTER",
    "SUBMISSION_ADD",
    "SUBMISSION_ANSWER",
    "SUBMISSION_ANSWERED",
    "SUBMISSION_ANSWER_FORM",
    "SUBMISSION_CHOSEN",
    "SUBMISSION_CLUSTER",
    "SUBMISSION_DUE",
    "SUBMISSION_FORM",
    "SUBMISSION_NEW_REFERENCE",
    "SUBMISSION_RECIPIENT",
    "SUBMISSION_REFERENCE",
    "SUBMISSION_RESPONSE",
    "SUBMISSION_SENT",
    "SUBMISSION_STATUS",
    "ZEROS_ARE_COUNTS",
    "add_category_key",
    "column_key",
    "constant_key",
    "contact_key",
    "crs_key",
    "deliveries_map_key",
    "encoding_key",
    "map_key",
    "report_key",
    "upload_key",
]

# Widget keys, by page. The sidebar (streamlit_app.py):
#: The standard's selectbox (a preset name or the path `atlas serve` was given).
STANDARD: Final = "standard"
#: The cluster's selectbox (None: all clusters).
CLUSTER: Final = "cluster"
#: The service category's selectbox.
CATEGORY: Final = "category"
# Data:
#: The municipality's name (titles reports when the wards give only a code).
MUNICIPALITY_NAME: Final = "municipality_name"
#: The checkbox that keeps 0 households with 0 people as real counts.
ZEROS_ARE_COUNTS: Final = "zeros_are_counts"
#: The uploaded standard file (TOML), and the button that uses it.
STANDARD_FILE: Final = "standard_file"
STANDARD_FILE_USE: Final = "standard_file_use"
#: The download button of the standard in force.
STANDARD_DOWNLOAD: Final = "standard_download"
#: The standard form: the standard it starts from, and the category it adds with its rule.
FORM_BASE: Final = "standard_base"
FORM_CATEGORY: Final = "standard_category"
FORM_UNIT: Final = "standard_unit"
FORM_PER_POINT: Final = "standard_per_point"
FORM_DISTANCE: Final = "standard_distance"
FORM_LABEL: Final = "standard_point_label"
#: The form's button: add the category and use the standard.
FORM_ADD: Final = "standard_add"
# Map, Clusters, Settlement profile, Report, Present (pages.state.view.gaps_shown):
#: The checkbox that shows the gaps of layers that do not meet.
SHOW_APART: Final = "show_apart"
# Map:
#: How settlements are coloured (gap, ratio, coverage).
METRIC: Final = "metric"
#: The OpenStreetMap background toggle of the Map page.
ONLINE_TILES: Final = "online_tiles"
#: The start of the Map page's map key (:func:`map_key`).
MAP: Final = "map"
# Settlement profile:
#: The settlement's selectbox.
SETTLEMENT: Final = "settlement"
# Clusters:
#: The printable report's download button.
REPORT_PDF: Final = "report_pdf"
POSTER_SIZE: Final = "poster_size"
POSTER_PDF: Final = "poster_pdf"
#: The download format's selectbox.
DOWNLOAD_FORMAT: Final = "download_format"
# Water deliveries:
#: Sample or own files.
SCHEDULE_SOURCE: Final = "schedule_source"
#: The uploaded schedule CSV.
SCHEDULE_FILE: Final = "schedule_file"
#: The uploaded delivery reports CSV.
DELIVERIES_FILE: Final = "deliveries_file"
#: The time tolerance, in hours.
LATE_HOURS: Final = "late_hours"
#: The volume tolerance, in percent.
SHORT_PERCENT: Final = "short_percent"
#: The period's date range.
SCHEDULE_PERIOD: Final = "schedule_period"
#: The OpenStreetMap background toggle of the Water deliveries page.
DELIVERIES_ONLINE_TILES: Final = "deliveries_online_tiles"
#: The start of the Water deliveries page's map key (:func:`map_key`).
DELIVERIES_MAP: Final = "deliveries-map"
#: The "Statuses as of" date of the Map, Clusters and profile pages, and the Data page's date
#: of the services file; the day itself is kept under ``_AS_OF_DAY`` across pages.
AS_OF: Final = "as_of"
SERVICES_AS_OF: Final = "services_as_of"

# The cluster's records (every key starts with _RECORDS: signing out removes them all).
# The sidebar's "Sign in" section:
#: The sign-in form, its user name and password boxes, and its button.
SIGN_IN_FORM: Final = "records_sign_in"
SIGN_IN_NAME: Final = "records_sign_in_name"
SIGN_IN_PASSWORD: Final = "records_sign_in_password"
SIGN_IN_SUBMIT: Final = "records_sign_in_submit"
#: The "Sign out" button.
SIGN_OUT: Final = "records_sign_out"
#: The first start's form that creates the admin account (on this computer only).
ADMIN_FORM: Final = "records_admin"
ADMIN_NAME: Final = "records_admin_name"
ADMIN_PASSWORD: Final = "records_admin_password"
ADMIN_REPEAT: Final = "records_admin_repeat"
ADMIN_SUBMIT: Final = "records_admin_submit"
# Report a problem:
REPORT_SETTLEMENT: Final = "records_report_settlement"
REPORT_CATEGORY: Final = "records_report_category"
#: The service point (None: not a specific point).
REPORT_POINT: Final = "records_report_point"
REPORT_PROBLEM: Final = "records_report_problem"
#: The day and the time it was seen (South African time).
REPORT_DAY: Final = "records_report_day"
REPORT_TIME: Final = "records_report_time"
REPORT_NOTE: Final = "records_report_note"
#: The resident's contact (cleared once the report is sent).
REPORT_CONTACT: Final = "records_report_contact"
REPORT_CHANNEL: Final = "records_report_channel"
REPORT_SEND: Final = "records_report_send"
# Reports (the queue):
QUEUE_CLUSTER: Final = "records_queue_cluster"
QUEUE_STATES: Final = "records_queue_states"
QUEUE_CATEGORY: Final = "records_queue_category"
#: The report shown in detail.
QUEUE_REPORT: Final = "records_queue_report"
# Submissions:
#: The list's cluster (None: every cluster).
SUBMISSIONS_CLUSTER: Final = "records_submissions_cluster"
#: The form that records a submission: cluster, recipient, day sent, reference, due day.
SUBMISSION_FORM: Final = "records_submission_form"
SUBMISSION_CLUSTER: Final = "records_submission_cluster"
SUBMISSION_RECIPIENT: Final = "records_submission_recipient"
SUBMISSION_SENT: Final = "records_submission_sent"
SUBMISSION_REFERENCE: Final = "records_submission_reference"
SUBMISSION_DUE: Final = "records_submission_due"
SUBMISSION_ADD: Final = "records_submission_add"
#: The form that records what came of one: which, its status, the day answered, the
#: response, the reference given with it.
SUBMISSION_ANSWER_FORM: Final = "records_submission_answer_form"
SUBMISSION_CHOSEN: Final = "records_submission_chosen"
SUBMISSION_STATUS: Final = "records_submission_status"
SUBMISSION_ANSWERED: Final = "records_submission_answered"
SUBMISSION_RESPONSE: Final = "records_submission_response"
SUBMISSION_NEW_REFERENCE: Final = "records_submission_new_reference"
SUBMISSION_ANSWER: Final = "records_submission_answer"
# Contacts (the widgets of one contact's fields: contact_key):
#: The form that adds a contact, and its button.
CONTACT_FORM: Final = "records_contact_form"
CONTACT_ADD: Final = "records_contact_add"
#: The contact chosen to change or retire.
CONTACT_CHOSEN: Final = "records_contact_chosen"

# The meeting code (atlas serve --share): its form, and whether this session gave it.
GUEST_FORM: Final = "guest_form"
GUEST_CODE: Final = "guest_code"
GUEST_SUBMIT: Final = "guest_submit"

#: The start of every key of the cluster's records: signing out removes them all.
RECORDS: Final = "records_"

# The sidebar's language picker (pages.state.language): the session's language code.
LANGUAGE: Final = "language"


# Widget keys made per layer or field (the Data page), per view (the maps) or per record.


def upload_key(layer: str) -> str:
    """The file uploader of a layer on the Data page (``upload_settlements``…)."""
    return f"upload_{layer}"


def encoding_key(layer: str) -> str:
    """The Encoding box of a layer's upload on the Data page (``encoding_settlements``…)."""
    return f"encoding_{layer}"


def column_key(layer: str, field: str) -> str:
    """The selectbox choosing the column of a layer's field on the Data page."""
    return f"map_{layer}_{field}"


def constant_key(layer: str, field: str) -> str:
    """The text box giving one value of a layer's field for every row, on the Data page."""
    return f"const_{layer}_{field}"


def crs_key(layer: str) -> str:
    """The text box giving the CRS of a layer's uploaded file, on the Data page."""
    return f"crs_{layer}"


def add_category_key(category: str) -> str:
    """The button adding an uploaded layer's unknown ``category`` to the standard."""
    return f"add_category_{category}"


def map_key(prefix: str, *parts: object) -> str:
    """The key of a map (``MAP`` or ``DELIVERIES_MAP``) drawn for ``parts``: a new view is a
    new map component instead of an old one redrawn."""
    return "-".join([prefix, *(str(p) for p in parts)])


def deliveries_map_key(used: DeliveriesUsed, online_tiles: bool) -> str:
    """The key of the Water deliveries page's map of the comparison ``used``."""
    return map_key(
        DELIVERIES_MAP,
        used.source.label,
        used.schedule,
        used.deliveries,
        used.start,
        used.end,
        used.late_hours,
        used.short_percent,
        online_tiles,
    )


def report_key(report_id: str, *parts: object) -> str:
    """The key of a widget about one report on the Reports page (its next step, note…)."""
    return "_".join([f"{RECORDS}queue", report_id, *(str(p) for p in parts)])


def contact_key(contact_id: str | None, field: str) -> str:
    """The key of a widget of one contact on the Contacts page (its ``field``, its buttons):
    of the one chosen to change (its id), or of the form that adds one (None)."""
    return "_".join([f"{RECORDS}contact", contact_id or "new", field])
