"""The notebook baseline of ``benchmarks/gaps_command.py``: gap counts the way an analyst's
notebook would compute them, as a whole process, **without coverage**.

It reads the three GeoParquet files, reprojects to the local UTM zone, and per category runs
``geopandas.sjoin_nearest`` within the standard's walking distance (a point equally near two
settlements goes to the smaller id), counts working/broken/unknown points with pandas
group-bys, needed and gap from households (or people / household size), the primary ward by
``geopandas.overlay``, and writes the records as JSON. It imports geopandas, not the atlas, and
does not validate its inputs: the atlas does more work, so the comparison favours the
notebook.

Usage::

    .venv/bin/python benchmarks/notebook_gaps.py SETTLEMENTS SERVICES WARDS OUTPUT.json
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

STANDARD = Path(__file__).resolve().parent.parent / "data" / "standards" / "cape-town.toml"
STATUSES = ("working", "broken", "unknown")


def main(settlements_path: str, services_path: str, wards_path: str, output: str) -> None:
    """Compute the counts and write them to ``output``."""
    standard = tomllib.loads(STANDARD.read_text(encoding="utf-8"))
    s = gpd.read_parquet(settlements_path)
    crs = s.estimate_utm_crs()
    s = s.to_crs(crs)
    pts = gpd.read_parquet(services_path).to_crs(crs)
    w = gpd.read_parquet(wards_path).to_crs(crs)
    s_small = s[["settlement_id", "geometry"]]
    out = pd.DataFrame(index=pd.Index(s["settlement_id"], name="settlement_id"))
    hh = s.set_index("settlement_id")["households"].astype(float)
    pop = s.set_index("settlement_id")["population"].astype(float)
    households = hh.fillna(pop / standard["household_size"])
    for cat, rule in standard["categories"].items():
        p = pts[pts["category"] == cat][["service_id", "status", "geometry"]]
        j = gpd.sjoin_nearest(
            p, s_small, how="inner", max_distance=rule["max_distance_m"], distance_col="dist"
        )
        j = j.sort_values(["service_id", "settlement_id"]).drop_duplicates("service_id")
        counts = (
            j.groupby(["settlement_id", "status"])
            .size()
            .unstack(fill_value=0)
            .reindex(columns=list(STATUSES), fill_value=0)
            .reindex(out.index, fill_value=0)
        )
        for status in STATUSES:
            out[f"{cat}_{status}"] = counts[status]
        if "max_per_point" in rule:
            needed = np.ceil(households / rule["max_per_point"])
            out[f"{cat}_needed"] = needed.astype("Int64")
            out[f"{cat}_gap"] = (needed - counts["working"]).clip(lower=0).astype("Int64")
    area = s.set_index("settlement_id").area
    ov = gpd.overlay(s_small, w[["ward_id", "geometry"]], how="intersection")
    ov["share"] = ov.area / ov["settlement_id"].map(area)
    primary = ov.loc[ov.groupby("settlement_id")["share"].idxmax(), ["settlement_id", "ward_id"]]
    out["ward_id"] = primary.set_index("settlement_id")["ward_id"].reindex(out.index)
    Path(output).write_text(out.reset_index().to_json(orient="records"), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:5])
