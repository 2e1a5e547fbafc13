"""The Present page's deck, cached: the slides of one cluster are drawn once per dataset,
standard, service and population raster, not on every rerun (public numbers only, nothing of
a signed-in user)."""

from __future__ import annotations

from atlas.i18n import N_
from atlas.summaries.slides import build_slides
from layers.slides import deck_html
from pages.state.choices import RasterChoice, Source
from pages.state.language import cache_in_language
from pages.state.sources import dataset_of
from pages.state.view import gaps

__all__ = ["deck_page"]


@cache_in_language(max_entries=16, show_spinner=N_("Drawing the slides…"))
def deck_page(
    source: Source,
    standard: str,
    cluster: str,
    category: str,
    population: RasterChoice | None = None,
) -> str:
    """The HTML of ``cluster``'s slides (:func:`layers.slides.deck_html`) for this view, in the
    session's language.

    Raises
    ------
    atlas.AtlasError
        When the slides cannot be made (an unknown cluster); not cached.
    """
    result = gaps(source, standard, population)
    dataset = dataset_of(source, standard)
    return deck_html(
        build_slides(result, dataset, cluster, category),
        result.settlements,
        metric_crs=dataset.metric_crs,
    )
