"""Plain words on the map, and the one helper that makes user text safe to show.

Every string that comes from data (settlement, ward and provider names, kinds, column values,
even category names from a user's standard file) reaches the page through :func:`safe_text`.
Folium puts tooltip text inside HTML *and* inside JavaScript template literals, so the text is
HTML-escaped and the template-literal syntax (backtick, ``$``, backslash) is turned into HTML
character references as well: ``<img src=x onerror=…>`` and ``${alert(1)}`` show literally.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from atlas.i18n import _, format_number, ngettext, noun
from atlas.measure.standards import DEFAULT_LABELS, CategoryRule, Standard
from atlas.summaries.phrases import ratio_words

__all__ = [
    "category_rule",
    "coverage_words",
    "display_names",
    "format_number",
    "gap_words",
    "markdown_list",
    "markdown_text",
    "noun",
    "ratio_words",
    "safe_text",
]

# HTML-special characters first (& before the references that follow), then the characters
# that mean something inside a JavaScript template literal. All become character references,
# which render as the original character wherever the text is parsed as HTML.
_REPLACEMENTS = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("'", "&#x27;"),
    ("`", "&#96;"),
    ("$", "&#36;"),
    ("\\", "&#92;"),
)


def safe_text(value: object) -> str:
    """User text as inert HTML: escaped for HTML and for JavaScript template literals.

    Parameters
    ----------
    value
        Anything; missing values (None, NaN, NA, NaT) give an empty string.

    Returns
    -------
    str
        Text containing none of ``& < > " ' ` $ \\`` (each is a character reference).

    Examples
    --------
    >>> safe_text("<b>${x}</b>")
    '&lt;b&gt;&#36;{x}&lt;/b&gt;'
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    for char, ref in _REPLACEMENTS:
        text = text.replace(char, ref)
    return text


def category_rule(category: str, standard: Standard | None) -> CategoryRule:
    """The rule of ``category`` under ``standard``, or a count-only rule when there is none."""
    if standard is not None and category in standard.categories:
        return standard.rule(category)
    return CategoryRule(point_label=DEFAULT_LABELS.get(category, "point"))


def gap_words(gap: float, demand_missing: bool, rule: CategoryRule) -> str:
    """``12 more taps needed``, ``enough taps for the standard``…"""
    if demand_missing:
        return _("gap unknown")
    if rule.max_per_point is None:
        return _("the standard sets no ratio")
    if math.isnan(gap):
        return _("gap unknown")
    label = rule.point_label
    if gap <= 0:
        return _("enough {points} for the standard", points=noun(label, 2))
    return ngettext(
        "{n} more {point} needed",
        "{n} more {points} needed",
        gap,
        point=noun(label, gap),
        points=noun(label, gap),
    )


def coverage_words(coverage: float, rule: CategoryRule) -> str:
    """``85 % of the area within 200 m of a working tap``.

    >>> from atlas.measure.standards import CategoryRule
    >>> rule = CategoryRule(unit="households", max_per_point=25, max_distance_m=200,
    ...                     point_label="tap")
    >>> coverage_words(0.29, rule)  # 0.29 * 100 is 28.999… in binary floating point
    '29 % of the area within 200 m of a working tap'
    >>> coverage_words(0.996, rule)
    '99 % of the area within 200 m of a working tap'
    """
    if math.isnan(coverage):
        return _("coverage unknown")
    distance = (
        f"{format_number(rule.max_distance_m)} m" if rule.max_distance_m else _("walking distance")
    )
    # Rounded down: a gap tool must never show 99.6 % as full coverage.
    # The legend's classes round the same way (layers.style), so a tooltip's percent always
    # lies in its colour's class; 1e-9 keeps 0.29 from reading 28 %.
    percent = math.floor(coverage * 100 + 1e-9)
    # "{percent} % of" would read to gettext tools as a C format ("% o"): the share is a field.
    return _(
        "{share} of the area within {distance} of a working {point}",
        share=_("{percent} %", percent=percent),
        distance=distance,
        point=noun(rule.point_label, 1),
    )


#: Characters that mean something to Streamlit's Markdown (including ``$`` for LaTeX and ``<``
#: for HTML), escaped with a backslash so user text shows literally.
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#|<>$~")


def markdown_text(value: object) -> str:
    """User text for a Streamlit Markdown element (``st.markdown``, ``st.subheader``,
    ``st.error``…): every Markdown, LaTeX and HTML character is backslash-escaped, so
    ``**x**``, ``[a](javascript:…)``, ``$x$`` and ``<img …>`` show literally.

    Examples
    --------
    >>> markdown_text("<b>$x$</b>")
    '\\\\<b\\\\>\\\\$x\\\\$\\\\</b\\\\>'
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in str(value))


def markdown_list(lines: Iterable[object]) -> str:
    """Lines of user text as one Markdown bullet list, each line escaped by
    :func:`markdown_text` (an empty string for no lines).

    Examples
    --------
    >>> print(markdown_list(["1 tap : 73 households", "*bold*"]))
    - 1 tap : 73 households
    - \\*bold\\*
    """
    return "\n".join(f"- {markdown_text(line)}" for line in lines)


def display_names(settlements: pd.DataFrame) -> np.ndarray:
    """Each settlement's name, or its ``settlement_id`` where it has none (raw, not escaped)."""
    ids = settlements["settlement_id"]
    if "name" not in settlements:
        return ids.to_numpy(dtype=object)
    return settlements["name"].where(settlements["name"].notna(), ids).to_numpy(dtype=object)
