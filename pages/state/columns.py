"""How tables' columns are shown on the pages (``column_config`` of ``st.dataframe``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from atlas.i18n import _
from atlas.schedules.tables import ROLLUP_LABELS

__all__ = ["compliance_columns", "hazard_columns"]


def hazard_columns() -> dict[str, Any]:
    """The columns of the population and hazard tables: their headings and number formats
    (None: hidden)."""
    return {
        "settlement_id": _("Id"),
        "name": _("Settlement"),
        "cluster": _("Cluster"),
        "settlements": _("Settlements"),
        "settlements_exposed": _("With some area in it"),
        "settlements_mostly_exposed": _("More than half in it"),
        "hazard_area_share": st.column_config.ProgressColumn(
            _("Share of area"), format="percent", min_value=0, max_value=1
        ),
        "hazard_population": st.column_config.NumberColumn(_("People in it"), format="%.0f"),
        "area_km2": None,
        "hazard_area_km2": None,
        "households": st.column_config.NumberColumn(_("Households"), format="%.0f"),
        "population": st.column_config.NumberColumn(_("People"), format="%.0f"),
        "population_estimate": st.column_config.NumberColumn(_("People (raster)"), format="%.0f"),
        "population_from_raster": _("Demand from the raster"),
    }


def compliance_columns() -> dict[str, Any]:
    """The columns of the delivery compliance tables: the compliance share as a bar (the column
    as the table names it, in the session's language)."""
    heading = _(ROLLUP_LABELS["compliance"])
    return {heading: st.column_config.ProgressColumn(min_value=0, max_value=1)}
