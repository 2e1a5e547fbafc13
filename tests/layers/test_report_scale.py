"""The report's text size: the largest of the scales that keeps within two pages, found with
few layouts (each layout of a large cluster takes seconds)."""

from __future__ import annotations

from typing import Any

import pytest

import layers.report_pdf as report_pdf


class _Layout:
    def __init__(self, pages: int, scale: float) -> None:
        self.pages_count, self.scale = pages, scale


def _linear(pages_at: dict[float, int]) -> float:
    """The old way: every scale in turn until one fits, else the smallest."""
    for scale in report_pdf._SCALES:
        if pages_at[scale] <= report_pdf.MAX_PAGES:
            return scale
    return report_pdf._SCALES[-1]


#: Pages at each scale (1.0, 0.94, 0.88, 0.82, 0.76): fewer as the text gets smaller.
CASES = {
    "fits at full size": (2, 2, 2, 2, 1),
    "fits at 0.94": (3, 2, 2, 2, 2),
    "fits at 0.88": (3, 3, 2, 2, 2),
    "fits at 0.82": (3, 3, 3, 2, 2),
    "fits only at 0.76": (3, 3, 3, 3, 2),
    "never fits (Khayelitsha's 52)": (6, 5, 5, 4, 4),
}


@pytest.mark.parametrize("case", CASES)
def test_the_largest_scale_that_fits_is_chosen_in_few_layouts(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at = dict(zip(report_pdf._SCALES, CASES[case], strict=True))
    tried: list[float] = []
    released: list[float] = []

    def layout(report: Any, image: bytes, scale: float) -> _Layout:
        tried.append(scale)
        return _Layout(pages_at[scale], scale)

    monkeypatch.setattr(report_pdf, "_layout", layout)
    monkeypatch.setattr(report_pdf, "release", lambda doc: released.append(doc.scale))
    chosen = report_pdf._fitted(None, b"")  # type: ignore[arg-type]
    assert chosen.scale == _linear(pages_at)
    assert len(tried) <= 4 and len(set(tried)) == len(tried)
    if case.startswith(("fits at full", "never")):
        assert len(tried) == (1 if case.startswith("fits") else 2)
    # Every layout not returned is released (fpdf keeps its pages in memory).
    assert sorted([*released, chosen.scale]) == sorted(tried)
