"""``atlas gaps --db --as --as-of`` and ``atlas history``: the sample's statuses changed by one
report entered with its history afterwards (``reports update --at``), checked by hand.

The report: SRV water point W of Khayalethu (SET-021, Kgotso South Cluster), working in the
file, seen broken on 3 March 2026 at 08:00, confirmed on the 5th, fixed on the 21st at 10:00
(South African time): out of service 18 days and 2 hours.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import atlas
from tests.atlas.test_cli_store import PEOPLE, as_user, made, run, store
from tests.atlas.test_report import needs_poppler, pdf_text

__all__ = ["made", "store"]  # the fixtures, imported for this module's tests

CLUSTER = "Kgotso South Cluster"


@pytest.fixture(scope="module")
def point() -> str:
    """A working water point attributed to SET-021 in the sample."""
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    s = result.services
    chosen = s[(s["settlement_id"] == "SET-021") & (s["category"] == "water")]
    return str(chosen[chosen["status"] == "working"]["service_id"].iloc[0])


@pytest.fixture
def reported(
    store: Path, point: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    argv, password = as_user(
        "nomsa",
        "reports", "add", "--settlement", "SET-021", "--service", point, "--category", "water",
        "--problem", "broken", "--observed-at", "2026-03-03T08:00",
    )  # fmt: skip
    code, out, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 0, err
    rid = json.loads(out)["id"]
    for state, when in (("confirmed", "2026-03-05T09:00"), ("fixed", "2026-03-21T10:00")):
        argv, password = as_user("nomsa", "reports", "update", rid, "--state", state, "--at", when)
        code, _, err = run(capsys, monkeypatch, *argv, password=password)
        assert code == 0, err
    return store


def khayalethu(capsys, monkeypatch, *extra: str) -> dict:
    argv, password = as_user("lebo", "gaps", "--quiet", *extra)  # a viewer: aggregates only
    code, out, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 0, err
    return next(r for r in json.loads(out) if r["settlement_id"] == "SET-021")


def test_gaps_as_of_before_during_and_after_the_outage(reported, capsys, monkeypatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "gaps", "--quiet")
    assert code == 0
    plain = next(r for r in json.loads(out) if r["settlement_id"] == "SET-021")
    before = khayalethu(capsys, monkeypatch, "--as-of", "2026-03-02")
    during = khayalethu(capsys, monkeypatch, "--as-of", "2026-03-10")
    after = khayalethu(capsys, monkeypatch, "--as-of", "2026-03-25")
    now = khayalethu(capsys, monkeypatch)  # with a store and no date: as of now
    for row in (before, after, now):
        assert (row["water_working"], row["water_gap"]) == (
            plain["water_working"],
            plain["water_gap"],
        )
    assert during["water_working"] == plain["water_working"] - 1
    assert during["water_broken"] == plain["water_broken"] + 1
    assert during["water_gap"] == plain["water_gap"] + 1
    # Unchanged: the other categories.
    assert during["sanitation_working"] == plain["sanitation_working"]


def test_as_of_without_a_store_says_how(capsys, monkeypatch) -> None:
    monkeypatch.delenv("ATLAS_DB", raising=False)
    code, _, err = run(capsys, monkeypatch, "gaps", "--as-of", "2026-03-10", "--quiet")
    assert code == 1
    assert "--as-of reads the confirmed reports" in err and "--db URL and --as USER" in err
    assert "Traceback" not in err


def test_as_of_a_date_to_come_is_refused(reported, capsys, monkeypatch) -> None:
    argv, password = as_user("lebo", "gaps", "--as-of", "2999-01-01", "--quiet")
    code, _, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 1 and "in the future" in err


def history(capsys, monkeypatch, *extra: str) -> tuple[int, str, str]:
    argv, password = as_user(
        "lebo", "history", "--cluster", CLUSTER, "--from", "2026-03-01", "--to", "2026-03-31",
        "--quiet", *extra,
    )  # fmt: skip
    return run(capsys, monkeypatch, *argv, password=password)


def test_history_per_week_points_and_response_time(reported, point, capsys, monkeypatch) -> None:
    code, out, err = history(capsys, monkeypatch, "--step", "week")
    assert code == 0, err
    data = json.loads(out)
    assert data["scope"] == {"level": "cluster", "cluster": CLUSTER}
    water = [(p["period"], p["working"]) for p in data["periods"] if p["category"] == "water"]
    # The cluster has 61 working taps in the file; W10 (2–8 March) and W11 (9–15) end with
    # the tap out, W12 (16–22) after its fix on the 21st.
    assert water == [
        ("2026-W09", 61),
        ("2026-W10", 60),
        ("2026-W11", 60),
        ("2026-W12", 61),
        ("2026-W13", 61),
        ("2026-W14", 61),
    ]
    days = [p["days_out_of_service"] for p in data["points"]]
    assert days == sorted(days, reverse=True) and days[0] == 31.0  # broken all March in the file
    mine = next(p for p in data["points"] if p["service_id"] == point)
    assert mine["days_out_of_service"] == 18.08  # 18 days and 2 hours
    row = next(
        r
        for r in data["settlements"]
        if r["settlement_id"] == "SET-021" and r["category"] == "water"
    )
    assert (row["opened"], row["fixed"], row["median_days_to_fix"]) == (1, 1, 18.08)
    assert (row["open_over_7_days"], row["open_over_30_days"]) == (0, 0)
    (cluster,) = [c for c in data["clusters"] if c["category"] == "water"]
    assert cluster["cluster"] == CLUSTER and cluster["fixed"] == 1


def test_history_as_csv_tables(reported, point, capsys, monkeypatch) -> None:
    code, out, _ = history(capsys, monkeypatch, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "period",
        "start",
        "end",
        "category",
        "working",
        "broken",
        "unknown",
        "gap",
    ]
    assert rows[0]["period"] == "2026-03" and rows[0]["start"] == "2026-03-01T00:00:00+02:00"
    code, out, _ = history(capsys, monkeypatch, "--format", "csv", "--table", "points")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"service_id": point, "days_out_of_service": "18.08"}.items() <= next(
        r for r in rows if r["service_id"] == point
    ).items()


def test_history_refuses_what_it_cannot_answer(reported, capsys, monkeypatch) -> None:
    argv, password = as_user(
        "lebo", "history", "--cluster", "Nowhere", "--from", "2026-03-01", "--to", "2026-03-31"
    )
    code, _, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 1 and "There is no cluster 'Nowhere'" in err and CLUSTER in err
    argv, password = as_user("lebo", "history", "--from", "2026-03-31", "--to", "2026-03-01")
    code, _, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 1 and "before --from" in err
    argv, _ = as_user("lebo", "history", "--from", "2026-03-01", "--to", "2026-03-31")
    code, _, err = run(capsys, monkeypatch, *argv, password="wrong password")
    assert code == 77 and "Traceback" not in err
    assert PEOPLE["lebo"][0] == "viewer"


@needs_poppler
def test_the_report_as_of_a_date_says_so(reported, tmp_path, capsys, monkeypatch) -> None:
    pdf = tmp_path / "report.pdf"
    argv, password = as_user(
        "lebo", "report", "--cluster", CLUSTER, "--as-of", "2026-03-10", "--output", str(pdf),
        "--quiet",
    )  # fmt: skip
    code, _, err = run(capsys, monkeypatch, *argv, password=password)
    assert code == 0, err
    text = " ".join(pdf_text(pdf).split())
    assert (
        "Statuses as of 10 March 2026: the services file's, with 1 service point out of service "
        "by a confirmed report." in text
    )
    # Khayalethu's row: 12 working taps on 10 March (13 in the file).
    assert "Khayalethu" in text
