"""Mapping a file's columns onto the canonical fields of DESIGN §3.

A mapping is explicit (``name=InformalSe``) or a constant for every row (``category='health'``,
single quotes as in QGIS expressions). Fields left unmapped are looked up by their canonical name
and then by known aliases, case-insensitively. Every decision is reported: the atlas never
guesses silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from atlas.errors import MappingError
from atlas.i18n import _
from atlas.load.schema import CATEGORIES, LAYERS, is_count_field, layer_spec
from atlas.problems import Problem

#: Fields the validation reads as text (their Arrow text is handed to it as it is).
_TEXT_KINDS = frozenset({"id", "text", "category", "status"})

__all__ = [
    "Constant",  # i18n-ignore: public name
    "FieldMapping",
    "apply_mapping",
    "guess_columns",
    "parse_mapping",
]


@dataclass(frozen=True)
class Constant:
    """A value given to a field for every row, e.g. ``Constant("health")`` for a clinics file."""

    value: str


#: Per canonical field, the source column name or a constant.
FieldMapping = Mapping[str, "str | Constant"]


def parse_mapping(
    items: Iterable[str],
    tables: Mapping[str, Sequence[str]] | None = None,
    *,
    what: str = "layer",
    example: str = "settlements.name=InformalSe",
) -> dict[str, dict[str, str | Constant]]:
    """Parse command-line mappings ``LAYER.FIELD=COLUMN`` or ``LAYER.FIELD='constant'``.

    A single-quoted value is a constant for every row; double quotes only protect a column
    name (spaces, an ``=``).

    Parameters
    ----------
    items
        Strings such as ``settlements.name=InformalSe`` or ``services.status='working'``.
    tables
        The field names of each layer (or table) a mapping may name; the atlas layers of
        :data:`atlas.load.schema.LAYERS` by default.
    what, example
        What the tables are called and an example mapping, for the error messages.

    Returns
    -------
    dict
        ``{layer: {field: column or Constant}}``.

    Raises
    ------
    MappingError
        An item is malformed or names an unknown layer or field.
    """
    counts_allowed = tables is None
    if tables is None:
        tables = {layer: [f.name for f in layer_spec(layer).fields] for layer in LAYERS}
    result: dict[str, dict[str, str | Constant]] = {}
    for item in items:
        target, sep, source = item.partition("=")
        layer, dot, field_name = target.strip().partition(".")
        source = source.strip()
        if not sep or not dot or not field_name or not source:
            word = what.upper()
            raise MappingError(
                # TRANSLATORS: {word} is LAYER or TABLE, written in capitals as a placeholder.
                _(
                    "Cannot read the mapping '{item}'. Write {word}.FIELD=COLUMN (e.g. {example}) "
                    "or {word}.FIELD='value' for a constant.",
                    item=item,
                    word=word,
                    example=example,
                )
            )
        if layer not in tables:
            raise MappingError(_unknown_table(what, item, layer, list(tables)))
        names = list(tables[layer])
        # A settlement's own count of any category (``health_working``): the standard, known
        # only when the layer is read, says whether the category exists.
        own_count = counts_allowed and layer == "settlements" and is_count_field(field_name)
        if field_name not in names and not own_count:
            raise MappingError(
                _(
                    "The mapping '{item}' names an unknown {layer} field '{field}'. "
                    "Fields are: {fields}.",
                    item=item,
                    layer=layer,
                    field=field_name,
                    fields=", ".join(names),
                )
            )
        value: str | Constant
        if len(source) >= 2 and source[0] == source[-1] == "'":
            value = Constant(source[1:-1])
        elif len(source) >= 2 and source[0] == source[-1] == '"':
            value = source[1:-1]
        else:
            value = source
        result.setdefault(layer, {})[field_name] = value
    return result


def _unknown_table(what: str, item: str, name: str, names: list[str]) -> str:
    """The mapping ``item`` names no layer (or table, as ``what`` says) of ``names``."""
    fields = {"item": item, "name": name, "names": ", ".join(names)}
    if what == "table":
        return _(
            "The mapping '{item}' names an unknown table '{name}'. Tables are: {names}.", **fields
        )
    if what == "layer":
        return _(
            "The mapping '{item}' names an unknown layer '{name}'. Layers are: {names}.", **fields
        )
    return _(
        "The mapping '{item}' names an unknown {what} '{name}'. The choices are: {names}.",
        what=what,
        **fields,
    )


def _lookup(columns: list[str], name: str) -> str | None:
    if name in columns:
        return name
    matches = [c for c in columns if c.lower() == name.lower()]
    return matches[0] if len(matches) == 1 else None


def apply_mapping(
    frame: gpd.GeoDataFrame,
    layer: str,
    mapping: FieldMapping | None = None,
    *,
    categories: Sequence[str] = CATEGORIES,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Rename and fill a layer's columns onto the canonical fields.

    Parameters
    ----------
    frame
        The layer as read, with the file's own column names.
    layer
        The canonical layer name.
    mapping
        Explicit choices per canonical field: a column name or a :class:`Constant`.
    categories
        The standard's categories, whose own counts a settlements layer may carry
        (``sanitation_working``…).

    Returns
    -------
    (GeoDataFrame, list of Problem)
        A new frame with the canonical fields first (missing optional fields as empty columns),
        then the file's other columns (renamed ``src_<name>`` if they clash with a canonical
        name), indexed like ``frame``; and the report entries: one ``info`` per mapped field,
        ``error`` for a mapped column that does not exist or a required field with no source.
    """
    spec = layer_spec(layer, categories)
    mapping = dict(mapping or {})
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns = [str(c) for c in frame.columns if c != geometry_name]
    problems: list[Problem] = []
    chosen: dict[str, str | Constant] = {}
    unknown = sorted(set(mapping) - {f.name for f in spec.fields})
    if unknown:
        problems.append(
            Problem(
                "error",
                _(
                    "The mapping names unknown {layer} fields: {fields}.",
                    layer=layer,
                    fields=", ".join(unknown),
                ),
                _("Use the fields {fields}.", fields=", ".join(f.name for f in spec.fields)),
            )
        )
    explicit_columns = {v for v in mapping.values() if isinstance(v, str)}
    for spec_field in spec.fields:
        name = spec_field.name
        if name in mapping:
            source = mapping[name]
            if isinstance(source, Constant):
                chosen[name] = source
                problems.append(
                    Problem(
                        "info",
                        _(
                            "{field} is set to {value} for every row (mapping).",
                            field=name,
                            value=repr(source.value),
                        ),
                    )
                )
                continue
            column = _lookup(columns, source)
            if column is None:
                problems.append(
                    Problem(
                        "error",
                        _(
                            "The mapping {layer}.{field}={column} names a column the file does "
                            "not have.",
                            layer=layer,
                            field=name,
                            column=source,
                        ),
                        _(
                            "Use one of the file's columns: {columns}.",
                            columns=", ".join(columns) or _("(none)"),
                        ),
                        column=source,
                    )
                )
                continue
            chosen[name] = column
            problems.append(
                Problem(
                    "info", _("{field} <- column '{column}' (mapping).", field=name, column=column)
                )
            )
            continue
        candidates = [name, *spec_field.aliases]
        found: list[str] = []
        for candidate in candidates:
            column = _lookup(columns, candidate)
            if column and column not in found and column not in explicit_columns:
                found.append(column)
        taken = {c for c in chosen.values() if isinstance(c, str)}
        found = [c for c in found if c not in taken]
        # Prefer the candidate with the most values (alias order breaks ties): a nearly empty
        # "condition" column must not win over a filled "operational_status".
        filled = {c: int(frame[c].notna().sum()) for c in found}
        found.sort(key=lambda c: -filled[c])
        if found:
            chosen[name] = found[0]
            if found[0].lower() == name:
                note = _(
                    "{field} <- column '{column}' (canonical name).", field=name, column=found[0]
                )
            else:
                note = _(
                    "{field} <- column '{column}' (recognised alias).", field=name, column=found[0]
                )
            if len(found) > 1:
                others = _(
                    "Other columns also looked like {field}: {columns}.",
                    field=name,
                    columns=", ".join(found[1:]),
                )
                problems.append(
                    Problem(
                        "info",
                        f"{note} {others}",
                        _(
                            "To choose another, map it: mapping={{'{layer}': {{'{field}': "
                            "'COLUMN'}}}}.",
                            layer=layer,
                            field=name,
                        ),
                        column=name,
                        code="mapping.ambiguous",
                        params={"layer": layer, "field": name},
                    )
                )
            else:
                problems.append(Problem("info", note))
        elif spec_field.required:
            problems.append(
                Problem(
                    "error",
                    _(
                        "Required field '{field}' is missing: no column is called {field} or one "
                        "of its aliases ({aliases}). The file's columns are: {columns}.",
                        field=name,
                        aliases=", ".join(spec_field.aliases) or _("none"),
                        columns=", ".join(columns) or _("(none)"),
                    ),
                    _(
                        "Map a column: mapping={{'{layer}': {{'{field}': 'COLUMN'}}}}.",
                        layer=layer,
                        field=name,
                    )
                    if spec_field.kind == "id"
                    else _(
                        "Map a column: mapping={{'{layer}': {{'{field}': 'COLUMN'}}}}, or give "
                        "every row one value: mapping={{'{layer}': {{'{field}': "
                        "Constant('VALUE')}}}}.",
                        layer=layer,
                        field=name,
                    ),
                    column=name,
                    code="mapping.missing_id" if spec_field.kind == "id" else "mapping.missing",
                    params={"layer": layer, "field": name},
                )
            )
    data: dict[str, object] = {}
    for spec_field in spec.fields:
        chosen_source = chosen.get(spec_field.name)
        if isinstance(chosen_source, Constant):
            data[spec_field.name] = [chosen_source.value] * len(frame)
        elif isinstance(chosen_source, str):
            source = frame[chosen_source]
            # Text stays in the reader's (Arrow) array, not 3,000,000 Python strings: the
            # validation reads each distinct value once (atlas.load.validate.as_text).
            text = isinstance(source.dtype, pd.StringDtype) and spec_field.kind in _TEXT_KINDS
            data[spec_field.name] = source.array if text else source.to_numpy()
        else:
            data[spec_field.name] = [None] * len(frame)
    used = {c for c in chosen.values() if isinstance(c, str)}
    canonical = {f.name for f in spec.fields}
    for column in columns:
        if column in used:
            continue
        target = f"src_{column}" if column in canonical or column == "geometry" else column
        data[target] = frame[column].to_numpy()
    geometry = frame.geometry.to_numpy() if geometry_name else [None] * len(frame)
    out = gpd.GeoDataFrame(
        data,
        geometry=gpd.GeoSeries(geometry, index=frame.index),
        index=frame.index,
        crs=frame.crs if geometry_name else None,
    )
    # What the reader found about the geometries (an unclosed ring) travels with them.
    out.attrs.update(frame.attrs)
    return out, problems


def guess_columns(
    columns: Iterable[str], layer: str, categories: Sequence[str] = ()
) -> dict[str, str | None]:
    """The column each canonical field of ``layer`` would be read from without a mapping.

    This is what :func:`apply_mapping` chooses by name and alias; a form pre-fills its choices
    with it, and the user confirms or changes them. With ``categories``, the settlements' own
    count fields (``water_working``…) are guessed too (by their canonical name only).
    """
    names = [str(c) for c in columns if c != "geometry"]
    guesses: dict[str, str | None] = {}
    taken: set[str] = set()
    for spec_field in layer_spec(layer, categories).fields:
        found = None
        for candidate in (spec_field.name, *spec_field.aliases):
            column = _lookup(names, candidate)
            if column and column not in taken:
                found = column
                break
        guesses[spec_field.name] = found
        if found:
            taken.add(found)
    return guesses
