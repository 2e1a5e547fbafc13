"""The cluster's own records (DESIGN §7): a durable store of the settlements register, users,
residents' reports with their history, and an append-only audit log.

SQLite is the embedded default (one file, WAL, synchronous writes); PostgreSQL serves a hosted
atlas by URL; both through the same SQLAlchemy code, with Alembic migrations. Roles are
enforced here, in the library: every call that reads or changes a user's data takes the acting
:class:`User` (from :func:`sign_in`).

Examples
--------
>>> import tempfile, pathlib, atlas
>>> from atlas import store as st
>>> db = st.open_store(pathlib.Path(tempfile.mkdtemp()) / "atlas.sqlite")
>>> result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
>>> st.sync_register(db, result).settlements_added
30
>>> admin = st.add_user(db, None, "thandi", "admin", "a long password")
>>> sid = result.settlements["settlement_id"].iloc[0]
>>> added = st.add_report(db, admin, st.NewReport(sid, "water", "broken", "2026-11-03T08:30"))
>>> [r["state"] for r in st.list_reports(db, admin)]
['reported']
>>> db.close()
"""

from atlas.store.accounts import (
    User,
    add_user,
    list_users,
    needs_first_admin,
    set_password,
    sign_in,
)
from atlas.store.contacts import (
    CONTACT_ROLES,
    NewContact,
    add_contact,
    import_contacts,
    list_contacts,
    retire_contact,
    update_contact,
)
from atlas.store.deliveries import NewDelivery, add_delivery, withdraw_delivery
from atlas.store.delivery_imports import import_deliveries, read_delivery_rows
from atlas.store.delivery_listing import (
    CombinedDeliveries,
    combine_deliveries,
    compare_with_store,
    delivery_frame,
    list_deliveries,
)
from atlas.store.engine import backup
from atlas.store.fieldforms import import_form_export, read_form_export
from atlas.store.imports import FormVersion, ImportResult, import_reports, read_report_rows
from atlas.store.lifecycle import history, update_report
from atlas.store.listing import list_reports, reveal_contact
from atlas.store.location import DB_ENV, default_path, store_url
from atlas.store.register import (
    RegisterCounts,
    SettlementEntry,
    register_size,
    registered_settlements,
    sync_register,
)
from atlas.store.reports import AddedReport, NewReport, add_report, nearest_services
from atlas.store.store import Store, open_store
from atlas.store.submissions import (
    SUBMISSION_STATES,
    NewSubmission,
    add_submission,
    list_submissions,
    update_submission,
)
from atlas.store.summary import read_audit, report_counts
from atlas.store.surveys import Question, import_survey, parse_question, read_survey
from atlas.store.vocabulary import (
    CHANNELS,
    CLOSED_STATES,
    NEXT_STATES,
    OPEN_STATES,
    OUT_OF_SERVICE,
    PROBLEMS,
    STATES,
    Role,
)

__all__ = [
    "CHANNELS",
    "CLOSED_STATES",
    "CONTACT_ROLES",
    "DB_ENV",
    "NEXT_STATES",
    "OPEN_STATES",
    "OUT_OF_SERVICE",
    "PROBLEMS",
    "STATES",
    "SUBMISSION_STATES",
    "AddedReport",
    "CombinedDeliveries",
    "FormVersion",
    "ImportResult",
    "NewContact",
    "NewDelivery",
    "NewReport",
    "NewSubmission",
    "Question",  # i18n-ignore: a name of the API
    "RegisterCounts",
    "Role",  # i18n-ignore: a name of the API
    "SettlementEntry",
    "Store",  # i18n-ignore: a name of the API
    "User",  # i18n-ignore: a name of the API
    "add_contact",
    "add_delivery",
    "add_report",
    "add_submission",
    "add_user",
    "backup",
    "combine_deliveries",
    "compare_with_store",
    "default_path",
    "delivery_frame",
    "history",
    "import_contacts",
    "import_deliveries",
    "import_form_export",
    "import_reports",
    "import_survey",
    "list_contacts",
    "list_deliveries",
    "list_reports",
    "list_submissions",
    "list_users",
    "nearest_services",
    "needs_first_admin",
    "open_store",
    "parse_question",
    "read_audit",
    "read_delivery_rows",
    "read_form_export",
    "read_report_rows",
    "read_survey",
    "register_size",
    "registered_settlements",
    "report_counts",
    "retire_contact",
    "reveal_contact",
    "set_password",
    "sign_in",
    "store_url",
    "sync_register",
    "update_contact",
    "update_report",
    "update_submission",
    "withdraw_delivery",
]
