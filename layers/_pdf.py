"""What every PDF of the atlas shares: the DejaVu fonts, text shaping, metadata, the notice
of a translation not yet reviewed, and output.

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
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException

from atlas.i18n import _, language, review_notice

__all__ = ["FONT", "finish", "prepare", "release", "review_box"]

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
    pdf.set_creator(_("Settlement Atlas"))
    pdf.set_creation_date(datetime.combine(generated, time(), tzinfo=UTC))


def review_box(pdf: FPDF, size: float = 7.5, width: float = 0.0, x: float | None = None) -> float:
    """Write the notice of a translation no first-language speaker has checked yet (in its
    language, then in English) in a framed box at the current position, for the first page of
    every PDF (DESIGN §8); nothing in English or a reviewed language.

    Parameters
    ----------
    size
        The font size in points (small print, still readable).
    width
        The box's width in mm (0: to the right margin).
    x
        Where the box starts across the page (mm); the left margin by default.

    Returns
    -------
    float
        The height the box took (mm), 0 when there is no notice.
    """
    notice = review_notice(language())
    if notice is None:
        return 0.0
    top = pdf.get_y()
    if x is not None:
        pdf.set_x(x)
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.set_fill_color(245, 245, 245)
    pdf.multi_cell(
        width,
        size * 0.45,
        notice,
        border=1,
        fill=True,
        align="L",
        padding=2,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1.5)
    return pdf.get_y() - top


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
