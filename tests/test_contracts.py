"""The layering rules of docs/architecture.md, as import-linter contracts (pyproject.toml).

`make test` runs ``lint-imports``; these tests run it too, on the real tree and on a copy with
one deliberate violation of each contract, some inside a function body, to show that every
contract can fail and says which import broke it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = {
    c["id"]: c["name"]
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
}

#: One violation per contract: (contract id, module file, code appended to it, import shown).
VIOLATIONS = [
    (
        "library-draws-nothing",
        "atlas/measure/gaps.py",
        "\n\ndef _draw() -> None:\n    import streamlit  # noqa\n",
        "atlas.measure.gaps -> streamlit",
    ),
    (
        "library-draws-nothing",
        "atlas/load/dataset.py",
        "\n\ndef _show() -> None:\n    from layers import maps  # noqa\n",
        "atlas.load.dataset -> layers.maps",
    ),
    (
        "command-line-no-app",
        "atlas/cli/gaps.py",
        "\n\ndef _app() -> None:\n    import streamlit  # noqa\n",
        "atlas.cli.gaps -> streamlit",
    ),
    (
        "drawing-no-app",
        "layers/text.py",
        "\n\ndef _page() -> None:\n    from pages.state import view  # noqa\n",
        "layers.text -> pages.state.view",
    ),
    (
        "pages-no-cli",
        "pages/state/view.py",
        "\nimport atlas.cli.gaps  # noqa\n",
        "pages.state.view -> atlas.cli.gaps",
    ),
    (
        "pipeline-order",
        "atlas/load/columns.py",
        "\n\ndef _later() -> None:\n    from atlas.measure import gaps  # noqa\n",
        "atlas.load.columns -> atlas.measure.gaps",
    ),
    (
        "private-modules",
        "layers/geometry.py",
        "\nfrom atlas.measure import _nearby  # noqa\n",
        "layers.geometry -> atlas.measure._nearby",
    ),
]

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed: run `make setup`"
)


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the packages under ``root`` (found there first, not installed)."""
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def status(output: str, contract: str) -> str:
    """KEPT or BROKEN, as ``lint-imports`` reports ``contract``."""
    flat = re.sub(r"\s+", " ", output)
    found = re.search(re.escape(CONTRACTS[contract]) + r" (KEPT|BROKEN)", flat)
    assert found, f"{contract} not reported:\n{output}"
    return found.group(1)


def test_every_contract_is_kept_by_the_tree() -> None:
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    for contract in CONTRACTS:
        assert status(run.stdout, contract) == "KEPT"


def test_a_deliberate_violation_of_each_contract_breaks_it(tmp_path: Path) -> None:
    for folder in ("atlas", "layers", "pages"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for _, module, code, _ in VIOLATIONS:
        with (tmp_path / module).open("a", encoding="utf-8") as file:
            file.write(code)
    run = lint(tmp_path)
    assert run.returncode != 0
    flat = re.sub(r"\s+", " ", run.stdout)
    for contract, _, _, shown in VIOLATIONS:
        assert status(run.stdout, contract) == "BROKEN"
        assert shown in flat, f"{shown} not named:\n{run.stdout}"
    assert set(CONTRACTS) == {v[0] for v in VIOLATIONS}
