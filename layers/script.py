"""The map's own script (``layers/atlas_map.js``) and the layers it draws, as folium elements.

Folium's ``GeoJson`` writes every feature as pretty-printed GeoJSON with a style per feature,
and a marker per point: about 9 MB for a metro's settlements and far more for its service
points. These layers hand the script compact data instead (:mod:`layers.encoding`, one JSON
value per layer, no whitespace) and let it build the Leaflet layers in the browser. The script
is inlined, so a map needs only Leaflet (vendored) and works with no internet.

Their script goes into the page as it is. Branca would compile each element's rendered script
as a Jinja template again: a megabyte of data parsed for nothing, and a name containing ``{{``
or ``{#`` would break the page. :func:`compact_json` also escapes those pairs, for readers that
render the macros themselves (streamlit-folium).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

__all__ = ["MapScript", "ScriptLayer", "compact_json"]

_SCRIPT = Path(__file__).with_name("atlas_map.js")


@cache
def _library() -> str:
    # Inside <script>, "</script" would end the element early; "<\/" means the same in JS.
    return _SCRIPT.read_text(encoding="utf-8").replace("</script", "<\\/script")


def compact_json(value: Any) -> str:
    """``value`` as compact JSON that is safe inside ``<script>`` (``< > & '`` escaped)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    # U+2028/2029 are line breaks to older JavaScript parsers.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    # Jinja's openers can only occur inside strings here (an object opens with '{"' or '{}').
    for pair, escaped in (("{{", "{\\u007b"), ("{%", "{\\u0025"), ("{#", "{\\u0023")):
        text = text.replace(pair, escaped)
    return text


class _Text(Element):
    """Rendered page text, added as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _render_script(element: MacroElement, kwargs: dict[str, Any]) -> str:
    """What MacroElement.render does for a script-only element, without re-templating."""
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError("A map element renders only inside a map (a folium Figure).")
    script = element._template.module.__dict__["script"]
    figure.script.add_child(_Text(script(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)
    return ""


class MapScript(MacroElement):
    """Defines ``atlasMap`` (decoders and layer builders); add it before the layers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.code }}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapScript"
        self.code = _library()

    def render(self, **kwargs: Any) -> str:
        """Add the script to the page (as it is)."""
        return _render_script(self, kwargs)


class ScriptLayer(Layer):
    """A layer built in the browser by ``atlasMap.<factory>(data, grid[, style])``.

    Parameters
    ----------
    factory
        ``settlements``, ``wards`` or ``points``.
    data
        What the factory takes (JSON-serialisable; user text already escaped).
    grid
        ``[x0, y0, quantum]`` of the encoded coordinates.
    style
        Leaflet path options, when the factory takes them.
    name, show, control
        As for :class:`folium.map.Layer`.
    var_name
        The prefix of the layer's JavaScript variable (``geo_json`` for GeoJSON layers).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = atlasMap.{{ this.factory }}(
                {{ this.json }}, {{ this.grid_json }}, {{ this.style_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        factory: str,
        data: dict[str, Any],
        grid: list[float],
        *,
        style: dict[str, Any] | None = None,
        name: str | None = None,
        show: bool = True,
        control: bool = True,
        var_name: str = "AtlasLayer",
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = var_name
        self.factory = factory
        self.data = data
        self.grid = grid
        self.style = style or {}
        self.json = compact_json(data)
        self.grid_json = compact_json(grid)
        self.style_json = compact_json(self.style)

    def render(self, **kwargs: Any) -> str:
        """Add the layer's script to the page (as it is), and add it to the map when shown."""
        if self._parent is None:
            raise TypeError("A layer renders only once added to a map.")
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        return _render_script(self, kwargs)
