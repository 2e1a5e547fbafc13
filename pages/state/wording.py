"""How the app words the fixes of problems: it names the controls on its pages, never a flag
or a Python argument (see :mod:`atlas.problems`).

Each uploaded layer on the Data page has its own CRS box (:data:`CRS_BOX`), so a CRS problem
is fixed there or in the file (its .prj). ``tests/atlas/test_wording.py`` checks that every
code the library raises is worded here.
"""

from __future__ import annotations

from atlas.problems import Wording

__all__ = ["APP", "CRS_BOX", "ENCODING_BOX", "SHOW_APART", "STANDARD_FORM", "ZEROS_BOX"]

#: The label of the CRS box under each upload of the Data page.
CRS_BOX = "CRS of this file (when it has none or a wrong one)"
#: The label of the box choosing the text encoding of each upload of the Data page.
ENCODING_BOX = "Encoding"
#: The label of the checkbox that keeps 0 households with 0 people as counts.
ZEROS_BOX = "0 households and 0 people are real counts"
#: The heading of the Data page's section that loads or builds a standard.
STANDARD_FORM = "Your own standard"
#: The label of the checkbox that shows the gaps of layers that do not meet.
SHOW_APART = "Show the gaps anyway"
_APART = f"If these are the right files, tick “{SHOW_APART}” to see the gaps."
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
    "table.number_refused": "Correct these values in the {table} CSV (plain numbers such as "
    "10000 or 10 000, written one way in the whole column; empty when unknown) and upload it "
    "again.",
    "table.negative": "Write volumes as 0 or more in the {table} CSV and upload it again.",
    "table.bad_day": "Write a day that exists as YYYY-MM-DD (arrived_at: YYYY-MM-DD HH:MM, local "
    "time) in the {table} CSV and upload it again.",
    "schedule.zero_volume": "Write the volume promised in the schedule CSV (or delete the row if "
    "no delivery is scheduled) and upload it again.",
    "schedule.duplicate": "If two deliveries are meant, write one row with the total litres or "
    "tanks (or give each its own window) in the schedule CSV and upload it again.",
    "schedule.conflict": "If one row replaces another, delete the old row (or end it with "
    "valid_to) in the schedule CSV and upload it again; separate deliveries need no change.",
    "deliveries.duplicate": "A delivery reported twice needs no change; if two tankers came, "
    "note each one's own time of arrival in the reports CSV and upload it again.",
    "deliveries.conflict": "If a later report is the right one, correct the volume of the first "
    "(or delete it) in the reports CSV and upload it again.",
    "table.nothing_usable": "Correct the rows the warnings name, or check that the {table} CSV "
    "belongs to the settlements of this dataset, and upload it again.",
    "services.not_points": "Check the services layer on the Data page: every service point must "
    "be a single point.",
    "clusters.none": "Give the settlements file a “cluster” column and choose it in the "
    f"“cluster” box {_COLUMNS}.",
    "raster.no_crs": "Save the raster as a GeoTIFF with its CRS (in QGIS: Raster › Projections "
    "› Assign Projection) and upload it again.",
    "hazard.classes": "Type numbers separated by commas in the Classes box, e.g. 2, 3.",
    "raster.too_big": "Clip the raster to the settlements' area (in QGIS: Raster › Extraction › "
    "Clip Raster by Extent) and upload it again; whoever runs this server can raise the limit "
    "of {count} MB (the ATLAS_MAX_RASTER_MB setting).",
    "raster.damaged": "Copy or export the raster again (a download or copy may have stopped "
    "early) and upload the new file.",
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
    "numbers.convention": "If the column means something else, write plain numbers (1234 or "
    "1234.5) in that column of the file and upload it again on the Data page.",
    "numbers.refused": "Correct these values in the file (plain numbers such as 1234 "
    "or 1234.5, one convention for the whole column; empty when unknown) and upload it again on "
    "the Data page.",
    "coordinates.convention": "If those are not the places meant, write the coordinates as decimal "
    "degrees with a decimal point (28.175, -26.175) in the file and upload it again on the Data "
    "page.",
    "encoding.guessed": f"If names look wrong, choose the file's encoding in the "
    f"“{ENCODING_BOX}” box under the {{layer}} upload on the Data page.",
    "encoding.unknown": f"Choose one of the encodings offered in the “{ENCODING_BOX}” box under "
    "the {layer} upload on the Data page.",
    "file.layers": "Save the layer you want (such as {item}) as a file of its own, a "
    "GeoPackage with that one layer or a GeoJSON, and upload that.",
    "layers.apart": "Check on the Data page that the files are of the same place. " + _APART,
    "layers.swapped": "Swap the two coordinate columns in the file that has them the wrong way "
    "round, and upload it again. " + _APART,
    "layers.other_crs": f"Type that CRS (named above) {_CRS_WHERE}. " + _APART,
    "layers.shown_apart": f"The pages show them only when “{SHOW_APART}” is ticked: check the "
    "files on the Data page before using them.",
    "services.unknown_category": "Correct the values, or add the category to the standard: "
    "with its “Add … to the standard” button below, or with the form under "
    f"“{STANDARD_FORM}” on the Data page.",
    "upload.limit": "Upload a smaller file (only the layer's own files, or fewer features), or ask "
    "whoever runs Settlement Atlas to raise the limit named above before starting it.",
}
