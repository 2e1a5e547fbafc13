"""Data: upload your own layers, map their columns, read the validation report, use them; load
or build the standard they are measured against."""

from datetime import date

import streamlit as st

import atlas
from atlas.i18n import N_, _, plural
from atlas.load.limits import upload_limits
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.guard import TELL, guard
from pages.state.messages import error_text, report_text
from pages.state.sources import source_label
from pages.state.standard_form import offer_categories, standard_form
from pages.state.timeline import today
from pages.state.uploads import (
    UPLOAD_LAYERS,
    LayerUpload,
    files_source,
    upload_layer,
    use_files,
)
from pages.state.view import view
from pages.state.wording import STANDARD_FORM, ZEROS_BOX

v = view()
st.header(_("Data"))
points = len(v.dataset.services)
settlements = plural(len(v.dataset.settlements), "settlement")
st.write(
    _(
        "Now showing: **{dataset}** ({settlements}, {points}).",
        dataset=md(source_label(v.source)),
        settlements=settlements,
        points=plural(points, "service point"),
    )
    if points
    else _(
        "Now showing: **{dataset}** ({settlements}, no service points, only the settlements' "
        "own counts).",
        dataset=md(source_label(v.source)),
        settlements=settlements,
    )
)
measured = atlas.Report("measuring", problems=tuple(getattr(v.result, "problems", ())))
for report in (*v.dataset.reports, measured):
    if report.problems:
        with st.expander(
            _(
                "{layer}: {errors}, {warnings}",
                layer=report.layer,
                errors=plural(len(report.errors), "error"),
                warnings=plural(len(report.warnings), "warning"),
            )
        ):
            st.markdown(report_text(report))

st.subheader(_("Use your own files"))
st.caption(
    _(
        "GeoJSON, GeoPackage, zipped Shapefile (.zip), KML, GeoParquet, or CSV with lon/lat or "
        "WKT columns; at most {size} MB each. Files stay on this computer's server. Only the "
        "settlements are required: service points are optional when the settlements carry "
        "their own counts (such as a toilet count column).",
        size=upload_limits().upload_mb,
    )
)
municipality = st.text_input(
    _("Municipality's name"),
    key=keys.MUNICIPALITY_NAME,
    placeholder=_("City of Cape Town"),
    help=_("Titles the reports, when the wards give only a code (such as CPT)."),
)
zeros = st.checkbox(
    _(ZEROS_BOX),
    key=keys.ZEROS_ARE_COUNTS,
    help=_(
        "By default a settlement with 0 households and 0 people is read as not counted: "
        "its demand is unknown, never 'the standard is met'."
    ),
)
#: After a file that failed to be read in a way the atlas does not know (not one of its own
#: errors, which say what to fix): what to try.
UNREADABLE = (
    N_(
        "The file may be broken in a way the atlas does not recognise: open it in a GIS (such "
        "as QGIS), check its geometries and export it again, or try another format (GeoPackage "
        "or GeoJSON)."
    )
    + " "
    + TELL
)
#: What a layer's file is called when reading it failed.
READING = {
    "settlements": N_("the settlements file"),
    "services": N_("the services file"),
    "wards": N_("the wards file"),
}
uploads: list[LayerUpload | None] = []
for layer in UPLOAD_LAYERS:
    upload = None
    with guard(READING[layer], advice=UNREADABLE) as reading:
        upload = upload_layer(layer, v.standard_name, zeros)
        offer_categories(upload, v.standard_name)
    # A file that failed is never left out quietly: it keeps the dataset from being used.
    uploads.append(LayerUpload(layer, layer, "") if reading.failed else upload)

source = files_source(uploads, zeros_are_counts=zeros, municipality_name=municipality)
if source is None:
    st.caption(_("Upload the settlements (and fix any errors above) to use your own files."))
elif st.button(_("Use these files"), type="primary"):
    with guard(N_("using these files"), advice=UNREADABLE):
        try:
            use_files(source, v.standard_name)
        except atlas.AtlasError as exc:
            st.error(error_text(exc, _("These files cannot be used together")))
        else:
            st.rerun()

st.subheader(_("When the statuses were checked"))
checked = st.date_input(
    _("The services' statuses describe the day"),
    value=session.services_as_of(),
    min_value=date(2000, 1, 1),
    max_value=today(),
    format="YYYY-MM-DD",
    help=_(
        "The day the working, broken and unknown statuses of the service points were "
        "checked. Before it, the Map, Clusters and profile pages count them as not known when "
        "showing statuses as of an earlier date; leave it empty when they hold from the "
        "beginning."
    ),
)
session.remember_services_as_of(checked if isinstance(checked, date) else None)

st.subheader(_(STANDARD_FORM))
with guard(N_("your own standard")):
    standard_form(v.standard_name)
