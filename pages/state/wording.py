"""How the app words the fixes of problems: it names the controls on its pages, never a flag
or a Python argument (see :mod:`atlas.problems`).

Each uploaded layer on the Data page has its own CRS box (:data:`CRS_BOX`), so a CRS problem
is fixed there or in the file (its .prj). ``tests/atlas/test_wording.py`` checks that every
code the library raises is worded here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from atlas.i18n import N_, _
from atlas.problems import Wording

__all__ = ["APP", "CRS_BOX", "ENCODING_BOX", "SHOW_APART", "STANDARD_FORM", "ZEROS_BOX"]

# The controls' labels are English, marked for the catalogue: translated where they are shown
# (``_(CRS_BOX)``), and in the fixes that name them (:class:`_AppWording`).
#: The label of the CRS box under each upload of the Data page.
CRS_BOX = N_("CRS of this file (when it has none or a wrong one)")
#: The label of the box choosing the text encoding of each upload of the Data page.
ENCODING_BOX = N_("Encoding")
#: The label of the checkbox that keeps 0 households with 0 people as counts.
ZEROS_BOX = N_("0 households and 0 people are real counts")
#: The heading of the Data page's section that loads or builds a standard.
STANDARD_FORM = N_("Your own standard")
#: The label of the checkbox that shows the gaps of layers that do not meet.
SHOW_APART = N_("Show the gaps anyway")
#: The controls a fix names, by the field its wording names them with.
_CONTROLS = {
    "crs_box": CRS_BOX,
    "encoding_box": ENCODING_BOX,
    "zeros_box": ZEROS_BOX,
    "standard_form": STANDARD_FORM,
    "show_apart": SHOW_APART,
}


class _AppWording(Mapping[str, str]):
    """The app's wordings by code, each looked up in the session's language with the labels
    of the controls it names filled in (its own fields, such as ``{layer}``, are left for
    :meth:`atlas.problems.Problem.fix_in`)."""

    def __init__(self, wordings: dict[str, str]) -> None:
        self._wordings = wordings

    def __getitem__(self, code: str) -> str:
        text = _(self._wordings[code])
        for field, label in _CONTROLS.items():
            text = text.replace("{" + field + "}", _(label))
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._wordings)

    def __len__(self) -> int:
        return len(self._wordings)


APP: Wording = _AppWording(
    {
        "crs.missing": N_(
            "Type the file's CRS (such as EPSG:32734) in the “{crs_box}” box under the {layer} "
            "upload on the Data page, or upload the file with its CRS (the .prj file in the "
            "zipped Shapefile)."
        ),
        "crs.assumed": N_(
            "If that is wrong, type the file's CRS (such as EPSG:32734) in the “{crs_box}” box "
            "under the {layer} upload on the Data page, or upload the file with its CRS (the "
            ".prj file in the zipped Shapefile)."
        ),
        "crs.wrong": N_(
            "Type the file's right CRS (such as EPSG:32734) in the “{crs_box}” box under the "
            "{layer} upload on the Data page."
        ),
        "mapping.ambiguous": N_(
            "To use another, choose it in the “{field}” box under “Columns of …” on the Data page."
        ),
        "mapping.missing_id": N_(
            "Choose the column that holds it in the “{field} (required)” box under “Columns of "
            "…” on the Data page."
        ),
        "mapping.missing": N_(
            "Choose its column in the “{field} (required)” box under “Columns of …” on the Data "
            "page, or type one value for every row in the box beneath it."
        ),
        "table.missing": N_("Rename a column of the CSV to “{field}” and upload it again."),
        "schedule.no_day": N_(
            "Add a “weekday” column (Monday…Sunday) for weekly entries or a “date” column "
            "(YYYY-MM-DD) for one-off entries to the schedule CSV, and upload it again."
        ),
        "schedule.no_period": N_("Choose the first and last day in the Period box."),
        "table.number_refused": N_(
            "Correct these values in the {table} CSV (plain numbers such as 10000 or 10 000, "
            "written one way in the whole column; empty when unknown) and upload it again."
        ),
        "table.negative": N_("Write volumes as 0 or more in the {table} CSV and upload it again."),
        "table.bad_day": N_(
            "Write a day that exists as YYYY-MM-DD (arrived_at: YYYY-MM-DD HH:MM, local time) in "
            "the {table} CSV and upload it again."
        ),
        "schedule.zero_volume": N_(
            "Write the volume promised in the schedule CSV (or delete the row if no delivery is "
            "scheduled) and upload it again."
        ),
        "schedule.duplicate": N_(
            "If two deliveries are meant, write one row with the total litres or tanks (or give "
            "each its own window) in the schedule CSV and upload it again."
        ),
        "schedule.conflict": N_(
            "If one row replaces another, delete the old row (or end it with valid_to) in the "
            "schedule CSV and upload it again; separate deliveries need no change."
        ),
        "deliveries.duplicate": N_(
            "A delivery reported twice needs no change; if two tankers came, note each one's own "
            "time of arrival in the reports CSV and upload it again."
        ),
        "deliveries.conflict": N_(
            "If a later report is the right one, correct the volume of the first (or delete it) "
            "in the reports CSV and upload it again."
        ),
        "table.nothing_usable": N_(
            "Correct the rows the warnings name, or check that the {table} CSV belongs to the "
            "settlements of this dataset, and upload it again."
        ),
        "services.not_points": N_(
            "Check the services layer on the Data page: every service point must be a single point."
        ),
        "clusters.none": N_(
            "Give the settlements file a “cluster” column and choose it in the “cluster” box "
            "under “Columns of …” on the Data page."
        ),
        "raster.no_crs": N_(
            "Save the raster as a GeoTIFF with its CRS (in QGIS: Raster › Projections › Assign "
            "Projection) and upload it again."
        ),
        "hazard.classes": N_("Type numbers separated by commas in the Classes box, e.g. 2, 3."),
        "raster.too_big": N_(
            "Clip the raster to the settlements' area (in QGIS: Raster › Extraction › Clip "
            "Raster by Extent) and upload it again; whoever runs this server can raise the limit "
            "of {count} MB (the ATLAS_MAX_RASTER_MB setting)."
        ),
        "raster.damaged": N_(
            "Copy or export the raster again (a download or copy may have stopped early) and "
            "upload the new file."
        ),
        "services.none": N_(
            "Upload the service points too, or choose the settlements' count columns (such as "
            "“sanitation_working”) under “Columns of …” on the Data page."
        ),
        "counts.differ": N_("Check which is right, and choose only one of them on the Data page."),
        "counts.none": N_(
            "Choose the column that counts it in the “{category}_working” box under “Columns of "
            "…” on the Data page, or upload service points."
        ),
        "clusters.unmapped": N_(
            "Choose the column that names each settlement's cluster in the “cluster” box under "
            "“Columns of …” on the Data page."
        ),
        "store.folder": N_(
            "Ask whoever started Settlement Atlas on this computer to keep its records in "
            "another folder."
        ),
        "store.unreachable": N_(
            "Ask whoever runs Settlement Atlas to check that its database is running."
        ),
        "report.no_reference": N_("Fill in the municipality's reference number."),
        "demand.zeros": N_("If those zeros are real counts, tick “{zeros_box}” on the Data page."),
        "numbers.convention": N_(
            "If the column means something else, write plain numbers (1234 or 1234.5) in that "
            "column of the file and upload it again on the Data page."
        ),
        "numbers.refused": N_(
            "Correct these values in the file (plain numbers such as 1234 or 1234.5, one "
            "convention for the whole column; empty when unknown) and upload it again on the "
            "Data page."
        ),
        "coordinates.convention": N_(
            "If those are not the places meant, write the coordinates as decimal degrees with a "
            "decimal point (28.175, -26.175) in the file and upload it again on the Data page."
        ),
        "encoding.guessed": N_(
            "If names look wrong, choose the file's encoding in the “{encoding_box}” box under "
            "the {layer} upload on the Data page."
        ),
        "encoding.unknown": N_(
            "Choose one of the encodings offered in the “{encoding_box}” box under the {layer} "
            "upload on the Data page."
        ),
        "file.layers": N_(
            "Save the layer you want (such as {item}) as a file of its own, a GeoPackage with "
            "that one layer or a GeoJSON, and upload that."
        ),
        "layers.apart": N_(
            "Check on the Data page that the files are of the same place. If these are the "
            "right files, tick “{show_apart}” to see the gaps."
        ),
        "layers.swapped": N_(
            "Swap the two coordinate columns in the file that has them the wrong way round, and "
            "upload it again. If these are the right files, tick “{show_apart}” to see the gaps."
        ),
        "layers.other_crs": N_(
            "Type that CRS (named above) in the “{crs_box}” box under the {layer} upload on the "
            "Data page. If these are the right files, tick “{show_apart}” to see the gaps."
        ),
        "layers.shown_apart": N_(
            "The pages show them only when “{show_apart}” is ticked: check the files on the Data "
            "page before using them."
        ),
        "services.unknown_category": N_(
            "Correct the values, or add the category to the standard: with its “Add … to the "
            "standard” button below, or with the form under “{standard_form}” on the Data page."
        ),
        "upload.limit": N_(
            "Upload a smaller file (only the layer's own files, or fewer features), or ask "
            "whoever runs Settlement Atlas to raise the limit named above before starting it."
        ),
    }
)
