"""How the app words the fixes of problems: it names the controls on its pages, never a flag
or a Python argument (see :mod:`atlas.problems`).

The app has no CRS box yet, so a CRS problem is fixed in the file (its .prj, or GeoJSON, which
is always longitude/latitude). ``tests/atlas/test_wording.py`` checks that every code the
library raises is worded here.
"""

from __future__ import annotations

from atlas.problems import Wording

_CRS = (
    "upload the file with its CRS: put its .prj file in the zipped Shapefile, or save the "
    "layer as GeoJSON (in QGIS: Export › Save Features As…, CRS EPSG:4326)."
)
_COLUMNS = "under “Columns of …” on the Data page"

APP: Wording = {
    "crs.missing": _CRS[0].upper() + _CRS[1:],
    "crs.assumed": "If that is wrong, " + _CRS,
    "crs.wrong": "Save the layer again with its right CRS (in QGIS: Layer Properties › Source, "
    "then Export › Save Features As…) and upload it again.",
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
    "demand.zeros": "If those zeros are real counts, tick “0 households and 0 people are real "
    "counts” on the Data page.",
}
