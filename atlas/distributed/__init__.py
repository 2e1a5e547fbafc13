"""Beyond one machine: the gaps measured on a Dask cluster (``atlas gaps --engine dask``).

* :mod:`atlas.distributed.cluster`: connect to a running cluster, or start local workers;
* :mod:`atlas.distributed.services`: service points read by partitions from GeoParquet and
  validated on the workers;
* :mod:`atlas.distributed.loading`: a dataset whose points stay on the cluster;
* :mod:`atlas.distributed.engine`: :func:`compute_gaps_dask`, every field identical to
  :func:`atlas.compute_gaps`.

Dask, distributed and dask-geopandas are imported only when a function here runs.
"""

from atlas.distributed.cluster import dask_client, parse_memory
from atlas.distributed.engine import compute_gaps_dask
from atlas.distributed.loading import load_dataset_dask
from atlas.distributed.services import (
    ServicePartitions,
    is_geoparquet,
    read_services,
    scatter_services,
)

__all__ = [
    "ServicePartitions",  # i18n-ignore: names of the API
    "compute_gaps_dask",
    "dask_client",
    "is_geoparquet",
    "load_dataset_dask",
    "parse_memory",
    "read_services",
    "scatter_services",
]
