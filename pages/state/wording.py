"""How the app words the fixes of problems: it names the controls on its pages, never a flag
or a Python argument (see :mod:`atlas.problems`).

Each uploaded layer on the Data page has its own CRS box (:data:`CRS_BOX`), so a CRS problem
is fixed there or in the file (its .prj). ``tests/atlas/test_wording.py`` checks that every
code the library raises is worded here.
"""

from __future__ import annotations

from atlas.problems import Wording

__all__ = ["APP", "CRS_BOX", "STANDARD_FORM", "ZEROS_BOX"]

#: The label of the CRS box under each upload of the Data page.
CRS_BOX = "CRS of this file (when it has none or a wrong one)"
#: The label of the checkbox that keeps 0 households with 0 people as counts.
ZEROS_BOX = "0 households and 0 people are real counts"
#: The heading of the Data page's section that loads or builds a standard.
STANDARD_FORM = "Your own standard"
_CRS_WHERE = f"in the “{CRS_BOX}” box under the {{layer}} upload on the Data page"
_CRS = (
    f"type the file's CRS (such as EPSG:32734) {_CRS_WHERE}, or upload the file with its CRS "
    "(the .prj file in the zipped Shapefile)."
)
_COLUMNS = "under “Columns of …” on the Data page"

APP: Wording = {
    "crs.missing": _CRS[0].upper() + _CRS[1:],
    "crs.assumed": "If that is wrong, " + _CRS,
    "crs.wrong": f"Type the file's right CRS (such as EPSG:32734) {_CRS_WHERE}.",
    "mapping.ambiguous": f"To use another, choose it in the “{{field}}” box {_COLUMNS}.",
    "mapping.missing_id": f"Choose the column that holds it in the “{{field}} (required)” box "
    f"{_COLUMNS}.",
    "mapping.missing": f"Choose its column in the “{{field}} (required)” box {_COLUMNS}, or type "
    "one value for every row in the box beneath it.",
    "table.missing": "Rename a column of the CSV to “{field}” and upload it again.",
    "schedule.no_day": "Add a “weekday” column (Monday…Sunday) for weekly entries or a “date” "
    "column (YYYY-MM-DD) for one-off entries to the schedule CSV, and upload it again.",
    "schedule.no_period": "Choose the first and last day in the Period box.",
    "services.not_points": "Check the services layer on the Data page: every service point must "
    "be a single point.",
    "clusters.none": "Give the settlements file a “cluster” column and choose it in the "
    f"“cluster” box {_COLUMNS}.",
    "raster.no_crs": "Save the raster as a GeoTIFF with its CRS (in QGIS: Raster › Projections "
    "› Assign Projection) and upload it again.",
    "hazard.classes": "Type numbers separated by commas in the Classes box, e.g. 2, 3.",
    "services.none": "Upload the service points too, or choose the settlements' count columns "
    f"(such as “sanitation_working”) {_COLUMNS}.",
    "counts.differ": "Check which is right, and choose only one of them on the Data page.",
    "counts.none": "Choose the column that counts it in the “{category}_working” box "
    f"{_COLUMNS}, or upload service points.",
    "clusters.unmapped": f"Choose the column that names each settlement's cluster in the "
    f"“cluster” box {_COLUMNS}.",
    "store.folder": "Ask whoever started Settlement Atlas on this computer to keep its records in "
    "another folder.",
    "store.unreachable": "Ask whoever runs Settlement Atlas to check that its database is running.",
    "report.no_reference": "Fill in the municipality's reference number.",
    "demand.zeros": f"If those zeros are real counts, tick “{ZEROS_BOX}” on the Data page.",
    "services.unknown_category": "Correct the values, or add the category to the standard: "
    "with its “Add … to the standard” button below, or with the form under "
    f"“{STANDARD_FORM}” on the Data page.",
}
