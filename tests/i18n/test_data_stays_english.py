"""Data outputs do not change with the language (DESIGN §8): the same field names, codes and
values in every language; only what a person reads is translated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import atlas
from atlas.exports import write_export
from atlas.i18n import LANGUAGES, speaking


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> dict:
    dataset = atlas.load_sample()
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    out = tmp_path_factory.mktemp("en") / "settlements.geojson"
    written = write_export(result, dataset, "geojson", out)[0]
    return json.loads(written.read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_the_geojson_export_is_the_same_in_every_language(
    code: str, english: dict, tmp_path: Path
) -> None:
    with speaking(code):
        dataset = atlas.load_sample()
        result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
        out = tmp_path / "settlements.geojson"
        written = write_export(result, dataset, "geojson", out)[0]
    own = json.loads(written.read_text(encoding="utf-8"))
    assert [f["properties"] for f in own["features"]] == [
        f["properties"] for f in english["features"]
    ]
    assert list(result.settlements.columns) == list(
        atlas.compute_gaps(
            atlas.load_sample(), atlas.load_standard("cape-town")
        ).settlements.columns
    )
