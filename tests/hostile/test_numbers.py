"""Numbers as people write them in counts and litres (issue #19: never a silent change).

Thousands separators and decimal commas are understood per column, with a warning that names
the column, the convention and the rows; what cannot be read for sure (text, Infinity, NaN,
1e400, a column mixing conventions, a count too large to keep exact) is refused, with the rows
and values named, through the library, the command line and the app's upload path.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import atlas
from atlas.cli import main
from atlas.cli.wording import CLI
from atlas.load.numbers import EXACT_LIMIT, read_numbers
from pages.state.messages import report_text
from pages.state.uploads import check_layer, store_upload
from pages.state.wording import APP

SQUARES = [box(28.0 + 0.02 * i, -26.0, 28.01 + 0.02 * i, -25.99) for i in range(4)]
SETTLEMENTS_MAP = ("settlements.settlement_id=code",)


def settlements_csv(path: Path, households: list[str]) -> Path:
    """A settlements CSV (WKT squares) whose households column holds ``households`` as typed."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "households", "wkt"])
        for i, value in enumerate(households):
            writer.writerow([f"S{i + 1}", f"Place {i + 1}", value, SQUARES[i].wkt])
    return path


def services_csv(path: Path) -> Path:
    """One working tap in the first square."""
    path.write_text("id,category,status,lon,lat\nT1,water,working,28.005,-25.995\n")
    return path


def loaded(path: Path) -> tuple[gpd.GeoDataFrame, atlas.Report]:
    return atlas.load_layer(path, "settlements", mapping={"settlement_id": "code"})


def only(report: atlas.Report, code: str) -> atlas.Problem:
    (problem,) = [p for p in report.problems if p.code == code]
    return problem


def gaps_json(
    settlements: Path, services: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[list[dict[str, object]], str]:
    """``atlas gaps --format json``: its records and its stderr (exit 0, no traceback)."""
    assert (
        main(
            [
                *("gaps", "--settlements", str(settlements), "--services", str(services)),
                *("--map", "settlements.settlement_id=code", "--format", "json"),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return json.loads(captured.out), captured.err


# -- the reader on its own ---------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("typed", "integer", "read", "convention"),
    [
        (
            ["10,000", "2,500"],
            True,
            [10000, 2500],
            "a comma as thousands separator ('10,000' = 10000)",
        ),
        (
            ["10 000", "2 500"],
            True,
            [10000, 2500],
            "a space as thousands separator ('10 000' = 10000)",
        ),
        (["10\u00a0000", "7"], True, [10000, 7], "a space as thousands separator"),
        (["10\u2009000", "7"], True, [10000, 7], "a space as thousands separator"),
        (
            ["10.000", "2.500"],
            True,
            [10000, 2500],
            "a dot as thousands separator ('10.000' = 10000)",
        ),
        (
            ["1'000", "12"],
            True,
            [1000, 12],
            "an apostrophe as thousands separator ('1'000' = 1000)",
        ),
        (["1\u2019000", "12"], True, [1000, 12], "an apostrophe as thousands separator"),
        (["10,5", "3"], False, [10.5, 3], "a decimal comma ('10,5' = 10.5)"),
        (
            ["1.234,5", "0,25"],
            False,
            [1234.5, 0.25],
            "a dot as thousands separator and a decimal comma",
        ),
        (
            ["1,234.5", "2"],
            False,
            [1234.5, 2],
            "a comma as thousands separator ('1,234.5' = 1234.5)",
        ),
        (["10,000"], False, [10000], "a comma as thousands separator ('10,000' = 10000)"),
    ],
)
def test_a_column_convention_is_understood_and_said(
    typed: list[str], integer: bool, read: list[float], convention: str
) -> None:
    """Read by the column's one convention; the convention and the rows that needed it said."""
    reading = read_numbers(pd.Series(typed), integer=integer)
    assert reading.values.tolist() == read
    assert reading.convention is not None and reading.convention.startswith(convention)
    assert reading.refused == () and reading.changed[0] == 1


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("typed", "refused", "reasons"),
    [
        (["1,234", "1.5", "7"], (1, 2), ("ambiguous", "ambiguous")),
        (["10.000", "1.5"], (1,), ("ambiguous",)),
        (["10,000", "10,5"], (1,), ("ambiguous",)),
        (["7", "Infinity", "NaN", "1e400", "-inf"], (2, 3, 4, 5), ("not finite",) * 4),
        (["123456789012345678"], (1,), ("too large",)),
        (["12 apples", "1,2,3", "4"], (1, 2), ("not a number", "not a number")),
    ],
)
def test_what_cannot_be_read_for_sure_is_refused_by_position(
    typed: list[str], refused: tuple[int, ...], reasons: tuple[str, ...]
) -> None:
    """Refused (NaN, never a crash), each value named with its position and why."""
    reading = read_numbers(pd.Series(typed), integer=True)
    assert reading.refused == refused and reading.reasons == reasons
    assert reading.refused_values == tuple(typed[p - 1] for p in refused)
    assert reading.values.iloc[[p - 1 for p in refused]].isna().all()


@pytest.mark.error_case
def test_numbers_typed_by_the_file_are_checked_too() -> None:
    """A GeoPackage's float infinity or an int64 beyond 2**53 is refused like typed text."""
    values = pd.Series([12.0, math.inf, 2**60, 2**53, None], dtype=object)
    reading = read_numbers(values, integer=True)
    assert reading.refused == (2, 3) and reading.reasons == ("not finite", "too large")
    assert reading.values.iloc[[0, 3]].tolist() == [12.0, float(EXACT_LIMIT)]


@pytest.mark.accepted_case
@pytest.mark.parametrize("typed", [["1234", "12"], ["12.5", "-3", "1e3"], ["0.125", ""]])
def test_plain_numbers_are_read_as_written(typed: list[str]) -> None:
    """Plain numbers (a decimal point, no separators) need no convention: nothing to say."""
    reading = read_numbers(pd.Series(typed))
    assert reading.convention is None and reading.refused == () and reading.changed == ()
    assert reading.values.dropna().tolist() == [float(t) for t in typed if t]


# -- households through the library, the command line and the app --------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("10,000", "a comma"),
        ("10 000", "a space"),
        ("10.000", "a dot"),
        ("10'000", "an apostrophe"),
    ],
)
def test_households_with_thousands_separators_are_read_and_said(
    typed: str, word: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Households '10,000' / '10 000' / '10.000' / '10'000' are 10000 (were 10 or refused),
    with a warning naming the column, the convention and the row, on every surface."""
    path = settlements_csv(tmp_path / "homes.csv", [typed, "250"])
    frame, report = loaded(path)
    assert report.ok
    assert frame["households"].tolist() == [10000.0, 250.0]
    warning = only(report, "numbers.convention")
    assert warning.severity == "warning" and warning.column == "households"
    assert warning.rows == (1,)
    assert f"households read with {word} as thousands separator" in warning.message
    records, err = gaps_json(path, services_csv(tmp_path / "taps.csv"), capsys)
    assert [r["households"] for r in records] == [10000, 250]
    assert "households read with" in err and "run atlas again" in err
    app = check_layer(
        str(store_upload(path.read_bytes(), "homes.csv")),
        "settlements",
        SETTLEMENTS_MAP,
        "cape-town",
    )
    shown = report_text(app)
    assert "households read with" in shown and "upload it again on the Data page" in shown


@pytest.mark.warning_case
def test_a_decimal_comma_in_a_decimal_column_is_read_and_said() -> None:
    """Litres '10,5' (a decimal column) are 10.5, with the convention named."""
    reading = read_numbers(pd.Series(["10,5", "2000"]), integer=False)
    assert reading.values.tolist() == [10.5, 2000.0]
    assert reading.convention == "a decimal comma ('10,5' = 10.5)" and reading.changed == (1,)


@pytest.mark.error_case
def test_households_mixing_conventions_are_refused_with_the_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'1,234' beside '1.5': is the comma a thousands separator or a decimal comma? Refused."""
    path = settlements_csv(tmp_path / "homes.csv", ["1,234", "1.5", "40"])
    _, report = loaded(path)
    problem = only(report, "numbers.refused")
    assert problem.severity == "error" and problem.column == "households"
    assert problem.rows == (1, 2) and problem.values == ("1,234", "1.5")
    assert "could be read two ways" in problem.message
    args = ["gaps", "--settlements", str(path), "--services", str(services_csv(tmp_path / "t.csv"))]
    assert main([*args, "--map", "settlements.settlement_id=code"]) == 1
    err = capsys.readouterr().err
    assert "rows 1, 2; values '1,234', '1.5'" in err and "Traceback" not in err


@pytest.mark.error_case
@pytest.mark.parametrize("typed", ["Infinity", "inf", "-inf", "NaN", "1e400"])
def test_households_that_are_not_finite_are_refused_everywhere(
    typed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was a crash in the app; now an error naming the row and the value, on every surface."""
    path = settlements_csv(tmp_path / "homes.csv", ["12", typed])
    _, report = loaded(path)
    problem = only(report, "numbers.refused")
    assert problem.message == "households must be a finite number."
    assert problem.rows == (2,) and problem.values == (typed,)
    args = ["gaps", "--settlements", str(path), "--services", str(services_csv(tmp_path / "t.csv"))]
    assert main([*args, "--map", "settlements.settlement_id=code"]) == 1
    err = capsys.readouterr().err
    assert f"row 2; value '{typed}'" in err and CLI["numbers.refused"] in err
    app = check_layer(
        str(store_upload(path.read_bytes(), "homes.csv")),
        "settlements",
        SETTLEMENTS_MAP,
        "cape-town",
    )
    assert not app.ok
    assert "households must be a finite number" in report_text(app)
    assert APP["numbers.refused"].split(" (")[0] in report_text(app)


@pytest.mark.error_case
@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_households_too_large_to_keep_exact_are_refused(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """123456789012345678 came back as …680: a float64 cannot hold it. No settlement has that
    many households: refused with the row, never changed."""
    big = 123456789012345678
    if kind == "csv":
        path = settlements_csv(tmp_path / "homes.csv", [str(big), "5"])
    else:
        path = tmp_path / "homes.geojson"
        gpd.GeoDataFrame(
            {"code": ["S1", "S2"], "households": [big, 5]}, geometry=SQUARES[:2], crs=4326
        ).to_file(path, driver="GeoJSON")
    _, report = loaded(path)
    problem = only(report, "numbers.refused")
    assert problem.rows == (1,) and problem.values == (str(big),)
    assert "too large to be kept exact (more than 9 007 199 254 740 992)" in problem.message
    args = ["gaps", "--settlements", str(path), "--services", str(services_csv(tmp_path / "t.csv"))]
    assert main([*args, "--map", "settlements.settlement_id=code"]) == 1
    err = capsys.readouterr().err
    assert f"value '{big}'" in err and "Traceback" not in err


@pytest.mark.accepted_case
def test_the_largest_exact_count_is_kept_exact_in_json_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Up to 2**53 every whole number is exact in a float64: kept, to the last digit."""
    path = settlements_csv(tmp_path / "homes.csv", [str(EXACT_LIMIT - 1), "5"])
    records, _ = gaps_json(path, services_csv(tmp_path / "taps.csv"), capsys)
    assert records[0]["households"] == EXACT_LIMIT - 1
    out = tmp_path / "gaps.csv"
    args = ["gaps", "--settlements", str(path), "--services", str(tmp_path / "taps.csv")]
    args += ["--map", "settlements.settlement_id=code", "--format", "csv", "--output", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    with out.open(encoding="utf-8-sig") as table:
        rows = list(csv.DictReader(table))
    assert rows[0]["households"] == str(EXACT_LIMIT - 1)


@pytest.mark.error_case
def test_a_count_of_words_is_refused_with_its_values(tmp_path: Path) -> None:
    """'about 40' is not a number: an error naming the row and value (as before), with a code
    each surface words."""
    gdf = gpd.GeoDataFrame(
        {"code": ["S1", "S2"], "households": ["about 40", "12"]}, geometry=SQUARES[:2], crs=4326
    )
    path = tmp_path / "homes.geojson"
    gdf.to_file(path, driver="GeoJSON")
    _, report = loaded(path)
    problem = only(report, "numbers.refused")
    assert problem.message == "households must be a number."
    assert problem.rows == (1,) and problem.values == ("about 40",)
    assert problem.params["reason"] == "not a number"


@pytest.mark.warning_case
def test_own_counts_of_taps_are_read_by_their_column_convention(tmp_path: Path) -> None:
    """A settlement's own count of taps ('1 200') is a count like households."""
    gdf = gpd.GeoDataFrame(
        {"code": ["S1", "S2"], "hh": ["50", "60"], "taps": ["1 200", "3"]},
        geometry=SQUARES[:2],
        crs=4326,
    )
    path = tmp_path / "homes.geojson"
    gdf.to_file(path, driver="GeoJSON")
    frame, report = atlas.load_layer(
        path,
        "settlements",
        mapping={"settlement_id": "code", "households": "hh", "water_working": "taps"},
    )
    assert report.ok and frame["water_working"].tolist() == [1200.0, 3.0]
    warning = only(report, "numbers.convention")
    assert warning.column == "water_working" and warning.rows == (1,)
