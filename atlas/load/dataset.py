"""Loading a whole dataset: read, map, validate every layer, and choose the metric CRS once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from atlas.bulk import many_objects
from atlas.errors import CRSError, SchemaError, ValidationError
from atlas.i18n import _
from atlas.load.columns import Constant, apply_mapping
from atlas.load.crs import STORAGE_CRS, choose_metric_crs, parse_crs
from atlas.load.files import RawLayer, read_layer
from atlas.load.membership import apply_membership, read_membership
from atlas.load.provenance import InputFile, describe_input
from atlas.load.schema import CATEGORIES, count_fields, layer_spec
from atlas.load.validate import validate_layer
from atlas.problems import Problem, Report
from atlas.progress import Progress, Step, quiet
from atlas.registry import SAMPLE, sample_files

__all__ = [
    "Dataset",  # i18n-ignore: public name
    "load_dataset",
    "load_layer",
    "load_sample",
    "metric_crs_for",
    "no_services",
    "with_clusters",
]


@dataclass(frozen=True)
class Dataset:
    """A validated dataset, every layer in EPSG:4326, with the metric CRS chosen for it.

    Parameters
    ----------
    settlements, services, wards
        Validated layers (``wards`` may be None).
    metric_crs
        The projected CRS all distances and areas of this dataset are measured in.
    reports
        One report per layer: what was mapped, repaired, assumed or excluded.
    name
        A label for the dataset (``sample`` or the settlements file's name).
    inputs
        Each file read (name, SHA-256, CRS, features), for the provenance of exports.
    mapping
        The column mapping the files were read with (``{layer: {field: column or Constant}}``).
    municipality_name
        The municipality's name for titles, when the wards give only a code (``CPT``).
    zeros_are_counts
        Whether 0 households with 0 people was read as a real count (else as unknown).
    has_services
        Whether a services layer was given (without one, ``services`` is empty and only the
        settlements' own counts count).
    """

    settlements: gpd.GeoDataFrame
    services: gpd.GeoDataFrame
    wards: gpd.GeoDataFrame | None
    metric_crs: CRS
    reports: tuple[Report, ...] = field(default_factory=tuple)
    name: str = ""
    inputs: tuple[InputFile, ...] = ()
    mapping: Mapping[str, Mapping[str, str | Constant]] = field(default_factory=dict)
    municipality_name: str | None = None
    zeros_are_counts: bool = False
    has_services: bool = True


@many_objects()
def load_layer(
    path: str | Path,
    layer: str,
    *,
    mapping: Mapping[str, str | Constant] | None = None,
    crs: object = None,
    file_layer: str | None = None,
    categories: Sequence[str] = CATEGORIES,
    zeros_are_counts: bool = False,
    encoding: str | None = None,
) -> tuple[gpd.GeoDataFrame, Report]:
    """Read, map and validate one layer, without raising on validation errors.

    Parameters
    ----------
    path
        The file.
    layer
        ``settlements``, ``services`` or ``wards``.
    mapping
        Canonical field -> column name or :class:`~atlas.load.columns.Constant`.
    crs
        The CRS of the file's coordinates, when the file has none or a wrong one.
    file_layer
        The layer inside a multi-layer file.
    categories
        Accepted service categories.
    zeros_are_counts
        Settlements: read 0 households with 0 people as a count (see :func:`load_dataset`).
    encoding
        The text encoding of a Shapefile's DBF or a CSV (``cp1252``…), when the one the file
        declares, or the atlas's guess, is wrong (see :func:`atlas.read_layer`).

    Returns
    -------
    (GeoDataFrame, Report)
        The usable rows in EPSG:4326 and the full report; check ``report.ok``.

    Raises
    ------
    DataFileError
        The file cannot be read at all.

    Examples
    --------
    A CSV of taps with two bad rows: the layer is read and the report lists every problem.

    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from atlas import load_layer
    >>> table = pd.DataFrame({
    ...     "id": ["T1", "T2", "T3"],
    ...     "category": ["water", "water", "toilets"],
    ...     "status": ["working", "leaking", "broken"],
    ...     "lon": [28.0, 28.1, 28.2],
    ...     "lat": [-26.0, -26.1, -26.2],
    ... })
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "taps.csv"
    ...     table.to_csv(path, index=False)
    ...     taps, report = load_layer(path, "services")
    >>> report.ok
    False
    >>> [(p.column, p.rows, p.values) for p in report.errors]
    [('category', (3,), ('toilets',)), ('status', (2,), ('leaking',))]
    >>> list(taps["service_id"]), taps.crs.to_epsg()
    (['T1', 'T2', 'T3'], 4326)
    """
    frame, report, _described = _read_checked(
        path, layer, mapping, crs, file_layer, categories, zeros_are_counts, encoding
    )
    return frame, report


def _geometry_note(how: str) -> str:
    """Where the geometry came from, from the reader's ``attrs["geometry_from"]`` (data, in
    English: ``columns lon/lat`` or ``WKT column geom``)."""
    columns, wkt = "columns ", "WKT column "  # i18n-ignore: the reader's attrs (data)
    if how.startswith(columns):
        return _("Geometry built from columns {columns}.", columns=how[len(columns) :])
    if how.startswith(wkt):
        return _("Geometry built from WKT column {column}.", column=how[len(wkt) :])
    return _("Geometry built from {source}.", source=how)


def _read_checked(
    path: str | Path,
    layer: str,
    mapping: Mapping[str, str | Constant] | None,
    crs: object,
    file_layer: str | None,
    categories: Sequence[str],
    zeros_are_counts: bool = False,
    encoding: str | None = None,
) -> tuple[gpd.GeoDataFrame, Report, InputFile]:
    """:func:`load_layer`, and what the file was (:class:`InputFile`)."""
    raw: RawLayer = read_layer(path, layer=file_layer, encoding=encoding, role=layer)
    mapped, mapping_problems = apply_mapping(raw.frame, layer, mapping, categories=categories)
    notes = list(raw.notes)
    how = raw.frame.attrs.get("geometry_from")
    if how:
        notes.append(Problem("info", _geometry_note(how)))
    if how and "columns" in how and raw.frame.crs is None and crs is None:
        # Longitude/latitude columns are WGS84 by convention: say so rather than guess silently.
        mapped = mapped.set_crs("EPSG:4326")
        notes.append(
            Problem("info", _("Longitude/latitude columns are read as WGS84 (EPSG:4326)."))
        )
    declared = parse_crs(crs, what=_("the {layer} CRS", layer=layer)) if crs is not None else None
    frame, report = validate_layer(
        mapped,
        layer,
        crs=declared,
        categories=categories,
        source=raw.source,
        notes=[*notes, *mapping_problems],
        zeros_are_counts=zeros_are_counts,
    )
    source_crs = declared if declared is not None else mapped.crs
    return frame, report, describe_input(layer, path, source_crs, len(raw.frame), len(frame))


@many_objects()
def load_dataset(
    settlements: str | Path,
    services: str | Path | None = None,
    wards: str | Path | None = None,
    clusters: str | Path | None = None,
    *,
    mapping: Mapping[str, Mapping[str, str | Constant]] | None = None,
    crs: Mapping[str, object] | None = None,
    layers: Mapping[str, str] | None = None,
    categories: Sequence[str] = CATEGORIES,
    metric_crs: object = None,
    name: str | None = None,
    zeros_are_counts: bool = False,
    municipality_name: str | None = None,
    progress: Progress = quiet,
    encoding: Mapping[str, str] | None = None,
) -> Dataset:
    """Read, map and validate a dataset's layers; raise once if any layer is unusable.

    Parameters
    ----------
    settlements, services, wards, clusters
        File paths. Only the settlements are required: without service points, the
        settlements' own counts (``water_working``…) are the only counts (DESIGN §3).
    mapping
        ``{layer: {field: column or Constant}}`` (see :func:`atlas.load.columns.parse_mapping`).
    crs
        ``{layer: CRS}`` for files whose CRS is missing or wrong.
    layers
        ``{layer: name}``: which layer to read from multi-layer files.
    encoding
        ``{layer: codec}`` (``{"settlements": "cp1252"}``): the text encoding of a Shapefile's
        DBF or a CSV, when the one it declares, or the atlas's guess, is wrong.
    categories
        Accepted service categories (see :attr:`atlas.measure.standards.Standard.categories`).
    metric_crs
        The projected CRS to measure in; by default the UTM zone of the settlements.
    name
        A label for the dataset.
    progress
        Called with a short message as each step starts.

    Raises
    ------
    ValidationError
        When a layer has errors; its ``report`` holds every problem of the first bad layer and
        the message lists the problems of all of them.
    DataFileError, CRSError, MappingError
        For unreadable files and malformed options.

    Examples
    --------
    The embedded sample's files, read like any user's files:

    >>> import atlas
    >>> from atlas.registry import sample_files
    >>> files = sample_files()
    >>> ds = atlas.load_dataset(files.settlements, files.services, files.wards)
    >>> len(ds.settlements), len(ds.services), len(ds.wards)
    (30, 800, 25)
    >>> ds.name, ds.metric_crs.name
    ('settlements', 'WGS 84 / UTM zone 35S')

    A file with its own column names: ``InformalSe`` mapped explicitly, ``code`` and ``HHs``
    recognised as aliases, and every choice reported:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> homes = gpd.GeoDataFrame(
    ...     {"code": ["A1"], "InformalSe": ["Asiphile"], "HHs": [120]},
    ...     geometry=[box(28.0, -26.0, 28.002, -25.998)], crs="EPSG:4326",
    ... )
    >>> taps = gpd.GeoDataFrame(
    ...     {"id": ["T1"], "category": ["water"], "status": ["working"]},
    ...     geometry=gpd.points_from_xy([28.001], [-25.999]), crs="EPSG:4326",
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     homes.to_file(Path(folder) / "informal.geojson")
    ...     taps.to_file(Path(folder) / "taps.geojson")
    ...     ds = atlas.load_dataset(
    ...         Path(folder) / "informal.geojson", Path(folder) / "taps.geojson",
    ...         mapping={"settlements": {"name": "InformalSe"}},
    ...     )
    >>> ds.settlements[["settlement_id", "name", "households"]].to_dict("records")
    [{'settlement_id': 'A1', 'name': 'Asiphile', 'households': 120.0}]
    >>> print(ds.reports[0].format())  # doctest: +ELLIPSIS
    settlements (...informal.geojson): 0 error(s), 0 warning(s)
      - info: settlement_id <- column 'code' (recognised alias).
      - info: name <- column 'InformalSe' (mapping).
      - info: households <- column 'HHs' (recognised alias).
    """
    mapping = mapping or {}
    crs = crs or {}
    layers = layers or {}
    encoding = encoding or {}
    unknown = sorted(set(encoding) - {"settlements", "services", "wards"})
    if unknown:
        raise SchemaError(
            _(
                "encoding names no layer the dataset reads: {names}. Its keys are settlements, "
                "services and wards, e.g. encoding={{'settlements': 'cp1252'}}.",
                names=", ".join(map(repr, unknown)),
            )
        )

    inputs: list[InputFile] = []

    def load(layer: str, path: str | Path) -> tuple[gpd.GeoDataFrame, Report]:
        progress(Step(f"read.{layer}", _("reading {layer} from {path}", layer=layer, path=path)))
        frame, report, described = _read_checked(
            path,
            layer,
            mapping.get(layer),
            crs.get(layer),
            layers.get(layer),
            categories,
            zeros_are_counts,
            encoding.get(layer),
        )
        inputs.append(described)
        return frame, report

    settlements_frame, settlements_report = load("settlements", settlements)
    reports = [settlements_report]
    if services is not None:
        services_frame, services_report = load("services", services)
        reports.append(services_report)
    else:
        services_frame = no_services()
        progress(
            Step(
                "no-services",
                _("no service points: the settlements' own counts are the only counts"),
            )
        )
    wards_frame = None
    if wards is not None:
        wards_frame, wards_report = load("wards", wards)
        reports.append(wards_report)
    if clusters is not None:
        settlements_frame, report, described = with_clusters(
            settlements_frame, settlements_report, clusters, mapping.get("clusters"), progress
        )
        reports.append(report)
        inputs.append(described)
    bad = [r for r in reports if not r.ok]
    if bad:
        raise ValidationError(bad[0], bad[1:])
    if services is None:
        _require_own_counts(settlements_frame, categories)
    metric = metric_crs_for(settlements_frame, metric_crs)
    return Dataset(
        settlements=settlements_frame,
        services=services_frame,
        wards=wards_frame,
        metric_crs=metric,
        reports=tuple(reports),
        name=name or Path(settlements).stem,
        inputs=tuple(inputs),
        mapping={layer: dict(fields) for layer, fields in mapping.items()},
        municipality_name=municipality_name,
        zeros_are_counts=zeros_are_counts,
        has_services=services is not None,
    )


def _require_own_counts(settlements: gpd.GeoDataFrame, categories: Sequence[str]) -> None:
    """Without service points, the settlements must count some service themselves."""
    counts = [f.name for f in count_fields(categories) if f.name in settlements]
    if not any(settlements[c].notna().any() for c in counts):
        raise SchemaError(
            Problem(
                "error",
                _(
                    "There are no service points, and the settlements carry no counts of their "
                    "own (such as sanitation_working): there is nothing to count."
                ),
                _(
                    "Pass the service points (services=PATH), or map a count column of the "
                    "settlements: mapping={'settlements': {'sanitation_working': 'COLUMN'}}."
                ),
                code="services.none",
            )
        )


def metric_crs_for(settlements: gpd.GeoDataFrame, metric_crs: object = None) -> CRS:
    """The CRS a dataset is measured in: ``metric_crs`` checked, or the settlements' UTM zone.

    Raises
    ------
    CRSError
        ``metric_crs`` is not a CRS, or is geographic (degrees).
    """
    if metric_crs is None:
        return choose_metric_crs(settlements)
    metric = parse_crs(metric_crs, what=_("the metric CRS"))
    if metric.is_geographic:
        raise CRSError(
            _(
                "The metric CRS {crs} is geographic (degrees); distances and areas need a "
                "projected CRS in metres, such as the local UTM zone.",
                crs=metric.to_string(),
            )
        )
    return metric


def with_clusters(
    settlements: gpd.GeoDataFrame,
    settlements_report: Report,
    clusters: str | Path,
    mapping: Mapping[str, str | Constant] | None,
    progress: Progress = quiet,
) -> tuple[gpd.GeoDataFrame, Report, InputFile]:
    """The settlements with the cluster membership table at ``clusters`` applied (when both
    are usable), the table's report and its description."""
    progress(Step("read.clusters", _("reading cluster membership from {path}", path=clusters)))
    membership, report = read_membership(clusters, mapping)
    if report.ok and settlements_report.ok:
        settlements, extra = apply_membership(settlements, membership)
        report = report.extended(extra)
    described = describe_input("clusters", clusters, None, len(membership), len(membership))
    return settlements, report, described


def no_services() -> gpd.GeoDataFrame:
    """An empty services layer with the canonical fields (a dataset without service points)."""
    columns = [f.name for f in layer_spec("services").fields]
    return gpd.GeoDataFrame(
        {c: pd.Series([], dtype=object) for c in columns},
        geometry=gpd.GeoSeries([], crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )


def load_sample(
    *,
    categories: Sequence[str] = CATEGORIES,
    metric_crs: object = None,
    zeros_are_counts: bool = False,
    municipality_name: str | None = None,
    progress: Progress = quiet,
) -> Dataset:
    """The embedded sample dataset (see ``data/README.md``).

    A synthetic municipality: 30 settlements (all but one in three clusters), 800 service points
    and 25 wards, in EPSG:4326.

    Parameters
    ----------
    categories, metric_crs, zeros_are_counts, municipality_name, progress
        As for :func:`load_dataset`.

    Returns
    -------
    Dataset
        Named ``sample``.

    Examples
    --------
    >>> import atlas
    >>> ds = atlas.load_sample()
    >>> ds.name, len(ds.settlements), len(ds.services), len(ds.wards)
    ('sample', 30, 800, 25)
    >>> sorted(ds.settlements["cluster"].dropna().unique())
    ['Ilanga East Cluster', 'Kgotso South Cluster', 'Northern Ridge Cluster']
    >>> ds.services["category"].value_counts().sort_index().to_dict()
    {'electricity': 96, 'sanitation': 360, 'waste': 104, 'water': 240}
    """
    files = sample_files()
    return load_dataset(
        files.settlements,
        files.services,
        files.wards,
        categories=categories,
        metric_crs=metric_crs,
        name=SAMPLE,
        zeros_are_counts=zeros_are_counts,
        municipality_name=municipality_name,
        progress=progress,
    )
