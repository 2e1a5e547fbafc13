"""The hostile-input suite (issue #19): broken, odd and hostile files, generated per test.

Every case states its expected outcome with one marker, so the suite can be counted by outcome
(``pytest tests/hostile --collect-only -q -m error_case``):

``error_case``
    The input is refused with a clear message: what is wrong, where, and how to fix it, worded
    for the surface that shows it (the command line names flags, the app its controls, Python
    its arguments). Never a traceback.
``warning_case``
    A correct result, with a warning that says exactly what was changed or left out.
``accepted_case``
    Accepted as it is (the reason is in the test's docstring).

Files are generated in ``tmp_path`` (big ones sparsely), never committed as blobs.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder states exactly one outcome."""
    outcomes = ("error_case", "warning_case", "accepted_case")
    for item in items:
        if "tests/hostile/" not in str(item.path).replace("\\", "/"):
            continue
        marked = [name for name in outcomes if item.get_closest_marker(name)]
        if len(marked) != 1:
            raise pytest.UsageError(
                f"{item.nodeid}: a hostile-input case states exactly one outcome "
                f"(one of {', '.join(outcomes)}); it has {marked or 'none'}."
            )
