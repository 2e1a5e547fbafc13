"""``atlas poster``: the wall map from the command line, on the embedded sample.

The PDF is checked with poppler's ``pdfinfo`` (its page size) and ``pdftotext`` (its words);
the tests that need them skip, saying so, when Debian's poppler-utils is missing. The map is
drawn at a low resolution (``--dpi 20``) to keep the tests quick.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from atlas.cli import COMMANDS, build_parser, main

POPPLER = shutil.which("pdfinfo") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="pdfinfo/pdftotext not found: install Debian's poppler-utils "
    "(apt-get install poppler-utils) to read the wall map back",
)
NORTHERN = "Northern Ridge Cluster"
#: ISO sizes in PDF points (72 per inch), short side first.
POINTS = {"A3": (841.89, 1190.55), "A2": (1190.55, 1683.78), "A1": (1683.78, 2383.94)}


def poster(tmp_path: Path, *extra: str, cluster: str = NORTHERN) -> list[str]:
    out = tmp_path / "poster.pdf"
    return ["poster", "--cluster", cluster, "--output", str(out), "--quiet", "--dpi", "20", *extra]


def page_size(pdf: Path) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", out, re.MULTILINE), out
    found = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.MULTILINE)
    assert found, out
    return float(found[1]), float(found[2])


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.split())


def test_poster_is_a_command() -> None:
    from atlas.cli.poster import SIZES
    from layers.poster_pdf import SHEETS

    assert "poster" in COMMANDS
    assert "poster" in build_parser().format_help()
    assert tuple(SHEETS) == SIZES  # the command's choices are the layout's sheets


@needs_poppler
@pytest.mark.parametrize("size", ["A3", "A2", "A1"])
def test_the_sheet_is_the_size_asked_for(
    size: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*poster(tmp_path), "--size", size]) == 0
    assert capsys.readouterr().err == ""
    width, height = page_size(tmp_path / "poster.pdf")
    assert sorted((width, height)) == pytest.approx(POINTS[size], abs=0.01)


@needs_poppler
def test_the_default_sheet_is_a2_and_the_size_may_be_lower_case(tmp_path: Path) -> None:
    assert main(poster(tmp_path)) == 0
    assert sorted(page_size(tmp_path / "poster.pdf")) == pytest.approx(POINTS["A2"], abs=0.01)
    assert main([*poster(tmp_path), "--size", "a3"]) == 0
    assert sorted(page_size(tmp_path / "poster.pdf")) == pytest.approx(POINTS["A3"], abs=0.01)


@pytest.mark.parametrize("size", ["A4", "A0", "B2", "huge"])
def test_a_size_it_cannot_print_is_refused_by_the_parser(
    size: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*poster(tmp_path), "--size", size])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--size: invalid choice" in err and "'A3', 'A2', 'A1'" in err
    assert not (tmp_path / "poster.pdf").exists()


def test_an_unknown_cluster_is_one_paragraph_naming_the_clusters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(poster(tmp_path, cluster="Nowhere Cluster"))
    err = capsys.readouterr().err
    assert status != 0
    assert err.startswith("atlas: error: No cluster is called 'Nowhere Cluster'.")
    assert "Ilanga East Cluster, Kgotso South Cluster, Northern Ridge Cluster" in err
    assert "(and 'Not in a cluster')" in err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert not (tmp_path / "poster.pdf").exists()


def test_a_resolution_too_low_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*poster(tmp_path), "--dpi", "5"]) != 0
    assert "--dpi 5: give 20 or more" in capsys.readouterr().err


@needs_poppler
def test_the_poster_says_the_clusters_numbers(tmp_path: Path) -> None:
    assert main([*poster(tmp_path), "--size", "A3"]) == 0
    text = pdf_text(tmp_path / "poster.pdf")
    for phrase in (
        NORTHERN,
        "10 settlements, 5 006 households: needs 158 more taps",
        "Mohau Park",
        "needs 47 more taps",
        "1 tap : 84 households · 20 working, 2 broken",
        "Kganya Hill",
        "1 tap : 1 032 households",
        "Ithemba Lethu",
        "City of Cape Town target",
    ):
        assert phrase in text, phrase


@needs_poppler
@pytest.mark.parametrize("option", ["--municipality-name", "--municipality"])
def test_the_municipality_name_titles_the_poster(option: str, tmp_path: Path) -> None:
    assert main([*poster(tmp_path), "--size", "A3", option, "City of Cape Town"]) == 0
    assert "City of Cape Town ·" in pdf_text(tmp_path / "poster.pdf")


@needs_poppler
def test_the_settlements_in_no_cluster(tmp_path: Path) -> None:
    assert main([*poster(tmp_path, cluster="Not in a cluster"), "--size", "A3"]) == 0
    text = pdf_text(tmp_path / "poster.pdf")
    assert "Not in a cluster" in text and "Lesedi Extension" in text
