"""Every PDF says on its first page when its translation is not yet reviewed (DESIGN §8), and
nothing of the kind in English. The notice is in the language and in English; these tests look
for its English sentence (always there), never a translated word.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import atlas
from atlas.i18n import review_notice, speaking
from layers.poster_pdf import cluster_poster
from layers.report_pdf import cluster_report
from tests.atlas.test_report import POPPLER

pytestmark = pytest.mark.skipif(not POPPLER, reason="pdftotext not found (poppler-utils)")

CLUSTER = "Kgotso South Cluster"
#: A few words of the notice, as pdftotext gives them back (lines joined by spaces).
WORDS = "has not yet been checked by a first-language speaker"


def _first_page(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"]
    return " ".join(subprocess.run(args, check=True, capture_output=True, text=True).stdout.split())


@pytest.fixture(scope="module")
def measured() -> tuple[atlas.Dataset, atlas.GapResult]:
    dataset = atlas.load_sample()
    return dataset, atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))


def test_english_has_no_notice(measured, tmp_path: Path) -> None:
    dataset, result = measured
    assert review_notice("en") is None
    assert WORDS not in _first_page(cluster_report(result, dataset, CLUSTER), tmp_path)


@pytest.mark.parametrize("code", ["zu", "nso"])
def test_the_report_says_so_on_its_first_page(measured, tmp_path: Path, code: str) -> None:
    dataset, result = measured
    with speaking(code):
        assert review_notice(code) is not None
        text = _first_page(cluster_report(result, dataset, CLUSTER), tmp_path)
    assert WORDS in text
    assert CLUSTER in text  # the report itself is still there


def test_the_wall_map_says_so(measured, tmp_path: Path) -> None:
    dataset, result = measured
    with speaking("af"):
        text = _first_page(cluster_poster(result, dataset, CLUSTER, size="A3", dpi=20), tmp_path)
    assert WORDS in text
