"""Problems as data: one problem, worded by each surface (Python arguments, CLI flags, app controls)."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.cli import main
from atlas.cli.wording import CLI
from atlas.errors import CRSError, SchemaError, describe
from atlas.problems import Problem, Report
from atlas.raster import parse_classes
from pages.state.messages import error_text, problem_text
from pages.state.wording import APP

ROOT = Path(__file__).resolve().parents[2]
#: Every parameter name a problem's wording may use, with a stand-in value.
PARAMS = {
    "category": "sanitation",
    "count": 3,
    "layer": "wards",
    "field": "ward_id",
    "table": "schedule",
    "name": "x.tif",
    "item": "x",
    "text": "2,x",
}


def raised_codes() -> set[str]:
    """The problem codes the library gives (``code="…"`` in atlas/, the CLI aside)."""
    codes: set[str] = set()
    for path in (ROOT / "atlas").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "atlas").parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code="([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'code="[a-z_.]+" if .* else "([a-z_]+\.[a-z_]+)"', text))
    return codes


def test_every_code_the_library_gives_is_worded_by_the_cli_and_the_app() -> None:
    codes = raised_codes()
    assert {"crs.missing", "mapping.missing", "schedule.no_period", "hazard.classes"} <= codes
    assert codes <= set(CLI), sorted(codes - set(CLI))
    assert codes <= set(APP), sorted(codes - set(APP))
    assert set(CLI) <= codes and set(APP) <= codes  # no wording for a code nobody gives


@pytest.mark.parametrize("code", sorted(CLI))
def test_each_surface_words_in_its_own_terms(code: str) -> None:
    cli, app = CLI[code].format(**PARAMS), APP[code].format(**PARAMS)
    assert "--" in cli or "atlas " in cli  # the command line names its flags
    assert "--" not in app and "atlas " not in app  # the app never names a flag …
    assert not re.search(r"\w+=[{'\"]", app)  # … nor a Python argument


def test_a_missing_crs_is_one_problem_in_three_wordings(tmp_path: Path) -> None:
    path = tmp_path / "wards.csv"  # a CSV has no CRS; these coordinates are metres
    path.write_text(f'WARD,wkt\n1,"{box(300000, 6200000, 301000, 6201000).wkt}"\n')
    _, report = atlas.load_layer(path, "wards", mapping={"ward_id": "WARD"})
    (problem,) = [p for p in report.errors if p.code == "crs.missing"]
    assert problem.params == {"layer": "wards"}
    assert "crs={'wards': 'EPSG:XXXX'}" in problem.fix  # Python: the argument
    assert "--crs wards=EPSG:XXXX" in problem.fix_in(CLI)  # CLI: the flag
    assert ".prj" in problem.fix_in(APP) and "--crs" not in problem_text(problem)  # app
    record = problem.to_record(CLI)
    assert record["code"] == "crs.missing" and "--crs wards" in record["fix"]


def test_errors_carry_their_problems_and_each_surface_words_them() -> None:
    with pytest.raises(SchemaError) as raised:
        parse_classes("2,x")
    error = raised.value
    assert [p.code for p in error.problems] == ["hazard.classes"]
    assert error.problems[0].params == {"item": "x", "text": "2,x"}
    assert (
        str(error)
        == "Cannot read the hazard class 'x' in '2,x'. Give numbers separated by commas, e.g. '2,3'."
    )
    assert describe(error, CLI).endswith("e.g. --classes 2,3.")
    assert error_text(error) == (
        "Cannot read the hazard class 'x' in '2,x'. Type numbers separated by commas in the "
        "Classes box, e.g. 2, 3."
    )
    assert describe(ValueError("plain"), CLI) == "plain"


def test_a_validation_error_words_its_whole_report() -> None:
    problem = Problem(
        "error", "No CRS.", "Pass crs.", code="crs.missing", params={"layer": "wards"}
    )
    error = atlas.ValidationError(Report("wards", "w.shp", (problem,)))
    assert error.report.problems == (problem,) and error.problems == (problem,)
    assert "Fix: Pass crs." in str(error)
    assert "Fix: Tell the atlas the file's CRS with --crs wards=EPSG:XXXX" in error.describe(CLI)


def test_the_command_line_prints_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(28.0, -26.0)], crs=4326)
    path = tmp_path / "clinics.geojson"
    frame.to_file(path, driver="GeoJSON")
    assert main(["validate", str(path), "--layer", "services"]) == 1
    out = capsys.readouterr().out
    assert "--map \"services.category='VALUE'\"" in out and "mapping=" not in out


def test_a_problem_without_a_code_reads_the_same_everywhere() -> None:
    error = CRSError("Plain words.")
    assert str(error) == error.describe(CLI) == error.describe(APP) == "Plain words."
