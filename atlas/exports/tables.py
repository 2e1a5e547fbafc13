"""The joined result as export-ready tables: the same rows and values for every format."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from atlas.exports.clusters import chosen_clusters, filter_clusters
from atlas.exports.deliveries import join_deliveries
from atlas.exports.fields import (
    CLUSTER_FIELDS,
    SERVICE_FIELDS,
    SETTLEMENT_FIELDS,
    fields_of,
    typed_layer,
    typed_table,
)
from atlas.exports.sources import source_columns as file_columns
from atlas.load.dataset import Dataset
from atlas.load.schema import layer_spec
from atlas.measure.gaps import category_columns
from atlas.measure.pipeline import GapResult

__all__ = ["export_layers"]


def export_layers(
    result: GapResult,
    dataset: Dataset,
    *,
    clusters: Sequence[str] | str | None = None,
    compliance: pd.DataFrame | None = None,
    source_columns: bool = True,
) -> dict[str, pd.DataFrame]:
    """The joined result as export-ready frames with proper field types.

    Parameters
    ----------
    result
        The gap result of ``dataset`` (:func:`atlas.compute_gaps`); not modified.
    dataset
        The dataset measured (for its wards); not modified.
    clusters
        Export only these clusters (see :func:`~atlas.exports.filter_clusters`): their
        settlements, the service points attributed to them, the wards they overlap and their
        summary rows.
    compliance
        Water delivery compliance per settlement (the ``settlement`` level of
        :func:`atlas.schedules.compliance`). When given, the settlements and the clusters get
        the :data:`~atlas.exports.DELIVERY_FIELDS`: ``delivery_scheduled`` and
        ``delivery_on_time_in_full`` (counts; 0 where nothing was scheduled) and
        ``delivery_compliance`` (their share, 0-1, empty where nothing was scheduled); a
        cluster sums its settlements.
    source_columns
        Whether the settlements, services and wards carry their file's own columns after the
        atlas fields (see :mod:`atlas.exports.sources`): under their own names, or
        ``src_<name>`` when the name is an atlas field of that layer (compared without case).

    Returns
    -------
    dict of str to DataFrame
        ``settlements``, ``services``, ``wards`` (GeoDataFrames in EPSG:4326; ``wards`` only
        when the dataset has wards) and ``clusters`` (a DataFrame), in that order; each with
        its atlas fields, then its source columns, then the geometry. Text fields have the
        ``string`` dtype, counts ``int64`` or nullable ``Int64``, measures ``float64``, flags
        ``bool``, each by field even when every value is empty; ``ward_ids`` and
        ``ward_shares`` are lists (of text, of floats), joined as text only by the formats that
        hold no lists. Source columns keep the type they were read with (text otherwise).

    Raises
    ------
    SchemaError
        An unknown cluster name, or a compliance table without ``settlement_id``,
        ``scheduled`` and ``delivered``.

    Examples
    --------
    >>> import atlas
    >>> from atlas.exports import export_layers
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> layers = export_layers(result, ds)
    >>> {name: len(frame) for name, frame in layers.items()}
    {'settlements': 30, 'services': 800, 'wards': 25, 'clusters': 4}
    >>> settlements = layers["settlements"]
    >>> str(settlements.crs), str(settlements["households"].dtype)
    ('EPSG:4326', 'Int64')
    >>> settlements.loc[3, ["settlement_id", "ward_id", "ward_ids"]].tolist()
    ['SET-004', '99900002', ['99900002', '99900003']]
    >>> [round(share, 4) for share in settlements.loc[3, "ward_shares"]]  # exact in the data
    [0.6696, 0.3304]

    One cluster: its settlements, the points attributed to them, the wards they overlap:

    >>> kgotso = export_layers(result, ds, clusters="Kgotso South Cluster")
    >>> {name: len(frame) for name, frame in kgotso.items()}
    {'settlements': 9, 'services': 281, 'wards': 6, 'clusters': 1}
    """
    chosen = filter_clusters(result, clusters)
    measured = category_columns(result.standard)
    layers: dict[str, pd.DataFrame] = {
        "settlements": typed_layer(
            chosen.settlements, [*fields_of(chosen.settlements, SETTLEMENT_FIELDS), *measured]
        ),
        "services": typed_layer(chosen.services, SERVICE_FIELDS),
    }
    if dataset.wards is not None:
        wards = dataset.wards
        if chosen_clusters(clusters):
            touched = chosen.ward_overlaps["ward_id"]
            wards = wards[wards["ward_id"].isin(touched).to_numpy(bool)]
        names = [f.name for f in layer_spec("wards").fields]
        layers["wards"] = typed_layer(wards, names)
    layers["clusters"] = pd.DataFrame(
        typed_table(chosen.clusters, [*fields_of(chosen.clusters, CLUSTER_FIELDS), *measured]),
        index=chosen.clusters.index,
    )
    if compliance is not None:
        join_deliveries(layers, chosen.settlements, compliance)
    if source_columns:
        _add_sources(layers, dataset, list(result.standard.categories))
    return layers


def _add_sources(
    layers: dict[str, pd.DataFrame], dataset: Dataset, categories: Sequence[str]
) -> None:
    """Put each layer's source columns (from the dataset, joined by index) after its atlas
    fields and before its geometry (in place)."""
    sources = {"settlements": dataset.settlements, "services": dataset.services}
    if dataset.wards is not None:
        sources["wards"] = dataset.wards
    for name, frame in sources.items():
        layer = layers.get(name)
        if layer is None:
            continue
        shapes = layer.geometry.name
        fields = [c for c in layer.columns if c != shapes]
        extra = file_columns(frame, name, layer.index, fields, categories)
        if not extra:
            continue
        data = {c: layer[c] for c in fields} | extra
        layers[name] = gpd.GeoDataFrame(data, geometry=layer.geometry, crs=layer.crs)
