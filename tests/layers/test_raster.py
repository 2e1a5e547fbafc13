"""Rasters drawn for the map: reprojection, colours, transparency, size, legend, slider, offline."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import folium
import numpy as np
import pytest
from PIL import Image
from pyproj import Transformer

import atlas
from atlas.errors import SchemaError
from atlas.raster import load_raster
from atlas.registry import sample_rasters
from layers.maps import build_map
from layers.raster import (
    HAZARD_COLOURS,
    OpacityControl,
    RasterImage,
    describe_rule,
    raster_image,
    raster_overlay,
)
from layers.style import Legend, palette
from tests.atlas.test_raster import VALUES, origin, write_raster

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
#: A 4×4 grid of 100 m cells in Web Mercator, so display needs no resampling.
LEFT, TOP = 3_150_000.0, -3_000_000.0


def pixels(image: RasterImage) -> np.ndarray:
    """The image as an RGBA array."""
    data = base64.b64decode(image.url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def rgba(colour: str) -> tuple[int, int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), 255)


def mercator(tmp_path: Path, data: np.ndarray, name: str, **kw: object) -> Path:
    return write_raster(
        tmp_path / name, data, crs="EPSG:3857", transform=origin(LEFT, TOP, 100, 100), **kw
    )


def test_counts_are_classed_and_nodata_is_transparent(tmp_path: Path) -> None:
    data = VALUES.copy()
    data[3, 3] = -1
    image = raster_image(load_raster(mercator(tmp_path, data, "c.tif", nodata=-1)))
    assert image.url.startswith("data:image/png;base64,")
    assert (image.width, image.height) == (4, 4)
    rgba_ = pixels(image)
    assert rgba_[3, 3, 3] == 0  # nodata: transparent
    assert (rgba_[:3, :, 3] == 255).all()
    # 15 distinct values in at most 5 classes, light (1) to dark (15).
    colours = palette(5)
    assert tuple(rgba_[0, 0]) == rgba(colours[0]) and tuple(rgba_[3, 2]) == rgba(colours[-1])
    assert [c for c, _ in image.entries] == list(colours)
    # 1–15 in five natural-breaks classes of three, no two sharing a value.
    assert [label for _, label in image.entries] == [
        "1 to under 4",
        "4 to under 7",
        "7 to under 10",
        "10 to under 13",
        "13 to 15",
    ]
    to_lonlat = Transformer.from_crs(3857, 4326, always_xy=True)
    west, south = to_lonlat.transform(LEFT, TOP - 400)
    east, north = to_lonlat.transform(LEFT + 400, TOP)
    assert np.allclose(image.bounds, ((south, west), (north, east)))


def test_hazard_cells_get_one_colour_per_class_and_the_rest_is_transparent(tmp_path: Path) -> None:
    data = np.zeros((4, 4), dtype="uint8")
    data[0, :], data[1, :] = 2, 1
    data[3, 3] = 255
    raster = load_raster(mercator(tmp_path, data, "h.tif", nodata=255))
    image = raster_image(raster, kind="hazard", classes=[1, 2], class_labels={1.0: "1-in-100-year"})
    rgba_ = pixels(image)
    light, dark = HAZARD_COLOURS[2]
    assert {tuple(p) for p in rgba_[1]} == {rgba(light)}
    assert {tuple(p) for p in rgba_[0]} == {rgba(dark)}
    assert (rgba_[2:, :, 3] == 0).all()  # class 0 and nodata
    assert image.entries == ((light, "1-in-100-year"), (dark, "2"))
    # A threshold above every value: nothing to draw, and the legend says so.
    empty = raster_image(raster, kind="hazard", threshold=5)
    assert (pixels(empty)[..., 3] == 0).all() and empty.entries == ()
    assert raster_overlay(empty, name="Flood").legend.sections[0].entries[0][1] == (
        "no cells to show"
    )


def test_scaled_levels_are_drawn_as_their_values(tmp_path: Path) -> None:
    import rasterio

    raw = np.zeros((4, 4), dtype="uint8")
    raw[0, :] = 40
    path = mercator(tmp_path, raw, "depth.tif")
    with rasterio.open(path, "r+") as ds:
        ds.scales = (0.01,)
    image = raster_image(load_raster(path), kind="hazard", threshold=0.3)
    assert [label for _, label in image.entries] == ["0.4"]
    assert (pixels(image)[0, :, 3] == 255).all() and (pixels(image)[1:, :, 3] == 0).all()


def test_a_raster_in_another_crs_is_reprojected_to_web_mercator(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "utm.tif", VALUES)  # UTM 35S, as in the atlas tests
    image = raster_image(load_raster(path))
    # The UTM square becomes a slightly rotated square in Mercator: its corners are empty.
    rgba_ = pixels(image)
    assert image.width >= 4 and image.height >= 4
    assert rgba_[..., 3].max() == 255


def test_big_rasters_are_downsampled_for_display(tmp_path: Path) -> None:
    data = np.tile(np.arange(3000, dtype="float32"), (600, 1))
    path = write_raster(
        tmp_path / "wide.tif", data, crs="EPSG:3857", transform=origin(LEFT, TOP, 10, 10)
    )
    image = raster_image(load_raster(path), max_pixels=300)
    assert image.width == 300 and image.height == 60
    assert len(image.url) < 100_000


def test_unknown_kind_and_missing_rule_are_refused(tmp_path: Path) -> None:
    raster = load_raster(mercator(tmp_path, VALUES, "v.tif"))
    with pytest.raises(SchemaError, match="Unknown raster kind"):
        raster_image(raster, kind="slope")
    with pytest.raises(SchemaError, match="threshold"):
        raster_image(raster, kind="hazard")


def test_describe_rule() -> None:
    assert describe_rule(0.5, None) == "value ≥ 0.5"
    assert describe_rule(None, [1, 2]) == "classes 1, 2"


def test_the_map_gets_the_overlay_legend_and_slider_offline() -> None:
    rasters = sample_rasters()
    flood = raster_image(load_raster(rasters.flood), kind="hazard", threshold=1)
    population = raster_image(load_raster(rasters.population))
    dataset = atlas.load_sample()
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    overlays = [
        raster_overlay(flood, name="Flood zones", title="Flood zone (value ≥ 1)"),
        raster_overlay(population, name="People per cell", opacity=0.5, show=False),
    ]
    m = build_map(result.settlements, result.services, dataset.wards, rasters=overlays)
    images = [c for c in m._children.values() if isinstance(c, folium.raster_layers.ImageOverlay)]
    assert [i.layer_name for i in images] == ["Flood zones", "People per cell"]
    assert [i.show for i in images] == [True, False]
    assert images[1].options["opacity"] == 0.5
    controls = [c for c in m._children.values() if isinstance(c, OpacityControl)]
    assert [c.legend.sections[0].title for c in controls] == [
        "Flood zone (value ≥ 1)",
        "People per cell",
    ]
    # The rasters' legends are inside their boxes: the map's own legend is the only Legend.
    assert sum(isinstance(c, Legend) for c in m._children.values()) == 1
    page = m.get_root().render()
    assert page.count("L.imageOverlay(") == 2 and page.count("data:image/png;base64,") == 2
    assert '"pane": "atlas-rasters"' in page and "overlay.setOpacity" in page
    assert URL.findall(page) == []  # nothing remote: the images are inside the page
    # The layer control lists both overlays, after the settlements.
    control = page[page.index("overlays :") :]
    assert control.index('"Settlements"') < control.index('"Flood zones"')
    assert control.index('"Flood zones"') < control.index('"People per cell"')


def test_overlay_objects_are_new_for_every_map() -> None:
    image = raster_image(load_raster(sample_rasters().flood), kind="hazard", classes=[2])
    first, second = (raster_overlay(image, name="Flood") for _ in range(2))
    assert first.image is not second.image and first.image.url == second.image.url
