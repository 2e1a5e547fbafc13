"""``atlas audit``: the append-only log of who did what in the store (admins)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from atlas.cli.acting import add_acting, add_store_format, emit, open_cli_store, signed_in
from atlas.store import read_audit

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit`` to the ``atlas`` command."""
    audit = subparsers.add_parser("audit", help="who did what in the store, oldest first (admins)")
    add_acting(audit, role="admin")
    audit.add_argument("--limit", type=int, metavar="N", help="only the newest N rows")
    add_store_format(audit)


def _text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{r['at']}  {r['actor']}  {r['action']}  {r['subject'] or ''}  "
        f"{json.dumps(r['detail'], ensure_ascii=False) if r['detail'] else ''}".rstrip()
        for r in rows
    )


def run(args: argparse.Namespace) -> int:
    """Run ``atlas audit``."""
    store = open_cli_store(args)
    try:
        rows = read_audit(store, signed_in(store, args), limit=args.limit)
    finally:
        store.close()
    emit(args, rows, _text)
    return 0
