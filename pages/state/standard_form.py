"""Your own standard, on the Data page: load a standard file, or build one from a standard with
one more category (its demand unit, people or households per point, walking distance, what a
point is called); use it for this session; download the standard in force as TOML.

A standard the session loads or builds is stored like an upload, under its content hash
(:func:`~pages.state.uploads.store_upload`), so the session and the caches refer to it by a
path string, as they refer to a preset by its name.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

import atlas
from atlas.errors import StandardError
from atlas.i18n import N_, _
from atlas.measure.standards import (
    CATEGORY_NAME,
    CategoryRule,
    Standard,
    category_rule,
    parse_standard_toml,
    standard_to_toml,
    with_category,
)
from atlas.registry import standard_names
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.messages import error_text
from pages.state.sources import load_standard, standard_label, standard_options
from pages.state.uploads import LayerUpload, store_upload
from pages.state.wording import STANDARD_FORM

__all__ = [
    "OFFERED_AT_MOST",
    "add_category",
    "default_rule",
    "offer_categories",
    "read_standard_upload",
    "standard_form",
    "store_standard",
]

#: How many unknown categories of one layer get an "Add … to the standard" button.
OFFERED_AT_MOST = 5
#: The demand units, as the form offers them.
UNITS = ["households", "people"]
#: The demand units as the form names them.
_UNIT_NAMES = {"households": N_("households"), "people": N_("people")}


def default_rule(category: str) -> CategoryRule:
    """The rule a category gets when it is added with one click: demand in households, no
    ratio and no walking distance yet (counts only, until the form sets them)."""
    return category_rule("households", point_label=f"{category} point")


def store_standard(standard: Standard) -> str:
    """Write ``standard`` as a TOML file stored under its content hash; its path."""
    text = standard_to_toml(standard)
    return str(store_upload(text.encode("utf-8"), f"{standard.id}.toml"))


def read_standard_upload(data: bytes, name: str) -> str:
    """Check an uploaded standard file and store it; its path.

    Raises
    ------
    StandardError
        The file is not UTF-8 text, not TOML, or not a standard (the message names the file
        by ``name`` only).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StandardError(
            _("'{name}' is not a text file: save it as UTF-8 TOML.", name=name)
        ) from None
    parse_standard_toml(text, name)
    return str(store_upload(data, name))


def add_category(base: str, category: str, rule: CategoryRule) -> str:
    """The standard ``base`` (a preset's name or a stored path) with ``category`` measured by
    ``rule``, named for it and stored; its path.

    A new category names the standard ``… , with health``; changing the rule of a category
    of the session's own standard keeps its name.

    Raises
    ------
    StandardError
        The category is not a lower-case word (see :func:`atlas.measure.standards.with_category`).
    """
    standard = load_standard(base)
    built = with_category(standard, category, rule)
    if category not in standard.categories:
        built = dataclasses.replace(
            built, id=f"{standard.id}-{category}", name=f"{standard.name}, with {category}"
        )
    elif base in standard_names():
        built = dataclasses.replace(
            built,
            id=f"{standard.id}-{category}",
            name=f"{standard.name}, {category} changed",
        )
    return store_standard(built)


def _use(path: str) -> None:
    session.choose_standard(path)
    st.rerun()


def offer_categories(upload: LayerUpload | None, standard: str) -> None:
    """Under an uploaded layer whose categories the standard lacks: a button per category
    that adds it to the standard (with :func:`default_rule`, shown in the form to edit) and
    uses that standard."""
    if upload is None or upload.report is None:
        return
    unknown = [
        str(c)
        for p in upload.report.errors
        if p.code == "services.unknown_category"
        for c in p.params.get("categories", ())
        if CATEGORY_NAME.fullmatch(str(c))
    ]
    for category in unknown[:OFFERED_AT_MOST]:
        if st.button(
            _("Add “{category}” to the standard", category=md(category)),
            key=keys.add_category_key(category),
            help=_(
                "Measures {category} too, counted in households with no ratio or walking "
                "distance yet: set them under “{form}” below.",
                category=category,
                form=_(STANDARD_FORM),
            ),
        ):
            rule = default_rule(category)
            path = add_category(standard, category, rule)
            session.fill_form(path, category, rule.unit, 0.0, 0.0, rule.point_label)
            _use(path)


def _upload(current: str) -> None:
    upload = st.file_uploader(_("Standard file (TOML)"), type=["toml"], key=keys.STANDARD_FILE)
    if upload is None:
        return
    try:
        path = read_standard_upload(upload.getvalue(), upload.name)
    except atlas.AtlasError as exc:
        st.error(error_text(exc))
        return
    if path == current:
        st.success(md(_("In use: {standard}.", standard=standard_label(path))))
    elif st.button(_("Use {file}", file=md(upload.name)), key=keys.STANDARD_FILE_USE):
        _use(path)


def _build(current: str) -> None:
    st.markdown(_("**Add a category** to a standard (or change the rule of one it has):"))
    session.take_form_fill()
    options = standard_options()
    base = st.selectbox(
        _("Start from"),
        options,
        index=session.initial_index(keys.FORM_BASE, options, current),
        format_func=standard_label,
        key=keys.FORM_BASE,
    )
    category = st.text_input(
        _("Category (one lower-case word, such as health)"), key=keys.FORM_CATEGORY
    ).strip()
    unit = st.radio(
        _("Demand is counted in"),
        UNITS,
        horizontal=True,
        format_func=lambda u: _(_UNIT_NAMES[u]),
        key=keys.FORM_UNIT,
    )
    per_point = st.number_input(
        _("People or households per point (0: no ratio)"),
        min_value=0.0,
        step=1.0,
        key=keys.FORM_PER_POINT,
    )
    distance = st.number_input(
        _("Walking distance in m (0: none)"), min_value=0.0, step=50.0, key=keys.FORM_DISTANCE
    )
    label = st.text_input(_("What one point is called (such as clinic)"), key=keys.FORM_LABEL)
    if st.button(_("Add the category and use this standard"), key=keys.FORM_ADD):
        try:
            rule = category_rule(
                str(unit),
                max_per_point=per_point or None,
                max_distance_m=distance or None,
                point_label=label.strip() or f"{category} point",
            )
            path = add_category(str(base), category, rule)
        except atlas.AtlasError as exc:
            st.error(error_text(exc))
        else:
            _use(path)


def standard_form(current: str) -> None:
    """The Data page's standard section: load a file, build one, download the one in force."""
    st.caption(
        _(
            "For a service the presets do not measure (clinics, say) or your municipality's "
            "own numbers. The standard is used for this session and shown in the sidebar's "
            "Standard."
        )
    )
    _upload(current)
    _build(current)
    standard = load_standard(current)
    st.download_button(
        _("Download the standard in force as TOML ({standard})", standard=md(standard.name)),
        standard_to_toml(standard),
        file_name=f"{standard.id}.toml",
        mime="application/toml",
        key=keys.STANDARD_DOWNLOAD,
    )
