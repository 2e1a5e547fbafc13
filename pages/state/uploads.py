"""Uploaded files: stored under their content hash, with cached column lists and checks, and
the widgets that map an upload's columns onto a layer's fields."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

import atlas
from atlas.load.columns import guess_columns, parse_mapping
from atlas.load.schema import layer_spec
from atlas.load.uploads import content_hash, save_upload
from pages.state import session
from pages.state.sources import load_standard

__all__ = [
    "UPLOAD_KINDS",
    "UPLOAD_ROOT",
    "check_layer",
    "choose_columns",
    "columns_of",
    "store_upload",
]

UPLOAD_ROOT = Path(tempfile.gettempdir()) / "atlas-uploads"
#: The file types the Data page accepts for a layer.
UPLOAD_KINDS = ["geojson", "json", "gpkg", "zip", "kml", "parquet", "csv"]


def store_upload(data: bytes, name: str) -> Path:
    """Save an uploaded file under its content hash (same upload, same path, same cache key)."""
    folder = UPLOAD_ROOT / content_hash(data)
    folder.mkdir(parents=True, exist_ok=True)
    return save_upload(data, name, folder)


@st.cache_data(max_entries=32, show_spinner=False)
def columns_of(path: str) -> list[str]:
    """The columns of an uploaded file (cached by path, which holds the content hash)."""
    return [str(c) for c in atlas.read_layer(path).frame.columns if c != "geometry"]


@st.cache_data(max_entries=32, show_spinner="Checking the layer…")
def check_layer(path: str, layer: str, mapping: tuple[str, ...], standard: str) -> atlas.Report:
    """Validate an uploaded layer with a mapping; the report, errors included."""
    _, report = atlas.load_layer(
        path,
        layer,
        mapping=parse_mapping(mapping).get(layer),
        categories=list(load_standard(standard).categories),
    )
    return report


def choose_columns(layer: str, file_name: str, columns: list[str]) -> list[str]:
    """Widgets: for each field of ``layer``, the column of the uploaded file it is read from
    (the atlas's guess first) or, for text fields, one value for every row; the choices as
    mapping items (``settlements.name=NAAM``, ``services.category='water'``, see
    :func:`atlas.load.columns.parse_mapping`)."""
    guesses = guess_columns(columns, layer)
    mapping: list[str] = []
    with st.expander(f"Columns of {file_name}", expanded=True):
        for spec in layer_spec(layer).fields:
            options = ["(none)", *columns]
            guess = guesses.get(spec.name)
            column = st.selectbox(
                f"{spec.name}{' (required)' if spec.required else ''}",
                options,
                index=options.index(guess) if guess in options else 0,
                key=session.column_key(layer, spec.name),
            )
            constant = ""
            if spec.kind in ("category", "status", "text"):
                constant = st.text_input(
                    f"…or one {spec.name} for every row", key=session.constant_key(layer, spec.name)
                ).strip()
            if constant:
                mapping.append(f"{layer}.{spec.name}='{constant}'")
            elif column != "(none)":
                mapping.append(f"{layer}.{spec.name}={column}")
    return mapping
