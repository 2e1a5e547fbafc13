"""Classes, colours and legends of the maps.

* Settlement values are classed with mapclassify's Fisher–Jenks natural breaks (at most five
  classes; fewer when there are fewer distinct values) and coloured with ColorBrewer's YlOrRd,
  a colour-blind-safe sequential palette: darker is worse. For coverage higher is better, so the
  palette is reversed. Missing values (unknown demand) are grey and get a "no data" entry.
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

from layers.text import format_number, safe_text

__all__ = [
    "MAX_CLASSES",
    "NO_DATA",
    "STATUS_COLOURS",
    "Classes",
    "Legend",
    "LegendSection",
    "classify",
    "palette",
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

    Parameters
    ----------
    bins
        Upper bound of each class (inclusive), ascending; class *i* holds values in
        ``(bins[i-1], bins[i]]`` and the first class everything up to ``bins[0]``.
    colours
        Fill of each class.
    labels
        Legend text of each class, e.g. ``6 – 12``.
    missing
        How many values were missing (drawn in :data:`NO_DATA`).
    """

    bins: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    missing: int = 0

    def index_of(self, values: Sequence[float] | np.ndarray) -> np.ndarray:
        """The class of each value (any shape), -1 when missing or when there are no classes."""
        y = np.asarray(values, dtype=float)
        if not self.bins:
            return np.full(y.shape, -1)
        index = np.searchsorted(np.asarray(self.bins), y, side="left").clip(0, len(self.bins) - 1)
        return np.where(np.isnan(y), -1, index)

    def colour_of(self, values: Sequence[float] | np.ndarray) -> list[str]:
        """The fill of each value (:data:`NO_DATA` when missing)."""
        return [NO_DATA if i < 0 else self.colours[i] for i in self.index_of(values)]


def _breaks(y: np.ndarray, k: int) -> np.ndarray:
    unique = np.unique(y)
    if len(unique) <= k:
        return unique
    fit = y if len(y) <= _MAX_FIT else np.quantile(y, np.linspace(0.0, 1.0, _MAX_FIT))
    k = min(k, len(np.unique(fit)))
    # The warning only says numba is missing; the pure-Python path is fast on <= 300 values.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        bins = np.asarray(mapclassify.FisherJenks(fit, k=k).bins, dtype=float)
    bins[-1] = y.max()
    return np.unique(bins)


def _format(value: float, kind: str) -> str:
    if kind == "percent":
        # Rounded down like the tooltips: 99.6 % is not full coverage.
        return f"{math.floor(value * 100 + 1e-9)} %"
    return format_number(value)


def classify(
    values: Sequence[float] | np.ndarray,
    *,
    k: int = MAX_CLASSES,
    reverse: bool = False,
    kind: str = "number",
) -> Classes:
    """Natural-breaks classes of ``values`` (NaN is missing), with colours and legend labels.

    Parameters
    ----------
    values
        The values to class; NaN means missing.
    k
        The most classes (1 to :data:`MAX_CLASSES`); fewer when there are fewer distinct values.
    reverse
        Dark for low values (for measures where higher is better, like coverage).
    kind
        How labels are written: ``integer`` (``0 – 5``, ``6 – 12``), ``number`` or ``percent``
        (values are shares 0–1).

    Returns
    -------
    Classes
        No classes at all when every value is missing.
    """
    if not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"k must be between 1 and {MAX_CLASSES}, not {k}.")
    if kind not in ("integer", "number", "percent"):
        raise ValueError(f"kind must be 'integer', 'number' or 'percent', not {kind!r}.")
    y = np.asarray(values, dtype=float)
    present = y[~np.isnan(y)]
    missing = len(y) - len(present)
    if len(present) == 0:
        return Classes(bins=(), colours=(), labels=(), missing=missing)
    bins = _breaks(present, k)
    # Few distinct values: each is its own class, labelled by itself.
    exact = len(bins) == len(np.unique(present))
    labels = []
    for i, high in enumerate(bins):
        if exact:
            low = high
        elif kind == "integer":
            low = float(present.min()) if i == 0 else math.floor(bins[i - 1]) + 1
        else:
            # The smallest value in the class: "0 – 47 %" after a class "0 %" would overlap.
            above = present > bins[i - 1] if i else np.ones(len(present), dtype=bool)
            low = float(present[above & (present <= high)].min())
        text = _format(high, kind)
        low_text = _format(low, kind)
        labels.append(text if low_text == text else f"{low_text} – {text}")
    if kind == "percent":
        labels = [label.replace(" % –", " –") for label in labels]
    return Classes(
        bins=tuple(float(b) for b in bins),
        colours=palette(len(bins), reverse=reverse),
        labels=tuple(labels),
        missing=missing,
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
"""


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
        """
    )

    def __init__(self, sections: Sequence[LegendSection], position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"
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
