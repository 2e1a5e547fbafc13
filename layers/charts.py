"""Charts of atlas results (Altair, drawn by the app's pages): pure functions, data in, an
:class:`altair.Chart` out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from atlas.i18n import N_, _, pgettext
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
_LEGEND_TITLE = N_("Outcome")
#: The timeline's tooltip: each field and its title (the field's name, translated where shown).
_TOOLTIP = (
    ("settlement", N_("settlement")),
    ("day:T", N_("day")),
    ("outcome", N_("outcome")),
    ("window", N_("window")),
    ("arrived", N_("arrived")),
    ("delivered_litres", N_("delivered_litres")),
)


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
    # The outcomes as the timeline's table words them (atlas.schedules.timeline_frame).
    words = [_(STATUS_WORDS[s]) for s in OUTCOME_COLOURS]
    title = _(_LEGEND_TITLE)
    legend = alt.Legend(title=title, symbolSize=90, labelLimit=0)
    return (
        alt.Chart(timeline)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("day:T", title=_("Day")),
            y=alt.Y("settlement:N", title=None),
            color=alt.Color(
                "outcome:N",
                title=title,
                scale=alt.Scale(domain=words, range=list(OUTCOME_COLOURS.values())),
                legend=legend,
            ),
            shape=alt.Shape(
                "outcome:N",
                title=title,
                scale=alt.Scale(domain=words, range=[OUTCOME_SHAPES[s] for s in OUTCOME_COLOURS]),
                legend=legend,
            ),
            tooltip=_tooltip(),
        )
        .properties(height=alt.Step(28))
    )


def _tooltip() -> list[str | alt.Tooltip]:
    """The timeline's tooltip fields, titled by their names (in English, the fields alone, as
    Vega-Lite titles them)."""
    return [
        field if _(name) == name else alt.Tooltip(field, title=_(name)) for field, name in _TOOLTIP
    ]


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
            x=alt.X("day:T", title=_("Period")),
            y=alt.Y("working:Q", title=_("Working points (as of the end of each period)")),
            color=alt.Color("service:N", title=_("Service"), legend=alt.Legend(labelLimit=0)),
            tooltip=[
                alt.Tooltip("period:N", title=_("Period")),
                alt.Tooltip("service:N", title=_("Service")),
                alt.Tooltip("working:Q", title=pgettext("points", "Working")),
                alt.Tooltip("broken:Q", title=pgettext("points", "Broken")),
                alt.Tooltip("unknown:Q", title=_("Status not known")),
                alt.Tooltip("gap:Q", title=_("Missing")),
            ],
        )
        .properties(height=260)
    )
