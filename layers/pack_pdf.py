"""The submission pack: an A4 PDF a cluster sends to a ward councillor, the IDP office, MPAC,
the Speaker or a department.

Page 1 is the letter (always one page: its type shrinks step by step until it fits); then the
evidence (the cluster report's gap table and map, the water deliveries, the open reports), how
the numbers were made, and a signature sheet on a page of its own. Up to 18 settlements fit in
:data:`MAX_PAGES` pages: the evidence shrinks like the report's to stay within them. Same
fonts, shaping and black-and-white style as the cluster report (:mod:`layers.report_pdf`,
whose table and map it reuses); every name is written as plain text, never parsed as markup.

The CLI (``atlas pack``) and the app call :func:`submission_pack`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from atlas.i18n import _, speaking
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.store.timeline import ReportLife
from atlas.summaries.pack import SubmissionPack, build_submission_pack
from atlas.summaries.pack_recipient import Recipient
from atlas.writing import write_file
from layers._pack_pages import draw_evidence, draw_sheet
from layers._pdf import FONT, finish, prepare, release, review_box
from layers.report_pdf import _GREY_TEXT, _MARGIN, _Document, _line, _map_png

__all__ = ["LETTER_PAGES", "MAX_PAGES", "render_pack", "submission_pack"]

#: The letter's pages, and the whole pack's for up to 18 settlements.
LETTER_PAGES = 1
MAX_PAGES = 6
_LETTER_SCALES = (1.0, 0.94, 0.88, 0.82, 0.76, 0.7, 0.64)
_SCALES = (1.0, 0.9, 0.8, 0.72)
#: The asks' numbers hang in this margin (mm, at full size).
_HANG = 6.0


def _new_document(pack: SubmissionPack) -> _Document:
    pdf = _Document(orientation="portrait", unit="mm", format="A4")
    title = _("Submission of {cluster} to {to}", cluster=pack.report.title, to=pack.recipient.line)
    prepare(pdf, title, pack.generated)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=13)
    pdf.footer_text = pack.footer
    return pdf


def _hanging(pdf: FPDF, number: str, text: str, size: float, scale: float) -> None:
    """``1.`` in the margin, the text beside it (its lines aligned)."""
    pdf.set_font(FONT, "B", size)
    pdf.cell(_HANG * scale, size * 0.45, number)
    pdf.set_font(FONT, "", size)
    pdf.multi_cell(
        pdf.epw - _HANG * scale, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _letter(pdf: FPDF, pack: SubmissionPack, scale: float) -> None:
    letter = pack.letter
    body = 10 * scale
    pdf.add_page()
    # A translation not yet checked says so first, on the first page.
    review_box(pdf, 7.5 * max(scale, 0.9))
    pdf.set_text_color(_GREY_TEXT)
    _line(pdf, letter.kicker, 8 * scale, "B", 0.8)
    pdf.set_text_color(0)
    top = pdf.get_y()
    _line(pdf, pack.report.title, 15 * scale, "B", 0.6)
    if pack.report.municipality:
        _line(pdf, pack.report.municipality, 9.5 * scale)
    after = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font(FONT, "", 9.5 * scale)
    pdf.cell(0, 6 * scale, letter.day, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(after, pdf.get_y()) + 3 * scale)
    for i, text in enumerate(letter.recipient):
        _line(pdf, text, body, "B" if i == 0 else "")
    pdf.ln(3 * scale)
    _line(pdf, letter.subject, 10.5 * scale, "B", 2.5 * scale)
    _line(pdf, letter.greeting, body, "", 1.5 * scale)
    for text in letter.paragraphs:
        _line(pdf, text, body, "", 1.8 * scale)
    _line(pdf, letter.law_heading, 9.5 * scale, "B", 0.8 * scale)
    for text in letter.law:
        _hanging(pdf, "·", text, 9 * scale, scale)
        pdf.ln(0.6 * scale)
    pdf.ln(1.2 * scale)
    _line(pdf, letter.why, body, "", 1.8 * scale)
    _line(pdf, letter.ask_intro, body, "B", 1.0 * scale)
    for i, text in enumerate(letter.asks, 1):
        _hanging(pdf, f"{i}.", text, body, scale)
        pdf.ln(1.0 * scale)
    pdf.ln(0.8 * scale)
    for text in letter.closing:
        _line(pdf, text, body, "", 1.8 * scale)
    for text in letter.sign_off:
        _line(pdf, text, body, "", 0.8 * scale)
    pdf.ln(2 * scale)
    _sign_fields(pdf, letter.sign_fields, scale)


def _sign_fields(pdf: FPDF, fields: Sequence[str], scale: float) -> None:
    """The fields the letter is signed on, two to a line, each with a line to write on."""
    width = pdf.epw / 2
    height = 8 * scale
    pdf.set_font(FONT, "", 9 * scale)
    for i, field in enumerate(fields):
        last = i % 2 == 1 or i == len(fields) - 1
        pdf.cell(
            width - 4,
            height,
            field,
            border="B",
            new_x=XPos.LMARGIN if last else XPos.RIGHT,
            new_y=YPos.NEXT if last else YPos.TOP,
        )
        if not last:
            pdf.cell(4, height, "")


def _layout(pack: SubmissionPack, image: bytes, letter_scale: float, scale: float) -> FPDF:
    pdf = _new_document(pack)
    _letter(pdf, pack, letter_scale)
    draw_evidence(pdf, pack, image, scale)
    draw_sheet(pdf, pack)
    return pdf


def _letter_scale(pack: SubmissionPack) -> float:
    """The largest of :data:`_LETTER_SCALES` at which the letter takes one page (the
    smallest when none does)."""
    for scale in _LETTER_SCALES:
        pdf = _new_document(pack)
        _letter(pdf, pack, scale)
        pages = pdf.pages_count
        release(pdf)
        if pages <= LETTER_PAGES:
            return scale
    return _LETTER_SCALES[-1]


def render_pack(pack: SubmissionPack, image: bytes | None = None) -> bytes:
    """Lay out ``pack`` on A4 pages: the letter on one page, the whole within
    :data:`MAX_PAGES` where the evidence can shrink that far.

    Parameters
    ----------
    pack
        The content (:func:`atlas.summaries.pack.build_submission_pack`).
    image
        The map as PNG bytes; by default the cluster report's map of the pack's cluster.

    Returns
    -------
    bytes
        The PDF.
    """
    picture = image if image is not None else _map_png(pack.report)
    letter_scale = _letter_scale(pack)
    for scale in _SCALES[:-1]:
        pdf = _layout(pack, picture, letter_scale, scale)
        if pdf.pages_count <= MAX_PAGES:
            return finish(pdf)
        release(pdf)
    return finish(_layout(pack, picture, letter_scale, _SCALES[-1]))


def submission_pack(
    result: GapResult,
    dataset: Dataset,
    cluster: str,
    recipient: Recipient,
    output: Path | None = None,
    *,
    generated: date | None = None,
    language: str | None = None,
    municipality: str | None = None,
    sources: Sequence[str] = (),
    compliance: pd.DataFrame | None = None,
    delivery_period: tuple[date, date] | None = None,
    lives: Sequence[ReportLife] | None = None,
    moment: datetime | None = None,
    references: dict[str, str | None] | None = None,
    reply_by: date | None = None,
) -> bytes:
    """The submission pack of ``cluster`` to ``recipient``, as PDF bytes (also written to
    ``output``).

    The arguments are those of :func:`atlas.summaries.pack.build_submission_pack`.

    Raises
    ------
    SchemaError
        An unknown cluster, a language the pack is not written in, a bad compliance table.

    Examples
    --------
    >>> import atlas
    >>> from atlas.summaries.pack_recipient import office_recipient
    >>> ds = atlas.load_sample()
    >>> r = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> pdf = submission_pack(r, ds, "Kgotso South Cluster", office_recipient("idp_office"))
    >>> pdf[:5]
    b'%PDF-'
    """
    pack = build_submission_pack(
        result,
        dataset,
        cluster,
        recipient,
        generated=generated,
        language=language,
        municipality=municipality,
        sources=sources,
        compliance=compliance,
        delivery_period=delivery_period,
        lives=lives,
        moment=moment,
        references=references,
        reply_by=reply_by,
    )
    with speaking(pack.language):  # the notice and the layout's words, as the pack's
        pdf = render_pack(pack)
    if output is not None:
        write_file(output, pdf)  # folders made, whole or not at all, clear errors
    return pdf
