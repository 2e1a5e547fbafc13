"""Service standards: how many units one working point may serve and how far residents may walk.

Standards are data files (TOML), not code, each naming its source (DESIGN §4). The presets live in
``data/standards/``; a user's own file in the same format is accepted anywhere a preset name is.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import tomli_w

from atlas.errors import StandardError
from atlas.i18n import _
from atlas.load.schema import CATEGORIES
from atlas.registry import standard_names, standard_path

__all__ = [
    "DEMAND_COLUMN",
    "CategoryRule",
    "Standard",  # i18n-ignore: a name of the API
    "category_rule",
    "load_standard",
    "parse_standard",
    "parse_standard_toml",
    "standard_to_toml",
    "with_category",
]

Unit = Literal["households", "people"]
#: The settlement column that holds the demand counted in each unit.
DEMAND_COLUMN: dict[str, str] = {"households": "households", "people": "population"}
DEFAULT_LABELS = {"water": "tap", "sanitation": "toilet", "electricity": "light", "waste": "skip"}
#: The keys a ``[categories.<name>]`` table may hold, in the order a written file gives them.
RULE_KEYS = ("unit", "max_per_point", "max_distance_m", "point_label", "distance_note")
#: What a category may be called: it becomes part of field names (``health_working``).
CATEGORY_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class CategoryRule:
    """The rule of one service category under a standard.

    Parameters
    ----------
    unit
        What demand is counted in: ``households`` or ``people``.
    max_per_point
        The most units one working point may serve; None when the standard sets no ratio (then
        needed and gap are empty).
    max_distance_m
        The farthest a resident should walk, in metres; None when the standard sets none (then
        points are attributed only to the settlement containing them, and coverage is empty).
    point_label
        What one point is called in plain sentences ("tap", "toilet").
    distance_note
        Where the distance comes from when the source does not set it.
    """

    unit: Unit = "households"
    max_per_point: float | None = None
    max_distance_m: float | None = None
    point_label: str = "point"
    distance_note: str = ""


@dataclass(frozen=True)
class Standard:
    """A named service standard with its source.

    Parameters
    ----------
    id
        Short name (the preset's file name), e.g. ``cape-town``.
    name
        Display name.
    source
        The document the numbers come from.
    household_size
        People per household, to estimate households from population and back.
    categories
        Rule per category; always holds the four canonical categories (a category the file does
        not define gets counts only) plus any the file adds, such as ``health``.
    notes
        Free text shown with the standard.
    """

    id: str
    name: str
    source: str
    household_size: float
    categories: Mapping[str, CategoryRule]
    notes: str = ""

    def rule(self, category: str) -> CategoryRule:
        """The rule of ``category``."""
        return self.categories[category]

    @property
    def reach(self) -> float:
        """The largest walking distance of any category (metres; 0 when none sets one)."""
        return max((r.max_distance_m or 0.0 for r in self.categories.values()), default=0.0)


def _positive(value: Any, what: str, origin: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise StandardError(
            _(
                "{origin}: {field} must be a positive number, not {value}.",
                origin=origin,
                field=what,
                value=repr(value),
            )
        )
    return float(value)


def _optional_positive(value: Any, what: str, origin: str) -> float | None:
    return None if value is None else _positive(value, what, origin)


def parse_standard(data: Mapping[str, Any], origin: str) -> Standard:
    """Build a :class:`Standard` from parsed TOML ``data``; ``origin`` names it in errors."""
    for key in ("name", "source", "household_size", "categories"):
        if key not in data:
            raise StandardError(
                _(
                    "{origin}: the standard has no '{key}'. A standard file needs name, source, "
                    "household_size and a [categories.<name>] table per category.",
                    origin=origin,
                    key=key,
                )
            )
    household_size = _positive(data["household_size"], "household_size", origin)
    cats = data["categories"]
    if not isinstance(cats, Mapping):
        raise StandardError(
            _(
                "{origin}: 'categories' must be a table of [categories.<name>] tables.",
                origin=origin,
            )
        )
    rules: dict[str, CategoryRule] = {
        c: CategoryRule(point_label=DEFAULT_LABELS[c]) for c in CATEGORIES
    }
    for cat, spec in cats.items():
        # TRANSLATORS: where a problem of a standard file is, before a colon and the problem.
        where = _("{origin}: category '{category}'", origin=origin, category=cat)
        if not isinstance(spec, Mapping):
            raise StandardError(_("{where} must be a table.", where=where))
        unknown = set(spec) - set(RULE_KEYS)
        if unknown:
            raise StandardError(
                _(
                    "{where} has unknown keys {keys}; use unit, max_per_point, max_distance_m, "
                    "point_label, distance_note.",
                    where=where,
                    keys=sorted(unknown),
                )
            )
        unit = spec.get("unit", "households")
        if unit not in ("households", "people"):
            raise StandardError(
                _(
                    "{where}: unit must be 'households' or 'people', not {unit}.",
                    where=where,
                    unit=repr(unit),
                )
            )
        rules[str(cat).lower()] = CategoryRule(
            unit=unit,
            max_per_point=_optional_positive(spec.get("max_per_point"), "max_per_point", where),
            max_distance_m=_optional_positive(spec.get("max_distance_m"), "max_distance_m", where),
            point_label=str(spec.get("point_label", DEFAULT_LABELS.get(cat, "point"))),
            distance_note=str(spec.get("distance_note", "")),
        )
    return Standard(
        id=str(data.get("id", Path(origin).stem)),
        name=str(data["name"]),
        source=str(data["source"]),
        household_size=household_size,
        categories=MappingProxyType(rules),
        notes=str(data.get("notes", "")),
    )


def load_standard(name_or_path: str | Path) -> Standard:
    """Load a preset by name (``cape-town``) or a user's standard file by path.

    Parameters
    ----------
    name_or_path
        A preset's name (:func:`atlas.standard_names`) or the path of a TOML standard file.

    Returns
    -------
    Standard
        The four canonical categories (plus any the file adds), each with its rule.

    Raises
    ------
    StandardError
        Unknown preset, unreadable file, or malformed content.

    Examples
    --------
    >>> from atlas import load_standard, standard_names
    >>> standard_names()
    ['cape-town', 'municipal-minimum', 'sphere-2018']
    >>> cape_town = load_standard("cape-town")
    >>> cape_town.name, cape_town.household_size
    ('City of Cape Town target', 2.94)
    >>> water = cape_town.rule("water")
    >>> water.unit, water.max_per_point, water.max_distance_m, water.point_label
    ('households', 25.0, 200.0, 'tap')
    >>> load_standard("sphere-2018").rule("sanitation").max_distance_m
    50.0

    A municipality's own standard, adding a category:

    >>> import tempfile
    >>> from pathlib import Path
    >>> toml = '''
    ... name = "Our municipality"
    ... source = "IDP 2026, chapter 4"
    ... household_size = 3.1
    ... [categories.water]
    ... max_per_point = 40
    ... max_distance_m = 150
    ... [categories.health]
    ... unit = "people"
    ... max_per_point = 10000
    ... point_label = "clinic"
    ... '''
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "ours.toml"
    ...     _ = path.write_text(toml, encoding="utf-8")
    ...     ours = load_standard(path)
    >>> ours.id, list(ours.categories)
    ('ours', ['water', 'sanitation', 'electricity', 'waste', 'health'])
    >>> ours.rule("water").max_per_point, ours.rule("sanitation").max_per_point
    (40.0, None)
    """
    text = str(name_or_path)
    path = Path(text)
    if text in standard_names():
        path = standard_path(text)
    elif not path.exists():
        raise StandardError(
            _(
                "Unknown standard '{name}': it is neither a preset ({presets}) nor an existing "
                "file.",
                name=text,
                presets=", ".join(standard_names()),
            )
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardError(
            _("Cannot read the standard file '{path}': {error}.", path=path, error=exc)
        ) from None
    return parse_standard_toml(text, str(path))


def parse_standard_toml(text: str, origin: str) -> Standard:
    """Build a :class:`Standard` from the text of a TOML standard file (an upload, say).

    ``origin`` names it in errors and gives its ``id`` when the text has none (its stem:
    ``ours.toml`` is ``ours``).

    Raises
    ------
    StandardError
        The text is not TOML, or not a standard (see :func:`parse_standard`).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StandardError(
            _("The standard file '{origin}' is not valid TOML: {error}.", origin=origin, error=exc)
        ) from None
    return parse_standard(data, origin)


def _toml_number(value: float) -> float | int:
    # Whole numbers as integers (``max_per_point = 25``), as people write them; read back,
    # either is the same float.
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def standard_to_toml(standard: Standard) -> str:
    """The text of a TOML standard file that :func:`load_standard` (or
    :func:`parse_standard_toml`) reads back as ``standard``, equal field for field.

    Every category is written, the four canonical ones included; a rule's empty values
    (no ratio, no distance) are left out, as a person would write the file.

    Examples
    --------
    >>> from atlas.measure.standards import (
    ...     category_rule, load_standard, parse_standard_toml, standard_to_toml, with_category)
    >>> ours = with_category(
    ...     load_standard("cape-town"), "health",
    ...     category_rule("people", max_per_point=10000, max_distance_m=5000, point_label="clinic"),
    ... )
    >>> text = standard_to_toml(ours)
    >>> print(text[text.index("[categories.health]"):].strip())
    [categories.health]
    unit = "people"
    max_per_point = 10000
    max_distance_m = 5000
    point_label = "clinic"
    >>> parse_standard_toml(text, "ours.toml") == ours
    True
    """
    document: dict[str, Any] = {"id": standard.id, "name": standard.name, "source": standard.source}
    if standard.notes:
        document["notes"] = standard.notes
    document["household_size"] = _toml_number(standard.household_size)
    categories: dict[str, dict[str, Any]] = {}
    for category, rule in standard.categories.items():
        table: dict[str, Any] = {"unit": rule.unit}
        for key in ("max_per_point", "max_distance_m"):
            value = getattr(rule, key)
            if value is not None:
                table[key] = _toml_number(value)
        table["point_label"] = rule.point_label
        if rule.distance_note:
            table["distance_note"] = rule.distance_note
        categories[category] = table
    document["categories"] = categories
    return tomli_w.dumps(document)


def category_rule(
    unit: str = "households",
    *,
    max_per_point: float | None = None,
    max_distance_m: float | None = None,
    point_label: str = "point",
    distance_note: str = "",
) -> CategoryRule:
    """A :class:`CategoryRule` with its values checked as a standard file's are.

    Raises
    ------
    StandardError
        ``unit`` is not ``households`` or ``people``, a number is not positive, or the point
        has no label.
    """
    where = _("the category's rule")
    if unit not in ("households", "people"):
        raise StandardError(
            _(
                "{where}: unit must be 'households' or 'people', not {unit}.",
                where=where,
                unit=repr(unit),
            )
        )
    label = str(point_label).strip()
    if not label:
        raise StandardError(
            _(
                "{where}: say what one point is called (point_label), e.g. 'clinic'.",
                where=where,
            )
        )
    return CategoryRule(
        unit="people" if unit == "people" else "households",
        max_per_point=_optional_positive(max_per_point, "max_per_point", where),
        max_distance_m=_optional_positive(max_distance_m, "max_distance_m", where),
        point_label=label,
        distance_note=str(distance_note),
    )


def with_category(standard: Standard, category: str, rule: CategoryRule) -> Standard:
    """A new standard: ``standard`` with ``category`` measured by ``rule`` (added, or replacing
    the category's rule when it has one). Its id, name and source are unchanged: name the new
    standard with :func:`dataclasses.replace` when it should read differently.

    Raises
    ------
    StandardError
        ``category`` is not a lower-case word (letters, digits, ``_``, starting with a letter):
        it becomes part of field names such as ``health_working``.

    Examples
    --------
    >>> from atlas.measure.standards import category_rule, load_standard, with_category
    >>> cape_town = load_standard("cape-town")
    >>> ours = with_category(cape_town, "health", category_rule("people", max_per_point=10000))
    >>> list(ours.categories)
    ['water', 'sanitation', 'electricity', 'waste', 'health']
    >>> ours.rule("health").max_per_point, list(cape_town.categories)[-1]
    (10000.0, 'waste')
    """
    name = str(category).strip()
    if not CATEGORY_NAME.fullmatch(name):
        raise StandardError(
            _(
                "A category is called by a lower-case word (letters, digits and _, starting with "
                "a letter), such as 'health', not {category}.",
                category=repr(category),
            )
        )
    if not isinstance(rule, CategoryRule):
        raise StandardError(
            _(
                "The rule of '{name}' must be a CategoryRule, not {rule}.",
                name=name,
                rule=repr(rule),
            )
        )
    rules = {**standard.categories, name: rule}
    return dataclasses.replace(standard, categories=MappingProxyType(rules))
