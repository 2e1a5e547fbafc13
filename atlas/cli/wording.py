"""How the command line words the fixes of problems: it names its flags.

The library words a fix for a Python caller (argument names); a problem's ``code`` and
``params`` let this table say the same thing in ``atlas`` options (see :mod:`atlas.problems`).
A code missing here keeps the library's wording; ``tests/atlas/test_wording.py`` checks that
every code the library raises is worded here and in the app.
"""

from __future__ import annotations

from atlas.problems import Wording

__all__ = ["CLI"]

_APART = "If these are the right files, run again with --allow-apart."
_CRS = "tell the atlas the file's CRS with --crs {layer}=EPSG:XXXX, or add the missing .prj file."

CLI: Wording = {
    "crs.missing": _CRS[0].upper() + _CRS[1:],
    "crs.assumed": "If that is wrong, " + _CRS,
    "crs.wrong": "Declare the right CRS with --crs {layer}=EPSG:XXXX.",
    "mapping.ambiguous": "Map one explicitly (--map {layer}.{field}=COLUMN) to choose.",
    "mapping.missing_id": "Map a column with --map {layer}.{field}=COLUMN.",
    "mapping.missing": "Map a column with --map {layer}.{field}=COLUMN, or give every row one "
    "value with --map \"{layer}.{field}='VALUE'\".",
    "table.missing": "Rename a column or map one with --map {table}.{field}=COLUMN.",
    "schedule.no_day": "Add a 'weekday' column (Monday…Sunday) for weekly entries or a 'date' "
    "column (YYYY-MM-DD) for one-off entries, or map one with --map schedule.weekday=COLUMN.",
    "schedule.no_period": "Give --from and --to (YYYY-MM-DD).",
    "table.number_refused": "Correct these values in the {table} file (plain numbers such as "
    "10000 or 10 000, written one way in the whole column; empty when unknown) and run atlas "
    "schedule again.",
    "table.negative": "Write volumes as 0 or more in the {table} file and run atlas schedule "
    "again.",
    "table.bad_day": "Write a day that exists as YYYY-MM-DD (arrived_at: YYYY-MM-DD HH:MM, local "
    "time) in the {table} file and run atlas schedule again.",
    "schedule.zero_volume": "Write the volume promised in the schedule file (or delete the row "
    "if no delivery is scheduled) and run atlas schedule again.",
    "schedule.duplicate": "If two deliveries are meant, write one row with the total litres or "
    "tanks (or give each its own window) and run atlas schedule again.",
    "schedule.conflict": "If one row replaces another, delete the old row (or end it with "
    "valid_to) and run atlas schedule again; separate deliveries need no change.",
    "deliveries.duplicate": "A delivery reported twice needs no change; if two tankers came, "
    "note each one's own time of arrival and run atlas schedule again.",
    "deliveries.conflict": "If a later report is the right one, correct the volume of the first "
    "(or delete it) and run atlas schedule again.",
    "table.nothing_usable": "Correct the rows the warnings name, or check that the {table} file "
    "and --settlements belong together, and run the command again.",
    "services.not_points": "Validate the layer first (atlas validate --layer services).",
    "clusters.none": "Give the settlements a cluster column or a cluster membership table "
    "(--clusters).",
    "raster.no_crs": "Declare it with --crs raster=EPSG:XXXX (atlas zonal: --crs "
    "raster=EPSG:XXXX or --crs population=EPSG:XXXX).",
    "hazard.classes": "Give numbers separated by commas, e.g. --classes 2,3.",
    "raster.too_big": "Clip the raster to the settlements' area first (gdal_translate -projwin "
    "XMIN YMAX XMAX YMIN in.tif clipped.tif), or raise the limit of {count} MB for the run: "
    "ATLAS_MAX_RASTER_MB=4096 atlas ...",
    "raster.damaged": "Copy or export the file again (a download or copy may have stopped "
    "early), and give the new file to atlas again.",
    "services.none": "Give --services PATH, or map a count column of the settlements, e.g. "
    "--map settlements.sanitation_working=Tlt_Total.",
    "counts.differ": "Check which is right, and map only one of them (--map "
    "settlements.{category}_working=COLUMN, or leave out the points).",
    "counts.none": "Map a count column with --map settlements.{category}_working=COLUMN, or "
    "give --services PATH.",
    "clusters.unmapped": "Map the column that names each settlement's cluster, e.g. --map "
    "settlements.cluster=District, or give a cluster table with --clusters PATH.",
    "store.folder": "Give another place for the store with --db PATH (or ATLAS_DB).",
    "store.unreachable": "Check the address and that the database server is running, or give "
    "another store with --db URL (or ATLAS_DB).",
    "report.no_reference": "Give it with --reference REF.",
    "demand.zeros": "If those zeros are real counts, add --zeros-are-counts.",
    "numbers.convention": "If the column means something else, write plain numbers (1234 or "
    "1234.5) in that column of the file and run atlas again.",
    "numbers.refused": "Correct these values in the file (plain numbers such as 1234 "
    "or 1234.5, one convention for the whole column; empty when unknown) and run atlas again.",
    "coordinates.convention": "If those are not the places meant, write the coordinates as decimal "
    "degrees with a decimal point (28.175, -26.175) in the file and run atlas again.",
    "encoding.guessed": "If names look wrong, choose the encoding with --encoding "
    "{layer}=NAME (e.g. utf-8, cp1252, latin-1, cp437, cp850, utf-16).",
    "encoding.unknown": "Give a known encoding, e.g. --encoding {layer}=cp1252 (utf-8, cp1252, "
    "latin-1, cp437, cp850, utf-16).",
    "file.layers": "Choose one with --file-layer {layer}={item}.",
    "layers.apart": "Check that the files are of the same place. " + _APART,
    "layers.swapped": "Swap the two coordinate columns in the file that has them the wrong way "
    "round. " + _APART,
    "layers.other_crs": "Declare that CRS (named above) with --crs {layer}=EPSG:XXXX. " + _APART,
    "layers.shown_apart": "Check the files before using these gaps: the commands that present "
    "them (gaps, export, report, poster, pack, history) refuse them without --allow-apart.",
    "services.unknown_category": "Correct the values, map another column, or measure with a "
    "standard that has the category: --standard PATH, a TOML file with a [categories.NAME] "
    "table (atlas standards shows the presets' numbers to start from).",
    "upload.limit": "Use a smaller file, or raise the limit: set the environment variable named "
    "above to a larger number before running atlas again (e.g. before atlas serve).",
}
