"""Raster options in plain words: how a population raster holds people and how hazard cells
are chosen, as a person picks them (the app's radio buttons, a legend's heading).

Examples
--------
>>> [population_kind_words(k) for k in POPULATION_KINDS]
['per cell', 'per km²']
>>> [hazard_rule_words(r) for r in HAZARD_RULES]
['at or above a value', 'of these classes']
"""

from __future__ import annotations

from atlas.errors import SchemaError
from atlas.i18n import N_, _

__all__ = ["HAZARD_RULES", "POPULATION_KINDS", "hazard_rule_words", "population_kind_words"]

#: How a population raster holds people: a count per cell, or a density per km².
POPULATION_KINDS: tuple[str, ...] = ("count", "density")
#: How hazard cells are chosen: at or above a threshold, or by class.
HAZARD_RULES: tuple[str, ...] = ("threshold", "classes")

_HAZARD_RULE_WORDS = {"threshold": N_("at or above a value"), "classes": N_("of these classes")}


def population_kind_words(kind: str) -> str:
    """What a population raster's value is per: ``per km²`` for a ``density`` raster,
    ``per cell`` for any other (a count, as :func:`atlas.raster.zonal_population` reads it).

    Parameters
    ----------
    kind
        ``count`` or ``density`` (see :data:`POPULATION_KINDS`).

    Returns
    -------
    str
        ``per cell`` or ``per km²``.
    """
    return _("per km²") if kind == "density" else _("per cell")


def hazard_rule_words(rule: str) -> str:
    """Which cells of a hazard raster count as hazard, in words.

    Parameters
    ----------
    rule
        ``threshold`` or ``classes`` (see :data:`HAZARD_RULES`).

    Returns
    -------
    str
        ``at or above a value`` or ``of these classes``.

    Raises
    ------
    SchemaError
        For any other rule.
    """
    try:
        return _(_HAZARD_RULE_WORDS[rule])
    except KeyError:
        raise SchemaError(
            _(
                "A hazard rule is one of {rules}, not {rule}.",
                rules=", ".join(HAZARD_RULES),
                rule=repr(rule),
            )
        ) from None
