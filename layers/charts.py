"""Charts of atlas results (Altair, drawn by the app's pages): pure functions, data in, an
:class:`altair.Chart` out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from atlas.schedules import STATUS_WORDS

__all__ = ["OUTCOME_COLOURS", "delivery_timeline"]

#: The colour of each delivery outcome on the timeline, in legend order.
OUTCOME_COLOURS = {
    "delivered": "#1b7837",
    "late": "#e08214",
    "short": "#c2a5cf",
    "missed": "#b2182b",
    "unscheduled": "#6a6a6a",
}


def delivery_timeline(timeline: pd.DataFrame) -> alt.Chart:
    """Every delivery as a point: its day across, its settlement down, coloured and shaped by
    outcome, with the window, arrival and litres in the tooltip.

    Parameters
    ----------
    timeline
        One row per delivery, as :func:`atlas.schedules.timeline_frame` returns it.
    """
    return (
        alt.Chart(timeline)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("day:T", title="Day"),
            y=alt.Y("settlement:N", title=None),
            color=alt.Color(
                "outcome:N",
                title="Outcome",
                scale=alt.Scale(
                    domain=[STATUS_WORDS[s] for s in OUTCOME_COLOURS],
                    range=list(OUTCOME_COLOURS.values()),
                ),
            ),
            shape=alt.Shape("outcome:N", legend=None),
            tooltip=["settlement", "day:T", "outcome", "window", "arrived", "delivered_litres"],
        )
        .properties(height=alt.Step(28))
    )
