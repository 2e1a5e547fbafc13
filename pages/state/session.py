"""The session state: every key a browser session keeps, and typed access to what it holds.

Streamlit keeps one ``st.session_state`` per browser session; what one page writes there another
reads (the Water deliveries page's comparison reaches the Clusters page's downloads; a raster
chosen on the Population and hazards page reaches the map). Pages, ``streamlit_app.py`` and the
other :mod:`pages.state` modules touch it only through this module, so each key is spelled once
and each value read back has one type:

* widget keys are the constants of :mod:`pages.state.keys` (``key=keys.LATE_HOURS``) or, for
  widgets made per layer or per field, functions here of what they are for (:func:`upload_key`…);
* values are read with accessors that return the type written or None (``deliveries_used()``,
  ``raster(role)``…) and written with ``set_…``/``remember_…``.

Nothing here is cached: a session's choices are its own (DESIGN §2 rule 6). The signed-in user
of the cluster's records (:func:`user`) lives here too, per browser session, and so does every
widget of the records' pages: their keys start with ``records_``, and signing out
(:func:`forget_user`) removes them all, so that what one person typed or chose never shows to
the next one on a shared laptop or phone. A reporter's contact is never kept here once sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, Final, TypeVar

import streamlit as st

from atlas.store import AddedReport, User
from pages.state.choices import DeliveriesUsed, RasterChoice, Source
from pages.state.keys import (
    AS_OF,
    CATEGORY,
    CLUSTER,
    FORM_BASE,
    FORM_CATEGORY,
    FORM_DISTANCE,
    FORM_LABEL,
    FORM_PER_POINT,
    FORM_UNIT,
    LANGUAGE,
    RECORDS,
    REPORT_CONTACT,
    REPORT_DAY,
    REPORT_NOTE,
    REPORT_POINT,
    REPORT_PROBLEM,
    REPORT_TIME,
    SETTLEMENT,
    STANDARD,
    SUBMISSION_DUE,
    SUBMISSION_RECIPIENT,
    SUBMISSION_REFERENCE,
    contact_key,
    upload_key,
)

__all__ = [
    "ROLES",
    "added_report",
    "apply_chosen_standard",
    "as_of_day",
    "category",
    "choose_language",
    "choose_standard",
    "chosen_language",
    "cluster",
    "deliveries_used",
    "fill_form",
    "forget_user",
    "guest",
    "initial_index",
    "keep_uploads_holder",
    "let_guest_in",
    "linked_report",
    "notice",
    "own_raster",
    "own_standards",
    "raster",
    "raster_upload",
    "remember_as_of",
    "remember_own_raster",
    "remember_raster",
    "remember_services_as_of",
    "report_when",
    "reset_contact_form",
    "reset_report_form",
    "reset_submission_form",
    "restore_as_of",
    "services_as_of",
    "session_language",
    "set_added_report",
    "set_deliveries_used",
    "set_notice",
    "set_settlement",
    "set_source",
    "set_user",
    "set_widget_text",
    "settlement",
    "source",
    "standard",
    "take_form_fill",
    "uploaded",
    "uploaded_file_name",
    "uploads_holder",
    "use_uploaded",
    "user",
    "widget_text",
    "widget_value",
]

T = TypeVar("T")

#: The widgets of the standard form, in the order :func:`fill_form` takes their values.
_FORM = (FORM_BASE, FORM_CATEGORY, FORM_UNIT, FORM_PER_POINT, FORM_DISTANCE, FORM_LABEL)
_AS_OF_DAY: Final = "as_of_day"
_SERVICES_AS_OF: Final = "services_as_of_day"
_RECORDS: Final = RECORDS
#: The roles a raster plays (:func:`raster`).
ROLES: Final = ("population", "hazard")
_GUEST: Final = "guest"

# Values, not widgets.
_SOURCE: Final = "source"
_UPLOADED: Final = "uploaded"
_DELIVERIES_USED: Final = "deliveries_used"
#: The session's own standards (uploaded or built on the Data page), as stored paths.
_OWN_STANDARDS: Final = "own_standards"
#: A standard chosen on the Data page, for the sidebar to select on its next run.
_CHOSEN_STANDARD: Final = "chosen_standard"
#: Values for the standard form, to put in its widgets before they are drawn.
_FORM_FILL: Final = "standard_form_fill"
#: The signed-in user of the cluster's records (an :class:`atlas.store.User`).
_USER: Final = "records_user"
#: The report this session sent last, until its page has shown it.
_ADDED: Final = "records_added"
#: A message for the next run of a place (``sign_in``, ``report``, ``queue``), set by a button.
_NOTICE: Final = "records_notice_"
#: The query parameter of a link to one report on the Reports page.
_LINKED_REPORT: Final = "report"
#: What holds this session's upload folder (removed with the session: pages/state/upload_folder).
_UPLOADS: Final = "upload_folder"


def _get(key: str, kind: type[T]) -> T | None:
    """The value at ``key`` when it is a ``kind``, else None (missing, or never written)."""
    value = st.session_state.get(key)
    return value if isinstance(value, kind) else None


def _set(key: str, value: Any) -> None:
    st.session_state[key] = value


def uploads_holder(kind: type[T]) -> T | None:
    """The holder of this session's upload folder, if it has one (a ``kind``)."""
    return _get(_UPLOADS, kind)


def keep_uploads_holder(holder: object) -> None:
    """Keep the holder of this session's upload folder for as long as the session lives."""
    _set(_UPLOADS, holder)


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"A raster's role is one of {', '.join(ROLES)}, not {role!r}.")
    return role


def initial_index(key: str, options: list[Any], default: Any) -> int:
    """The ``index`` of a selectbox with ``key``: the position of ``default`` until the widget
    holds a value of its own (then the value decides, and index 0 keeps Streamlit from
    warning about a default beside a value set here)."""
    if key in st.session_state:
        if st.session_state[key] not in options:
            del st.session_state[key]
        else:
            return 0
    return options.index(default) if default in options else 0


# The sidebar's choices.


def source() -> Source | None:
    """The dataset this session chose in the sidebar or on the Data page, if any."""
    return _get(_SOURCE, Source)


def set_source(chosen: Source) -> None:
    """Make ``chosen`` the dataset this session looks at."""
    _set(_SOURCE, chosen)


def uploaded() -> Source | None:
    """The files this session uploaded and chose to use on the Data page, if any."""
    return _get(_UPLOADED, Source)


def use_uploaded(files: Source) -> None:
    """Remember uploaded ``files`` as this session's upload, and look at them."""
    _set(_UPLOADED, files)
    set_source(files)


def uploaded_file_name(layer: str) -> str | None:
    """The name of the file uploaded for ``layer`` on the Data page, if any."""
    file = st.session_state.get(upload_key(layer))
    name = getattr(file, "name", None)
    return name if isinstance(name, str) else None


def standard() -> str | None:
    """The standard chosen in the sidebar, if the sidebar has run."""
    return _get(STANDARD, str)


def own_standards() -> tuple[str, ...]:
    """The standards this session uploaded or built on the Data page (stored paths)."""
    return _get(_OWN_STANDARDS, tuple) or ()


def choose_standard(path: str) -> None:
    """Add the stored standard ``path`` to this session's own, to be selected in the sidebar
    on the next run (its selectbox is already drawn on this one)."""
    _set(_OWN_STANDARDS, tuple(dict.fromkeys([*own_standards(), path])))
    _set(_CHOSEN_STANDARD, path)


def apply_chosen_standard() -> None:
    """Select the standard chosen on the Data page, if any (the sidebar calls this before it
    draws the Standard selectbox)."""
    chosen = _get(_CHOSEN_STANDARD, str)
    if chosen is not None:
        del st.session_state[_CHOSEN_STANDARD]
        _set(STANDARD, chosen)


def fill_form(
    base: str, category: str, unit: str, per_point: float, distance: float, label: str
) -> None:
    """Values for the standard form's widgets, put in them on the next run
    (:func:`take_form_fill`): the form then shows the rule just added, to edit."""
    _set(_FORM_FILL, (base, category, unit, per_point, distance, label))


def take_form_fill() -> None:
    """Put the values :func:`fill_form` left into the standard form's widgets (called before
    they are drawn)."""
    values = _get(_FORM_FILL, tuple)
    if values is not None:
        del st.session_state[_FORM_FILL]
        for key, value in zip(_FORM, values, strict=True):
            _set(key, value)


def cluster() -> str | None:
    """The cluster chosen in the sidebar (None: all clusters)."""
    return _get(CLUSTER, str)


def category() -> str | None:
    """The service category chosen in the sidebar, if the sidebar has run."""
    return _get(CATEGORY, str)


def settlement() -> str | None:
    """The settlement chosen on the Settlement profile page, if any."""
    return _get(SETTLEMENT, str)


def set_settlement(settlement_id: str | None) -> None:
    """Choose a settlement for the Settlement profile page's selectbox (before it is drawn)."""
    _set(SETTLEMENT, settlement_id)


# What one page chooses for others.


def deliveries_used() -> DeliveriesUsed | None:
    """The water-delivery comparison last shown on the Water deliveries page, if any."""
    return _get(_DELIVERIES_USED, DeliveriesUsed)


def set_deliveries_used(used: DeliveriesUsed) -> None:
    """Remember the comparison shown, for the Clusters page's downloads and report."""
    _set(_DELIVERIES_USED, used)


def raster(role: str) -> RasterChoice | None:
    """The raster this session chose for ``role`` (``population`` or ``hazard``), if any."""
    return _get(f"{_role(role)}_raster", RasterChoice)


def remember_raster(role: str, choice: RasterChoice | None) -> None:
    """Choose ``choice`` (None: no raster) for ``role``, for every page of this session."""
    _set(f"{_role(role)}_raster", choice)


def raster_upload(role: str) -> str | None:
    """Where this session's own ``role`` raster upload is stored, if it uploaded one."""
    return _get(f"{_role(role)}_upload", str)


def own_raster(role: str) -> RasterChoice | None:
    """This session's own ``role`` raster (its upload, read like the sample's), if any."""
    return _get(f"{_role(role)}_own", RasterChoice)


def remember_own_raster(role: str, path: str, own: RasterChoice) -> None:
    """Remember the upload stored at ``path`` as this session's own ``role`` raster, ``own``,
    and choose it."""
    _set(f"{_role(role)}_upload", path)
    _set(f"{_role(role)}_own", own)
    remember_raster(role, own)


# The cluster's records: the signed-in user, and the widgets of the records' pages.


def user() -> User | None:
    """The user signed in to the cluster's records in this browser session, if any."""
    return _get(_USER, User)


def set_user(signed_in: User) -> None:
    """Sign ``signed_in`` in for this browser session (never any other)."""
    _set(_USER, signed_in)


def forget_user() -> None:
    """Sign out: forget the user and everything typed or chosen on the records' pages."""
    for key in [k for k in st.session_state if str(k).startswith(_RECORDS)]:
        del st.session_state[key]


def guest() -> bool:
    """True when this browser session gave the meeting code (a read-only guest)."""
    return _get(_GUEST, bool) is True


def let_guest_in() -> None:
    """Let this browser session in as a read-only guest (it gave the meeting code)."""
    _set(_GUEST, True)


def widget_text(key: str) -> str:
    """The text in the box ``key`` (empty when it holds none)."""
    return _get(key, str) or ""


def set_widget_text(key: str, text: str) -> None:
    """Put ``text`` in the box ``key`` (from a button's callback, before the box is drawn)."""
    _set(key, text)


def widget_value(key: str) -> Any:
    """What the widget ``key`` holds (None when it has not run)."""
    return st.session_state.get(key)


def keep_map_value(key: str, component_key: str) -> None:
    """What the map component ``component_key`` returned, kept under the page's ``key``."""
    _set(key, st.session_state.get(component_key, {}))


def report_when(now: datetime) -> tuple[date, time]:
    """The day and time the report form shows: what the user chose, else ``now`` (put in
    the widgets before they are drawn, so that their default is the time the form opened)."""
    if _get(REPORT_DAY, date) is None:
        _set(REPORT_DAY, now.date())
    if _get(REPORT_TIME, time) is None:
        _set(REPORT_TIME, now.time().replace(second=0, microsecond=0))
    return st.session_state[REPORT_DAY], st.session_state[REPORT_TIME]


def reset_contact_form(empty: dict[str, Any]) -> None:
    """Give the fields of the form that adds a contact their ``empty`` values (after one is
    added; its role stays for the next one)."""
    for field, value in empty.items():
        _set(contact_key(None, field), value)


def reset_report_form(now: datetime) -> None:
    """Empty the report form's point, problem, note and contact, and set its time to ``now``
    (after a report is sent; the settlement, service and channel stay for the next one).
    Each widget is given its empty value, never just forgotten: a browser keeps showing
    what a forgotten widget held, and a resident's contact must not stay on the screen."""
    _set(REPORT_POINT, None)
    _set(REPORT_PROBLEM, None)
    _set(REPORT_NOTE, "")
    _set(REPORT_CONTACT, "")
    _set(REPORT_DAY, now.date())
    _set(REPORT_TIME, now.time().replace(second=0, microsecond=0))


def reset_submission_form() -> None:
    """Empty the submission form's recipient, reference and due day (after one is recorded;
    the cluster and the day sent stay for the next one)."""
    _set(SUBMISSION_RECIPIENT, "")
    _set(SUBMISSION_REFERENCE, "")
    _set(SUBMISSION_DUE, None)


def added_report() -> AddedReport | None:
    """The report this session sent last, once: the next call gives None."""
    added = _get(_ADDED, AddedReport)
    st.session_state.pop(_ADDED, None)
    return added


def set_added_report(added: AddedReport) -> None:
    """Remember the report just sent, for its page to show on the next run."""
    _set(_ADDED, added)


def notice(place: str) -> tuple[str, str] | None:
    """The message a button left for ``place`` (``("error", text)``, ``("success", text)``),
    once: the next call gives None."""
    value = _get(_NOTICE + place, tuple)
    st.session_state.pop(_NOTICE + place, None)
    return value


def set_notice(place: str, kind: str, text: str) -> None:
    """Leave a message (``error``, ``warning`` or ``success``) for ``place``'s next run."""
    _set(_NOTICE + place, (kind, text))


def linked_report() -> str | None:
    """The report a link opened the Reports page on (``?report=ID``), if any."""
    value = st.query_params.get(_LINKED_REPORT)
    return str(value) if value else None


def as_of_day() -> date | None:
    """The day the Map, Clusters and profile pages show statuses as of (None: today)."""
    return _get(_AS_OF_DAY, date)


def restore_as_of(today: date) -> None:
    """Give the "as of" widget the day chosen on another page (Streamlit forgets a widget's
    state on a page that does not show it), or today."""
    if AS_OF not in st.session_state:
        st.session_state[AS_OF] = as_of_day() or today


def remember_as_of(day: date | None) -> None:
    """Keep the "as of" day for the other pages (None: today)."""
    _set(_AS_OF_DAY, day)


def services_as_of() -> date | None:
    """The date the services file's statuses describe, from the Data page (None: always)."""
    return _get(_SERVICES_AS_OF, date)


def remember_services_as_of(day: date | None) -> None:
    """Keep the services file's date (None: its statuses hold from the beginning)."""
    _set(_SERVICES_AS_OF, day)


#: The ``?lang=`` a link last gave this session (a new one overrides the sidebar's choice).
_LANGUAGE_ASKED: Final = "language_asked"
_LANGUAGE_PARAM: Final = "lang"


def session_language(known: Callable[[str | None], str | None], browser: str | None) -> str:
    """The language of this session: a ``?lang=`` just given, else the sidebar's choice, else
    the browser's (``browser``, Streamlit's ``st.context.locale``), else English; ``known``
    turns a code as written (``zu-ZA``) into the atlas's (``zu``) or None."""
    state = st.session_state
    asked = known(str(st.query_params.get(_LANGUAGE_PARAM) or "")) or None
    if asked is not None and state.get(_LANGUAGE_ASKED) != asked:
        state[_LANGUAGE_ASKED] = asked
        state[LANGUAGE] = asked
    if known(state.get(LANGUAGE)) is None:
        state[LANGUAGE] = known(browser) or "en"
    return str(state[LANGUAGE])


def chosen_language() -> str | None:
    """The language this session chose last (None before its first run)."""
    value = st.session_state.get(LANGUAGE)
    return str(value) if value else None


def choose_language() -> None:
    """The sidebar's language picker changed: the link says so too (``?lang=``), so that a
    reload or a copied link keeps the language."""
    code = str(st.session_state[LANGUAGE])
    st.session_state[_LANGUAGE_ASKED] = code
    st.query_params[_LANGUAGE_PARAM] = code
