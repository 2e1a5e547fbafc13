"""The ``atlas`` command line, one module per subcommand.

``gaps``, ``export``, ``report``, ``poster``, ``pack``, ``validate``, ``standards``, ``schedule``,
``zonal``, ``serve`` and the store's ``db``, ``users``, ``reports``, ``deliveries``, ``history``
and ``audit`` each have a module here with ``add_parser(subparsers)`` and ``run(args)``; the options
they share are declared once in :mod:`atlas.cli.options`, progress and results are printed by
:mod:`atlas.cli.console`. This package is an entry point, like ``pages/``: it may import
``layers`` (the HTML map, the PDF); the rest of ``atlas`` never does.

Bad input of any kind ends in one paragraph on standard error saying what is wrong and how to fix
it, and a non-zero exit status: never a Python traceback (``--debug`` shows one for bug reports).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from atlas.cli import (
    audit,
    contacts,
    db,
    deliveries,
    export,
    gaps,
    history,
    pack,
    poster,
    report,
    reports,
    schedule,
    serve,
    standards,
    submissions,
    users,
    validate,
    zonal,
)
from atlas.cli.validate import EXIT_DATA
from atlas.cli.wording import CLI
from atlas.errors import AccessDenied, AtlasError, ValidationError, describe
from atlas.i18n import SOURCE_LANGUAGE, speaking

__all__ = ["EXIT_DATA", "EXIT_INTERNAL", "EXIT_NOPERM", "build_parser", "main"]

#: The exit status of a bug in the atlas (BSD's EX_SOFTWARE).
EXIT_INTERNAL = 70
#: The exit status of a wrong password or a role that does not allow it (BSD's EX_NOPERM).
EXIT_NOPERM = 77

#: The subcommands in the order ``atlas --help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "gaps": gaps,
    "export": export,
    "report": report,
    "poster": poster,
    "pack": pack,
    "validate": validate,
    "standards": standards,
    "zonal": zonal,
    "schedule": schedule,
    "serve": serve,
    "db": db,
    "users": users,
    "reports": reports,
    "deliveries": deliveries,
    "contacts": contacts,
    "submissions": submissions,
    "history": history,
    "audit": audit,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``atlas`` command."""
    parser = argparse.ArgumentParser(
        prog="atlas",
        description="Settlement Atlas: service gaps of informal settlements against a standard.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback on errors (for bug reports)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``atlas`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = COMMANDS[args.command].run
    try:
        # The documents of --lang (report, pack, poster) are written in it, and so are the
        # messages about their data; every other command speaks English.
        with speaking(getattr(args, "lang", None) or SOURCE_LANGUAGE):
            return run(args)
    except ValidationError as exc:
        print(
            f"atlas: the input has problems that must be fixed first.\n{describe(exc, CLI)}",
            file=sys.stderr,
        )
        return EXIT_DATA
    except AccessDenied as exc:
        print(f"atlas: refused: {describe(exc, CLI)}", file=sys.stderr)
        return EXIT_NOPERM
    except (AtlasError, OSError) as exc:
        if args.debug:
            raise
        print(f"atlas: error: {describe(exc, CLI)}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI boundary: a bug must still not greet a user with a traceback
        if args.debug:
            raise
        print(
            f"atlas: internal error ({type(exc).__name__}: {exc}). This is a bug in the atlas: "
            "please report it with the command you ran, adding --debug to show the details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
