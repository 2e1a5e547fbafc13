"""Settlement Atlas: service gaps of informal settlements, per settlement and per cluster.

The pipeline, one sub-package a stage (see ``docs/architecture.md``): :mod:`atlas.load` (files
in), :mod:`atlas.measure` (joins and numbers), :mod:`atlas.raster` and :mod:`atlas.schedules`
(rasters, water deliveries), :mod:`atlas.summaries` (plain words), :mod:`atlas.exports` (data
out), :mod:`atlas.cli` (the command). Drawing lives in ``layers``, the app in ``pages``.

The stable Python API::

    import atlas
    ds = atlas.load_sample()                       # or atlas.load_dataset(settlements, services, wards)
    result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    result.settlements   # one row per settlement: working/needed/gap/ratio/coverage per category
    result.clusters      # one row per cluster
"""

from atlas.config import Config
from atlas.errors import (
    AtlasError,
    CRSError,
    DataFileError,
    LayersApartError,
    MappingError,
    SchemaError,
    StandardError,
    ValidationError,
)
from atlas.exports.records import to_csv, to_geojson, to_json, to_records
from atlas.load import (
    CATEGORIES,
    STATUSES,
    STORAGE_CRS,
    Constant,
    Dataset,
    apply_mapping,
    choose_metric_crs,
    load_dataset,
    load_layer,
    load_sample,
    parse_mapping,
    read_layer,
    read_membership,
    to_metric,
    validate_layer,
)
from atlas.measure import (
    CategoryRule,
    GapResult,
    Standard,
    attribute_services,
    cluster_gaps,
    compute_gaps,
    coverage,
    demand,
    load_standard,
    primary_wards,
    service_counts,
    settlement_gaps,
    settlement_wards,
)
from atlas.problems import Problem, Report
from atlas.registry import standard_names

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "STATUSES",
    "STORAGE_CRS",
    "AtlasError",
    "CRSError",
    "CategoryRule",
    "Config",  # i18n-ignore: public name
    "Constant",  # i18n-ignore: public name
    "DataFileError",
    "Dataset",  # i18n-ignore: public name
    "GapResult",
    "LayersApartError",
    "MappingError",
    "Problem",  # i18n-ignore: public name
    "Report",  # i18n-ignore: public name
    "SchemaError",
    "Standard",  # i18n-ignore: public name
    "StandardError",
    "ValidationError",
    "apply_mapping",
    "attribute_services",
    "choose_metric_crs",
    "cluster_gaps",
    "compute_gaps",
    "coverage",
    "demand",
    "load_dataset",
    "load_layer",
    "load_sample",
    "load_standard",
    "parse_mapping",
    "primary_wards",
    "read_layer",
    "read_membership",
    "service_counts",
    "settlement_gaps",
    "settlement_wards",
    "standard_names",
    "to_csv",
    "to_geojson",
    "to_json",
    "to_metric",
    "to_records",
    "validate_layer",
]
