"""Charts of atlas results: the delivery timeline as a Vega-Lite spec, read without a browser."""

from __future__ import annotations

from atlas.schedules import timeline_frame
from layers.charts import OUTCOME_COLOURS, delivery_timeline
from tests.atlas.test_schedules import outcomes


def test_timeline_colours_each_outcome_in_words() -> None:
    spec = delivery_timeline(timeline_frame(outcomes(), {"A": "Alpha"})).to_dict()
    assert spec["mark"] == {"type": "point", "filled": True, "size": 90}
    encoding = spec["encoding"]
    assert encoding["x"] == {"field": "day", "title": "Day", "type": "temporal"}
    assert encoding["y"]["field"] == "settlement" and encoding["y"]["title"] is None
    assert encoding["color"]["title"] == "Outcome"
    assert encoding["color"]["scale"] == {
        "domain": ["on time and in full", "late", "short", "missed", "not on the schedule"],
        "range": ["#1b7837", "#e08214", "#c2a5cf", "#b2182b", "#6a6a6a"],
    }
    # The shapes have the legend too, merged with the colours' (tests/layers/test_polish_legends).
    assert encoding["shape"]["legend"]["title"] == "Outcome"
    assert [t["field"] for t in encoding["tooltip"]] == [
        "settlement",
        "day",
        "outcome",
        "window",
        "arrived",
        "delivered_litres",
    ]
    assert spec["height"] == {"step": 28}
    assert list(OUTCOME_COLOURS) == ["delivered", "late", "short", "missed", "unscheduled"]


def test_timeline_draws_one_point_per_delivery() -> None:
    timeline = timeline_frame(outcomes(), {"A": "Alpha"})
    spec = delivery_timeline(timeline).to_dict()
    (rows,) = spec["datasets"].values()
    assert len(rows) == len(timeline) == 8  # 7 scheduled, 1 unscheduled
    assert {r["settlement"] for r in rows} == {"Alpha (A)", "B"}
    assert sorted(r["outcome"] for r in rows).count("late") == 2
