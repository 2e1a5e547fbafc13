"""``atlas pack``: a submission pack of one cluster to a ward councillor, the IDP office, the
MPAC chair, the Speaker or a department (an A4 PDF: letter, evidence, method, signature sheet).

The recipient is found here, not in the pack: with a store (``--db``/``--as``) among its
contacts; else, for a ward councillor, in the wards layer's ``councillor`` field; else the
letter is addressed to the office, and the command says so. ``--record`` keeps the submission
in the store (with the PDF's SHA-256).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from atlas.cli.acting import PASSWORD_ENV, add_acting, open_cli_store, password_of, signed_in
from atlas.cli.console import Progress
from atlas.cli.inputs import add_allow_apart, apart_notes, measure, say_warnings
from atlas.cli.options import (
    add_data_options,
    add_delivery_options,
    add_language,
    add_raster_options,
)
from atlas.cli.timing import add_as_of, lives_of, statuses_note
from atlas.errors import SchemaError
from atlas.history import as_of, scope_of
from atlas.load import Dataset
from atlas.measure import GapResult
from atlas.schedules import compare_files, compliance
from atlas.store import Role, Store, User, list_reports
from atlas.store.times import today
from atlas.summaries.legal import PACK_RECIPIENTS
from atlas.summaries.pack import REPLY_WITHIN
from atlas.summaries.pack_recipient import Recipient, check_ward, main_ward, resolve_recipient
from atlas.summaries.pack_words import check_language

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pack`` to the ``atlas`` command."""
    pack = subparsers.add_parser(
        "pack",
        help="a submission pack of one cluster: a one-page letter with the law and the asks, "
        "the evidence, how the numbers were made and a signature sheet (A4 PDF)",
    )
    add_data_options(pack)
    add_allow_apart(pack)
    add_raster_options(pack)
    pack.add_argument("--cluster", required=True, metavar="NAME", help="the cluster it is from")
    pack.add_argument(
        "--to", required=True, choices=PACK_RECIPIENTS, help="who the letter is addressed to"
    )
    pack.add_argument(
        "--ward",
        metavar="ID",
        help="the ward (its ward_id; default: the ward most of the cluster's households are in)",
    )
    pack.add_argument(
        "--category",
        default="water",
        metavar="C",
        help="the department's service: water, sanitation, electricity, waste (default: water)",
    )
    add_language(pack, "the pack")
    pack.add_argument("--output", required=True, metavar="PATH", help="the PDF to write")
    pack.add_argument(
        "--municipality",
        dest="municipality_name",
        metavar="NAME",
        help="the same as --municipality-name (default: from the wards)",
    )
    add_delivery_options(pack)
    add_acting(pack, required=False)
    add_as_of(pack)
    pack.add_argument(
        "--record",
        action="store_true",
        help="record the submission in the store, sent today (needs --db and --as)",
    )


@contextlib.contextmanager
def _one_password(args: argparse.Namespace) -> Iterator[None]:
    """The acting user's password asked for once: the statuses, the reports, the contacts
    and the record each sign in, and a person at a terminal types it one time."""
    if not getattr(args, "acting", None) or PASSWORD_ENV in os.environ:
        yield
        return
    os.environ[PASSWORD_ENV] = password_of(args.acting)
    try:
        yield
    finally:
        os.environ.pop(PASSWORD_ENV, None)


def _deliveries(
    args: argparse.Namespace, result: GapResult, say: Progress
) -> tuple[pd.DataFrame | None, tuple[date, date] | None]:
    """Compliance per settlement of ``--schedule`` against ``--deliveries``, and the period
    compared (None, None without them)."""
    if args.schedule is None and args.deliveries is None:
        return None, None
    if args.schedule is None or args.deliveries is None:
        raise SchemaError(
            "Give both --schedule and --deliveries (or neither): the schedule is compared with "
            "the delivery reports."
        )
    settlements = pd.DataFrame(result.settlements.drop(columns="geometry"))
    ids = [str(s) for s in settlements["settlement_id"].dropna()]
    comparison = compare_files(args.schedule, args.deliveries, ids)
    say_warnings(comparison.reports, say)
    say(f"compared the delivery schedule with the reports from {comparison.period[0]} to "
        f"{comparison.period[1]}")  # fmt: skip
    return compliance(comparison.outcomes, "settlement", settlements=settlements), comparison.period


def _contacts(store: Store, user: User, args: argparse.Namespace, ward: str | None) -> list[Any]:
    """The store's contacts of the recipient's role valid today (a ward councillor's of the
    ward; every department's: the pack prefers the category's, else one with no category)."""
    from atlas.store.contacts import list_contacts

    ward_id = ward if args.to == "ward_councillor" else None
    return list(list_contacts(store, user, role=args.to, ward_id=ward_id, on=today()))


def _references(store: Store, user: User, cluster: str) -> dict[str, str | None]:
    """The municipality's reference per report, for a reader who may list the reports."""
    if not user.can(Role.MEMBER) or (user.role is Role.MEMBER and user.cluster != cluster):
        return {}
    return {
        r["service_request_id"]: r.get("reference")
        for r in list_reports(store, user, cluster=cluster)
    }


def _said(recipient: Recipient, say: Progress, *, with_store: bool = False) -> None:
    if recipient.source == "contacts":
        say(f"addressed to {recipient.line} (the store's contacts)")
    elif recipient.source == "wards":
        say(f"addressed to {recipient.line} (the councillor the wards layer names)")
    else:
        how = (
            "add the contact with atlas contacts add or import, or on the Contacts page"
            if with_store
            else "add the contact to the store, and give --db and --as"
        )
        say.warn(
            f"no contact is known for the {recipient.title}: the letter is addressed to "
            f"'{recipient.addressee}' ({how}, to address it by name)"
        )


def _record(
    store: Store, user: User, args: argparse.Namespace, recipient: Recipient, pdf: bytes
) -> str:
    from atlas.store.submissions import NewSubmission, add_submission

    sent = today()
    return add_submission(
        store,
        user,
        NewSubmission(
            cluster=args.cluster,
            recipient=recipient.line,
            sent=sent,
            recipient_role=args.to,
            contact_id=recipient.contact_id,
            pack_sha256=hashlib.sha256(pdf).hexdigest(),
            due=sent + REPLY_WITHIN,
        ),
    )


def _check(args: argparse.Namespace, dataset: Dataset, result: GapResult) -> str | None:
    """The cluster (unknown: the message lists them), the category and the ward."""
    _, members = scope_of(result.settlements, cluster=args.cluster)
    if args.category not in result.standard.categories:
        raise SchemaError(
            f"--category {args.category}: the standard measures "
            f"{', '.join(result.standard.categories)}; give one of them."
        )
    if args.ward:
        return check_ward(result, dataset.wards, args.ward, members["settlement_id"])
    return main_ward(result, members["settlement_id"])


def run(args: argparse.Namespace) -> int:
    """Run ``atlas pack``; errors are raised for the CLI boundary to print."""
    check_language(args.lang)
    uses_store = bool(args.db or args.acting)
    if args.record and not (args.db and args.acting):
        raise SchemaError(
            "--record keeps the submission in the cluster's store: add --db URL and --as USER "
            "(or leave --record out to make the PDF only)."
        )
    if uses_store and not args.acting:
        raise SchemaError("A store's contacts and reports need a user: add --as USER.")
    # fpdf2 and matplotlib load only when a pack is asked for.
    from layers.pack_pdf import submission_pack

    say = Progress(args.quiet)
    with _one_password(args):
        dataset, result = measure(args, say)
        ward = _check(args, dataset, result)
        per_settlement, period = _deliveries(args, result, say)
        contacts: list[Any] = []
        lives, references, moment = None, None, None
        store: Store | None = None
        user: User | None = None
        try:
            if uses_store:
                lives = lives_of(args, say)
                store = open_cli_store(args)
                user = signed_in(store, args)
                contacts = _contacts(store, user, args, ward)
                references = _references(store, user, args.cluster)
                moment = as_of(args.as_of) if args.as_of else datetime.now().astimezone()
            recipient = resolve_recipient(
                args.to,
                contacts=contacts,
                wards=dataset.wards,
                ward_id=ward,
                category=args.category,
                on=today(),
            )
            _said(recipient, say, with_store=uses_store)
            say(f"drawing the submission pack of {args.cluster}")
            pdf = submission_pack(
                result,
                dataset,
                args.cluster,
                recipient,
                Path(args.output),
                generated=today(),
                language=args.lang,
                municipality=args.municipality_name,
                sources=[*statuses_note(args), *apart_notes(result)],
                compliance=per_settlement,
                delivery_period=period,
                lives=lives,
                moment=moment,
                references=references,
            )
            say(f"wrote {args.output}")
            if args.record and store is not None and user is not None:
                sid = _record(store, user, args, recipient, pdf)
                say(f"recorded the submission as {sid}")
        finally:
            if store is not None:
                store.close()
    return 0
