"""Hostile names (markup, 300 characters, Arabic, quotes) survive every data format."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from atlas.exports import write_export
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from tests.atlas.exports_common import (
    ARABIC,
    CLUSTER_1,
    CLUSTER_2,
    DATA_FORMATS,
    LONG,
    MARKUP,
    NAMES,
    QUOTES,
    ZULU,
)


def read_names(fmt: str, files: list[Path]) -> dict[str, set[str]]:
    """Settlement, cluster, kind and ward names as read back from the files."""
    by_stem: dict[str, pd.DataFrame] = {}
    for path in files:
        if path.name.endswith(".metadata.json"):
            continue
        stem = path.stem.split("_", 1)[-1] if "_" in path.stem else path.stem
        if fmt == "gpkg":
            for layer, _ in pyogrio.list_layers(path):
                by_stem[layer] = pyogrio.read_dataframe(path, layer=layer)
        elif fmt == "geojson":
            by_stem[stem] = (
                pyogrio.read_dataframe(path)
                if path.suffix == ".geojson"
                else pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
            )
        elif fmt == "csv":
            by_stem[stem] = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            by_stem[stem] = pd.read_parquet(path)
    names = {"settlements": set(by_stem["settlements"]["name"])}
    # Settlements in no cluster may make a row of their own, its cluster empty.
    names["clusters"] = {c for c in by_stem["clusters"]["cluster"] if isinstance(c, str) and c}
    if "services" in by_stem:
        names["kinds"] = set(by_stem["services"]["kind"]) | set(
            by_stem["services"]["provider"].dropna()
        )
        names["wards"] = set(by_stem["wards"]["name"]) | set(
            by_stem["wards"]["councillor"].dropna()
        )
    return names


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_hostile_names_survive(fmt: str, result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    names = read_names(fmt, write_export(result, ds, fmt, tmp_path))
    assert names["settlements"] == NAMES
    assert names["clusters"] == {CLUSTER_1, CLUSTER_2}
    assert len(LONG) == 300
    if "kinds" in names:
        assert {MARKUP, ZULU, ARABIC, LONG, QUOTES} <= names["kinds"]
        assert {QUOTES, ARABIC, MARKUP, LONG, "Ms <b>Dlamini</b>"} <= names["wards"]
