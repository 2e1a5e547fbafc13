"""How the command line words the fixes of problems: it names its flags.

The library words a fix for a Python caller (argument names); a problem's ``code`` and
``params`` let this table say the same thing in ``atlas`` options (see :mod:`atlas.problems`).
A code missing here keeps the library's wording; ``tests/atlas/test_wording.py`` checks that
every code the library raises is worded here and in the app.
"""

from __future__ import annotations

from atlas.problems import Wording

__all__ = ["CLI"]

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
    "services.not_points": "Validate the layer first (atlas validate --layer services).",
    "clusters.none": "Give the settlements a cluster column or a cluster membership table "
    "(--clusters).",
    "raster.no_crs": "Declare it with --crs raster=EPSG:XXXX (atlas zonal: --crs "
    "raster=EPSG:XXXX or --crs population=EPSG:XXXX).",
    "hazard.classes": "Give numbers separated by commas, e.g. --classes 2,3.",
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
    "services.unknown_category": "Correct the values, map another column, or measure with a "
    "standard that has the category: --standard PATH, a TOML file with a [categories.NAME] "
    "table (atlas standards shows the presets' numbers to start from).",
}
