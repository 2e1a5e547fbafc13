"""Open reports on the map: a purple diamond with "!" where a report is (with the number of
reports, when several are about the same place), unlike the round service points, with a
tooltip of each report's service, problem, state and how many days it has been open. The layer draws only the columns of :func:`atlas.summaries.records.report_points`: a
reporter's contact never reaches the map, whatever the frame passed in carries.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"lon": [28.1], "lat": [-26.05], "category": ["Water"],
...     "problem": ["No water"], "state": ["reported"], "days_open": [3], "report": ["r1"]})
>>> group, legend = report_overlays(frame)
>>> group.layer_name
'Open reports (1)'
"""

from __future__ import annotations

import folium
import pandas as pd
from branca.element import MacroElement

from atlas.i18n import _, ngettext
from layers.style import Legend, LegendSection
from layers.text import safe_text

__all__ = ["REPORT_COLOUR", "report_layer", "report_legend", "report_overlays"]

#: The colour of an open report's marker (not a colour of the settlements' scale or of the
#: service points' statuses).
REPORT_COLOUR = "#6a1b9a"
_SIZE = 22
#: How many reports a tooltip lists before it says how many more there are.
_LISTED = 5


def _icon(count: int) -> str:
    mark = "!" if count == 1 else str(count) if count < 100 else "99+"
    return (
        f'<div style="width:{_SIZE - 6}px;height:{_SIZE - 6}px;margin:3px;'
        f"transform:rotate(45deg);background:{REPORT_COLOUR};border:2px solid #fff;"
        "box-shadow:0 0 3px rgba(0,0,0,.6);box-sizing:border-box;display:flex;"
        'align-items:center;justify-content:center">'
        '<span style="transform:rotate(-45deg);color:#fff;font:700 11px system-ui,sans-serif">'
        f"{mark}</span></div>"
    )


def _days(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    days = int(value)  # type: ignore[call-overload]
    return ngettext("{n} day open", "{n} days open", days)


def _state(state: object, days_open: object) -> str:
    """A report's state and how long it has been open (escaped): ``reported, 3 days open``."""
    days = _days(days_open)
    if not days:
        return safe_text(state)
    return safe_text(_("{state}, {days}", state=state, days=days))


def _tooltip(rows: pd.DataFrame) -> str:
    lines = [
        f"<tr><td>{safe_text(row['category'])}: {safe_text(row['problem'])}</td></tr>"
        f"<tr><td>{_state(row['state'], row['days_open'])}</td></tr>"
        for _row_index, row in rows.head(_LISTED).iterrows()
    ]
    more = len(rows) - _LISTED
    if more > 0:
        lines.append(f"<tr><td>{safe_text(_('and {count} more', count=more))}</td></tr>")
    return f"<table>{''.join(lines)}</table>"


def report_layer(points: pd.DataFrame, *, name: str | None = None) -> folium.FeatureGroup:
    """One marker per open report.

    Parameters
    ----------
    points
        :func:`atlas.summaries.records.report_points`: ``lon``, ``lat`` (EPSG:4326),
        ``category``, ``problem``, ``state``, ``days_open``; other columns are ignored.
    name
        The layer's name in the layer control (default ``Open reports (N)``).

    Returns
    -------
    folium.FeatureGroup
        One marker per place (with the number of reports there when several); shown by
        default; every text escaped with :func:`layers.text.safe_text`.
    """
    group = folium.FeatureGroup(
        name=safe_text(name or _("Open reports ({count})", count=len(points)))
    )
    # Reports about the same place (a service point, a settlement's point) share one marker.
    for _place, rows in points.groupby(["lat", "lon"], sort=False):
        first = rows.iloc[0]
        folium.Marker(
            location=[float(first["lat"]), float(first["lon"])],
            icon=folium.DivIcon(
                html=_icon(len(rows)),
                icon_size=(_SIZE, _SIZE),
                icon_anchor=(_SIZE // 2, _SIZE // 2),
                class_name="atlas-report",
            ),
            tooltip=folium.Tooltip(_tooltip(rows), class_name="atlas-tip", sticky=False),
        ).add_to(group)
    return group


def report_legend(count: int, position: str = "bottomleft") -> Legend:
    """The legend entry of the reports layer."""
    label = ngettext("{n} open report", "{n} open reports", count)
    return Legend([LegendSection(_("Reports"), ((REPORT_COLOUR, label),))], position=position)


def report_overlays(points: pd.DataFrame) -> list[MacroElement]:
    """The reports layer and its legend, to add to a map
    (:func:`layers.maps.add_overlays`)."""
    return [report_layer(points), report_legend(len(points))]
