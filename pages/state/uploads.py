"""Uploaded files: stored under their content hash, with cached column lists and checks."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

import atlas
from atlas.load.columns import parse_mapping
from atlas.load.uploads import content_hash, save_upload
from pages.state.sources import load_standard

UPLOAD_ROOT = Path(tempfile.gettempdir()) / "atlas-uploads"


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
