"""Looking at a file before GDAL does: what it is, whether it can be read, where its
Shapefile's text is and in which encoding; and, when a file cannot be read (GDAL cannot open
it, it holds several layers, a CSV row is too long), why in a planner's words.

GDAL's own messages name its internals ("'/vsizip/x.zip' does not exist in the file system",
"parsing aborted on line 2"); these checks say what is wrong with the file and what to do.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load.archives import check_zip
from atlas.load.encodings import Encoding, dbf_encoding
from atlas.problems import Problem

__all__ = [
    "ShapefileParts",
    "check_xml",
    "describe_failure",
    "file_shapefile",
    "first_not_ascii",
    "many_layers",
    "ragged_message",
    "refuse_empty",
    "shapefile_encoding",
    "zip_layout",
    "zip_shapefile",
]

#: How much of a DBF is read to decide its encoding (its header and a few MB of records).
_DBF_BYTES = 8 * 1024 * 1024 + 65536
#: How much of an XML file's start is searched for a DOCTYPE (its prolog).
_PROLOG_BYTES = 1024 * 1024
_XML_SUFFIXES = (".kml", ".gml")
#: The largest JSON file parsed to say where it breaks.
_JSON_BYTES = 64 * 1024 * 1024
#: The CSV parser's complaint about a row with too many values.
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")  # i18n-ignore: pandas's


@dataclass(frozen=True)
class ShapefileParts:
    """Where a zip's Shapefiles are: the path GDAL opens (the zip, or the folder inside it that
    holds the .shp files) and each layer's DBF and .cpg member (by lower-case layer name)."""

    source: Path
    dbf: dict[str, str] = field(default_factory=dict)
    cpg: dict[str, str] = field(default_factory=dict)


def refuse_empty(path: Path) -> None:
    """Raise when ``path`` is an empty file (0 bytes: an upload or a copy that failed)."""
    if path.is_file() and path.stat().st_size == 0:
        raise DataFileError(
            _(
                "'{name}' is empty (0 bytes): the copy or the download did not complete, or "
                "the export wrote nothing. Copy it again, or export it again from the GIS it "
                "came from.",
                name=path.name,
            )
        )


def zip_layout(path: Path) -> ShapefileParts:
    """Check a zip before GDAL opens it and find its Shapefiles (also in a folder inside it,
    as "Compress folder" makes).

    Raises
    ------
    DataFileError
        The zip fails :func:`atlas.load.archives.check_zip` (incomplete or damaged, protected
        by a password, over a limit, holding files that are not part of a layer).
    """
    # The same checks as an upload's (damaged, password, bombs, links, foreign files).
    check_zip(path)
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    names = [PurePosixPath(m.filename) for m in members if not m.is_dir()]
    shps = [n for n in names if n.suffix.lower() == ".shp" and not n.name.startswith("._")]
    source = path
    folders = {n.parent for n in shps}
    if len(folders) == 1 and PurePosixPath(".") not in folders:
        # GDAL looks for Shapefiles only at the zip's top: point it at the folder that holds them.
        source = Path(f"/vsizip/{{{path.resolve()}}}/{folders.pop()}")
    parts = ShapefileParts(source)
    for name in names:
        if name.suffix.lower() in (".dbf", ".cpg") and not name.name.startswith("._"):
            table = parts.dbf if name.suffix.lower() == ".dbf" else parts.cpg
            table.setdefault(name.stem.lower(), str(name))
    return parts


def zip_shapefile(path: Path, parts: ShapefileParts, layer: str) -> tuple[bytes, str | None]:
    """The start of a zipped Shapefile's DBF and its .cpg text (None without one)."""
    key = layer.lower()
    with zipfile.ZipFile(path) as archive:
        dbf = b""
        if key in parts.dbf:
            with archive.open(parts.dbf[key]) as member:
                dbf = member.read(_DBF_BYTES)
        cpg = archive.read(parts.cpg[key]).decode("ascii", "replace") if key in parts.cpg else None
    return dbf, cpg


def file_shapefile(shp: Path) -> tuple[bytes, str | None]:
    """The start of a Shapefile's DBF and its .cpg text (None without one), side by side."""
    siblings = {p.name.lower(): p for p in shp.parent.glob(f"{shp.stem}.*")}
    dbf_path, cpg_path = (
        siblings.get(f"{shp.stem.lower()}.dbf"),
        siblings.get(f"{shp.stem.lower()}.cpg"),
    )
    dbf = b""
    if dbf_path is not None:
        with dbf_path.open("rb") as handle:
            dbf = handle.read(_DBF_BYTES)
    cpg = cpg_path.read_text(encoding="ascii", errors="replace") if cpg_path else None
    return dbf, cpg


def check_xml(path: Path, suffix: str) -> None:
    """Refuse a KML or GML (or one inside a KMZ or a zip) that declares a DOCTYPE: its entities
    are never expanded, so the file is not read at all (XML entity attacks, "billion laughs")."""
    heads: list[bytes] = []
    if suffix in _XML_SUFFIXES:
        with path.open("rb") as handle:
            heads.append(handle.read(_PROLOG_BYTES))
    elif suffix in (".kmz", ".zip") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                xml = member.filename.lower().endswith(_XML_SUFFIXES)
                if xml and not member.flag_bits & 0x1:
                    with archive.open(member) as handle:
                        heads.append(handle.read(_PROLOG_BYTES))
    for head in heads:
        text = head.replace(b"\x00", b"").upper()
        if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
            raise DataFileError(
                _(
                    "'{name}' declares a DOCTYPE (or XML entities), which the atlas does not "
                    "read, for safety: entities can make a small file expand without end or "
                    "read other files. Export the layer again as KML (or GeoJSON or "
                    "GeoPackage) from QGIS or Google Earth: neither writes a DOCTYPE.",
                    name=path.name,
                )
            )


def describe_failure(path: Path, suffix: str, gdal_message: str) -> str:
    """What is wrong with a file GDAL could not open, in a planner's words (never the
    server's folders: GDAL's message is left out where it names the path)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    name = path.name
    if suffix in (".geojson", ".json") and start not in (b"{", b"["):
        shown = head[:40].decode("utf-8", "replace").strip() or _("(nothing)")
        return _(
            "Could not open '{name}': it is not GeoJSON, it does not hold JSON text (it begins "
            "with {start}). Check that this is the file you meant, or export it again from the "
            "GIS it came from as GeoJSON.",
            name=name,
            start=repr(shown),
        )
    if suffix in (".geojson", ".json"):
        return _(
            "Could not open '{name}': it is not valid GeoJSON ({fault}); it may be cut off. Copy "
            "it again, or export it again from the GIS it came from as GeoJSON.",
            name=name,
            fault=_json_fault(path),
        )
    if suffix == ".gpkg" and not head.startswith(b"SQLite format 3\x00"):
        return _(
            "Could not open '{name}': it is not a GeoPackage (not an SQLite database). Check "
            "that this is the file you meant, or export it again from the GIS it came from as "
            "GeoPackage.",
            name=name,
        )
    if suffix == ".gpkg":
        detail = _("its database is malformed") if "malformed" in gdal_message else gdal_message
        return _(
            "Could not open '{name}': it is a damaged or incomplete GeoPackage ({detail}); it "
            "may have been cut off while it was copied. Copy it again, or export it again from "
            "the GIS it came from.",
            name=name,
            detail=detail,
        )
    if suffix in _XML_SUFFIXES:
        return _(
            "Could not open '{name}': it is not a readable {format} file ({error}); it may be "
            "cut off, or not XML. Copy it again, or export it again from the GIS it came from.",
            name=name,
            format=suffix[1:].upper(),
            error=gdal_message,
        )
    if suffix == ".zip":
        return _(
            "Could not open '{name}': the zip holds no layer the atlas reads. A zipped "
            "Shapefile needs its .shp, .shx and .dbf (and .prj) together in the zip; other "
            "formats: GeoJSON, GeoPackage, KML or a FileGDB folder.",
            name=name,
        )
    return _(
        "Could not open '{name}' as a GIS layer ({error}). Check that the file is complete (a "
        "Shapefile needs its .shp, .shx and .dbf side by side, or zipped together) and in a "
        "supported format.",
        name=name,
        error=gdal_message,
    )


def _json_fault(path: Path) -> str:
    """Where a JSON file stops being JSON (``line 3, column 7``), in words."""
    if path.stat().st_size > _JSON_BYTES:
        return _("the text is not JSON")
    try:
        json.loads(path.read_bytes().decode("utf-8-sig", "replace"))
    except json.JSONDecodeError as exc:
        # TRANSLATORS: {error} is Python's description, in English ("expecting value").
        return _(
            "{error} at line {line}, column {column}",
            error=exc.msg.lower(),
            line=exc.lineno,
            column=exc.colno,
        )
    return _("the JSON is not GeoJSON: it has no features")


def first_not_ascii(frame: pd.DataFrame) -> str | None:
    """The first column name or text cell that is not ASCII (which an encoding changes)."""
    for name in frame.columns:
        if not str(name).isascii():
            return str(name)
    for column in frame.columns:
        if column != "geometry":
            for value in frame[column]:
                if isinstance(value, str) and not value.isascii():
                    return value
    return None


def many_layers(file_name: str, names: list[str], role: str) -> Problem:
    return Problem(
        "error",
        _(
            "'{name}' holds {count} layers: {layers}; the atlas reads one.",
            name=file_name,
            count=len(names),
            layers=", ".join(names),
        ),
        _(
            "Choose one with layer='{item}' (read_layer), file_layer='{item}' "
            "(load_layer) or layers={{'{layer}': '{item}'}} (load_dataset).",
            item=names[0],
            layer=role,
        ),
        values=tuple(names),
        code="file.layers",
        params={"layer": role, "name": file_name, "item": names[0]},
    )


def shapefile_encoding(
    path: Path, suffix: str, parts: ShapefileParts | None, layer: str, encoding: str | None
) -> Encoding | None:
    """The encoding of a Shapefile layer's text (given, declared or guessed); None for other
    formats (whose text is UTF-8 by definition, or declared inside the file)."""
    if parts is not None and layer.lower() in parts.dbf:
        dbf, cpg = zip_shapefile(path, parts, layer)
    elif suffix == ".shp":
        dbf, cpg = file_shapefile(path)
    elif path.is_dir() and (path / f"{layer}.shp").exists():
        dbf, cpg = file_shapefile(path / f"{layer}.shp")
    else:
        return None
    if encoding and encoding.startswith(("utf-16", "utf-32")):
        raise DataFileError(
            _(
                "'{name}' is a Shapefile, and a Shapefile's DBF is never {encoding}: choose "
                "another encoding (utf-8, cp1252, cp437…), or none to let the atlas detect it.",
                name=path.name,
                encoding=encoding,
            )
        )
    return dbf_encoding(dbf, cpg, encoding)


def ragged_message(file_name: str, message: str) -> str:
    """A CSV parser's complaint about a row with too many values, naming the row."""
    found = _RAGGED.search(message)
    if found is None:
        return _(
            "Could not read '{name}' as CSV ({error}). Check that it is a comma-separated file "
            "with one header line.",
            name=file_name,
            error=message.strip().splitlines()[0][:300],
        )
    columns, line, values = (int(g) for g in found.groups())
    return _(
        "Could not read '{name}' as CSV: line {line} (data row {row}) has {values} values, but "
        "the header has {columns} columns. A value that holds a comma (a name such as "
        "'Ntšhaba, Phase 2', or WKT) must be in double quotes: correct that line, or export "
        "the file again with quoting on.",
        name=file_name,
        line=line,
        row=line - 1,
        values=values,
        columns=columns,
    )
