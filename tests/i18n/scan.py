"""Find the strings a person reads that are not in the catalogue (DESIGN §8).

A string literal (or f-string) in ``atlas/``, ``layers/``, ``pages/`` or ``streamlit_app.py`` is
taken as written for people when it reads as prose: two words of letters (``"No ward"``), or one
capitalised word (``"Households"``). It must then be marked for the catalogue, inside a call of
:func:`atlas.i18n._`, ``N_``, ``ngettext``, ``pgettext`` or ``npgettext``.

Not for people, so not reported:

- docstrings, ``assert`` messages, messages of Python's own exceptions (``ValueError``…, a bug
  in the calling code, not a problem of the data), log lines and Python warnings;
- the command line's own words (``atlas/cli/``: its help and its lines at a terminal are English,
  for planners and researchers; the documents it writes take ``--lang``);
- a line that says why with ``# i18n-ignore: <reason>`` (SQL, CSS, a file's own column names),
  and a module whose first lines say ``# i18n-ignore-file: <reason>``.

Run ``python -m tests.i18n.scan [PATH …]`` to list what is left, file by file.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("atlas", "layers", "pages", "streamlit_app.py")
#: Folders whose words are not translated, with the reason (see the module's note).
NOT_SCANNED = {"atlas/cli": "the command line speaks English; its documents take --lang"}
MARKERS = {"_", "N_", "Nn_", "ngettext", "pgettext", "npgettext"}
#: Python's own exceptions: their messages are for whoever wrote the calling code.
BUILTIN_ERRORS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}
LOGGERS = {"log", "logger", "_log", "_logger", "LOG", "logging"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
IGNORE_LINE = "# i18n-ignore:"
IGNORE_FILE = "# i18n-ignore-file:"

_PROSE = re.compile(r"[A-Za-z]{2,}[ \t]+[A-Za-z(“\"']")
_CAPITALISED = re.compile(r"^\s*[A-Z][a-z]{2,}[.:…]?\s*$")


@dataclass(frozen=True)
class Unmarked:
    """A string for people that the catalogue does not have."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text[:90]!r}"


def reads_as_prose(text: str) -> bool:
    """Whether ``text`` is written for a person (see the module's note).

    >>> reads_as_prose("No ward"), reads_as_prose("Households"), reads_as_prose("settlement_id")
    (True, True, False)
    >>> reads_as_prose("EPSG:4326"), reads_as_prose("<br>"), reads_as_prose("{n} taps")
    (False, False, False)
    """
    words = re.sub(r"<[^>]*>|\{[^}]*\}|&[a-z]+;", " ", text)
    return bool(_PROSE.search(words) or _CAPITALISED.match(words))


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{x}"
            for v in node.values
        )
    return None


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _exempt_call(call: ast.Call) -> bool:
    func = call.func
    name = _name(func)
    if name in MARKERS:
        return True
    if isinstance(func, ast.Attribute) and name in LOG_METHODS:
        owner = func.value
        return _name(owner) in LOGGERS or name == "exception"
    return name == "warn"  # warnings.warn: for whoever runs the code


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _literal_text(body[0].value) is not None:
                found.add(id(body[0].value))
    return found


def _walk(node: ast.AST, exempt: bool, skip: set[int]) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under ``node`` with whether a marker, a log call, an assert or a built-in
    exception holds it."""
    for child in ast.iter_child_nodes(node):
        held = exempt
        if (isinstance(child, ast.Call) and _exempt_call(child)) or isinstance(child, ast.Assert):
            held = True
        elif isinstance(child, ast.Raise) and child.exc is not None:
            exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
            held = held or _name(exc) in BUILTIN_ERRORS
        elif isinstance(child, ast.JoinedStr):
            yield child, held
            continue  # its parts are the one string
        yield child, held
        yield from _walk(child, held, skip)


def unmarked_in(path: Path) -> list[Unmarked]:
    """The strings for people in the Python file ``path`` that are not marked."""
    source = path.read_text(encoding="utf-8")
    head = source.splitlines()[:5]
    if any(line.startswith(IGNORE_FILE) for line in head):
        return []
    lines = source.splitlines()
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    rel = path.resolve().relative_to(ROOT).as_posix()
    found = []
    for node, exempt in _walk(tree, False, docstrings):
        text = _literal_text(node)
        if text is None or exempt or id(node) in docstrings or not reads_as_prose(text):
            continue
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        span = lines[first - 1 : last]
        if any(IGNORE_LINE in line for line in span):
            continue
        found.append(Unmarked(rel, first, text))
    return found


def scanned_files(paths: Iterable[str] = SCANNED) -> list[Path]:
    """The Python files under ``paths`` (relative to the project), less :data:`NOT_SCANNED`."""
    files: list[Path] = []
    for name in paths:
        target = (ROOT / name).resolve()
        found = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for file in found:
            rel = file.relative_to(ROOT).as_posix()
            if not any(rel.startswith(folder + "/") for folder in NOT_SCANNED):
                files.append(file)
    return files


def unmarked(paths: Iterable[str] = SCANNED) -> list[Unmarked]:
    """Every unmarked string for people under ``paths``."""
    return [found for file in scanned_files(paths) for found in unmarked_in(file)]


if __name__ == "__main__":
    left = unmarked(sys.argv[1:] or SCANNED)
    for item in left:
        print(item)
    print(f"{len(left)} strings for people are not in the catalogue", file=sys.stderr)
    sys.exit(1 if left else 0)
