"""Plain words for a standard: its rules as a table, and why cluster totals add up settlement
by settlement (re-exported by :mod:`atlas.summaries.phrases`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from atlas.i18n import N_, _, noun, shown_number
from atlas.measure.standards import CategoryRule, Standard

__all__ = ["standard_table", "totals_note"]


def _unit(rule: CategoryRule) -> str:
    """What the rule's demand is counted in, as people read it: ``households`` or ``people``."""
    return noun("household" if rule.unit == "households" else rule.unit, 2)


def standard_table(standard: Standard) -> pd.DataFrame:
    """A standard's rules as a page shows them: one row per category with its point, what
    demand is counted in, the most one point serves (``no ratio set`` where the standard sets
    none), the walking distance in metres (``not set``) and the note on where that distance
    comes from; every cell text, numbers written as the sentences write them.

    >>> import atlas
    >>> standard_table(atlas.load_standard("cape-town")).iloc[2, :5].tolist()
    ['electricity', 'light', 'households', 'no ratio set', '200']
    """
    rules = standard.categories.values()
    return pd.DataFrame(
        {
            _("Service"): list(standard.categories),
            _("Point"): [noun(r.point_label, 1) for r in rules],
            _("Counted in"): [_unit(r) for r in rules],
            _("Most served by one point"): [
                shown_number(r.max_per_point, N_("no ratio set")) for r in rules
            ],
            _("Walking distance (m)"): [
                shown_number(r.max_distance_m, N_("not set")) for r in rules
            ],
            _("Note"): [r.distance_note or "" for r in rules],
        }
    )


def totals_note(labels: Sequence[str]) -> str:
    """Why a cluster's missing points can be more than its needed minus its working points
    (gaps are added up per settlement; a settlement's surplus is not lent to its neighbours),
    said once where cluster totals are shown (plain words, not escaped).

    >>> totals_note(["tap"])[:62]
    'Why taps missing can be more than taps needed minus working ta'
    >>> print(totals_note(["tap", "toilet"]))
    Why a cluster's taps or toilets missing can be more than those needed minus those working: they are added up settlement by settlement, and a settlement with more than it needs does not lend the extra ones to its neighbours.
    """
    names = [noun(label, 2) for label in labels]
    if len(names) == 1:
        return _(
            "Why {points} missing can be more than {points} needed minus working {points}: a "
            "cluster's {points} missing are added up settlement by settlement, and a settlement "
            "with more {points} than it needs does not lend the extra ones to its neighbours.",
            points=names[0],
        )
    joined = names[0]
    for name in names[1:]:
        joined = _("{these} or {that}", these=joined, that=name)
    return _(
        "Why a cluster's {points} missing can be more than those needed minus those working: "
        "they are added up settlement by settlement, and a settlement with more than it needs "
        "does not lend the extra ones to its neighbours.",
        points=joined,
    )
