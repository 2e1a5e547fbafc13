"""Kept for old imports: the records, JSON, CSV and GeoJSON helpers live in
:mod:`atlas.exports.records` (the stable names are also in :mod:`atlas`)."""

from atlas.exports.records import (
    ROUNDING,
    rfc7946_geometries,
    to_csv,
    to_feature_collection,
    to_geojson,
    to_json,
    to_records,
    typed_records,
)

__all__ = [
    "ROUNDING",
    "rfc7946_geometries",
    "to_csv",
    "to_feature_collection",
    "to_geojson",
    "to_json",
    "to_records",
    "typed_records",
]
