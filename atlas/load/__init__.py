"""Files in: reading formats, mapping columns, validating, choosing CRSs, uploads, the dataset.

The first stage of the pipeline (DESIGN §2): a user's files become a validated
:class:`~atlas.load.dataset.Dataset` in EPSG:4326 with every problem reported.

* :mod:`atlas.load.files`: :func:`read_layer`, any vector format or a CSV of points;
* :mod:`atlas.load.columns`: a file's columns mapped onto the canonical fields;
* :mod:`atlas.load.schema`: the canonical layers and their fields (DESIGN §3);
* :mod:`atlas.load.validate`: every problem of a layer, collected at once;
* :mod:`atlas.load.crs`: storage, display and measurement CRSs (DESIGN §2 rule 4);
* :mod:`atlas.load.uploads`: files handed over by the app, checked before they are read;
* :mod:`atlas.load.membership`: a cluster table read and applied to the settlements;
* :mod:`atlas.load.provenance`: each input file's name, SHA-256, CRS and feature count;
* :mod:`atlas.load.dataset`: :func:`load_dataset`, :func:`load_layer`, :func:`load_sample`.
"""

from atlas.load.columns import Constant, apply_mapping, guess_columns, parse_mapping
from atlas.load.crs import STORAGE_CRS, choose_metric_crs, parse_crs, to_metric
from atlas.load.dataset import Dataset, load_dataset, load_layer, load_sample
from atlas.load.files import RawLayer, read_layer
from atlas.load.membership import apply_membership, read_membership
from atlas.load.schema import CATEGORIES, STATUSES, layer_spec
from atlas.load.validate import validate_layer

__all__ = [
    "CATEGORIES",
    "STATUSES",
    "STORAGE_CRS",
    "Constant",  # i18n-ignore: public name
    "Dataset",  # i18n-ignore: public name
    "RawLayer",
    "apply_mapping",
    "apply_membership",
    "choose_metric_crs",
    "guess_columns",
    "layer_spec",
    "load_dataset",
    "load_layer",
    "load_sample",
    "parse_crs",
    "parse_mapping",
    "read_layer",
    "read_membership",
    "to_metric",
    "validate_layer",
]
