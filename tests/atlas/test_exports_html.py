"""The standalone HTML map: everything inlined, names escaped, the title."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from atlas.analysis import GapResult
from atlas.dataset import Dataset
from atlas.exports import write_export
from layers.assets import missing_assets
from tests.atlas.exports_common import ARABIC, CLUSTER_1, LONG, MARKUP, ZULU


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_standalone_html_inlines_everything_and_escapes_names(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    (path,) = write_export(result, ds, "html", tmp_path / "map.html")
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)
    assert MARKUP not in page  # escaped, never live markup
    assert "<title>Settlement Atlas: hostile (test)</title>" in page
    # The tooltips' names, as the browser shows them (JSON string, then HTML text).
    start = page.index("atlasMap.settlements(") + len("atlasMap.settlements(")
    data, _ = json.JSONDecoder().raw_decode(page[start:].lstrip())
    shown = {html.unescape(name) for name in data["names"]}
    assert {MARKUP, LONG, ZULU, ARABIC} <= shown


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_html_title_names_the_chosen_clusters_escaped(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    (path,) = write_export(result, ds, "html", tmp_path, clusters=[CLUSTER_1])
    page = path.read_text(encoding="utf-8")
    assert "<title>Settlement Atlas: K1 &lt;b&gt;Cluster&lt;/b&gt; (test)</title>" in page
    assert path.name == "atlas.html"
