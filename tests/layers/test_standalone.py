"""The standalone HTML map: everything inlined, names escaped, the title."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import atlas
from atlas.exports import write_export
from atlas.load import Dataset
from atlas.measure import GapResult, compute_gaps
from layers.assets import missing_assets
from layers.standalone import output_download, write_output
from tests.atlas.exports_common import (
    ARABIC,
    CLUSTER_1,
    LONG,
    MARKUP,
    STANDARD,
    ZULU,
    hostile_dataset,
)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    """The export tests' dataset with hostile names everywhere."""
    return hostile_dataset()


@pytest.fixture(scope="module")
def result(ds: Dataset) -> GapResult:
    """The gaps of ``ds`` under the hand-made standard."""
    return compute_gaps(ds, STANDARD)


def test_the_data_exports_refuse_the_drawn_map_and_say_where_it_is(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    with pytest.raises(atlas.SchemaError, match=r"layers\.standalone\.write_output"):
        write_export(result, ds, "html", tmp_path)
    assert not list(tmp_path.iterdir())


def test_write_output_writes_data_formats_exactly_as_write_export(
    result: GapResult, ds: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same moment for both exports: their records say when they were made.
    moment = datetime(2026, 8, 3, 9, 12, tzinfo=UTC)
    monkeypatch.setattr("atlas.exports.provenance._now", lambda: moment)
    ours = write_output(result, ds, "geojson", tmp_path / "a")
    theirs = write_export(result, ds, "geojson", tmp_path / "b")
    assert [p.name for p in ours] == [p.name for p in theirs]
    assert [p.read_bytes() for p in ours] == [p.read_bytes() for p in theirs]


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_output_download_gives_the_map_as_one_html_file(result: GapResult, ds: Dataset) -> None:
    download = output_download(result, ds, "html", clusters=[CLUSTER_1], on=date(2026, 12, 1))
    # Named by the cluster ("K1 <b>Cluster</b>", made safe), the standard and the date.
    name = f"k1-b-cluster-b_{result.standard.id}_2026-12-01_map.html"
    assert (download.file_name, download.mime) == (name, "text/html")
    assert download.data.startswith(b"<!DOCTYPE html>") or b"<html" in download.data[:500]


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_standalone_html_inlines_everything_and_escapes_names(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    (path,) = write_output(result, ds, "html", tmp_path / "map.html")
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
    (path,) = write_output(result, ds, "html", tmp_path, clusters=[CLUSTER_1])
    page = path.read_text(encoding="utf-8")
    assert "<title>Settlement Atlas: K1 &lt;b&gt;Cluster&lt;/b&gt; (test)</title>" in page
    assert path.name == "atlas.html"
