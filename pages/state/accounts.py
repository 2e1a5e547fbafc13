"""The cluster's store as the app opens it, and who is signed in to it in this browser session.

* **One store per process.** :func:`records_store` opens the store once per address
  (``st.cache_resource``): the address `atlas serve --db` handed over, else
  :func:`atlas.store.store_url` (``ATLAS_DB`` or the default file). The cached object is only
  the connection, the same for everyone; nothing a role may or may not see is cached: pages
  ask the store again on every run, as the signed-in user, and the library checks the role
  on every call.
* **Sign-in per browser session.** The sidebar's "Sign in" section (:func:`sign_in_section`)
  checks the name and password with :func:`atlas.store.sign_in` and keeps the
  :class:`~atlas.store.User` in this session's state only; "Sign out" forgets it with
  everything typed on the records' pages.
* **The first admin, from this computer only.** An empty store offers to create its admin
  account only to a browser on the computer that runs the atlas (:func:`from_this_computer`);
  any other is told to create it there, or with ``atlas users add``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import streamlit as st

from atlas.errors import AtlasError
from atlas.i18n import N_, _
from atlas.store import Role, Store, User, add_user, needs_first_admin, open_store, sign_in
from atlas.store import store_url as default_store_url
from atlas.summaries.records import user_label
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.language import in_session_language
from pages.state.messages import error_text
from pages.state.sources import served_db

__all__ = [
    "SIGN_IN_HELP",
    "from_this_computer",
    "is_local_request",
    "records_store",
    "require",
    "show_notice",
    "sign_in_section",
    "store_address",
]

#: Where a person signs in, as the pages say it (English: translate it where shown).
SIGN_IN_HELP = N_(
    "Sign in under “Sign in” at the bottom of the sidebar (on a phone, open it with the » "
    "button at the top left)."
)
_NO_INSTRUCTIONS = (
    '<style>[data-testid="stSidebar"] [data-testid="InputInstructions"] { display: none; }</style>'
)
#: The roles as the pages' sentences name them ("as a member or above"; translated where shown).
_ROLE_WORDS = {
    Role.VIEWER: N_("viewer"),
    Role.MEMBER: N_("member"),
    Role.COORDINATOR: N_("coordinator"),
    Role.ADMIN: N_("admin"),
}
#: Headers a proxy adds: the browser is then wherever the proxy says, not on this computer.
_FORWARDED = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "x-client-ip")


def store_address() -> str:
    """The address of this app's store: the one `atlas serve --db` opened, else ``ATLAS_DB``
    or the default file (:func:`atlas.store.store_url`)."""
    return served_db() or default_store_url(None).render_as_string(hide_password=False)


@st.cache_resource(max_entries=4, show_spinner=N_("Opening the cluster's records…"))
def _opened(address: str) -> Store:
    # The connection only (an engine, the same for every user): never a role's data.
    return open_store(address)


def records_store() -> Store:
    """The store of this app, opened once per process and address.

    Raises
    ------
    AtlasError
        It cannot be opened (its reason, worded by the library).
    """
    return _opened(store_address())


def _loopback(text: str) -> bool:
    """Whether ``text`` (an address) is one of this computer's own loopback addresses."""
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def _local_host(header: str) -> bool:
    """Whether a ``Host`` header names this computer (``localhost``, a loopback address),
    with or without its port."""
    host = header.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]")[0]
    elif host.count(":") == 1:
        host = host.split(":")[0]
    return host == "localhost" or _loopback(host)


def is_local_request(ip: str | None, headers: Mapping[str, str]) -> bool:
    """Whether a request comes from the computer the atlas runs on.

    ``ip`` is Streamlit's ``st.context.ip_address``: None both for a browser on this computer
    (it maps 127.0.0.1 and ::1 to None) and when the connection is unknown; ``headers`` are
    those of the browser's connection (none when it is unknown). Refused, because unsafe:
    an unknown connection (no headers), a request relayed by a proxy (its forwarding headers:
    the person may be anywhere), and a ``Host`` that is not this computer's own name (a web
    page elsewhere reaching the atlas through a name it controls).

    Examples
    --------
    >>> is_local_request(None, {"Host": "localhost:8501"})
    True
    >>> is_local_request(None, {})
    False
    >>> is_local_request("192.168.1.20", {"Host": "192.168.1.5:8501"})
    False
    >>> is_local_request(None, {"Host": "127.0.0.1:8501", "X-Forwarded-For": "41.13.2.9"})
    False
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if not lowered or any(h in lowered for h in _FORWARDED):
        return False
    if not _local_host(lowered.get("host", "")):
        return False
    return ip is None or _loopback(ip)


def from_this_computer() -> bool:
    """Whether this browser session runs on the computer that runs the atlas (see
    :func:`is_local_request`; unknown counts as not). Streamlit's AppTest has no connection,
    so there the answer is always no: tests that create the first admin replace this
    function."""
    return is_local_request(st.context.ip_address, dict(st.context.headers))


def show_notice(place: str) -> None:
    """Show the message a button left for ``place``, if any."""
    found = session.notice(place)
    if found is not None:
        kind, text = found
        {"error": st.error, "warning": st.warning}.get(kind, st.success)(text)


def _sign_in() -> None:
    name = session.widget_text(keys.SIGN_IN_NAME)
    password = session.widget_text(keys.SIGN_IN_PASSWORD)
    session.set_widget_text(keys.SIGN_IN_PASSWORD, "")  # never kept beyond this call
    try:
        signed_in = sign_in(records_store(), name, password)
    except AtlasError as exc:
        session.set_notice("sign_in", "error", error_text(exc))
        return
    session.set_user(signed_in)


def _create_admin() -> None:
    name = session.widget_text(keys.ADMIN_NAME)
    password = session.widget_text(keys.ADMIN_PASSWORD)
    repeat = session.widget_text(keys.ADMIN_REPEAT)
    for key in (keys.ADMIN_PASSWORD, keys.ADMIN_REPEAT):
        session.set_widget_text(key, "")
    # Checked again here: the form is drawn only on this computer, but a button's message
    # could come from anywhere.
    if not from_this_computer():
        session.set_notice(
            "sign_in",
            "error",
            _(
                "The admin account can only be created in a browser on the computer that runs "
                "the atlas."
            ),
        )
        return
    if password != repeat:
        session.set_notice(
            "sign_in", "error", _("The two passwords are not the same: type the password twice.")
        )
        return
    try:
        admin = add_user(records_store(), None, name, Role.ADMIN, password)
    except AtlasError as exc:
        session.set_notice("sign_in", "error", error_text(exc))
        return
    session.set_user(admin)


def _first_admin() -> None:
    st.subheader(_("First start"))
    if not from_this_computer():
        st.info(
            _(
                "This atlas has no users yet. Its first user, the admin, is created on the "
                "computer that runs the atlas: open the atlas in a browser there, or type "
                "`{command}` in a terminal there.",
                command="atlas users add NAME --role admin --password-stdin",
            )
        )
        return
    st.caption(
        _(
            "This atlas has no users yet. Create its admin account: the admin adds the "
            "coordinators, members and viewers of the clusters."
        )
    )
    st.html(_NO_INSTRUCTIONS)
    with st.form(keys.ADMIN_FORM):
        st.text_input(_("Admin's user name"), key=keys.ADMIN_NAME, autocomplete="username")
        st.text_input(
            _("Password (at least 8 characters)"),
            type="password",
            key=keys.ADMIN_PASSWORD,
            autocomplete="new-password",
        )
        st.text_input(
            _("The same password again"),
            type="password",
            key=keys.ADMIN_REPEAT,
            autocomplete="new-password",
        )
        st.form_submit_button(
            _("Create the admin account"),
            on_click=in_session_language(_create_admin),
            key=keys.ADMIN_SUBMIT,
            type="primary",
            width="stretch",
        )


def sign_in_section() -> None:
    """The sidebar's "Sign in" section: the form, or who is signed in with "Sign out"; the
    first admin's form on an empty store (on this computer only)."""
    st.divider()
    try:
        store = records_store()
        empty = needs_first_admin(store)
    except AtlasError as exc:
        st.caption(error_text(exc, _("The cluster's records cannot be opened")))
        return
    user = session.user()
    if user is not None:
        st.markdown(md(_("Signed in as {user}", user=user_label(user))))
        st.button(
            _("Sign out"), key=keys.SIGN_OUT, on_click=in_session_language(session.forget_user)
        )
        return
    show_notice("sign_in")
    if empty:
        _first_admin()
        return
    st.subheader(_("Sign in"))
    # Streamlit's "Press Enter to submit form" covers a password in a narrow sidebar.
    st.html(_NO_INSTRUCTIONS)
    with st.form(keys.SIGN_IN_FORM):
        st.text_input(_("User name"), key=keys.SIGN_IN_NAME, autocomplete="username")
        st.text_input(
            _("Password"),
            type="password",
            key=keys.SIGN_IN_PASSWORD,
            autocomplete="current-password",
        )
        st.form_submit_button(
            _("Sign in"),
            on_click=in_session_language(_sign_in),
            key=keys.SIGN_IN_SUBMIT,
            type="primary",
            width="stretch",
        )
    st.caption(
        _(
            "For the cluster's own records (reports of broken taps, missed collections…). "
            "Without signing in, the atlas shows the dataset's figures."
        )
    )


def require(needed: Role, doing: str) -> tuple[Store, User]:
    """The store and the signed-in user, when the user's role includes ``needed``; otherwise
    the page says what ``doing`` (in the session's language: ``_("Reporting a problem")``)
    needs and how to sign in, and stops."""
    try:
        store = records_store()
    except AtlasError as exc:
        st.error(error_text(exc, _("The cluster's records cannot be opened")))
        st.stop()
    user = session.user()
    if user is None:
        needs = _(
            "{doing} needs you to sign in, as a {role} or above.",
            doing=doing,
            role=_(_ROLE_WORDS[needed]),
        )
        st.info(f"{needs} {_(SIGN_IN_HELP)}")
        st.stop()
    if not user.can(needed):
        st.warning(
            md(
                _(
                    "You are signed in as {user}: {doing} needs a {role} or above. Ask an "
                    "admin of this atlas for that role.",
                    user=user_label(user),
                    doing=doing.lower(),
                    role=_(_ROLE_WORDS[needed]),
                )
            )
        )
        st.stop()
    return store, user
