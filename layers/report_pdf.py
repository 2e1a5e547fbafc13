"""The printable cluster report: an A4 PDF for a cluster meeting or an IDP submission.

Laid out with fpdf2 in DejaVu Sans (the fonts matplotlib ships, so no system font is needed),
which covers Latin with every diacritic used in South African languages, Greek, Cyrillic and
Arabic; Arabic is shaped and ordered right to left through HarfBuzz (``uharfbuzz``). Every
name is written as plain text, never parsed as markup. Black and white throughout: the map
uses greys, hatching and marker shapes; the table uses light grey bands.

The CLI (``atlas report``) and the app call :func:`cluster_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, XPos, YPos

from atlas.i18n import _, long_date, noun
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.summaries.cluster_report import REPORT_CATEGORIES, ClusterReport, build_cluster_report
from atlas.summaries.phrases import gap_headings
from atlas.writing import write_file
from layers._pdf import FONT, finish, prepare, release, review_box

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FONT", "MAX_PAGES", "cluster_report", "render_pdf", "report_map"]

#: The page budget: the text shrinks step by step (down to ``_SCALES[-1]``) to stay within it.
MAX_PAGES = 2
_SCALES = (1.0, 0.94, 0.88, 0.82, 0.76)
_MARGIN = 12.0
_GREY_TEXT = 70
_BAND = (238, 238, 238)
_HEAD = (218, 218, 218)
#: Column widths (mm) of the settlement table; they add up to the A4 text width (186 mm).
_WIDTHS = (7, 31.5, 15.5, 18.5, 13.5, 12.5, 12.5, 36.5, 13.5, 12.5, 12.5)


class _Document(FPDF):
    """A4 portrait with a page footer."""

    #: What the footer says before the page number, ending in " · ".
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-9)
        self.set_font(FONT, size=7)
        self.set_text_color(_GREY_TEXT)
        # "{nb}": fpdf2 writes the number of pages there.
        page = _("page {page} of {pages}", page=self.page_no(), pages="{nb}")
        self.cell(0, 4, f"{self.footer_text}{page}", align="C")


def _new_document(report: ClusterReport) -> _Document:
    pdf = _Document(orientation="portrait", unit="mm", format="A4")
    prepare(pdf, _("Cluster report: {cluster}", cluster=report.title), report.generated)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=13)
    made = _("Settlement Atlas · cluster report · {date}", date=long_date(report.generated))
    pdf.footer_text = f"{made} · "
    return pdf


def _line(pdf: FPDF, text: str, size: float, style: str = "", gap: float = 0.0) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if gap:
        pdf.ln(gap)


def _heading(pdf: FPDF, text: str, scale: float, room: float = 30.0) -> None:
    """A section heading, moved to the next page when fewer than ``room`` mm are left."""
    if pdf.get_y() + room * scale > pdf.h - pdf.b_margin:
        pdf.add_page()
    else:
        pdf.ln(3 * scale)
    pdf.set_text_color(0)
    _line(pdf, text, 12 * scale, "B", 1.2 * scale)


def _title(pdf: FPDF, report: ClusterReport, scale: float) -> None:
    # A translation not yet checked says so first, on the first page.
    review_box(pdf, 7.5 * max(scale, 0.9))
    pdf.set_text_color(_GREY_TEXT)
    _line(pdf, _("CLUSTER REPORT · WATER AND SANITATION"), 8 * scale, "B", 0.8)
    pdf.set_text_color(0)
    _line(pdf, report.title, 17 * scale, "B", 0.8)
    where = [report.municipality] if report.municipality else []
    _line(pdf, " · ".join([*where, long_date(report.generated)]), 10.5 * scale)
    pdf.ln(0.8 * scale)
    pdf.set_text_color(_GREY_TEXT)
    _line(pdf, " ".join(report.standard_lines), 8.5 * scale, "", 2 * scale)
    pdf.set_text_color(0)
    for sentence in report.summary:
        _line(pdf, sentence, 10 * scale, "B", 0.6)


def _map(pdf: FPDF, report: ClusterReport, image: bytes, scale: float) -> None:
    pdf.ln(1.5 * scale)
    height = pdf.epw * _MAP_SIZE[1] / _MAP_SIZE[0] * scale
    pdf.image(image, x=pdf.l_margin + pdf.epw * (1 - scale) / 2, w=pdf.epw * scale, h=height)
    pdf.set_text_color(_GREY_TEXT)
    label = report.standard.rule(REPORT_CATEGORIES[0]).point_label
    _line(
        pdf,
        _(
            "Map: the cluster's settlements, numbered as in the table and shaded by how many "
            "{points} are missing; {points} by status; ward boundaries dashed. Drawn in {crs} "
            "(metres).",
            points=noun(label, 2),
            crs=report.metric_crs.name,
        ),
        7 * scale,
        "I",
        1.5 * scale,
    )
    pdf.set_text_color(0)


def _table(pdf: FPDF, report: ClusterReport, scale: float) -> None:
    rules = [report.standard.rule(c) for c in REPORT_CATEGORIES]
    size = 7.5 * scale
    pdf.set_font(FONT, size=size)
    shown = gap_headings(report.standard, REPORT_CATEGORIES)
    # The ratio in words is text; so are the number, name and ward before the counts.
    ratios = {heading for key, heading in shown.items() if key.endswith("ratio")}
    numeric = [i >= 3 and h not in ratios for i, h in enumerate(report.headings)]
    with pdf.table(
        col_widths=_WIDTHS,
        width=pdf.epw,
        line_height=size * 0.48,
        num_heading_rows=2,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD, size_pt=7 * scale),
        cell_fill_color=_BAND,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        text_align="LEFT",
        v_align="MIDDLE",
        padding=(0.6, 0.8),
        borders_layout="SINGLE_TOP_LINE",
    ) as table:
        top = table.row()
        top.cell("", colspan=4)
        water = _("Water ({points})", points=noun(rules[0].point_label, 2))
        top.cell(water, colspan=4, align="CENTER")
        sanitation = _("Sanitation ({points})", points=noun(rules[1].point_label, 2))
        top.cell(sanitation, colspan=3, align="CENTER")
        heads = table.row()
        for heading, right in zip(report.headings, numeric, strict=True):
            heads.cell(heading, align="RIGHT" if right else "LEFT")
        for cells in report.rows:
            row = table.row()
            for text, right in zip(cells, numeric, strict=True):
                row.cell(text, align="RIGHT" if right else "LEFT")
        total = table.row()
        bold = FontFace(emphasis="BOLD", fill_color=_HEAD)
        total.cell(report.totals[0], style=bold)
        # The label ("Cluster total: 18 settlements") also takes the empty ward cell.
        total.cell(report.totals[1], colspan=2, style=bold)
        for text, right in zip(report.totals[3:], numeric[3:], strict=True):
            total.cell(text, align="RIGHT" if right else "LEFT", style=bold)


def _sentences(pdf: FPDF, report: ClusterReport, scale: float) -> None:
    _heading(pdf, _("In plain words"), scale)
    size = 9.5 * scale
    for name, sentences in report.sentences:
        pdf.set_font(FONT, "B", size)
        pdf.write(size * 0.47, f"{name}. ")
        pdf.set_font(FONT, "", size)
        pdf.write(size * 0.47, " ".join(sentences))
        pdf.ln(size * 0.47 + 1.4 * scale)


def _deliveries(pdf: FPDF, report: ClusterReport, scale: float) -> None:
    if not report.deliveries:
        return
    _heading(pdf, _("Water deliveries"), scale, room=20)
    last = len(report.deliveries) - 1
    for i, text in enumerate(report.deliveries):
        # The last line is the cluster total.
        _line(pdf, text, 8.5 * scale, "B" if i == last else "", 0.4 * scale)


def _closing(pdf: FPDF, report: ClusterReport, scale: float) -> None:
    _heading(pdf, _("About these numbers"), scale, room=24)
    lines = [*report.source_lines, *report.notes]
    if report.standard.notes:
        lines.append(_("About the standard: {notes}", notes=report.standard.notes))
    for text in lines:
        _line(pdf, text, 8 * scale, "", 0.6)


#: Width and height of the map in millimetres (drawn at full text width).
_MAP_SIZE = (186.0, 104.0)


def _layout(report: ClusterReport, image: bytes, scale: float) -> FPDF:
    pdf = _new_document(report)
    pdf.add_page()
    _title(pdf, report, scale)
    _map(pdf, report, image, scale)
    _table(pdf, report, scale)
    _sentences(pdf, report, scale)
    _deliveries(pdf, report, scale)
    _closing(pdf, report, scale)
    return pdf


def render_pdf(report: ClusterReport, image: bytes, *, scale: float = 1.0) -> bytes:
    """Lay out ``report`` with its map ``image`` (PNG bytes) on A4 pages.

    Parameters
    ----------
    report
        The content (:func:`atlas.summaries.cluster_report.build_cluster_report`).
    image
        The map as PNG bytes (:func:`layers.static_map.map_png`).
    scale
        Text and map size relative to the full size (1.0).

    Returns
    -------
    bytes
        The PDF.
    """
    return finish(_layout(report, image, scale))


def _fitted(report: ClusterReport, image: bytes) -> FPDF:
    """The layout at the largest of :data:`_SCALES` that keeps within :data:`MAX_PAGES` (the
    smallest when none does). Smaller text never takes more pages, so the full size is tried
    first, then the smallest, then a halving search between: at most four layouts of five,
    and two for a cluster too large for two pages at any size (each layout of a 52-settlement
    cluster takes seconds)."""
    first = _layout(report, image, _SCALES[0])
    if first.pages_count <= MAX_PAGES or len(_SCALES) == 1:
        return first
    release(first)
    # _SCALES[low] is too large; _SCALES[high] fits, and best is its layout.
    low, high = 0, len(_SCALES) - 1
    best = _layout(report, image, _SCALES[high])
    if best.pages_count > MAX_PAGES:
        return best
    while high - low > 1:
        middle = (low + high) // 2
        document = _layout(report, image, _SCALES[middle])
        if document.pages_count <= MAX_PAGES:
            release(best)
            best, high = document, middle
        else:
            release(document)
            low = middle
    return best


def cluster_report(
    result: GapResult,
    dataset: Dataset,
    cluster: str,
    output: Path | None = None,
    *,
    municipality: str | None = None,
    generated: date | None = None,
    sources: Sequence[str] = (),
    compliance: pd.DataFrame | None = None,
) -> bytes:
    """The printable A4 report of one cluster, as PDF bytes (also written to ``output``).

    A title with the cluster, municipality and date; a map of the cluster; one table row per
    settlement (households, working / needed / missing taps and toilets, the water ratio in
    words, primary ward) and the cluster totals; sentences a resident can read aloud; the
    standard and its source; the data sources. Up to 18 settlements fit on two pages.

    Parameters
    ----------
    result
        :func:`atlas.compute_gaps` of ``dataset``.
    dataset
        The dataset measured.
    cluster
        The cluster's name.
    output
        Where to write the PDF, if anywhere.
    municipality
        The municipality in the title; by default from the wards' ``municipality`` field.
    generated
        The report's date; today by default.
    sources
        Extra lines for the data-sources section.
    compliance
        Water delivery compliance per settlement (the ``settlement`` level of
        :func:`atlas.schedules.compliance`): adds a "Water deliveries" section with a sentence
        per settlement and the cluster total.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    SchemaError
        When no cluster has that name (the message lists the clusters).
    """
    report = build_cluster_report(
        result,
        dataset,
        cluster,
        municipality=municipality,
        generated=generated,
        sources=sources,
        compliance=compliance,
    )
    pdf = finish(_fitted(report, _map_png(report)))
    if output is not None:
        write_file(output, pdf)  # folders made, whole or not at all, clear errors
    return pdf


def report_map(report: ClusterReport) -> Figure:
    """The report's map of ``report``'s cluster (the A4 text width, :data:`_MAP_SIZE`): its
    settlements numbered as in the table and shaded by how many taps are missing."""
    # Imported here: layers (folium, mapclassify) is not loaded by the library until it draws.
    from layers.static_map import cluster_map

    category = REPORT_CATEGORIES[0]
    label = report.standard.rule(category).point_label
    services = report.services[report.services["category"] == category]
    return cluster_map(
        report.members,
        report.members[f"{category}_gap"].astype(float).to_numpy(),
        [row[0] for row in report.rows],
        metric_crs=report.metric_crs,
        others=report.others,
        services=services,
        wards=report.wards,
        value_title=_capital(_("{points} missing", points=noun(label, 2))),
        points_title=_capital(noun(label, 2)),
        size_mm=_MAP_SIZE,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _map_png(report: ClusterReport) -> bytes:
    from layers.static_map import map_png

    return map_png(report_map(report))
