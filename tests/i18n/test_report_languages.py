"""The cluster report in each language (DESIGN §8), as `atlas report --lang CODE` writes it: the
same numbers as the English report, other sentences, and the notice that the translation is not
reviewed yet, in the language and in English. Page 1 of each is rendered to PNG for a person to
look at (test-artifacts/report_<code>.png)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.i18n import LANGUAGES, review_notice
from tests.atlas.test_report import POPPLER, flat, pdf_text, render_page1
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.skipif(not POPPLER, reason="pdftotext/pdftoppm not found: apt-get "
                                "install poppler-utils (make test does it as root)")  # fmt: skip

CLUSTER = "Ilanga East Cluster"
ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def numbers(text: str, notice: str | None = None) -> list[str]:
    """The numbers of a report's text, written one way (``6 287`` and Afrikaans ``2,5`` read
    as ``6287`` and ``2.5``), sorted (a language may put them in another order in a sentence);
    the review notice left out (its path has ``i18n``)."""
    told = flat(notice or "")
    lines = [
        line
        for line in text.splitlines()
        if not (len(line.strip()) > 12 and flat(line) in told)  # a table's "1" is no notice
    ]
    found = [n for line in lines for n in NUMBER.findall(line)]
    return sorted(n.replace(" ", "").replace(",", ".") for n in found)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    made = {code: folder / f"report_{code}.pdf" for code in LANGUAGES}
    # One process per language, all at once: each is a whole `atlas report`, on one core.
    running = {
        code: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "atlas.cli",
                "report",
                "--cluster",
                CLUSTER,
                "--output",
                str(pdf),
                "--lang",
                code,
                "--quiet",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code, pdf in made.items()
    }
    for code, process in running.items():
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, f"{code}: {stderr}"
    return made


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_the_report_in_each_language(code: str, reports: dict[str, Path]) -> None:
    english, own = pdf_text(reports["en"]), pdf_text(reports[code])
    notice = review_notice(code)
    assert notice is not None
    # The same numbers: only the words around them change.
    assert numbers(own, notice) == numbers(english)
    # Other sentences: most of the English lines are gone.
    english_lines = {line.strip() for line in english.splitlines() if len(line.strip()) > 25}
    kept = english_lines & {line.strip() for line in own.splitlines()}
    assert len(kept) < 0.5 * len(english_lines), sorted(kept)[:10]
    # The notice, in the language and in English, names the PO file to correct.
    words = flat(own)
    for part in notice.split("\n\n"):
        assert flat(part)[:60] in words
    ARTIFACTS.mkdir(exist_ok=True)
    render_page1(reports[code], ARTIFACTS / f"report_{code}.png")
    assert (ARTIFACTS / f"report_{code}.png").stat().st_size > 10_000


def test_the_english_report_has_no_notice(reports: dict[str, Path]) -> None:
    assert "first-language speaker" not in flat(pdf_text(reports["en"]))
    render_page1(reports["en"], ARTIFACTS / "report_en.png")
