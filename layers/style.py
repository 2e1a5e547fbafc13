"""Classes, colours and legends of the maps.

* Settlement values are classed with mapclassify's Fisher–Jenks natural breaks (at most five
  classes; fewer when there are fewer distinct values) and coloured with ColorBrewer's YlOrRd,
  a colour-blind-safe sequential palette: darker is worse. For coverage higher is better, so the
  palette is reversed. Missing values (unknown demand) are grey and get a "no data" entry.
* Legend labels never share a value: ``0 – 8``, ``9 – 19`` for whole numbers; ``42 to under
  90``, ``90 to 187`` for numbers with decimals and percentages (the plain-words form of
  mapclassify's half-open intervals; QGIS's default ``42 - 90``, ``90 - 187`` leaves 90 in
  doubt). Values are classed as the tooltips show them (rounded), so a settlement whose tooltip
  says 90 has the colour of the class whose label holds 90.
* Service points are coloured by status with Okabe–Ito colours (blue working, vermillion broken,
  white unknown), distinguishable with the common colour-vision deficiencies.
* :class:`Legend` draws the legend as a Leaflet control from local HTML and CSS only (branca's
  colormaps would load d3 from a CDN).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np
from branca.element import MacroElement
from folium.template import Template

from atlas.i18n import _, round_half_up
from layers.text import format_number, safe_text

__all__ = [
    "MAX_CLASSES",
    "NO_DATA",
    "STATUS_COLOURS",
    "Classes",  # i18n-ignore: a name of the API
    "Legend",  # i18n-ignore: a name of the API
    "LegendSection",
    "classify",
    "palette",
    "shown_values",
]

#: The most classes a choropleth gets (more are hard to tell apart on a projector).
MAX_CLASSES = 5
#: Fill of settlements whose value is missing (unknown demand, no standard ratio).
NO_DATA = "#bdbdbd"
#: ColorBrewer YlOrRd (colour-blind safe, print friendly), by number of classes.
_YLORRD = {
    1: ("#fd8d3c",),
    2: ("#feb24c", "#e31a1c"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
#: Okabe–Ito colours of service-point status; anything else counts as unknown.
STATUS_COLOURS = {"working": "#0072B2", "broken": "#D55E00", "unknown": "#ffffff"}
#: Fisher–Jenks is O(k·n²) in pure Python (numba is not a dependency), so large inputs are
#: summarised by this many evenly spaced quantiles first: deterministic, unlike sampling.
_MAX_FIT = 128


def palette(n: int, *, reverse: bool = False) -> tuple[str, ...]:
    """``n`` YlOrRd colours, light to dark (dark to light when ``reverse``)."""
    if not 1 <= n <= MAX_CLASSES:
        raise ValueError(f"A palette has 1 to {MAX_CLASSES} colours, not {n}.")
    colours = _YLORRD[n]
    return colours[::-1] if reverse else colours


@dataclass(frozen=True)
class Classes:
    """Classes of a choropleth.

    Values are classed as they are shown (:func:`shown_values`: rounded like the tooltips),
    so a value shown as ``90`` is in the class whose label holds 90.

    Parameters
    ----------
    bins
        The largest value of each class, ascending (the last is the largest value classed).
    colours
        Fill of each class.
    labels
        Legend text of each class: ``6 – 12`` (whole numbers), ``42 to under 90`` (numbers
        with decimals and percentages), see :func:`classify`.
    missing
        How many values were missing (drawn in :data:`NO_DATA`).
    starts
        The smallest value of each class, ascending: class *i* holds the shown values from
        ``starts[i]`` up to, not including, ``starts[i + 1]``; the first also holds anything
        smaller and the last anything larger. Empty: class *i* holds ``(bins[i-1], bins[i]]``.
    kind
        How values are shown: ``integer``, ``number`` or ``percent`` (see :func:`classify`).
    """

    bins: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    missing: int = 0
    starts: tuple[float, ...] = ()
    kind: str = "number"

    def index_of(self, values: Sequence[float] | np.ndarray) -> np.ndarray:
        """The class of each value (any shape), -1 when missing or when there are no classes."""
        y = np.asarray(values, dtype=float)
        if not self.bins:
            return np.full(y.shape, -1)
        shown = shown_values(y, self.kind)
        if self.starts:
            index = np.searchsorted(np.asarray(self.starts[1:]), shown, side="right")
        else:
            index = np.searchsorted(np.asarray(self.bins), shown, side="left")
        index = index.clip(0, len(self.bins) - 1)
        return np.where(np.isnan(y), -1, index)

    def colour_of(self, values: Sequence[float] | np.ndarray) -> list[str]:
        """The fill of each value (:data:`NO_DATA` when missing)."""
        return [NO_DATA if i < 0 else self.colours[i] for i in self.index_of(values)]


def shown_values(values: Sequence[float] | np.ndarray, kind: str) -> np.ndarray:
    """``values`` as the map's words show them: ``integer`` rounded to whole numbers,
    ``number`` like :func:`layers.text.format_number` (whole from 10 up, one decimal below),
    ``percent`` (shares 0–1) rounded *down* to whole percents like the tooltips (99.6 % is not
    full coverage). NaN stays NaN.

    Examples
    --------
    >>> shown_values([89.6, 9.96, 4.55, 42.0, 10.5, 2.45], "number").tolist()
    [90.0, 10.0, 4.6, 42.0, 11.0, 2.5]
    >>> shown_values([0.996, 0.5], "percent").tolist()
    [0.99, 0.5]
    """
    y = np.asarray(values, dtype=float)
    if kind == "percent":
        return np.floor(y * 100 + 1e-9) / 100
    # Half up on the decimal text, as the words write them (round_half_up: 10.5 is 11, 4.55
    # is 4.6), never numpy's or Python's half to even.
    flat = y.ravel()
    if kind == "integer":
        return np.array([round_half_up(v) for v in flat], dtype=float).reshape(y.shape)
    shown = [round_half_up(v) if abs(v) >= 10 else round_half_up(v, 1) for v in flat]
    return np.array(shown, dtype=float).reshape(y.shape)


def _breaks(y: np.ndarray, k: int) -> np.ndarray:
    """The largest value of each natural-breaks class of ``y`` (at most ``k``), each one of
    the values of ``y``."""
    unique = np.unique(y)
    if len(unique) <= k:
        return unique
    fit = y if len(y) <= _MAX_FIT else np.quantile(y, np.linspace(0.0, 1.0, _MAX_FIT))
    k = min(k, len(np.unique(fit)))
    # The warning only says numba is missing; the pure-Python path is fast on <= 300 values.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="Numba not installed",  # i18n-ignore: the library's warning
            category=UserWarning,
        )
        bins = np.asarray(mapclassify.FisherJenks(fit, k=k).bins, dtype=float)
    # Quantiles fall between values: each bound becomes the largest value at or under it.
    bins = unique[np.searchsorted(unique, bins, side="right").clip(1) - 1]
    bins[-1] = unique[-1]
    return np.unique(bins)


def _format(value: float, kind: str) -> str:
    if kind == "percent":
        # Rounded down like the tooltips: 99.6 % is not full coverage.
        return f"{math.floor(value * 100 + 1e-9)} %"
    return format_number(value)


def _labels(bins: np.ndarray, starts: np.ndarray, kind: str, exact: bool) -> list[str]:
    """The legend text of each class (see :func:`classify`)."""
    unit = " %" if kind == "percent" else ""

    def text(value: float) -> str:
        return _format(value, kind).removesuffix(unit)

    labels = []
    for i, (low, high) in enumerate(zip(starts, bins, strict=True)):
        last = i + 1 == len(bins)
        if exact or ((kind == "integer" or last) and text(low) == text(high)):
            labels.append(f"{text(high)}{unit}")
        elif kind == "integer":
            labels.append(f"{text(low)} – {text(high)}")
        elif not last:
            # Up to where the next class starts, even past this class's own largest value:
            # the labels leave no gap, and each value has exactly one class.
            bounds = {"low": text(low), "high": text(starts[i + 1])}
            labels.append(
                _("{low} to under {high} %", **bounds)
                if unit
                else _("{low} to under {high}", **bounds)
            )
        else:
            bounds = {"low": text(low), "high": text(high)}
            labels.append(
                _("{low} to {high} %", **bounds) if unit else _("{low} to {high}", **bounds)
            )
    return labels


def classify(
    values: Sequence[float] | np.ndarray,
    *,
    k: int = MAX_CLASSES,
    reverse: bool = False,
    kind: str = "number",
) -> Classes:
    """Natural-breaks classes of ``values`` (NaN is missing), with colours and legend labels.

    Values are classed as they are shown (:func:`shown_values`), and no two labels share a
    value. The first class starts at the smallest value and the last ends at the largest
    (both ends closed: the legend also tells the range of the data):

    * ``integer``: ``0 – 8``, ``9 – 19``, ``20 – 120``: every whole number in one class.
    * ``number`` and ``percent``: ``4.3 to under 42``, ``42 to under 90``, ``90 to 187``;
      ``0 to under 30 %``, ``30 to under 60 %``, ``60 to 100 %``: a value on a bound is in
      the class that starts there.
    * A class of a single value is labelled by it (``187``), and so is every class when each
      distinct value has its own.

    Parameters
    ----------
    values
        The values to class; NaN means missing.
    k
        The most classes (1 to :data:`MAX_CLASSES`); fewer when there are fewer distinct values.
    reverse
        Dark for low values (for measures where higher is better, like coverage).
    kind
        How values are shown and labels written: ``integer``, ``number`` or ``percent``
        (values are shares 0–1).

    Returns
    -------
    Classes
        No classes at all when every value is missing.

    Examples
    --------
    >>> classify([10, 20, 20, 30, 90, 90, 187], k=3).labels
    ('10 to under 90', '90 to under 187', '187')
    >>> classify([10, 20, 20, 30, 90, 90, 187], k=3, kind="integer").labels
    ('10 – 30', '31 – 90', '91 – 187')
    >>> classify([0.1, 0.25, 0.3, 0.62, 0.7, 1.0], k=3, kind="percent").labels
    ('10 to under 62 %', '62 to under 100 %', '100 %')
    """
    if not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"k must be between 1 and {MAX_CLASSES}, not {k}.")
    if kind not in ("integer", "number", "percent"):
        raise ValueError(f"kind must be 'integer', 'number' or 'percent', not {kind!r}.")
    y = np.asarray(values, dtype=float)
    present = shown_values(y[~np.isnan(y)], kind)
    missing = len(y) - len(present)
    if len(present) == 0:
        return Classes(bins=(), colours=(), labels=(), missing=missing, kind=kind)
    bins = _breaks(present, k)
    unique = np.unique(present)
    # Few distinct values: each is its own class, labelled by itself.
    exact = len(bins) == len(unique)
    if kind == "integer":
        # Every whole number in one class: the next class starts one above the last's top.
        starts = np.concatenate([[unique[0]], bins[:-1] + 1])
    else:
        # The smallest value in each class: "42 to under 90" ends where the next begins.
        starts = unique[np.searchsorted(unique, np.r_[-np.inf, bins[:-1]], side="right")]
    return Classes(
        bins=tuple(float(b) for b in bins),
        colours=palette(len(bins), reverse=reverse),
        labels=tuple(_labels(bins, starts, kind, exact)),
        missing=missing,
        starts=tuple(float(s) for s in starts),
        kind=kind,
    )


@dataclass(frozen=True)
class LegendSection:
    """One block of a legend: a title and (colour, label) entries drawn as boxes or dots."""

    title: str
    entries: tuple[tuple[str, str], ...]
    shape: str = "box"


_LEGEND_CSS = """
.atlas-legend { background: rgba(255, 255, 255, 0.92); padding: 8px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.35); font: 14px/1.35 system-ui, sans-serif;
  color: #222; max-width: 260px; }
.atlas-legend h4 { margin: 0 0 4px; font-size: 14px; font-weight: 600; }
.atlas-legend section + section { margin-top: 8px; }
.atlas-legend i { display: inline-block; width: 18px; height: 14px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #555; }
.atlas-legend i.dot { width: 11px; height: 11px; border-radius: 50%; border-color: #222;
  margin-left: 3px; margin-right: 9px; }
"""  # i18n-ignore: CSS


class Legend(MacroElement):
    """A legend drawn as a Leaflet control; every label is escaped with :func:`safe_text`.

    Parameters
    ----------
    sections
        The blocks of the legend, top to bottom.
    position
        Corner of the map: ``bottomright``, ``bottomleft``, ``topright`` or ``topleft``.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
            {{ this.get_name() }}.onAdd = function (map) {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """  # i18n-ignore: HTML template
    )

    def __init__(self, sections: Sequence[LegendSection], position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"  # i18n-ignore: folium's element name
        self.sections = tuple(sections)
        self.position = position
        self.css = _LEGEND_CSS
        self.html = "".join(self._section_html(s) for s in self.sections)

    @staticmethod
    def _section_html(section: LegendSection) -> str:
        css_class = ' class="dot"' if section.shape == "dot" else ""
        rows = "".join(
            f'<div><i{css_class} style="background:{safe_text(colour)}"></i>'
            f"{safe_text(label)}</div>"
            for colour, label in section.entries
        )
        return f"<section><h4>{safe_text(section.title)}</h4>{rows}</section>"
