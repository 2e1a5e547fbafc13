"""Joins and numbers: attribution, coverage, wards, gaps against a standard (DESIGN §4).

* :mod:`atlas.measure.standards`: a standard's rules per category, read from a TOML file;
* :mod:`atlas.measure.attribution`: each service point to at most one settlement;
* :mod:`atlas.measure.coverage`: the share of a settlement within walking distance;
* :mod:`atlas.measure.wards`: the wards a settlement lies in, and its primary ward;
* :mod:`atlas.measure.gaps`: demand, needed, gap, ratio per settlement and per cluster;
* :mod:`atlas.measure.pipeline`: :func:`compute_gaps`, all of the above in one call.

The ``_``-prefixed modules are private speed helpers (the nearby search, the coverage grid,
the worker threads, whose :class:`Workers` is re-exported here); nothing outside this package
imports them.
"""

from atlas.measure._parallel import Workers
from atlas.measure.attribution import attribute_services
from atlas.measure.coverage import coverage
from atlas.measure.gaps import (
    category_columns,
    cluster_gaps,
    demand,
    service_counts,
    settlement_gaps,
)
from atlas.measure.pipeline import GapResult, compute_gaps, recount
from atlas.measure.standards import CategoryRule, Standard, load_standard, parse_standard
from atlas.measure.wards import primary_wards, settlement_wards

__all__ = [
    "CategoryRule",
    "GapResult",
    "Standard",  # i18n-ignore: names of the API
    "Workers",  # i18n-ignore: names of the API
    "attribute_services",
    "category_columns",
    "cluster_gaps",
    "compute_gaps",
    "coverage",
    "demand",
    "load_standard",
    "parse_standard",
    "primary_wards",
    "recount",
    "service_counts",
    "settlement_gaps",
    "settlement_wards",
]
