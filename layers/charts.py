"""Charts of atlas results (Altair, drawn by the app's pages): pure functions, data in, an
:class:`altair.Chart` out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from atlas.schedules import STATUS_WORDS

__all__ = ["OUTCOME_COLOURS", "OUTCOME_SHAPES", "delivery_timeline", "working_timeline"]

#: The colour of each delivery outcome on the timeline, in legend order.
OUTCOME_COLOURS = {
    "delivered": "#1b7837",
    "late": "#e08214",
    "short": "#c2a5cf",
    "missed": "#b2182b",
    "unscheduled": "#6a6a6a",
}
#: The marker of each outcome (Vega symbol names): the shape tells the outcome apart without
#: colour (a grey printout, colour-blind readers), and the legend shows both.
OUTCOME_SHAPES = {
    "delivered": "circle",
    "late": "triangle-up",
    "short": "square",
    "missed": "cross",
    "unscheduled": "diamond",
}
_LEGEND_TITLE = "Outcome"


def delivery_timeline(timeline: pd.DataFrame) -> alt.Chart:
    """Every delivery as a point: its day across, its settlement down, coloured and shaped by
    outcome, with the window, arrival and litres in the tooltip.

    One legend explains both: colour and shape encode the same outcome words over the same
    domain and under the same title, so Vega-Lite merges them into a single legend whose
    symbols have each outcome's shape and colour, listed in :data:`OUTCOME_COLOURS` order.

    Parameters
    ----------
    timeline
        One row per delivery, as :func:`atlas.schedules.timeline_frame` returns it.
    """
    words = [STATUS_WORDS[s] for s in OUTCOME_COLOURS]
    legend = alt.Legend(title=_LEGEND_TITLE, symbolSize=90, labelLimit=0)
    return (
        alt.Chart(timeline)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("day:T", title="Day"),
            y=alt.Y("settlement:N", title=None),
            color=alt.Color(
                "outcome:N",
                title=_LEGEND_TITLE,
                scale=alt.Scale(domain=words, range=list(OUTCOME_COLOURS.values())),
                legend=legend,
            ),
            shape=alt.Shape(
                "outcome:N",
                title=_LEGEND_TITLE,
                scale=alt.Scale(domain=words, range=[OUTCOME_SHAPES[s] for s in OUTCOME_COLOURS]),
                legend=legend,
            ),
            tooltip=["settlement", "day:T", "outcome", "window", "arrived", "delivered_litres"],
        )
        .properties(height=alt.Step(28))
    )


def working_timeline(periods: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Working points per service over time: one line per category, a point per period (as
    of its end), with the broken and unknown points and the gap in the tooltip.

    Parameters
    ----------
    periods
        The ``periods`` table of :func:`atlas.history.history` (``period``, ``start``,
        ``category``, ``working``, ``broken``, ``unknown``, ``gap``).
    labels
        The word for each category's points, for the legend ("taps").
    """
    frame = periods.assign(
        service=periods["category"].map(lambda c: str(labels.get(c) or c).capitalize()),
        day=pd.to_datetime(periods["start"].str.slice(0, 10)),
    )
    frame = frame.astype({c: "float" for c in ("working", "broken", "unknown", "gap")})
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title="Period"),
            y=alt.Y("working:Q", title="Working points (as of the end of each period)"),
            color=alt.Color("service:N", title="Service", legend=alt.Legend(labelLimit=0)),
            tooltip=[
                alt.Tooltip("period:N", title="Period"),
                alt.Tooltip("service:N", title="Service"),
                alt.Tooltip("working:Q", title="Working"),
                alt.Tooltip("broken:Q", title="Broken"),
                alt.Tooltip("unknown:Q", title="Status not known"),
                alt.Tooltip("gap:Q", title="Missing"),
            ],
        )
        .properties(height=260)
    )
