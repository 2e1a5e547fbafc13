"""Uploaded files: stored under their content hash, with cached column lists and checks, and
the widgets of one uploaded layer (its file, its CRS, its columns, its check)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import atlas
from atlas.i18n import N_, _, plural
from atlas.load.columns import guess_columns, parse_mapping
from atlas.load.crs import parse_crs
from atlas.load.encodings import ENCODING_CHOICES
from atlas.load.schema import layer_spec
from atlas.load.uploads import content_hash, private_subfolder, save_upload, upload_name
from pages.state import keys, session
from pages.state.choices import Source
from pages.state.language import cache_in_language
from pages.state.messages import error_text, report_text, shown_report
from pages.state.sources import categories_of, dataset_of, load_standard
from pages.state.upload_folder import UPLOAD_ROOT, session_folder
from pages.state.wording import CRS_BOX, ENCODING_BOX

__all__ = [
    "UPLOAD_KINDS",
    "UPLOAD_LAYERS",
    "UPLOAD_ROOT",
    "LayerUpload",
    "check_layer",
    "choose_columns",
    "columns_of",
    "files_source",
    "store_upload",
    "upload_layer",
    "use_files",
]

#: The file types the Data page accepts for a layer.
UPLOAD_KINDS = ["geojson", "json", "gpkg", "zip", "kml", "parquet", "csv"]
#: The layers the Data page uploads, in its order; only the settlements are required.
UPLOAD_LAYERS = ("settlements", "services", "wards")
#: The uploader's label per layer.
_LABELS = {
    "settlements": N_("Settlements"),
    "services": N_("Services (optional when the settlements carry their own counts)"),
    "wards": N_("Wards (optional)"),
}


def store_upload(data: bytes, name: str) -> Path:
    """Save an uploaded file in this session's private folder under its content hash (same
    upload in the same session, same path, same cache key), after the upload's checks
    (:func:`atlas.load.uploads.save_upload`); removed when the session ends (see
    :mod:`pages.state.upload_folder`).

    Raises
    ------
    atlas.DataFileError
        The upload fails its checks, or the upload folder was tampered with.
    """
    folder = private_subfolder(session_folder(), content_hash(data))
    kept = folder / upload_name(name)
    if kept.is_file() and not kept.is_symlink() and kept.stat().st_size == len(data):
        return kept  # written and checked on an earlier run of the page: the folder is private
    return save_upload(data, name, folder)


#: The first choice of the Encoding box: the file's own encoding, or the atlas's checked guess.
_DETECT = N_("Detect automatically")
#: The first choice of a column box: no column (a value the code compares, shown translated).
_NONE = "(none)"


@st.cache_data(max_entries=32, show_spinner=False)
def columns_of(path: str, layer: str = "LAYER", encoding: str | None = None) -> list[str]:
    """The columns of an uploaded file read as ``layer`` (cached by path, which holds the
    content hash, and the encoding chosen for it)."""
    frame = atlas.read_layer(path, encoding=encoding, role=layer).frame
    return [str(c) for c in frame.columns if c != "geometry"]


# Keyed by the language too: the report holds its problems' messages. The spinner's words are
# those of the session: shown by the caller (:func:`upload_layer`).
@cache_in_language(max_entries=32, show_spinner=False)
def check_layer(
    path: str,
    layer: str,
    mapping: tuple[str, ...],
    standard: str,
    crs: str | None = None,
    zeros_are_counts: bool = False,
    encoding: str | None = None,
) -> atlas.Report:
    """Validate an uploaded layer with a mapping, the CRS typed for it and the encoding chosen
    for it (None: detected); the report, errors included, its source the file's name only."""
    _, report = atlas.load_layer(
        path,
        layer,
        mapping=parse_mapping(mapping).get(layer),
        crs=crs,
        categories=list(load_standard(standard).categories),
        zeros_are_counts=zeros_are_counts,
        encoding=encoding,
    )
    return shown_report(report)


def _shown_column(column: str) -> str:
    return _("(none)") if column == _NONE else column


def choose_columns(
    layer: str, file_name: str, columns: list[str], categories: tuple[str, ...] = ()
) -> list[str]:
    """Widgets: for each field of ``layer`` (with the settlements' own counts of each of
    ``categories``, ``water_working``…), the column of the uploaded file it is read from (the
    atlas's guess first) or, for text fields, one value for every row; the choices as mapping
    items (``settlements.name=NAAM``, ``services.category='water'``, see
    :func:`atlas.load.columns.parse_mapping`)."""
    guesses = guess_columns(columns, layer, categories)
    base = {f.name for f in layer_spec(layer).fields}
    mapping: list[str] = []
    with st.expander(_("Columns of {file}", file=file_name), expanded=True):
        for spec in layer_spec(layer, categories).fields:
            if spec.name not in base and spec.name == f"{categories[0]}_working":
                st.caption(
                    _(
                        "Counts the settlements carry themselves (optional): used instead of "
                        "the service points for that category."
                    )
                )
            options = [_NONE, *columns]
            guess = guesses.get(spec.name)
            column = st.selectbox(
                _("{field} (required)", field=spec.name) if spec.required else spec.name,
                options,
                format_func=_shown_column,
                index=options.index(guess) if guess in options else 0,
                key=keys.column_key(layer, spec.name),
            )
            constant = ""
            if spec.kind in ("category", "status", "text"):
                constant = st.text_input(
                    _("…or one {field} for every row", field=spec.name),
                    key=keys.constant_key(layer, spec.name),
                ).strip()
            if constant:
                mapping.append(f"{layer}.{spec.name}='{constant}'")
            elif column != _NONE:
                mapping.append(f"{layer}.{spec.name}={column}")
    return mapping


@dataclass(frozen=True)
class LayerUpload:
    """One uploaded layer as the Data page read it: where it is stored, the user's column
    choices, CRS and text encoding (None: detected), and whether it is usable."""

    layer: str
    name: str
    path: str
    mapping: tuple[str, ...] = ()
    crs: str | None = None
    report: atlas.Report | None = None
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the layer was read and checked without errors."""
        return self.report is not None and self.report.ok


def _typed_crs(layer: str, name: str) -> tuple[str | None, bool]:
    """The CRS box of an upload: its text (None when empty) and whether it is a CRS."""
    text = st.text_input(
        _(CRS_BOX),
        key=keys.crs_key(layer),
        placeholder="EPSG:32734",
        help=_(
            "Only when the atlas cannot tell where the file is: an EPSG code such as "
            "EPSG:32734 (UTM 34S) or EPSG:4326 (longitude/latitude)."
        ),
    ).strip()
    if not text:
        return None, True
    try:
        parse_crs(text, what=_("the {layer} CRS", layer=layer))
    except atlas.AtlasError as exc:
        st.error(error_text(exc, name))
        return text, False
    return text, True


def _chosen_encoding(layer: str) -> str | None:
    """The Encoding box of an upload: the encoding chosen (None: detect automatically)."""
    choice = st.selectbox(
        _(ENCODING_BOX),
        [_DETECT, *ENCODING_CHOICES],
        format_func=lambda choice: _(_DETECT) if choice == _DETECT else choice,
        key=keys.encoding_key(layer),
        help=_(
            "How the names in a Shapefile or a CSV are written. The atlas reads the file's "
            ".cpg or its own declaration, else checks its text; choose another when names with "
            "accents (such as Ntšhaba) look wrong."
        ),
    )
    return None if choice == _DETECT else str(choice)


def upload_layer(layer: str, standard: str, zeros_are_counts: bool = False) -> LayerUpload | None:
    """The widgets of one layer on the Data page: the file, its CRS and Encoding boxes, its
    columns and its check. None when no file is uploaded."""
    upload = st.file_uploader(_(_LABELS[layer]), type=UPLOAD_KINDS, key=keys.upload_key(layer))
    if upload is None:
        return None
    encoding = _chosen_encoding(layer)
    try:
        path = str(store_upload(upload.getvalue(), upload.name))
        columns = columns_of(path, layer, encoding)
    except atlas.AtlasError as exc:
        st.error(error_text(exc, upload.name))
        return LayerUpload(layer, upload.name, "", encoding=encoding)
    crs, crs_ok = _typed_crs(layer, upload.name)
    categories = categories_of(standard) if layer == "settlements" else ()
    mapping = tuple(choose_columns(layer, upload.name, columns, categories))
    if not crs_ok:
        return LayerUpload(layer, upload.name, path, mapping, crs, encoding=encoding)
    with st.spinner(_("Checking the layer…")):
        report = check_layer(path, layer, mapping, standard, crs, zeros_are_counts, encoding)
    (st.success if report.ok else st.error)(
        _(
            "{layer}: {errors}, {warnings}",
            layer=layer,
            errors=plural(len(report.errors), "error"),
            warnings=plural(len(report.warnings), "warning"),
        )
    )
    st.markdown(report_text(report))
    return LayerUpload(layer, upload.name, path, mapping, crs, report, encoding)


def files_source(
    uploads: list[LayerUpload | None], *, zeros_are_counts: bool, municipality_name: str
) -> Source | None:
    """The uploaded files as a dataset's source, when the settlements are uploaded and every
    uploaded layer is usable (else None)."""
    given = {u.layer: u for u in uploads if u is not None}
    if "settlements" not in given or not all(u.ok for u in given.values()):
        return None
    paths = {layer: u.path for layer, u in given.items()}
    return Source(
        label="Uploaded: " + given["settlements"].name,  # i18n-ignore: its key (source_label)
        settlements=paths["settlements"],
        services=paths.get("services"),
        wards=paths.get("wards"),
        mapping=tuple(item for u in given.values() for item in u.mapping),
        crs=tuple((u.layer, u.crs) for u in given.values() if u.crs),
        encoding=tuple((u.layer, u.encoding) for u in given.values() if u.encoding),
        zeros_are_counts=zeros_are_counts,
        municipality_name=municipality_name.strip() or None,
    )


def use_files(source: Source, standard: str) -> None:
    """Read ``source`` as a whole dataset and, when it can be used, make it this session's.

    Raises
    ------
    atlas.AtlasError
        When the dataset cannot be used (e.g. ``services.none``: no service points and no
        counts of the settlements' own); the session keeps looking at what it did.
    """
    dataset_of(source, standard)
    session.use_uploaded(source)
