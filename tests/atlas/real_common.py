"""Shared by the real-data tests (../shared/real): file locations and small helpers."""

from __future__ import annotations

import pytest

from atlas.cli import main
from atlas.problems import Problem, Report

INFORMAL = ("capetown_informal_settlements_iandurbach", "informal.shp")
CPT_WARDS = ("capetown_wards2011_code4sa", "wards.shp")
EKU_WARDS = ("gauteng_wards2011_rsanderson", "Ekurhuleni_shp.json")
CLINICS = ("za_clinics_code4sa_hospitalreporter", "clinics_za_2014_nopersonal.csv")
KHAYELITSHA = ("khayelitsha_informal_sjc", "Informal_settlements_in_2019.gdb.zip")
KHAYELITSHA_LAYER = "informal_settlements_2019"
KIBERA = ("kibera_mathare_waterpoints_mapkibera", "features-osm.geojson")


def problem(report: Report, severity: str, *words: str) -> Problem:
    """The one problem of ``severity`` whose message contains every word (case-insensitive)."""
    found = [
        p
        for p in report.problems
        if p.severity == severity and all(w.lower() in p.message.lower() for w in words)
    ]
    assert len(found) == 1, f"expected one {severity} about {words}, got:\n{report.format()}"
    return found[0]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err
