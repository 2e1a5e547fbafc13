"""The project's set-up: pinned installs, conda and pip in step, the two commands.

The layering rules of DESIGN §2 are import-linter contracts (tests/test_contracts.py).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _environment_names() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        item = line.strip()
        if item.startswith("- ") and not item.endswith(":"):
            names.add(_name(item[2:]))
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert _environment_names() == wanted


def test_every_dependency_is_pinned_in_constraints() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {
        _name(line): line
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        assert _name(requirement) in pinned, f"{requirement} is not pinned in constraints.txt"


def test_layout_and_two_commands() -> None:
    for folder in ("atlas", "layers", "pages", "data", "tests", "benchmarks"):
        assert (ROOT / folder).is_dir()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme[:1500] and "make test" in readme[:1500]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
