"""The wall map of a cluster: one A3, A2 or A1 sheet to pin up in a meeting hall.

The cluster's settlements are numbered on a large map (:func:`layers.static_map.cluster_map`,
the A4 report's map drawn bigger) and beside or below it each settlement's headline numbers
(:func:`atlas.summaries.poster.build_cluster_poster`): its number and name, the water gap in
words ("needs 18 more taps"), the ratio ("1 tap : 114 households"), the taps working and
broken and the toilet gap. Above them: the cluster, its municipality, the date, the cluster's
totals and the standard in words; below: the data sources. Black and white throughout, in
the report's DejaVu fonts, every name drawn as shaped plain text (:mod:`layers._pdf`).

The type-size rule. Sizes are set for the A3 sheet and grow with the sheet's short side
(A2 × √2, A1 × 2): an A1 poster is an A3 poster twice as large, read from twice as far. At
full size (scale 1) a settlement's number, name and gap ("Mohau Park: needs 47 more taps")
are 27 pt bold on A3, a cap height of 7.0 mm (A2 9.8 mm, A1 13.9 mm: readable at two
metres), and its other numbers 18 pt (cap height 4.6 mm; A1 9.3 mm). When the settlements do
not fit at full size, all their type is made smaller together, 4 % a step, and set in more
columns (never narrower than 14 ems, so that a gap stays on one line), down to what fits; the
title, totals and standard shrink by the square root of that scale, the sources likewise but
never below 6 pt on A3. The layout takes the largest scale at which the map still shows the
cluster over at least 15 % of the sheet (10, 5, 0 % for clusters that are long strips), then
the largest map: it tries portrait and landscape, the list beside and below the map, and the
list's share of the sheet, so the orientation follows the cluster's shape. A cluster of ten
settlements comes out at about 0.72 (names 19.5 pt, cap height 5.0 mm on A3, 10 mm on A1),
eighteen at about 0.57 and fifty-two at about 0.37 (5.2 mm on A1). :func:`poster_layout` says
what was chosen and :meth:`PosterLayout.cap_height_mm` what it measures.

The CLI (``atlas poster``) and the app call :func:`cluster_poster`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF

from atlas.i18n import _, noun
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.summaries.cluster_report import REPORT_CATEGORIES
from atlas.summaries.poster import ClusterPoster, build_cluster_poster
from atlas.writing import write_file
from layers._pdf import FONT, finish, prepare, release
from layers._poster_layout import (
    CAP_HEIGHT,
    MAP_NUMBER,
    MARGIN,
    SHEETS,
    TYPE_SIZES,
    Block,
    PosterLayout,
    choose,
    sheet_name,
)
from layers._typeset import PT, Line

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CAP_HEIGHT",
    "SHEETS",
    "TYPE_SIZES",
    "PosterLayout",
    "cluster_poster",
    "poster_layout",
    "poster_map",
    "render_poster",
]


def _new_pdf(poster: ClusterPoster) -> FPDF:
    pdf = FPDF(unit="mm")
    prepare(pdf, _("Wall map: {cluster}", cluster=poster.report.title), poster.report.generated)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    return pdf


def poster_layout(
    poster: ClusterPoster, size: str = "A2", *, pdf: FPDF | None = None
) -> PosterLayout:
    """Choose the sheet's orientation, the type scale and where the map and the list go.

    Parameters
    ----------
    poster
        The content (:func:`atlas.summaries.poster.build_cluster_poster`).
    size
        ``A3``, ``A2`` or ``A1``.
    pdf
        The document whose fonts measure the text (a new one by default).

    Returns
    -------
    PosterLayout

    Raises
    ------
    SchemaError
        An unknown size.
    """
    size = sheet_name(size)
    measure = pdf or _new_pdf(poster)
    try:
        return choose(poster, size, measure)
    finally:
        if pdf is None:
            release(measure)


def _draw_line(pdf: FPDF, x: float, y: float, width: float, line: Line) -> None:
    if not line.text:
        return
    pdf.set_font(FONT, line.style, line.size)
    pdf.set_text_color(line.grey)
    room = width - line.indent
    # The measure summed words; should the shaped line be wider after all, shrink it to fit.
    actual = pdf.get_string_width(line.text)
    if actual > room:
        pdf.set_font_size(line.size * room / actual * 0.995)
    pdf.set_xy(x + line.indent, y)
    pdf.cell(room, line.height, line.text)


def _frame(pdf: FPDF, x: float, y: float, width: float, lines: Sequence[Line]) -> None:
    """The frame of the lines marked ``boxed`` (the notice of a translation not yet
    reviewed), drawn under them."""
    top = bottom = None
    for line in lines:
        if line.boxed:
            top = y if top is None else top
            bottom = y + line.height
        y += line.height
    if top is None or bottom is None:
        return
    pdf.set_draw_color(0)
    pdf.set_fill_color(245)
    pdf.set_line_width(0.3)
    pdf.rect(x, top, width, bottom - top, style="DF")


def _draw_lines(pdf: FPDF, x: float, y: float, width: float, lines: Sequence[Line]) -> float:
    _frame(pdf, x, y, width, lines)
    for line in lines:
        _draw_line(pdf, x, y, width, line)
        y += line.height
    return y


def _badge(pdf: FPDF, x: float, y: float, block: Block) -> None:
    """The settlement's number in a circle, as on the map."""
    d = block.badge
    first = block.lines[0]
    cx, cy = x + d / 2, y + first.height / 2
    pdf.set_draw_color(0)
    pdf.set_fill_color(255)
    pdf.set_line_width(max(0.25, d * 0.06))
    pdf.circle(cx, cy, d / 2, style="DF")
    size = 0.62 * d / (1.1 * PT)  # the badge is 1.1 em of the headline
    pdf.set_font(FONT, "B", size)
    width = pdf.get_string_width(block.entry.number)
    if width > 0.82 * d:
        pdf.set_font_size(size * 0.82 * d / width)
    pdf.set_text_color(0)
    pdf.set_xy(cx - d / 2, cy - d / 2)
    pdf.cell(d, d, block.entry.number, align="C")


def _draw_list(pdf: FPDF, layout: PosterLayout) -> None:
    x, y, _width, _height = layout.list_box
    gutter = 1.0 * layout.points("body") * PT
    for i, column in enumerate(layout.columns):
        left = x + i * (layout.column_width + gutter)
        top = y
        for block in column:
            _badge(pdf, left, top, block)
            _draw_lines(pdf, left, top, layout.column_width, block.lines)
            top += block.height
        if i:
            pdf.set_draw_color(160)
            pdf.set_line_width(0.3 * layout.factor)
            pdf.line(left - gutter / 2, y, left - gutter / 2, top - 0.5 * gutter)


def poster_map(poster: ClusterPoster, layout: PosterLayout) -> Figure:
    """The poster's map (:func:`layers.static_map.cluster_map`) for ``layout``'s map box.

    The figure is drawn at the map box's size divided by ``layout.map_text``, so that all the
    map's text, lines and markers come out ``map_text`` times the A4 report's when it is
    placed in the box; the settlements' numbers are set apart to match the list's type.
    """
    # Imported here: matplotlib loads only when a poster is drawn.
    from layers.static_map import cluster_map

    report = poster.report
    category = REPORT_CATEGORIES[0]
    label = report.standard.rule(category).point_label
    *_corner, width, height = layout.map_box
    text = layout.map_text
    return cluster_map(
        report.members,
        [e.gap for e in poster.entries],
        [e.number for e in poster.entries],
        metric_crs=report.metric_crs,
        others=report.others,
        services=report.services[report.services["category"] == category],
        wards=report.wards,
        value_title=_capital(_("{points} missing", points=noun(label, 2))),
        points_title=_capital(noun(label, 2)),
        size_mm=(width / text, height / text),
        legend="fit",
        number_size=MAP_NUMBER * layout.factor * layout.scale / text,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def render_poster(poster: ClusterPoster, size: str = "A2", *, dpi: float = 150) -> bytes:
    """Lay out ``poster`` on one ``size`` sheet.

    Parameters
    ----------
    poster
        The content (:func:`atlas.summaries.poster.build_cluster_poster`).
    size
        ``A3``, ``A2`` or ``A1``.
    dpi
        The map's resolution on the printed sheet (the text is vector).

    Returns
    -------
    bytes
        The PDF.
    """
    # Imported here: the map's drawing (matplotlib, the layers' styles) loads only when a
    # poster is drawn.
    from layers.static_map import map_png

    pdf = _new_pdf(poster)
    try:
        layout = poster_layout(poster, size, pdf=pdf)
        pdf.add_page(format=layout.page)
        margin = MARGIN * layout.factor
        inner = layout.page[0] - 2 * margin
        bottom = _draw_lines(pdf, margin, margin, inner, layout.header)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.5 * layout.factor)
        rule = bottom + 0.4 * layout.points("body") * PT
        pdf.line(margin, rule, margin + inner, rule)
        x, y, w, h = layout.map_box
        image = map_png(poster_map(poster, layout), dpi=max(20, round(dpi * layout.map_text)))
        pdf.image(image, x=x, y=y, w=w, h=h)
        _draw_list(pdf, layout)
        footer_h = sum(line.height for line in layout.footer)
        _draw_lines(pdf, margin, layout.page[1] - margin - footer_h, inner, layout.footer)
    except BaseException:
        release(pdf)
        raise
    return finish(pdf)


def cluster_poster(
    result: GapResult,
    dataset: Dataset,
    cluster: str,
    output: Path | None = None,
    *,
    size: str = "A2",
    municipality: str | None = None,
    generated: date | None = None,
    sources: Sequence[str] = (),
    dpi: float = 150,
) -> bytes:
    """The wall map of one cluster on one A3, A2 or A1 sheet, as PDF bytes (also written to
    ``output``).

    Parameters
    ----------
    result
        :func:`atlas.compute_gaps` of ``dataset``.
    dataset
        The dataset measured.
    cluster
        The cluster's name, or :data:`atlas.summaries.phrases.NOT_IN_A_CLUSTER`.
    output
        Where to write the PDF, if anywhere.
    size
        ``A3`` (297 × 420 mm), ``A2`` (420 × 594 mm) or ``A1`` (594 × 841 mm).
    municipality
        The municipality under the title; by default from the dataset or its wards.
    generated
        The poster's date; today by default.
    sources
        Extra lines for the sources.
    dpi
        The map's resolution on the printed sheet.

    Returns
    -------
    bytes
        The PDF: one page of exactly ``size``.

    Raises
    ------
    SchemaError
        When no cluster has that name (the message lists the clusters), or the size is not
        one of A3, A2, A1.

    Examples
    --------
    >>> import atlas
    >>> dataset = atlas.load_sample()
    >>> result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    >>> pdf = cluster_poster(result, dataset, "Northern Ridge Cluster", size="A3", dpi=30)
    >>> pdf[:5]
    b'%PDF-'
    """
    size = sheet_name(size)
    poster = build_cluster_poster(
        result, dataset, cluster, municipality=municipality, generated=generated, sources=sources
    )
    pdf = render_poster(poster, size, dpi=dpi)
    if output is not None:
        write_file(output, pdf)  # folders made, whole or not at all, clear errors
    return pdf
