"""The cluster report keeps its promises (issue #20): the standards' notes point at nothing the
report does not show, and the numbers on the report's map never sit on one another or on the
wards' names, even for Cape Town's 52 Khayelitsha settlements (../shared/real).

The PDF is read back with ``pdftotext`` and page 1 rendered with ``pdftoppm`` (Debian's
poppler-utils); without them, or without the real data, those tests skip, saying so. Page 1 of
the Khayelitsha report is saved as ``test-artifacts/report-khayelitsha-map.png``.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import atlas
from atlas import Dataset, GapResult, standard_names
from atlas.summaries.cluster_report import REPORT_CATEGORIES, build_cluster_report, rule_words
from layers.report_pdf import cluster_report, report_map
from tests.atlas.test_report import flat, needs_poppler, pdf_text
from tests.layers.test_poster import khayelitsha

__all__ = ["khayelitsha"]  # the real-data fixture, shared with the wall map's tests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DAY = date(2026, 3, 3)
SAMPLE_CLUSTER = "Ilanga East Cluster"
#: Words that send the reader elsewhere on the page.
POINTING = re.compile(r"\b(below|above|overleaf|following)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return atlas.load_sample()


# -- the standards' notes ---------------------------------------------------------------------


@pytest.mark.parametrize("name", standard_names())
def test_notes_point_at_nothing_and_name_the_marker_every_default_distance_carries(
    name: str,
) -> None:
    """The notes are shown in the report's "About these numbers" and as the caption of the
    app's Standards page: neither has anything "marked below" them. They name the words that
    mark an atlas default instead, and those are each default distance's note."""
    standard = atlas.load_standard(name)
    assert standard.notes and not POINTING.search(standard.notes), standard.notes
    (marker,) = re.findall(r'"([^"]+)"', standard.notes)
    defaults = [rule for rule in standard.categories.values() if rule.distance_note]
    assert defaults and all(rule.distance_note == marker for rule in defaults)
    assert all(f"({marker})" in rule_words(rule) for rule in defaults)


@needs_poppler
@pytest.mark.parametrize("name", standard_names())
def test_the_report_marks_what_its_notes_say_is_marked(
    name: str, sample: Dataset, tmp_path: Path
) -> None:
    standard = atlas.load_standard(name)
    result = atlas.compute_gaps(sample, standard)
    path = tmp_path / f"{name}.pdf"
    cluster_report(result, sample, SAMPLE_CLUSTER, path, generated=DAY)
    text = flat(pdf_text(path))
    assert "marked below" not in text
    about = text.index("About the standard:")
    assert flat(standard.notes) in text[about:]
    assert not POINTING.search(text[about:]), text[about:]
    # Each default distance the report shows carries the marker the notes name, before them.
    (marker,) = re.findall(r'"([^"]+)"', standard.notes)
    for category in REPORT_CATEGORIES:
        rule = standard.rule(category)
        if rule.distance_note:
            words = f"{category.capitalize()}: {rule_words(rule)}."
            assert words in text[:about] and f"({marker})" in words


# -- the report's map on the real data --------------------------------------------------------


def circles(figure: Figure) -> np.ndarray:
    """Each number's circle on the map as drawn: centre x, y and radius in pixels."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    found = []
    for text in figure.axes[0].texts:
        patch = text.get_bbox_patch()
        if patch is not None:
            e = patch.get_window_extent(renderer)
            found.append((e.x0 + e.width / 2, e.y0 + e.height / 2, e.width / 2))
    return np.array(found)


def other_text_boxes(figure: Figure) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The map's other words (ward names, the scale bar, N) with their boxes in pixels."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    out = []
    for text in figure.axes[0].texts:
        if text.get_bbox_patch() is None and text.get_text().strip():
            e = text.get_window_extent(renderer)
            out.append((text.get_text(), (e.x0, e.y0, e.x1, e.y1)))
    return out


@pytest.mark.real
def test_the_numbers_on_khayelitshas_report_map_sit_apart(
    khayelitsha: tuple[Dataset, GapResult],
) -> None:
    dataset, result = khayelitsha
    report = build_cluster_report(result, dataset, "Khayelitsha", generated=DAY)
    assert len(report.rows) == 52
    figure = report_map(report)
    drawn = circles(figure)
    numbers = {t.get_text() for t in figure.axes[0].texts if t.get_bbox_patch() is not None}
    assert numbers == {row[0] for row in report.rows}  # every settlement has its number
    # No two circles overlap: their centres are at least the sum of their radii apart.
    apart = np.hypot(*(drawn[:, None, :2] - drawn[None, :, :2]).transpose(2, 0, 1))
    reach = drawn[:, None, 2] + drawn[None, :, 2]
    np.fill_diagonal(apart, np.inf)
    assert (apart >= reach).all(), np.argwhere(apart < reach)
    # No ward name (nor the scale bar, nor N) sits under a number: the point of each word's box
    # nearest a circle's centre is outside the circle.
    words = other_text_boxes(figure)
    assert sum(w.startswith("Ward") for w, _ in words) >= 8
    for word, (x0, y0, x1, y1) in words:
        nearest_x = drawn[:, 0].clip(x0, x1)
        nearest_y = drawn[:, 1].clip(y0, y1)
        gap = np.hypot(nearest_x - drawn[:, 0], nearest_y - drawn[:, 1])
        assert (gap >= drawn[:, 2]).all(), word


@pytest.mark.real
@needs_poppler
def test_khayelitshas_report_renders_with_its_map(
    khayelitsha: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = khayelitsha
    path = tmp_path / "khayelitsha.pdf"
    cluster_report(result, dataset, "Khayelitsha", path, generated=DAY)
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "report-khayelitsha-map.png"
    # 160 dpi: the map's numbers are printed at about 5 pt (the report shrinks to fit).
    args = ["-png", "-r", "160", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(["pdftoppm", *args, str(path), str(png.with_suffix(""))], check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = flat(pdf_text(path))
    assert "Khayelitsha (52 settlements" in text and "marked below" not in text
