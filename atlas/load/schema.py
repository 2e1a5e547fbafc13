"""The canonical layers of DESIGN §3: their fields, types and the aliases user files use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CATEGORIES",
    "COUNT_STATUSES",
    "LAYERS",
    "STATUSES",
    "STATUS_SYNONYMS",
    "FieldSpec",
    "LayerSpec",
    "count_fields",
    "is_count_field",
    "layer_spec",
]

FieldKind = Literal["id", "text", "count", "category", "status"]

#: The four service categories every standard knows; a standard may add more (e.g. ``health``).
CATEGORIES: tuple[str, ...] = ("water", "sanitation", "electricity", "waste")

#: Accepted service statuses. Only ``working`` points serve.
STATUSES: tuple[str, ...] = ("working", "broken", "unknown")

#: Status words found in real files, translated (and reported) onto the canonical three.
STATUS_SYNONYMS: dict[str, str] = {
    "functional": "working",
    "functioning": "working",
    "operational": "working",
    "ok": "working",
    "yes": "working",
    "good": "working",
    "non_operational": "broken",
    "non-operational": "broken",
    "not operational": "broken",  # i18n-ignore: a word of the user's files (data)
    "not working": "broken",  # i18n-ignore: a word of the user's files (data)
    "non-functional": "broken",
    "non functional": "broken",  # i18n-ignore: a word of the user's files (data)
    "not functional": "broken",  # i18n-ignore: a word of the user's files (data)
    "faulty": "broken",
    "damaged": "broken",
    "no": "broken",
    "": "unknown",
    "n/a": "unknown",
    "na": "unknown",
}


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field.

    Parameters
    ----------
    name
        Canonical name.
    kind
        How values are checked and converted.
    required
        A required field must be mapped (to a column or a constant).
    aliases
        Column names recognised for it, compared case-insensitively (the canonical name is
        always recognised).
    """

    name: str
    kind: FieldKind
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerSpec:
    """One canonical layer: geometry types and fields."""

    name: str
    geometry: tuple[str, ...]
    fields: tuple[FieldSpec, ...]

    @property
    def id_field(self) -> str | None:
        """The unique id field, if the layer has one."""
        return next((f.name for f in self.fields if f.kind == "id"), None)

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


POLYGONAL = ("Polygon", "MultiPolygon")  # i18n-ignore: geometry types

LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in (
        LayerSpec(
            "settlements",
            POLYGONAL,
            (
                FieldSpec(
                    "settlement_id",
                    "id",
                    True,
                    ("id", "inf_sttlmn", "settlement_code", "code", "sett_id", "fid_code"),
                ),
                FieldSpec(
                    "name",
                    "text",
                    False,
                    ("informalse", "settlement", "settlement_name", "sett_name", "name_1"),
                ),
                FieldSpec(
                    "households",
                    "count",
                    False,
                    ("hhs", "hh", "households_count", "num_households", "no_hh"),
                ),
                FieldSpec(
                    "population",
                    "count",
                    False,
                    ("popn", "pop", "people", "pop_total", "total_pop"),
                ),
                FieldSpec(
                    "cluster", "text", False, ("cluster_name", "cluster_id", "settlement_cluster")
                ),
            ),
        ),
        LayerSpec(
            "services",
            ("Point",),  # i18n-ignore: geometry type
            (
                FieldSpec(
                    "service_id",
                    "id",
                    True,
                    ("id", "point_id", "facility_id", "fid_code", "osm_id"),
                ),
                FieldSpec("category", "category", True, ("service", "service_type", "type_group")),
                FieldSpec(
                    "kind", "text", False, ("type", "facility_type", "watsan:type", "subtype")
                ),
                FieldSpec(
                    "status",
                    "status",
                    True,
                    ("condition", "operational_status", "functional", "state"),
                ),
                FieldSpec(
                    "provider", "text", False, ("operator", "owner", "operator:type", "agency")
                ),
            ),
        ),
        LayerSpec(
            "wards",
            POLYGONAL,
            (
                FieldSpec(
                    "ward_id",
                    "id",
                    True,
                    ("wardid", "ward_code", "ward_no", "wardno", "ward", "wardnumber"),
                ),
                FieldSpec("name", "text", False, ("ward_name", "wardname")),
                FieldSpec(
                    "municipality",
                    "text",
                    False,
                    ("cat_b", "localmunic", "local_municipality", "municipali", "county_name"),
                ),
                # Never "wardwinner": in the IEC's ward files it holds the winning party, not a
                # person; a party name must not read as the councillor.
                FieldSpec("councillor", "text", False, ("councilor", "ward_councillor")),
            ),
        ),
        LayerSpec(
            "clusters",
            (),
            (
                FieldSpec("cluster", "text", True, ("cluster_name", "cluster_id")),
                FieldSpec(
                    "settlement_id",
                    "id",
                    True,
                    ("id", "settlement", "settlement_code", "inf_sttlmn"),
                ),
            ),
        ),
    )
}


#: The statuses a settlement may count its own service points in (DESIGN §3): ``c_working``,
#: ``c_broken`` for each category ``c``.
COUNT_STATUSES: tuple[str, ...] = ("working", "broken")


def count_fields(categories: Sequence[str]) -> tuple[FieldSpec, ...]:
    """The settlements' optional own counts of service points, ``<category>_<status>`` for each
    category and :data:`COUNT_STATUSES` (no aliases: a count column is always mapped, never
    guessed, except when it already has the canonical name)."""
    return tuple(FieldSpec(f"{c}_{s}", "count") for c in categories for s in COUNT_STATUSES)


def is_count_field(name: str) -> bool:
    """Whether ``name`` has the shape of a settlement count field (``sanitation_working``)."""
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*_(" + "|".join(COUNT_STATUSES) + ")", name))


def layer_spec(layer: str, categories: Sequence[str] = ()) -> LayerSpec:
    """The spec of canonical layer ``layer``; raises a clear error for an unknown name.

    Parameters
    ----------
    layer
        ``settlements``, ``services``, ``wards`` or ``clusters``.
    categories
        The standard's categories: the settlements get an optional count field per category
        and status (:func:`count_fields`).
    """
    from atlas.errors import SchemaError
    from atlas.i18n import _

    try:
        spec = LAYERS[layer]
    except KeyError:
        raise SchemaError(
            _(
                "Unknown layer '{layer}'. Use one of: {layers}.",
                layer=layer,
                layers=", ".join(LAYERS),
            )
        ) from None
    if layer == "settlements" and categories:
        return LayerSpec(spec.name, spec.geometry, spec.fields + count_fields(categories))
    return spec
