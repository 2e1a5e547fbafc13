"""Kept for old imports: the records, JSON, CSV and GeoJSON helpers live in
:mod:`atlas.exports.records` (the stable names are also in :mod:`atlas`)."""

from atlas.exports.records import *  # noqa: F403
from atlas.exports.records import __all__ as __all__
