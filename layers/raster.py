"""A raster on the map: reprojected for display, coloured, embedded as a PNG, with a legend and an
opacity slider.

Two steps, so the app can cache the expensive one by hashable values (path, kind, rule):

* :func:`raster_image` reads the raster (downsampled first when it is big), reprojects it to
  EPSG:3857 (Leaflet's own projection, so the image lines up cell for cell; nearest neighbour for
  hazard classes, bilinear for counts and densities), colours it and encodes it as a PNG data URI.
  Counts and densities are classed by natural breaks with the settlements' YlOrRd palette
  (:func:`layers.style.classify`); hazard rasters show only their hazard cells, in blues, one
  colour per class (or per natural-breaks class of the levels above the threshold). Nodata and
  non-hazard cells are transparent. The image is at most ``max_pixels`` on its long side.
* :func:`raster_overlay` turns that image into folium objects: an ``ImageOverlay`` in its own pane
  (above any basemap, under the settlements), listed in the layer control, and one box with its
  legend (:class:`layers.style.Legend`) and an opacity slider (plain JavaScript, no CDN), which
  hides with the overlay.

Nothing is fetched from the internet: the image is a data URI inside the page.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import io
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import folium
import numpy as np
from affine import Affine
from branca.element import MacroElement
from folium.map import CustomPane
from folium.template import Template
from PIL import Image
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.warp import calculate_default_transform, reproject

from atlas.errors import SchemaError
from atlas.i18n import N_, _
from atlas.raster import Raster, hazard_mask, read_values
from layers.style import Classes, Legend, LegendSection, classify
from layers.text import format_number

__all__ = [
    "DISPLAY_CRS",
    "HAZARD_COLOURS",
    "OpacityControl",
    "RasterImage",
    "RasterOverlay",
    "describe_rule",
    "raster_image",
    "raster_overlay",
]

#: The CRS images are drawn in: Leaflet's, so an image's rows and columns follow the map's.
DISPLAY_CRS = "EPSG:3857"
#: ColorBrewer Blues for hazard cells, by number of classes (darker is more severe).
HAZARD_COLOURS = {
    1: ("#2171b5",),
    2: ("#6baed6", "#08519c"),
    3: ("#9ecae1", "#4292c6", "#08519c"),
    4: ("#c6dbef", "#6baed6", "#2171b5", "#08306b"),
    5: ("#c6dbef", "#9ecae1", "#4292c6", "#2171b5", "#08306b"),
}
#: The map pane of raster images: above tiles (200), below settlements and points (400).
PANE = "atlas-rasters"
_PANE_Z = 350
_KINDS = ("count", "density", "hazard")


@dataclass(frozen=True)
class RasterImage:
    """A raster drawn for display (a plain value: cacheable, picklable).

    Parameters
    ----------
    url
        The PNG as a ``data:image/png;base64,...`` URI.
    bounds
        ``((south, west), (north, east))`` in degrees: where the image's corners go.
    entries
        Legend entries: (colour, label), lightest first.
    width, height
        Size of the image in pixels.
    """

    url: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    entries: tuple[tuple[str, str], ...]
    width: int
    height: int


@contextlib.contextmanager
def _quiet_affine() -> Iterator[None]:
    # rasterio's own warp helpers still multiply transforms with `*`, which affine 3.1 flags.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Use `@` matmul", PendingDeprecationWarning)
        yield


def _display_grid(raster: Raster, max_pixels: int) -> tuple[Affine, int, int]:
    """An EPSG:3857 grid over the raster, at most ``max_pixels`` on its long side."""
    with _quiet_affine():
        transform, width, height = calculate_default_transform(
            raster.crs.to_wkt(), DISPLAY_CRS, raster.width, raster.height, *raster.bounds
        )
    factor = max(width, height) / max_pixels
    if factor > 1:
        width, height = math.ceil(width / factor), math.ceil(height / factor)
        transform = transform @ Affine.scale(factor)
    return transform, int(width), int(height)


def _read_for_display(raster: Raster, max_pixels: int, hazard: bool) -> tuple[np.ndarray, Affine]:
    """The cells, read at no more than twice the display size (averaged, or nearest for classes)."""
    factor = max(raster.width, raster.height) / (2 * max_pixels)
    if factor <= 1:
        return read_values(raster), raster.transform
    shape = (max(1, round(raster.height / factor)), max(1, round(raster.width / factor)))
    values = read_values(
        raster,
        out_shape=shape,
        resampling=Resampling.nearest if hazard else Resampling.average,
    )
    scale = Affine.scale(raster.width / shape[1], raster.height / shape[0])
    return values, raster.transform @ scale


def _classes(
    values: np.ndarray,
    kind: str,
    threshold: float | None,
    classes: Sequence[float] | None,
    class_labels: Mapping[float, str],
) -> tuple[np.ndarray, Classes]:
    """The class index of every pixel (-1: transparent) and the classes."""
    if kind != "hazard":
        found = classify(values[np.isfinite(values)], kind="number")
        return found.index_of(values), found
    hit = hazard_mask(values, threshold=threshold, classes=classes)
    shown = np.where(hit, values, np.nan)
    found = classify(shown[hit], kind="number")
    labels = tuple(
        class_labels.get(float(label), label) if _is_number(label) else label
        for label in found.labels
    )
    found = dataclasses.replace(
        found, colours=HAZARD_COLOURS.get(len(found.bins), ()), labels=labels
    )
    return found.index_of(shown), found


def _is_number(text: str) -> bool:
    try:
        float(text.replace(" ", ""))
    except ValueError:
        return False
    return True


def _png(index: np.ndarray, colours: Sequence[str]) -> str:
    """A palette PNG of class indices (-1 transparent) as a data URI."""
    image = Image.fromarray(np.where(index < 0, len(colours), index).astype(np.uint8), mode="P")
    rgb = [int(c[i : i + 2], 16) for c in colours for i in (1, 3, 5)]
    image.putpalette([*rgb, 0, 0, 0])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, transparency=bytes([255] * len(colours) + [0]))
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def raster_image(
    raster: Raster,
    *,
    kind: str = "count",
    threshold: float | None = None,
    classes: Sequence[float] | None = None,
    class_labels: Mapping[float, str] | None = None,
    max_pixels: int = 1024,
) -> RasterImage:
    """Draw a raster for the map (see the module notes).

    Parameters
    ----------
    raster
        The raster (:func:`atlas.raster.load_raster`).
    kind
        ``count``, ``density`` or ``hazard``.
    threshold, classes
        For ``hazard``, exactly one: which cells are hazard (as in
        :func:`atlas.raster.hazard_exposure`).
    class_labels
        Legend text of hazard values, e.g. ``{2: "1-in-20-year flood zone"}``.
    max_pixels
        The most pixels of the image on its long side.

    Returns
    -------
    RasterImage

    Raises
    ------
    SchemaError
        Unknown kind, or a hazard raster without exactly one of ``threshold`` and ``classes``.
    """
    if kind not in _KINDS:
        raise SchemaError(
            _("Unknown raster kind '{kind}': use {kinds}.", kind=kind, kinds=", ".join(_KINDS))
        )
    hazard = kind == "hazard"
    values, src_transform = _read_for_display(raster, max_pixels, hazard)
    dst_transform, width, height = _display_grid(raster, max_pixels)
    drawn = np.full((height, width), np.nan)
    with _quiet_affine():
        reproject(
            values,
            drawn,
            src_transform=src_transform,
            src_crs=raster.crs.to_wkt(),
            src_nodata=np.nan,
            dst_transform=dst_transform,
            dst_crs=DISPLAY_CRS,
            dst_nodata=np.nan,
            resampling=Resampling.nearest if hazard else Resampling.bilinear,
        )
    index, found = _classes(drawn, kind, threshold, classes, class_labels or {})
    left, top = dst_transform.c, dst_transform.f
    right, bottom = left + dst_transform.a * width, top + dst_transform.e * height
    to_lonlat = Transformer.from_crs(DISPLAY_CRS, "EPSG:4326", always_xy=True)
    west, south = to_lonlat.transform(left, bottom)
    east, north = to_lonlat.transform(right, top)
    return RasterImage(
        url=_png(index, found.colours),
        bounds=((south, west), (north, east)),
        entries=tuple(zip(found.colours, found.labels, strict=True)),
        width=width,
        height=height,
    )


class OpacityControl(MacroElement):
    """A raster's legend with an opacity slider under it, in one box that hides with the overlay.

    Parameters
    ----------
    overlay
        The image overlay it controls.
    legend
        The overlay's legend (:class:`layers.style.Legend`; drawn inside this box, not added to
        the map on its own).
    label
        Text above the slider (escaped).
    position
        Corner of the map.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.legend.css }}
            .atlas-opacity label { display: block; margin-top: 6px; font-size: 13px; }
            .atlas-opacity input { display: block; width: 160px; margin: 2px 0 0; }
            </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            (function (map, overlay) {
                var control = L.control({position: {{ this.position|tojson }}});
                control.onAdd = function () {
                    var div = L.DomUtil.create("div", "atlas-legend atlas-opacity");
                    div.innerHTML = {{ this.legend.html|tojson }};
                    var label = L.DomUtil.create("label", "", div);
                    label.textContent = {{ this.label|tojson }};
                    var input = L.DomUtil.create("input", "", label);
                    input.type = "range"; input.min = 0; input.max = 100; input.step = 5;
                    input.value = Math.round(100 * overlay.options.opacity);
                    input.addEventListener("input", function () {
                        overlay.setOpacity(input.value / 100);
                    });
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                control.addTo(map);
                function shown(visible) {
                    control.getContainer().style.display = visible ? "" : "none";
                }
                map.on("overlayadd", function (e) { if (e.layer === overlay) shown(true); });
                map.on("overlayremove", function (e) { if (e.layer === overlay) shown(false); });
                shown(map.hasLayer(overlay));
            })({{ this._parent.get_name() }}, {{ this.overlay.get_name() }});
        {% endmacro %}
        """  # i18n-ignore: CSS and JavaScript
    )

    def __init__(
        self,
        overlay: folium.raster_layers.ImageOverlay,
        legend: Legend,
        label: str = N_("Opacity"),
        position: str = "bottomleft",
    ) -> None:
        super().__init__()
        self._name = "OpacityControl"
        self.overlay = overlay
        self.legend = legend
        self.label = _(label)
        self.position = position


class _Pane(CustomPane):
    """The rasters' pane, added once per map."""


@dataclass(frozen=True)
class RasterOverlay:
    """The folium pieces of one raster on a map; :meth:`add_to` puts them on a map (the legend is
    drawn inside the control's box)."""

    image: folium.raster_layers.ImageOverlay
    legend: Legend
    control: OpacityControl

    def add_to(self, m: folium.Map) -> folium.Map:
        """Add the overlay, its legend and its slider to ``m`` (before the layer control)."""
        if not any(isinstance(child, _Pane) for child in m._children.values()):
            _Pane(PANE, z_index=_PANE_Z, pointer_events=False).add_to(m)
        self.image.add_to(m)
        self.control.add_to(m)
        return m


def raster_overlay(
    image: RasterImage,
    *,
    name: str,
    title: str | None = None,
    opacity: float = 0.7,
    show: bool = True,
) -> RasterOverlay:
    """The map pieces of a drawn raster (new objects on every call: folium elements belong to
    one map).

    Parameters
    ----------
    image
        From :func:`raster_image`.
    name
        The overlay's name in the layer control.
    title
        The legend's heading (default: ``name``).
    opacity
        Initial opacity, 0–1 (the slider changes it).
    show
        Whether the overlay is on when the map opens.
    """
    overlay = folium.raster_layers.ImageOverlay(
        image.url,
        bounds=[list(image.bounds[0]), list(image.bounds[1])],
        name=name,
        opacity=float(opacity),
        show=show,
        interactive=False,
        pixelated=True,
        pane=PANE,
    )
    entries = image.entries or (("#ffffff", _("no cells to show")),)
    legend = Legend([LegendSection(title or name, entries)], position="bottomleft")
    return RasterOverlay(overlay, legend, OpacityControl(overlay, legend))


def describe_rule(threshold: float | None, classes: Sequence[float] | None) -> str:
    """``value ≥ 1`` or ``classes 1, 2``: a hazard rule in words."""
    if threshold is not None:
        return _("value ≥ {threshold}", threshold=format_number(threshold))
    return _("classes {classes}", classes=", ".join(format_number(c) for c in classes or ()))
