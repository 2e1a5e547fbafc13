"""The map handed to the component once per map (pages.state.rendered) links nothing beyond
the app's own server: the app works with every non-local request blocked."""

from __future__ import annotations

import atlas
from layers.maps import build_map
from pages.state.rendered import _links


def test_the_rendered_map_links_only_the_apps_own_assets() -> None:
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    m = build_map(result.settlements, result.services, atlas.load_sample().wards)
    css, js = _links(m)
    assert js and css  # Leaflet's script and style at least
    assert all(link.startswith("/app/static/") for link in (*css, *js)), (css, js)
