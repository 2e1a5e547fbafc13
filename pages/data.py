"""Data: upload your own layers, map their columns, read the validation report, use them."""

import streamlit as st

import atlas
from atlas.load.uploads import MAX_UPLOAD_BYTES
from layers.text import markdown_text as md
from pages.state import session
from pages.state.messages import error_text, report_text
from pages.state.sources import Source
from pages.state.uploads import UPLOAD_KINDS, check_layer, choose_columns, columns_of, store_upload
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
        st.markdown(report_text(report))

st.subheader("Use your own files")
st.caption(
    "GeoJSON, GeoPackage, zipped Shapefile (.zip), KML, GeoParquet, or CSV with lon/lat or WKT "
    f"columns; at most {MAX_UPLOAD_BYTES // 2**20} MB each. Files stay on this computer's server."
)
paths: dict[str, str] = {}
mapping: list[str] = []
ok = True
for layer in ("settlements", "services", "wards"):
    upload = st.file_uploader(
        f"{layer.capitalize()}{' (optional)' if layer == 'wards' else ''}",
        type=UPLOAD_KINDS,
        key=session.upload_key(layer),
    )
    if upload is None:
        ok = ok and layer == "wards"
        continue
    try:
        path = str(store_upload(upload.getvalue(), upload.name))
        columns = columns_of(path)
    except atlas.AtlasError as exc:
        st.error(error_text(exc, upload.name))
        ok = False
        continue
    paths[layer] = path
    chosen = choose_columns(layer, upload.name, columns)
    mapping += chosen
    report = check_layer(path, layer, tuple(chosen), v.standard_name)
    (st.success if report.ok else st.error)(
        f"{layer}: {len(report.errors)} errors, {len(report.warnings)} warnings"
    )
    st.markdown(report_text(report))
    ok = ok and report.ok

if paths and ok and st.button("Use these files", type="primary"):
    session.use_uploaded(
        Source(
            label=f"Uploaded: {session.uploaded_file_name('settlements')}",
            settlements=paths["settlements"],
            services=paths["services"],
            wards=paths.get("wards"),
            mapping=tuple(mapping),
        )
    )
    st.rerun()
