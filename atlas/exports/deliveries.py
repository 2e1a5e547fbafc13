"""Water delivery compliance joined onto the exported settlements and clusters."""

from __future__ import annotations

import pandas as pd

from atlas.errors import SchemaError
from atlas.exports.fields import text_column
from atlas.i18n import _

__all__ = ["join_deliveries"]


def _delivery_counts(compliance: pd.DataFrame) -> pd.DataFrame:
    """``scheduled`` and ``delivered`` per settlement id, from a settlement compliance table."""
    missing = [c for c in ("settlement_id", "scheduled", "delivered") if c not in compliance]
    if missing:
        raise SchemaError(
            _(
                "The delivery compliance table has no {columns} column: pass the settlement "
                "level of atlas.schedules.compliance(outcomes, 'settlement').",
                columns=", ".join(missing),
            )
        )
    table = compliance[["settlement_id", "scheduled", "delivered"]].dropna(subset=["settlement_id"])
    counts = table.assign(settlement_id=table["settlement_id"].astype(str))
    return counts.groupby("settlement_id")[["scheduled", "delivered"]].sum()


def _delivery_fields(keys: pd.Series, counts: pd.DataFrame) -> dict[str, pd.Series]:
    """The :data:`~atlas.exports.fields.DELIVERY_FIELDS` of each key (a key not in ``counts``
    had nothing scheduled)."""
    text = text_column(keys)
    scheduled = pd.to_numeric(text.map(counts["scheduled"]), errors="coerce").fillna(0)
    delivered = pd.to_numeric(text.map(counts["delivered"]), errors="coerce").fillna(0)
    share = delivered / scheduled.where(scheduled > 0)
    return {
        "delivery_scheduled": scheduled.astype("int64"),
        "delivery_on_time_in_full": delivered.astype("int64"),
        "delivery_compliance": share.astype("float64"),
    }


def join_deliveries(
    layers: dict[str, pd.DataFrame], settlements: pd.DataFrame, compliance: pd.DataFrame
) -> None:
    """Add the delivery fields to the ``settlements`` and ``clusters`` layers (in place).

    Parameters
    ----------
    layers
        The export layers (:func:`atlas.exports.export_layers` without deliveries).
    settlements
        The exported settlements as the gap result has them (for their clusters).
    compliance
        The ``settlement`` level of :func:`atlas.schedules.compliance`; a cluster sums its
        settlements.

    Raises
    ------
    SchemaError
        ``compliance`` has no ``settlement_id``, ``scheduled`` or ``delivered`` column.
    """
    counts = _delivery_counts(compliance)
    frame = layers["settlements"]
    for name, values in _delivery_fields(frame["settlement_id"], counts).items():
        frame[name] = values
    # The geometry stays the last column, as without the delivery fields.
    shapes = frame.geometry.name
    layers["settlements"] = frame[[*(c for c in frame.columns if c != shapes), shapes]]
    if "cluster" not in settlements or "cluster" not in layers["clusters"]:
        return
    membership = pd.DataFrame(
        {
            "settlement_id": settlements["settlement_id"].astype(str).to_numpy(),
            "cluster": settlements["cluster"].to_numpy(dtype=object),
        }
    ).dropna(subset=["cluster"])
    joined = membership.join(counts, on="settlement_id", how="inner")
    joined["cluster"] = joined["cluster"].astype(str)
    per_cluster = joined.groupby("cluster")[["scheduled", "delivered"]].sum()
    table = layers["clusters"]
    for name, values in _delivery_fields(table["cluster"], per_cluster).items():
        table[name] = values
