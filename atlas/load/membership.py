"""Cluster membership: which settlements belong to which cluster, from a table of its own.

A cluster table (CSV: ``cluster``, ``settlement_id``) is read like any layer (mapped, every
problem reported) and then overrides the settlements' own ``cluster`` column.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load.columns import Constant, apply_mapping
from atlas.load.validate import as_text
from atlas.problems import Problem, Report

__all__ = ["apply_membership", "read_membership"]


def read_membership(
    path: str | Path, mapping: Mapping[str, str | Constant] | None = None
) -> tuple[pd.DataFrame, Report]:
    """Read a cluster membership table (CSV: ``cluster``, ``settlement_id``).

    Returns
    -------
    (DataFrame, Report)
        Columns ``cluster`` and ``settlement_id`` as text; the report flags empty cells and
        settlements listed in two clusters (errors).
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(
            _("File not found: '{path}'. Check the path and the file name.", path=path)
        )
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(
            _(
                "Could not read the cluster table '{name}' as CSV ({error}).",
                name=path.name,
                error=exc,
            )
        ) from None
    frame = gpd.GeoDataFrame(table.replace({"": None}), geometry=gpd.GeoSeries([None] * len(table)))
    mapped, problems = apply_mapping(frame, "clusters", mapping)
    report = Report("clusters", str(path), tuple(problems))
    if not report.ok:
        return pd.DataFrame(columns=["cluster", "settlement_id"]), report
    out = pd.DataFrame(
        {"cluster": as_text(mapped["cluster"]), "settlement_id": as_text(mapped["settlement_id"])}
    )
    extra: list[Problem] = []
    empty = (out["cluster"].isna() | out["settlement_id"].isna()).to_numpy()
    if empty.any():
        extra.append(
            Problem(
                "error",
                _("Empty cluster or settlement_id cells."),
                _("Fill them in or delete the rows."),
                rows=tuple(int(i) + 1 for i in out.index[empty]),
            )
        )
    pairs = out.dropna().drop_duplicates()
    twice = pairs["settlement_id"].duplicated(keep=False).to_numpy()
    if twice.any():
        extra.append(
            Problem(
                "error",
                _("Settlements listed in more than one cluster."),
                _("A settlement belongs to one cluster: keep one row per settlement."),
                column="settlement_id",
                rows=tuple(int(i) + 1 for i in pairs.index[twice]),
                values=tuple(pairs["settlement_id"][twice]),
            )
        )
    return pairs.reset_index(drop=True), report.extended(extra)


def apply_membership(
    settlements: gpd.GeoDataFrame, membership: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Set each settlement's ``cluster`` from a membership table (the table wins over a column).

    Returns
    -------
    (GeoDataFrame, list of Problem)
        A new frame, and warnings for table rows naming unknown settlements and for settlements
        whose cluster column disagreed with the table.
    """
    lookup = dict(zip(membership["settlement_id"], membership["cluster"], strict=True))
    problems: list[Problem] = []
    unknown = sorted(set(lookup) - set(settlements["settlement_id"]))
    if unknown:
        problems.append(
            Problem(
                "warning",
                _("The cluster table names settlements that are not in the settlements layer."),
                _("Check the ids in the table."),
                column="settlement_id",
                values=tuple(unknown),
            )
        )
    new = settlements["settlement_id"].map(lookup)
    old = settlements["cluster"]
    differs = (old.notna() & new.notna() & (old != new)).to_numpy()
    if differs.any():
        problems.append(
            Problem(
                "warning",
                _("The cluster table overrides the settlements' own cluster column."),
                column="cluster",
                values=tuple(settlements["settlement_id"][differs]),
            )
        )
    out = settlements.copy()
    out["cluster"] = new.astype(object).where(new.notna(), None)
    return out, problems
