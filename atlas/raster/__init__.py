"""Raster layers: population estimates and hazard exposure by zonal statistics.

Topic modules, re-exported here:

* :mod:`atlas.raster.files`: open and describe a single-band GeoTIFF, check it, read its cells;
* :mod:`atlas.raster.zonal`: people per polygon from a count or density raster (exact
  fractional cell coverage, in the raster's CRS);
* :mod:`atlas.raster.hazard`: share of area and people in hazard cells, per settlement and
  per cluster;
* :mod:`atlas.raster.demand`: estimates beside the counts, filling unknown demand;
* :mod:`atlas.raster.words`: the raster options in plain words (people per cell or per km²,
  hazard cells at or above a value or of some classes).
"""

from atlas.raster.demand import (
    ESTIMATE_COLUMNS,
    estimate_dataset,
    estimate_table,
    fill_demand,
    population_by_cluster,
    population_estimate,
)
from atlas.raster.files import (
    Raster,
    as_raster,
    load_raster,
    open_raster_for,
    read_values,
    require_overlap,
)
from atlas.raster.hazard import (
    CLUSTER_FIELDS,
    MOSTLY,
    check_hazard_size,
    hazard_by_cluster,
    hazard_exposure,
    hazard_mask,
    hazard_zones,
    most_exposed_first,
    parse_classes,
)
from atlas.raster.words import (
    HAZARD_RULES,
    POPULATION_KINDS,
    hazard_rule_words,
    population_kind_words,
)
from atlas.raster.zonal import zonal_population

#: The kinds of raster the atlas understands.
KINDS: tuple[str, ...] = ("count", "density", "hazard")

__all__ = [
    "CLUSTER_FIELDS",
    "ESTIMATE_COLUMNS",
    "HAZARD_RULES",
    "KINDS",
    "MOSTLY",
    "POPULATION_KINDS",
    "Raster",  # i18n-ignore: a name of the API
    "as_raster",
    "check_hazard_size",
    "estimate_dataset",
    "estimate_table",
    "fill_demand",
    "hazard_by_cluster",
    "hazard_exposure",
    "hazard_mask",
    "hazard_rule_words",
    "hazard_zones",
    "load_raster",
    "most_exposed_first",
    "open_raster_for",
    "parse_classes",
    "population_by_cluster",
    "population_estimate",
    "population_kind_words",
    "read_values",
    "require_overlap",
    "zonal_population",
]
