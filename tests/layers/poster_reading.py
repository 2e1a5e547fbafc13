"""Reading the wall map back as printed: poppler's page size, every word with its box (in
points), the settlements' entries rebuilt from them, a PNG of page 1, and the checks that
nothing runs off the sheet or over other text and that no two number circles meet (used by
:mod:`tests.layers.test_poster`)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import atlas
from layers.poster_pdf import poster_layout, poster_map

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MM = 72 / 25.4
#: A DejaVu word box is ascent + descent tall: (1901 + 483) / 2048 em.
BOX_EM = (1901 + 483) / 2048

POPPLER = all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdftoppm"))
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="pdfinfo/pdftotext/pdftoppm not found: install Debian's poppler-utils "
    "(apt-get install poppler-utils) to read and render the wall map",
)
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# -- reading the PDF back ----------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def size(self) -> float:
        """The word's font size in points."""
        return (self.y1 - self.y0) / BOX_EM


def page_size(pdf: Path) -> tuple[float, float, int]:
    """Width and height in points and the number of pages, from pdfinfo."""
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.MULTILINE)
    pages = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    assert size and pages, out
    return float(size[1]), float(size[2]), int(pages[1])


def words(pdf: Path) -> list[Word]:
    """Every word of page 1 with its box (points from the top left), NFC, no bidi marks."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = []
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    for x0, y0, x1, y1, text in re.findall(pattern, out):
        text = _BIDI_MARKS.sub("", unicodedata.normalize("NFC", html.unescape(text)))
        found.append(Word(text, float(x0), float(y0), float(x1), float(y1)))
    return found


def plain_text(pdf: Path) -> str:
    """The text as pdftotext reads it: right-to-left runs in reading order (``-bbox`` gives
    them in the order they are drawn)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return flat(_BIDI_MARKS.sub("", out))


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def lines(found: list[Word]) -> list[list[Word]]:
    """Words joined into lines: same top, each word close after the one before."""
    rows: list[list[Word]] = []
    for word in sorted(found, key=lambda w: (round(w.y0, 1), w.x0)):
        last = rows[-1][-1] if rows else None
        if (
            last is not None
            and abs(last.y0 - word.y0) < 0.5
            and 0 <= word.x0 - last.x1 < 1.2 * (word.y1 - word.y0)
        ):
            rows[-1].append(word)
        else:
            rows.append([word])
    return rows


def entries(pdf: Path) -> list[str]:
    """The text of each settlement's entry: the lines that start at one left edge, from the
    line beside a number's circle (a number just left of that edge) to the next."""
    found = words(pdf)
    numbers = [w for w in found if w.text.isdigit()]
    by_edge: dict[int, list[list[Word]]] = {}
    for row in lines(found):
        by_edge.setdefault(round(row[0].x0), []).append(row)
    out = []
    for edge, rows in by_edge.items():
        rows.sort(key=lambda r: r[0].y0)
        badges = [n for n in numbers if edge - 3 * (n.y1 - n.y0) < n.x1 < edge]
        current: list[str] = []
        for row in rows:
            middle = (row[0].y0 + row[0].y1) / 2
            beside = any(b.y0 <= middle <= b.y1 for b in badges)
            if beside and current:
                out.append(" ".join(current))
                current = []
            current.append(" ".join(w.text for w in row))
        out.append(" ".join(current))
    return out


def entry_of(texts: list[str], name: str) -> str:
    (found,) = [t for t in texts if flat(t).startswith(flat(name))]
    return flat(found)


def render(pdf: Path, png: Path, dpi: int = 40) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    args = ["-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(["pdftoppm", *args, str(pdf), str(png.with_suffix(""))], check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def assert_text_fits(pdf: Path) -> None:
    """Every word lies on the sheet, and no two words overlap."""
    width, height, pages = page_size(pdf)
    assert pages == 1
    found = words(pdf)
    boxes = np.array([(w.x0, w.y0, w.x1, w.y1) for w in found])
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 1] >= 0).all()
    assert (boxes[:, 2] <= width + 0.01).all() and (boxes[:, 3] <= height + 0.01).all()
    # Overlap of every pair: a little (an accent's box touching the line above) is allowed.
    left = np.maximum(boxes[:, None, 0], boxes[None, :, 0])
    right = np.minimum(boxes[:, None, 2], boxes[None, :, 2])
    top = np.maximum(boxes[:, None, 1], boxes[None, :, 1])
    bottom = np.minimum(boxes[:, None, 3], boxes[None, :, 3])
    shared = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    smaller = np.minimum(area[:, None], area[None, :])
    np.fill_diagonal(shared, 0)
    i, j = np.nonzero(shared > 0.15 * smaller)
    assert not len(i), [(found[a].text, found[b].text) for a, b in zip(i, j, strict=True)][:5]


def assert_numbers_apart(poster: atlas.summaries.poster.ClusterPoster, size: str) -> int:
    """No two numbers on the poster's map overlap; returns how many were led out."""
    layout = poster_layout(poster, size)
    figure = poster_map(poster, layout)
    figure.set_dpi(30)  # the same drawing, fewer pixels: sizes and gaps keep their ratios
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    circles = []
    for text in figure.axes[0].texts:
        patch = text.get_bbox_patch()
        if patch is None:
            continue
        extent = patch.get_window_extent(renderer)
        circles.append(
            (extent.x0 + extent.width / 2, extent.y0 + extent.height / 2, extent.width / 2)
        )
    xy = np.array(circles)
    gaps = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    reach = xy[:, None, 2] + xy[None, :, 2]
    np.fill_diagonal(gaps, np.inf)
    assert (gaps >= 0.98 * reach).all()
    numbers = {t.get_text() for t in figure.axes[0].texts if t.get_bbox_patch() is not None}
    assert numbers == {e.number for e in poster.entries}
    leaders = [c for c in figure.axes[0].collections if c.get_gid() == "leaders"]
    return sum(len(c.get_segments()) for c in leaders)  # numbers led out
