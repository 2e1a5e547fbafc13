"""What a long step says while it runs: a line for the terminal that carries a code, so that
whatever shows progress another way (the app's progress bar) knows the step without reading
the words, which are worded for a terminal and may be in any language.

Examples
--------
>>> line = Step("read.services", "reading services from points.gpkg")
>>> print(line)
reading services from points.gpkg
>>> step_code(line), step_code("a plain line")
('read.services', None)
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "Step", "quiet", "step_code"]  # i18n-ignore: names of the API

#: What a step is told to report with: called with each :class:`Step` line.
Progress = Callable[[str], None]


class Step(str):
    """A progress line (the text a terminal shows) with the ``code`` of its step.

    Codes: ``read.settlements``, ``read.services``, ``read.wards``, ``read.clusters`` and
    ``no-services`` while a dataset is read; ``nearby``, ``meet``, ``overlay``, ``coverage``,
    ``attribution`` and (the Dask engine) ``partition`` while the gaps are measured.
    """

    code: str

    def __new__(cls, code: str, text: str) -> Step:
        line = super().__new__(cls, text)
        line.code = code
        return line


def step_code(line: str) -> str | None:
    """The code of a progress line (None for a line that is not a :class:`Step`)."""
    return getattr(line, "code", None)


def quiet(_line: str) -> None:
    """The progress of a step nobody watches."""
    return None
