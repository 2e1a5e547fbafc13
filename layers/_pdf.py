"""What every PDF of the atlas shares: the DejaVu fonts, text shaping, metadata and output.

Private to :mod:`layers`: the A4 cluster report (:mod:`layers.report_pdf`) and the wall map
(:mod:`layers.poster_pdf`) both start their documents here, so that a name is drawn the same
way (shaped, never parsed as markup) on every sheet.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.errors import FPDFException

__all__ = ["FONT", "finish", "prepare", "release"]

FONT = "DejaVu"
#: The fonts matplotlib ships: no system font is needed, and DejaVu Sans covers Latin with
#: every diacritic of South African languages, Greek, Cyrillic and Arabic.
_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def prepare(pdf: FPDF, title: str, generated: date) -> None:
    """Add the fonts to ``pdf``, turn on text shaping and set its metadata."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for style, name in _FONTS.items():
        pdf.add_font(FONT, style, fonts / name)
    # Left to right is the page's direction, whatever script a name starts with; Arabic runs
    # inside are still shaped right to left. Without uharfbuzz, Arabic letters are still
    # written (and extractable), only unjoined.
    with contextlib.suppress(FPDFException):
        pdf.set_text_shaping(True, direction="ltr")
    pdf.set_title(title)
    pdf.set_creator("Settlement Atlas")
    pdf.set_creation_date(datetime.combine(generated, time(), tzinfo=UTC))


def release(pdf: FPDF) -> None:
    """Close the font files fpdf2 keeps open (it reads glyphs lazily, up to the output)."""
    for font in pdf.fonts.values():
        close = getattr(font, "close", None)
        if close is not None:
            close()


def finish(pdf: FPDF) -> bytes:
    """The finished PDF as bytes; its font files are closed."""
    try:
        return bytes(pdf.output())
    finally:
        release(pdf)
