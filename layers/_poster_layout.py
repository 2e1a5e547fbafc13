"""Where the wall map's parts go: the type scale, the sheet's orientation, the map's box and
the list's columns, measured with :class:`layers._typeset.Typesetter`.

Private to :mod:`layers`; :mod:`layers.poster_pdf` draws what :func:`choose` decides and
re-exports :data:`SHEETS`, :data:`TYPE_SIZES` and :class:`PosterLayout`.

The search: for each orientation, list beside or below the map, and share of the sheet's
content area given to the list, the largest type scale at which every settlement's entry
fits in columns (found by halving :data:`_SCALES`); among those, the largest type whose map
covers at least a floor share of the sheet, then the largest map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from fpdf import FPDF

from atlas.errors import SchemaError
from atlas.i18n import _, language, long_date, noun, review_notice
from atlas.summaries.cluster_report import REPORT_CATEGORIES
from atlas.summaries.poster import ClusterPoster, PosterEntry
from layers._poster_boxes import Box, balanced_columns, cluster_bounds, map_reach, padded, split
from layers._typeset import PT, Line, Typesetter

__all__ = [
    "CAP_HEIGHT",
    "GREY",
    "MAP_NUMBER",
    "MARGIN",
    "SHEETS",
    "TYPE_SIZES",
    "Block",  # i18n-ignore: a name of the API
    "PosterLayout",
    "choose",
    "sheet_name",
]

#: ISO sheets, portrait width and height in millimetres.
SHEETS: dict[str, tuple[float, float]] = {
    "A3": (297.0, 420.0),
    "A2": (420.0, 594.0),
    "A1": (594.0, 841.0),
}
#: Type sizes in points on an A3 sheet at full size; they grow with the sheet's short side.
TYPE_SIZES: dict[str, float] = {
    "title": 64.0,
    "kicker": 14.0,
    "meta": 22.0,
    "summary": 20.0,
    "standard": 15.0,
    "head": 27.0,
    "body": 18.0,
    "footer": 10.5,
}
#: DejaVu Sans: cap height per em (1493 of 2048 units).
CAP_HEIGHT = 1493 / 2048
#: The smallest footer (sources) in points on A3, however long the sources are.
_FOOTER_MIN = 6.0
MARGIN = 12.0
GREY = 70
#: The narrowest column, in ems of the settlements' names: "needs 120 more taps" fits on a
#: line (more columns of smaller type would be no easier to read).
_NARROWEST = 14.0
#: A name that takes more lines than this at the headline's size is set smaller.
_NAME_LINES = 3
#: Line height per em: room for marks above and below (Ṱ, ë).
_LEAD = 1.22
#: Share of the content area the list may take (the rest is the map's).
_SHARES = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
#: The least share of the sheet the cluster must cover on the map, relaxed in turn when no
#: layout allows it (a long thin cluster): the largest type is chosen among those layouts.
_MAP_FLOORS = (0.15, 0.1, 0.05, 0.0)
#: Type scales tried, largest first, 4 % apart.
_SCALES = tuple(0.96**i for i in range(75))
#: The map's own text (legend, ward names, scale bar) relative to the A4 report's, on A3 at
#: full size; it shrinks with the list's type, but not below ``_MAP_TEXT_FLOOR`` of it.
_MAP_TEXT = 2.0
_MAP_TEXT_FLOOR = 0.6
#: The numbers on the map in points on A3 at full size (they shrink with the list's type).
MAP_NUMBER = 22.0


@dataclass(frozen=True)
class Block:
    """An entry set for one column width: its lines, its height and the diameter of its
    number's circle (mm, 1.1 em of the headline)."""

    entry: PosterEntry
    lines: tuple[Line, ...]
    height: float
    badge: float


@dataclass(frozen=True)
class PosterLayout:
    """Where everything goes on the sheet (millimetres from the top left corner).

    Parameters
    ----------
    size
        ``A3``, ``A2`` or ``A1``.
    orientation
        ``portrait`` or ``landscape``.
    page
        The sheet's width and height as printed.
    scale
        The type's size relative to full size (1.0): the settlements' names and gaps are
        ``TYPE_SIZES["head"] * scale`` points on A3, proportionally larger on A2 and A1.
    arrangement
        ``side`` (the list beside the map) or ``below``.
    header, footer
        Their lines.
    map_box, list_box
        ``(x, y, width, height)`` of the map image and of the list.
    columns
        The list's columns, each a sequence of settlements set for ``column_width``.
    column_width
        The width of one column.
    map_text
        The map's text size relative to the A4 report's map.
    map_share
        The share of the sheet the cluster itself covers on the map (its bounding box with
        the map's margin).
    """

    size: str
    orientation: str
    page: tuple[float, float]
    scale: float
    arrangement: str
    header: tuple[Line, ...]
    footer: tuple[Line, ...]
    map_box: Box
    list_box: Box
    columns: tuple[tuple[Block, ...], ...]
    column_width: float
    map_text: float
    map_share: float

    @property
    def list_area(self) -> float:
        """The list's box in square millimetres."""
        return self.list_box[2] * self.list_box[3]

    @property
    def factor(self) -> float:
        """How much larger than A3 the sheet is (A2 √2, A1 2)."""
        return min(self.page) / SHEETS["A3"][0]

    def points(self, role: str) -> float:
        """The size in points of one of :data:`TYPE_SIZES`'s roles on this poster."""
        return TYPE_SIZES[role] * self.factor * self.scale

    def cap_height_mm(self, role: str) -> float:
        """The cap height in millimetres of a role's type on this poster."""
        return self.points(role) * PT * CAP_HEIGHT


class Setter:
    """Sets the poster's text for one sheet: header, footer and settlements at a type scale."""

    def __init__(self, type_: Typesetter, poster: ClusterPoster, factor: float) -> None:
        self.type = type_
        self.poster = poster
        self.factor = factor
        self._blocks: dict[float, list[Block]] = {}
        self._text: dict[tuple[str, float, float], list[Line]] = {}

    def pt(self, role: str, scale: float) -> float:
        return TYPE_SIZES[role] * self.factor * scale

    def _lines(
        self, text: str, width: float, style: str, size: float, indent: float = 0, grey: int = 0
    ) -> list[Line]:
        return [
            Line(t, style, size, size * PT * _LEAD, indent, grey)
            for t in self.type.wrap(text, width, style, size)
        ]

    def header(self, width: float, scale: float) -> list[Line]:
        """Kicker, title, municipality and date, the cluster's totals, the standard; at the
        square root of the list's ``scale`` (a few lines: they shrink less)."""
        key = ("header", round(width, 2), scale)
        if key not in self._text:
            self._text[key] = self._header(width, math.sqrt(scale))
        return self._text[key]

    def _notice(self, width: float, scale: float) -> list[Line]:
        """The notice of a translation not yet reviewed, framed, small but readable (the
        footer's size); none in English."""
        notice = review_notice(language())
        if notice is None:
            return []
        size = max(self.pt("footer", scale), _FOOTER_MIN * self.factor)
        pad = 0.6 * size * PT
        edge = Line("", "", size, pad, boxed=True)
        lines = [edge]
        for i, paragraph in enumerate(p for p in notice.split("\n") if p.strip()):
            if i:
                lines.append(Line("", "", size, 0.5 * size * PT, boxed=True))
            for text in self.type.wrap(paragraph, width - 2 * pad, "", size):
                lines.append(Line(text, "", size, size * PT * _LEAD, pad, boxed=True))
        return [*lines, edge, Line("", "", 0, 0.8 * size * PT)]

    def _header(self, width: float, scale: float) -> list[Line]:
        report = self.poster.report
        label = report.standard.rule(REPORT_CATEGORIES[0]).point_label
        # The categories are REPORT_CATEGORIES'.
        kicker = _("WALL MAP · WATER AND SANITATION")
        lines = self._notice(width, scale)
        lines += self._lines(kicker, width, "B", self.pt("kicker", scale), grey=GREY)
        size = self.pt("title", scale)
        title = self._lines(report.title, width, "B", size)
        while len(title) > 2 and size > self.pt("head", scale):
            size *= 0.9
            title = self._lines(report.title, width, "B", size)
        lines += title
        where = [report.municipality] if report.municipality else []
        lines += self._lines(" · ".join([*where, long_date(report.generated)]), width, "",
                             self.pt("meta", scale))  # fmt: skip
        lines.append(Line("", "", 0, self.pt("summary", scale) * PT * 0.4))
        total = self.poster.total
        summary = self.pt("summary", scale)
        lines += self._lines(f"{total.name}: {total.headline}", width, "B", summary)
        lead = summary * PT * 1.22
        lines += [
            Line(t, "", summary, lead) for t in self.type.pack(total.details, width, "", summary)
        ]
        order = _(
            "The numbers on the map are the list's: most {points} missing first.",
            points=noun(label, 2),
        )
        lines += self._lines(
            f"{self.poster.standard_words} {order}", width, "", self.pt("standard", scale),
            grey=GREY,
        )  # fmt: skip
        return lines

    def footer(self, width: float, height_limit: float, scale: float) -> list[Line]:
        """The map's note and the sources, at the square root of ``scale``, smaller still
        (down to a floor) when they would take more than ``height_limit`` mm."""
        key = ("footer", round(width, 2), scale)
        if key not in self._text:
            self._text[key] = self._footer(width, height_limit, math.sqrt(scale))
        return self._text[key]

    def _footer(self, width: float, height_limit: float, scale: float) -> list[Line]:
        report = self.poster.report
        label = report.standard.rule(REPORT_CATEGORIES[0]).point_label
        texts = [
            _(
                "Map: the cluster's settlements, numbered as in the list and shaded by how many "
                "{points} are missing; {points} by status; ward boundaries dashed. Drawn in "
                "{crs} (metres).",
                points=noun(label, 2),
                crs=report.metric_crs.name,
            ),
            *self.poster.source_lines,
            _("Settlement Atlas · wall map · {date}", date=long_date(report.generated)),
        ]
        floor = _FOOTER_MIN * self.factor
        size = max(self.pt("footer", scale), floor)
        while True:
            lines = [x for t in texts for x in self._lines(t, width, "", size, grey=GREY)]
            if sum(x.height for x in lines) <= height_limit or size <= floor:
                return lines
            size = max(size * 0.92, floor)

    def _units(self, width: float, scale: float) -> tuple[list[Block], float]:
        """Every settlement set at full size for the column ``width`` mm wide at ``scale``
        (lines break where they break at any scale, the width being in ems), and how much
        to scale them by. Widths are rounded down to a quarter of an em and remembered."""
        em = self.pt("head", scale) * PT
        ems = math.floor(width / em * 4) / 4
        if ems not in self._blocks:
            full = ems * self.pt("head", 1.0) * PT
            self._blocks[ems] = [self._block(e, full, 1.0) for e in self.poster.entries]
        return self._blocks[ems], scale

    def heights(self, width: float, scale: float) -> list[float]:
        """The height (mm) of every settlement's entry in a column ``width`` mm wide."""
        blocks, factor = self._units(width, scale)
        return [b.height * factor for b in blocks]

    def blocks(self, width: float, scale: float) -> list[Block]:
        """Every settlement set for a column ``width`` mm wide at ``scale``."""
        blocks, k = self._units(width, scale)
        return [
            Block(
                b.entry,
                tuple(
                    Line(x.text, x.style, x.size * k, x.height * k, x.indent * k, x.grey)
                    for x in b.lines
                ),
                b.height * k,
                b.badge * k,
            )
            for b in blocks
        ]

    def _block(self, entry: PosterEntry, width: float, scale: float) -> Block:
        head, body = self.pt("head", scale), self.pt("body", scale)
        em = head * PT
        indent = 1.5 * em
        room = width - indent
        joined = f"{entry.name}: {entry.headline}"
        if self.type.width(joined, "B", head) <= room * 0.98:
            lines = self._lines(joined, room, "B", head, indent=indent)
        else:
            lines = self._lines(entry.name, room, "B", head, indent=indent)
            # A name of many lines (a 300-character one) is set smaller, down to the body's
            # size, so that it does not shrink every other settlement's type.
            for smaller in (0.8 * head, body):
                if len(lines) <= _NAME_LINES:
                    break
                lines = self._lines(entry.name, room, "B", smaller, indent=indent)
            lines += self._lines(entry.headline, room, "B", head, indent=indent)
        lead = body * PT * 1.2
        lines += [
            Line(t, "", body, lead, indent) for t in self.type.pack(entry.details, room, "", body)
        ]
        height = sum(x.height for x in lines) + 0.5 * body * PT
        return Block(entry, tuple(lines), height, 1.1 * em)


def _fit_list(setter: Setter, box: Box, scale: float) -> tuple[list[list[int]], float] | None:
    """The settlements (indices) in the fewest columns that fit ``box`` at ``scale``, and
    the column width; None when they do not fit."""
    *_corner, width, height = box
    gutter = 1.0 * setter.pt("body", scale) * PT
    narrowest = _NARROWEST * setter.pt("head", scale) * PT
    count = 1
    while True:
        column = (width - (count - 1) * gutter) / count
        if column < narrowest:
            return None
        heights = setter.heights(column, scale)
        if sum(heights) <= count * height:
            columns = balanced_columns(heights, height, count)
            if columns is not None:
                return columns, column
        count += 1


def _map_text(factor: float, scale: float) -> float:
    return _MAP_TEXT * factor * max(scale, _MAP_TEXT_FLOOR)


Plan = tuple[PosterLayout, list[list[int]]]


def _plans(setter: Setter, size: str, orientation: str, bounds: tuple[float, float]) -> list[Plan]:
    """For each arrangement and list share of one orientation, the layout at the largest
    type scale that fits (its columns as indices of the entries, to be set when chosen)."""
    w, h = SHEETS[size]
    page = (w, h) if orientation == "portrait" else (h, w)
    factor = setter.factor
    margin = MARGIN * factor
    inner = page[0] - 2 * margin

    def attempt(index: int, arrangement: str, share: float) -> Plan | None:
        scale = _SCALES[index]
        header = setter.header(inner, scale)
        footer = setter.footer(inner, 0.14 * page[1], scale)
        footer_h = sum(x.height for x in footer)
        gap = 0.8 * setter.pt("body", scale) * PT
        top = margin + sum(x.height for x in header) + gap
        content = (margin, top, inner, page[1] - margin - footer_h - gap - top)
        if content[3] <= 0:
            return None
        map_box, list_box = split(content, arrangement, share, 2 * gap)
        fitted = _fit_list(setter, list_box, scale)
        if fitted is None:
            return None
        indices, column_width = fitted
        text = _map_text(factor, scale)
        drawn = map_reach(map_box, bounds, text) ** 2 * math.prod(padded(bounds))
        layout = PosterLayout(
            size, orientation, page, scale, arrangement, tuple(header), tuple(footer),
            map_box, list_box, (), column_width, text, drawn / (page[0] * page[1]),
        )  # fmt: skip
        return layout, indices

    plans = []
    for arrangement in ("side", "below"):
        # Index of the largest scale that fits (0 is full size): found by halving, and never
        # smaller for a larger list share, so each share starts where the last one ended.
        high = len(_SCALES) - 1
        for share in _SHARES:
            low, found = 0, None
            while high > low:
                middle = (low + high) // 2
                plan = attempt(middle, arrangement, share)
                if plan is None:
                    low = middle + 1
                else:
                    found, high = plan, middle
            found = found or attempt(high, arrangement, share)
            if found is not None:
                plans.append(found)
    return plans


def sheet_name(size: str) -> str:
    key = str(size).upper()
    if key not in SHEETS:
        raise SchemaError(
            _(
                "No poster size '{size}': the sizes are {sizes} (ISO, in millimetres: "
                "{dimensions}).",
                size=size,
                sizes=", ".join(SHEETS),
                dimensions=", ".join(f"{k} {w:g} × {h:g}" for k, (w, h) in SHEETS.items()),
            )
        )
    return key


def choose(poster: ClusterPoster, size: str, pdf: FPDF) -> PosterLayout:
    """The layout of ``poster`` on a ``size`` sheet (checked), its text measured in ``pdf``:
    the largest type among the layouts whose map covers enough of the sheet (relaxed in turn),
    then the largest map, then the most room for the list."""
    setter = Setter(Typesetter(pdf), poster, SHEETS[size][0] / SHEETS["A3"][0])
    bounds = cluster_bounds(poster)
    plans = [p for o in ("landscape", "portrait") for p in _plans(setter, size, o, bounds)]
    for floor in _MAP_FLOORS:
        large = [p for p in plans if p[0].map_share >= floor]
        if large:
            # Map shares within a percent of the sheet count as equal.
            layout, indices = max(
                large, key=lambda p: (p[0].scale, round(p[0].map_share, 2), p[0].list_area)
            )
            blocks = setter.blocks(layout.column_width, layout.scale)
            columns = tuple(tuple(blocks[i] for i in column) for column in indices)
            return replace(layout, columns=columns)
    raise SchemaError(
        _(
            "The settlements of {cluster} do not fit on {size}.",
            cluster=poster.report.title,
            size=size,
        )
    )
