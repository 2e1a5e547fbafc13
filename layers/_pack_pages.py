"""The pages of a submission pack after its letter: the evidence, how the numbers were made and
the signature sheet. Drawn with the cluster report's own pieces (:mod:`layers.report_pdf`: its
gap table, its map and caption, its line and heading styles), so a table or a map reads the
same in the report and in the pack. Private to :mod:`layers`; :mod:`layers.pack_pdf` fits it.
"""

from __future__ import annotations

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode

from atlas.i18n import N_, _, long_date, ngettext
from atlas.summaries.pack import SubmissionPack
from atlas.summaries.pack_words import EVIDENCE, RECORD_HEADINGS, RECORDS_COUNTS
from layers._pdf import FONT
from layers.report_pdf import _BAND, _GREY_TEXT, _HEAD, _MAP_SIZE, _heading, _line, _map, _table

__all__ = ["draw_evidence", "draw_sheet", "kicker"]

#: Column widths (mm) of the open reports' table (186 mm in all).
_RECORD_WIDTHS = (8, 36, 36, 32, 22, 14, 38)
#: Column widths (mm) of the signature sheet (186 mm in all).
_SHEET_WIDTHS = (10, 52, 38, 46, 40)


def kicker(pdf: FPDF, text: str, title: str, scale: float) -> None:
    """The small grey line over a page's title, and the title."""
    pdf.set_text_color(_GREY_TEXT)
    _line(pdf, text, 8 * scale, "B", 0.8)
    pdf.set_text_color(0)
    _line(pdf, title, 15 * scale, "B", 1.5 * scale)


def _grey(pdf: FPDF, text: str, size: float, gap: float = 0.6) -> None:
    pdf.set_text_color(_GREY_TEXT)
    _line(pdf, text, size, "", gap)
    pdf.set_text_color(0)


def _records(pdf: FPDF, pack: SubmissionPack, number: int, scale: float) -> None:
    records = pack.records
    if records is None:
        return
    _heading(pdf, _(EVIDENCE["records"], number=number), scale, room=30)
    for sentence in records.sentences:
        _line(pdf, sentence, 9 * scale, "", 0.6 * scale)
    if not records.rows:
        return
    pdf.ln(1.2 * scale)
    size = 7.5 * scale
    pdf.set_font(FONT, size=size)
    with pdf.table(
        col_widths=_RECORD_WIDTHS,
        width=pdf.epw,
        line_height=size * 0.48,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD, size_pt=7 * scale),
        cell_fill_color=_BAND,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        text_align="LEFT",
        padding=(0.6, 0.8),
        borders_layout="SINGLE_TOP_LINE",
    ) as table:
        heads = table.row()
        # The headings are the msgids: the one of the days, a number, is set right.
        days = N_("Days open")
        for heading in RECORD_HEADINGS:
            heads.cell(_(heading), align="RIGHT" if heading == days else "LEFT")
        for i, report in enumerate(records.rows, 1):
            row = table.row()
            row.cell(str(i))
            for heading, text in zip(RECORD_HEADINGS[1:], report.cells, strict=True):
                row.cell(text, align="RIGHT" if heading == days else "LEFT")
    more = records.open_count - len(records.rows)
    if more > 0:
        pdf.ln(0.8)
        _grey(pdf, ngettext(*RECORDS_COUNTS["more"], more), 8 * scale)


def draw_evidence(pdf: FPDF, pack: SubmissionPack, image: bytes, scale: float) -> None:
    """The evidence from a new page on: the gap table with its standard, the map, the water
    deliveries, the open reports, then how the numbers were made."""
    report = pack.report
    pdf.add_page()
    kicker(pdf, _(EVIDENCE["kicker"]), _(EVIDENCE["title"], cluster=report.title), scale)
    _line(pdf, _(EVIDENCE["gaps"]), 12 * scale, "B", 1.2 * scale)
    _grey(pdf, " ".join(report.standard_lines), 8.5 * scale, 1.5 * scale)
    _table(pdf, report, scale)
    # The map moves to the next page when less than its height is left.
    _heading(pdf, _(EVIDENCE["map"]), scale, room=_MAP_SIZE[1] * scale + 22)
    _map(pdf, report, image, scale)
    number = 3
    if pack.deliveries:
        _heading(pdf, _(EVIDENCE["deliveries"]), scale, room=24)
        if pack.delivery_period is not None:
            first, last = pack.delivery_period
            _grey(
                pdf,
                _(EVIDENCE["period"], first=long_date(first), last=long_date(last)),
                8.5 * scale,
            )
        final = len(pack.deliveries) - 1
        for i, text in enumerate(pack.deliveries):
            # The last line is the cluster total.
            _line(pdf, text, 8.5 * scale, "B" if i == final else "", 0.4 * scale)
        number += 1
    _records(pdf, pack, number, scale)
    _heading(pdf, _(EVIDENCE["method"]), scale, room=24)
    for text in pack.method:
        _line(pdf, text, 8 * scale, "", 0.6)


def draw_sheet(pdf: FPDF, pack: SubmissionPack) -> None:
    """The signature sheet on a page of its own: empty rows to the foot of the page, the
    consent note under them."""
    sheet = pack.sheet
    pdf.add_page()
    kicker(pdf, sheet.kicker, sheet.title, 1.0)
    _line(pdf, sheet.intro, 10, "", 1.5)
    _grey(pdf, sheet.consent, 8.5, 3)
    row_height = 10.5
    # Room for the heading row; the rest of the page takes whole rows.
    rows = int((pdf.h - pdf.b_margin - pdf.get_y() - 9) // row_height)
    pdf.set_font(FONT, size=8.5)
    with pdf.table(
        col_widths=_SHEET_WIDTHS,
        width=pdf.epw,
        line_height=4,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD),
        text_align="LEFT",
        v_align="MIDDLE",
        padding=(0.8, 1.0),
        borders_layout="ALL",
    ) as table:
        heads = table.row()
        for heading in sheet.columns:
            heads.cell(heading)
        for i in range(1, rows + 1):
            row = table.row(min_height=row_height)
            row.cell(str(i))
            for _column in sheet.columns[1:]:
                row.cell("")
