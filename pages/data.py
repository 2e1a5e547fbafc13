"""Data: upload your own layers, map their columns, read the validation report, use them."""

import streamlit as st

import atlas
from atlas.load.columns import guess_columns
from atlas.load.schema import layer_spec
from atlas.load.uploads import MAX_UPLOAD_BYTES
from layers.text import markdown_text as md
from pages.state.sources import Source
from pages.state.uploads import check_layer, columns_of, store_upload
from pages.state.view import view

v = view()
st.header("Data")
st.write(
    f"Now showing: **{md(v.source.label)}** ({len(v.dataset.settlements)} settlements, {len(v.dataset.services)} service points)."
)
for report in v.dataset.reports:
    with st.expander(
        f"{report.layer}: {len(report.errors)} errors, {len(report.warnings)} warnings"
    ):
        st.text(report.format())

st.subheader("Use your own files")
st.caption(
    "GeoJSON, GeoPackage, zipped Shapefile (.zip), KML, GeoParquet, or CSV with lon/lat or WKT "
    f"columns; at most {MAX_UPLOAD_BYTES // 2**20} MB each. Files stay on this computer's server."
)
KINDS = ["geojson", "json", "gpkg", "zip", "kml", "parquet", "csv"]
paths: dict[str, str] = {}
mapping: list[str] = []
ok = True
for layer in ("settlements", "services", "wards"):
    upload = st.file_uploader(
        f"{layer.capitalize()}{' (optional)' if layer == 'wards' else ''}",
        type=KINDS,
        key=f"upload_{layer}",
    )
    if upload is None:
        ok = ok and layer == "wards"
        continue
    try:
        path = str(store_upload(upload.getvalue(), upload.name))
        columns = columns_of(path)
    except atlas.AtlasError as exc:
        st.error(md(f"{upload.name}: {exc}"))
        ok = False
        continue
    paths[layer] = path
    guesses = guess_columns(columns, layer)
    with st.expander(f"Columns of {upload.name}", expanded=True):
        for spec in layer_spec(layer).fields:
            options = ["(none)", *columns]
            guess = guesses.get(spec.name)
            column = st.selectbox(
                f"{spec.name}{' (required)' if spec.required else ''}",
                options,
                index=options.index(guess) if guess in options else 0,
                key=f"map_{layer}_{spec.name}",
            )
            constant = ""
            if spec.kind in ("category", "status", "text"):
                constant = st.text_input(
                    f"…or one {spec.name} for every row", key=f"const_{layer}_{spec.name}"
                ).strip()
            if constant:
                mapping.append(f"{layer}.{spec.name}='{constant}'")
            elif column != "(none)":
                mapping.append(f"{layer}.{spec.name}={column}")
    report = check_layer(
        path, layer, tuple(m for m in mapping if m.startswith(layer + ".")), v.standard_name
    )
    (st.success if report.ok else st.error)(
        f"{layer}: {len(report.errors)} errors, {len(report.warnings)} warnings"
    )
    st.text(report.format())
    ok = ok and report.ok

if paths and ok and st.button("Use these files", type="primary"):
    source = Source(
        label=f"Uploaded: {st.session_state['upload_settlements'].name}",
        settlements=paths["settlements"],
        services=paths["services"],
        wards=paths.get("wards"),
        mapping=tuple(mapping),
    )
    st.session_state["uploaded"] = source
    st.session_state["source"] = source
    st.rerun()
