"""What a command prints: progress lines on standard error, results on standard output or a file."""

from __future__ import annotations

import sys
import time

from atlas.writing import write_file

__all__ = ["Progress", "leave_to_exit", "left_to_exit", "start_clean", "write_result"]

#: What a command left for the process's exit to free (see :func:`leave_to_exit`).
_LEFT: list[object] = []


class Progress:
    """Prints short progress lines with the elapsed time on standard error (none when quiet),
    and warnings (always: ``--quiet`` never hides a row left out or a number in doubt).

    One printer for every subcommand: ``atlas [  1.2s] reading settlements from …``.
    """

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"atlas [{time.perf_counter() - self.start:5.1f}s] {message}", file=sys.stderr)

    def warn(self, message: str) -> None:
        """A warning line, shown even when quiet."""
        print(f"atlas: {message}", file=sys.stderr)


def write_result(text: str, output: str | None, say: Progress, done: str) -> None:
    """Write a command's result to ``output`` (then say ``wrote {done} to PATH``) or to
    standard output, always ending in one newline.

    ``output`` is written like every file the atlas writes (:func:`atlas.writing.write_file`):
    its folders made, whole or not at all, a failure a clear
    :class:`~atlas.errors.DataFileError`.
    """
    text += "" if text.endswith("\n") else "\n"
    if output:
        write_file(output, text)
        say(f"wrote {done} to {output}")
    else:
        sys.stdout.write(text)


def leave_to_exit(*objects: object) -> None:
    """Keep ``objects`` (a dataset, its gaps) until the ``atlas`` process ends, and let it end
    without freeing them one Python object at a time: a national dataset's 3,000,000 points
    took 1.1-1.3 s to free after the output was written. Only ``python -m atlas.cli`` acts on it
    (it flushes its output and ends with ``os._exit``); called in-process, as the tests do, the
    objects are merely kept until the next command starts (:func:`start_clean`).

    A command calls it after its output is written and only when nothing else is left to end
    cleanly (no store open, no Dask cluster, no temporary files).
    """
    _LEFT.extend(objects)


def left_to_exit() -> bool:
    """Whether a command left objects to the exit (they stay referenced: clearing the list
    would free them one by one, the very wait :func:`leave_to_exit` avoids)."""
    return bool(_LEFT)


def start_clean() -> None:
    """Forget what an earlier command called in the same process left (:func:`atlas.cli.main`
    calls it first: the tests run many commands in one process)."""
    _LEFT.clear()
