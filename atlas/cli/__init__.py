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
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import NoReturn

from atlas.cli.console import left_to_exit, start_clean
from atlas.cli.wording import CLI
from atlas.errors import AccessDenied, AtlasError, ValidationError, describe
from atlas.i18n import SOURCE_LANGUAGE, speaking

__all__ = ["EXIT_DATA", "EXIT_INTERNAL", "EXIT_NOPERM", "build_parser", "command", "main"]

#: The exit status of a bug in the atlas (BSD's EX_SOFTWARE).
EXIT_INTERNAL = 70
#: The exit status of a wrong password or a role that does not allow it (BSD's EX_NOPERM).
EXIT_NOPERM = 77

#: The subcommands in the order ``atlas --help`` lists them, each in ``atlas.cli.<name>``.
COMMANDS: tuple[str, ...] = (
    "gaps",
    "export",
    "report",
    "poster",
    "pack",
    "validate",
    "standards",
    "zonal",
    "schedule",
    "serve",
    "db",
    "users",
    "reports",
    "deliveries",
    "contacts",
    "submissions",
    "history",
    "audit",
)

#: The exit status of a command whose input cannot be used.
EXIT_DATA = 1


def command_module(name: str) -> ModuleType:
    """The module of the subcommand ``name`` (``add_parser`` and ``run``), imported now."""
    return importlib.import_module(f"atlas.cli.{name}")


def _chosen(argv: Sequence[str] | None) -> str | None:
    """The subcommand ``argv`` names (its first word that is not an option), if it is one."""
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    return words[0] if words and words[0] in COMMANDS else None


def build_parser(argv: Sequence[str] | None = ()) -> argparse.ArgumentParser:
    """The argument parser of the ``atlas`` command.

    Every subcommand's module is imported to declare its options, except when ``argv`` (the
    arguments about to be parsed, None for the process's) names one: then only that one is,
    so that ``atlas gaps`` does not wait for the store, the PDF writer and the app's server to
    be imported. ``atlas --help`` and a mistyped command still list them all.
    """
    parser = argparse.ArgumentParser(
        prog="atlas",
        description="Settlement Atlas: service gaps of informal settlements against a standard.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback on errors (for bug reports)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _chosen(argv) if argv != () else None
    for name in COMMANDS if chosen is None else (chosen,):
        command_module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``atlas`` command; returns the exit status."""
    start_clean()
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = command_module(args.command).run
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


def command() -> NoReturn:
    """The ``atlas`` program (and ``python -m atlas.cli``): :func:`main`, then the exit.

    When the command left its data to the exit (:func:`atlas.cli.console.leave_to_exit`: its
    output written, nothing else open), the process ends without freeing that data object by
    object: its output flushed, then ``os._exit``.
    """
    code = main()
    if left_to_exit():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
