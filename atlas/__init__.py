"""Settlement Atlas: service gaps of informal settlements, per settlement and per cluster.

The stable Python API::

    import atlas
    ds = atlas.load_sample()                       # or atlas.load_dataset(settlements, services, wards)
    result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    result.settlements   # one row per settlement: working/needed/gap/ratio/coverage per category
    result.clusters      # one row per cluster
"""

from atlas.analysis import GapResult, compute_gaps
from atlas.attribution import attribute_services
from atlas.coverage import coverage
from atlas.crs import STORAGE_CRS, choose_metric_crs, to_metric
from atlas.dataset import Dataset, load_dataset, load_layer, load_sample, read_membership
from atlas.errors import (
    AtlasError,
    CRSError,
    DataFileError,
    MappingError,
    SchemaError,
    StandardError,
    ValidationError,
)
from atlas.exports.records import to_csv, to_geojson, to_json, to_records
from atlas.gaps import cluster_gaps, demand, service_counts, settlement_gaps
from atlas.io import read_layer
from atlas.mapping import Constant, apply_mapping, parse_mapping
from atlas.registry import standard_names
from atlas.report import Problem, Report
from atlas.schema import CATEGORIES, STATUSES
from atlas.standards import CategoryRule, Standard, load_standard
from atlas.validate import validate_layer
from atlas.wards import primary_wards, settlement_wards

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "STATUSES",
    "STORAGE_CRS",
    "AtlasError",
    "CRSError",
    "CategoryRule",
    "Constant",
    "DataFileError",
    "Dataset",
    "GapResult",
    "MappingError",
    "Problem",
    "Report",
    "SchemaError",
    "Standard",
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
