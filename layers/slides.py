"""The meeting room's slides drawn: one self-contained HTML fragment, readable across a hall.

:func:`deck_html` draws a :class:`~atlas.summaries.slides.Deck` as a 16:9 deck (inline CSS and
JavaScript, no external address: it works with no internet): near-black background, white text,
the big ratio in a strong yellow, every size in container query units so that the text grows
with the deck and in full screen, the headline never under 48 px. Arrow keys, PageUp / PageDown
(what presentation clickers send), Space, Home and End move between slides, F toggles full
screen; so do on-screen buttons and a click on the left or right part of a slide.

The fragment is made for Streamlit's ``st.html(..., unsafe_allow_javascript=True)``, which
sanitises it with DOMPurify's HTML profile first. Two consequences shape it:

* inline ``<svg>`` is removed by that profile, so the locator map (:mod:`layers.locator`) is
  an SVG *image* (a ``data:image/svg+xml;base64`` address, inert: an image runs no script):
  the whole cluster once, as the background of every slide's map, and per slide an ``<img>``
  over it with only the settlement shown (or, on the summary, the numbers);
* an element whose text contains ``<`` followed by a letter, ``/`` or ``!`` is removed as an
  mXSS attempt, so the script and the style contain no ``<`` at all (:data:`SCRIPT`).

Every text from the deck reaches the page through :func:`layers.text.safe_text`.
"""

from __future__ import annotations

import base64

import geopandas as gpd
from pyproj import CRS

from atlas.i18n import N_, _
from atlas.load.crs import choose_metric_crs, to_metric
from atlas.summaries.slides import Deck, Slide
from layers.locator import ACCENT, BACKGROUND, TEXT, Locator
from layers.text import safe_text

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "HINT",
    "MUTED",
    "SCRIPT",
    "TEXT",
    "contrast_ratio",
    "deck_html",
]

#: The quieter lines (the slide's background, text and accent are those of the locator map);
#: every text colour has at least 7:1 contrast on the background.
MUTED = "#d0d0d0"
#: What the keys do, said once under the slides.
HINT = N_("← → or PageUp / PageDown · F full screen")


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21; 7 is the AAA level).

    >>> round(contrast_ratio(TEXT, BACKGROUND), 1), round(contrast_ratio(ACCENT, BACKGROUND), 1)
    (18.9, 13.3)
    """
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# -- the locator map --------------------------------------------------------------------------


def _members(deck: Deck, settlements: gpd.GeoDataFrame, metric_crs: CRS | None) -> gpd.GeoSeries:
    """The cluster's shapes in the deck's order, in metres (missing ones null)."""
    chosen = settlements[settlements["settlement_id"].astype(str).isin(deck.member_ids)]
    chosen = chosen.drop_duplicates("settlement_id")
    geoms = chosen.set_index(chosen["settlement_id"].astype(str)).geometry
    geoms = geoms.reindex(list(deck.member_ids))
    if geoms.isna().all() or geoms.is_empty.all():
        return gpd.GeoSeries([None] * len(deck.member_ids))
    return to_metric(geoms, metric_crs or choose_metric_crs(geoms))


def _data_address(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _locator(locator: Locator | None, alt: str, current: int | None, numbered: bool) -> str:
    """A slide's map: the settlement shown (or the numbers) over the cluster's map."""
    if locator is None:
        words = _("{map}: no boundary to draw.", map=alt)
        return f'<p class="atlas-slide-nomap">{safe_text(words)}</p>'
    labels = [str(i) for i in range(1, len(locator.paths) + 1)] if numbered else None
    overlay = locator.svg(current, labels, context=False)
    return f'<img class="atlas-slide-map" alt="{safe_text(alt)}" src="{_data_address(overlay)}">'


def _base_style(locator: Locator | None) -> str:
    """The cluster's whole map, drawn once: the background of every slide's map."""
    if locator is None:
        return ""
    return (
        f'.atlas-deck .atlas-slide-locator {{ background: url("{_data_address(locator.svg())}") '
        "right top / contain no-repeat; }"  # i18n-ignore: CSS
    )


# -- the deck ---------------------------------------------------------------------------------


def _line(css: str, text: str | None) -> str:
    return "" if not text else f'<p class="{css}">{safe_text(text)}</p>'


def _slide(slide: Slide, index: int, total: int, deck: Deck, locator: str) -> str:
    place = " · ".join(t for t in (slide.counts, slide.place) if t)
    hidden = "" if index == 0 else " hidden"
    return (
        f'<section class="atlas-slide" data-index="{index}" aria-roledescription="slide" '
        f'aria-label="{index + 1} / {total}"{hidden}>'
        f"{_line('atlas-slide-kicker', slide.kicker)}"
        f'<h2 class="atlas-slide-title">{safe_text(slide.title)}</h2>'
        f"{_line('atlas-slide-ratio', slide.ratio)}"
        '<div class="atlas-slide-facts">'
        f"{_line('atlas-slide-gap', slide.gap)}"
        f"{_line('atlas-slide-status', slide.status)}"
        f"{_line('atlas-slide-counts', place)}"
        f'<p class="atlas-slide-standard"><b>{safe_text(_("Standard"))}</b> '
        f"{safe_text(deck.standard)}</p>"
        "</div>"
        f'<div class="atlas-slide-locator">{locator}</div>'
        "</section>"
    )


#: The deck's style, scoped to ``.atlas-deck``: sizes in container query units (cqh, cqw of
#: the deck), floors in pixels; the headline is at least 48 px.
STYLE = f"""
.atlas-deck {{ box-sizing: border-box; container-type: size; position: relative;
  width: min(100%, calc((100vh - 140px) * 16 / 9)); aspect-ratio: 16 / 9; margin: 0 auto;
  display: flex; flex-direction: column; overflow: hidden; border-radius: 6px;
  background: {BACKGROUND}; color: {TEXT}; line-height: 1.15; }}
.atlas-deck:fullscreen {{ width: 100vw; height: 100vh; aspect-ratio: auto; border-radius: 0; }}
.atlas-deck *, .atlas-deck *::before {{ box-sizing: border-box; }}
.atlas-deck:focus {{ outline: none; }}
.atlas-deck:focus-visible {{ outline: 3px solid {ACCENT}; outline-offset: 2px; }}
.atlas-deck .atlas-slides {{ flex: 1 1 auto; min-height: 0; position: relative; cursor: pointer; }}
.atlas-deck .atlas-slide {{ height: 100%; display: grid; padding: 3.5cqh 4cqw 1cqh;
  grid-template-columns: minmax(0, 1fr) 36cqw; grid-template-rows: auto auto auto minmax(0, 1fr);
  grid-template-areas: "kicker kicker" "title title" "ratio ratio" "facts map";
  column-gap: 3cqw; }}
.atlas-deck .atlas-slide[hidden] {{ display: none; }}
.atlas-deck p, .atlas-deck h2 {{ margin: 0; padding: 0; color: inherit; letter-spacing: 0; }}
.atlas-deck .atlas-slide-kicker {{ grid-area: kicker; color: {MUTED};
  font-size: max(16px, min(4.2cqh, 2.4cqw)); margin-bottom: 0.6cqh; }}
.atlas-deck .atlas-slide-title {{ grid-area: title; font-size: max(48px, min(9cqh, 5.1cqw));
  font-weight: 800; line-height: 1.1; overflow-wrap: anywhere; display: -webkit-box;
  -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }}
.atlas-deck .atlas-slide-ratio {{ grid-area: ratio; color: {ACCENT}; font-weight: 800;
  font-size: max(44px, min(11cqh, 6.2cqw)); line-height: 1.1; margin: 1.5cqh 0 2cqh;
  overflow-wrap: anywhere; }}
.atlas-deck .atlas-slide-facts {{ grid-area: facts; min-height: 0; overflow: hidden;
  display: flex; flex-direction: column; gap: 1.6cqh; }}
.atlas-deck .atlas-slide-gap {{ font-size: max(24px, min(6.6cqh, 3.7cqw)); font-weight: 700; }}
.atlas-deck .atlas-slide-status {{ font-size: max(20px, min(5.4cqh, 3cqw)); }}
.atlas-deck .atlas-slide-counts {{ font-size: max(16px, min(4.4cqh, 2.5cqw)); color: {MUTED}; }}
.atlas-deck .atlas-slide-standard {{ font-size: max(14px, min(3.6cqh, 2cqw)); color: {MUTED};
  line-height: 1.3; }}
.atlas-deck .atlas-slide-standard b {{ color: {TEXT}; margin-right: 0.4em; }}
.atlas-deck .atlas-slide-locator {{ grid-area: map; min-height: 0; display: flex;
  align-items: flex-start; justify-content: flex-end; }}
.atlas-deck .atlas-slide-map {{ display: block; width: 100%; height: 100%; object-fit: contain;
  object-position: right top; }}
.atlas-deck .atlas-slide-nomap {{ color: {MUTED}; font-size: max(14px, 3.6cqh); }}
.atlas-deck .atlas-deck-bar {{ flex: 0 0 auto; display: flex; align-items: center;
  gap: 1.5cqw; padding: 1.2cqh 4cqw 2cqh; font-size: max(14px, min(3.4cqh, 1.9cqw)); }}
.atlas-deck .atlas-deck-bar button {{ font: inherit; font-weight: 700; color: {TEXT};
  background: #2a2a2a; border: 2px solid {TEXT}; border-radius: 6px; padding: 0.2em 0.7em;
  cursor: pointer; line-height: 1.2; }}
.atlas-deck .atlas-deck-bar button:hover {{ background: #3a3a3a; }}
.atlas-deck .atlas-deck-bar button:focus-visible {{ outline: 3px solid {ACCENT}; }}
.atlas-deck .atlas-counter {{ font-weight: 700; min-width: 4.5em; text-align: center; }}
.atlas-deck .atlas-hint {{ flex: 1 1 auto; color: {MUTED}; text-align: right; }}
"""  # i18n-ignore: CSS

#: The deck's behaviour. No ``<`` anywhere (see the module notes): comparisons are written
#: with ``>``. One key listener per page: a deck drawn again (a rerun, a page opened again)
#: replaces the previous one's, and a listener whose deck has left the page removes itself.
SCRIPT = """
(function () {
  var script = document.currentScript;
  var deck = script && script.closest(".atlas-deck");
  if (!deck) { return; }
  var slides = Array.prototype.slice.call(deck.querySelectorAll(".atlas-slide"));
  var counter = deck.querySelector(".atlas-counter");
  var current = 0;
  function show(i) {
    current = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach(function (s, k) { s.hidden = k !== current; });
    counter.textContent = (current + 1) + " / " + slides.length;
    deck.setAttribute("data-current", String(current + 1));
  }
  function full() {
    if (document.fullscreenElement === deck) { document.exitFullscreen(); return; }
    if (deck.requestFullscreen) {
      var asked = deck.requestFullscreen();
      if (asked && asked.catch) { asked.catch(function () {}); }
    }
  }
  var steps = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1,
               ArrowLeft: -1, ArrowUp: -1, PageUp: -1};
  function onKey(e) {
    if (!deck.isConnected) { document.removeEventListener("keydown", onKey); return; }
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var target = e.target;
    if (target && target.closest && target.closest(
        "input, textarea, select, [contenteditable]:not([contenteditable='false'])")) { return; }
    var onButton = target && target.closest && target.closest("button, a");
    if (onButton && (e.key === " " || e.key === "Enter")) { return; }
    if (e.key in steps) { show(current + steps[e.key]); }
    else if (e.key === "Home") { show(0); }
    else if (e.key === "End") { show(slides.length - 1); }
    else if (e.key === "f" || e.key === "F") { full(); }
    else { return; }
    e.preventDefault();
  }
  if (window.__atlasDeckKeys) {
    document.removeEventListener("keydown", window.__atlasDeckKeys);
  }
  window.__atlasDeckKeys = onKey;
  document.addEventListener("keydown", onKey);
  deck.querySelector(".atlas-prev").addEventListener("click", function () { show(current - 1); });
  deck.querySelector(".atlas-next").addEventListener("click", function () { show(current + 1); });
  var button = deck.querySelector(".atlas-full");
  button.addEventListener("click", full);
  deck.addEventListener("fullscreenchange", function () {
    // The words are the page's language, given by Python on the button.
    button.textContent = document.fullscreenElement === deck ? button.dataset.exit : button.dataset.enter;
  });
  deck.querySelector(".atlas-slides").addEventListener("click", function (e) {
    var box = e.currentTarget.getBoundingClientRect();
    show(current + (e.clientX - box.left > box.width * 0.35 ? 1 : -1));
    deck.focus({preventScroll: true});
  });
  show(0);
})();
"""  # i18n-ignore: JavaScript


def deck_html(deck: Deck, settlements: gpd.GeoDataFrame, *, metric_crs: CRS | None = None) -> str:
    """The slides of ``deck`` as one self-contained HTML fragment (inline style and script).

    Parameters
    ----------
    deck
        :func:`atlas.summaries.slides.build_slides` of a cluster.
    settlements
        The settlements with ``settlement_id`` and their boundaries (any CRS), e.g.
        ``GapResult.settlements``; the deck's members are drawn on each locator map.
    metric_crs
        The projected CRS the locator maps are drawn in (the dataset's); by default the local
        UTM zone of the members.

    Returns
    -------
    str
        A ``<div class="atlas-deck">`` with one ``<section class="atlas-slide">`` per slide
        (the summary first, the only one not hidden), the buttons and counter, the style and
        the script; no address outside the fragment.

    Examples
    --------
    >>> import atlas
    >>> from atlas.summaries.slides import build_slides
    >>> sample = atlas.load_sample()
    >>> result = atlas.compute_gaps(sample, atlas.load_standard("cape-town"))
    >>> deck = build_slides(result, sample, "Northern Ridge Cluster")
    >>> page = deck_html(deck, result.settlements, metric_crs=sample.metric_crs)
    >>> page.count('class="atlas-slide"'), "1 tap : 84 households" in page
    (11, True)
    """
    locator = Locator.of(_members(deck, settlements, metric_crs))
    total = len(deck.slides)
    sections = []
    for index, slide in enumerate(deck.slides):
        if slide.settlement_id is None:
            alt = _(
                "Map of the {count} settlements of {cluster}, numbered",
                count=len(deck.member_ids),
                cluster=deck.summary.title,
            )
            drawn = _locator(locator, alt, None, numbered=True)
        else:
            alt = _(
                "Map of {cluster} with {settlement} in yellow",
                cluster=deck.summary.title,
                settlement=slide.title,
            )
            position = deck.member_ids.index(slide.settlement_id)
            drawn = _locator(locator, alt, position, numbered=False)
        sections.append(_slide(slide, index, total, deck, drawn))
    label = safe_text(
        _("Slides of {cluster}: {category}", cluster=deck.summary.title, category=deck.category)
    )
    enter, leave = safe_text(_("Full screen")), safe_text(_("Exit full screen"))
    return (
        f'<div class="atlas-deck" tabindex="0" role="region" aria-roledescription="slide deck" '
        f'aria-label="{label}" data-count="{total}" data-current="1">'
        f"<style>{STYLE}{_base_style(locator)}</style>"
        f'<div class="atlas-slides" aria-live="polite">{"".join(sections)}</div>'
        '<div class="atlas-deck-bar">'
        f'<button type="button" class="atlas-prev" aria-label="{safe_text(_("Previous slide"))}">'
        "◀</button>"
        f'<span class="atlas-counter" aria-live="polite">1 / {total}</span>'
        f'<button type="button" class="atlas-next" aria-label="{safe_text(_("Next slide"))}">'
        "▶</button>"
        f'<span class="atlas-hint">{safe_text(_(HINT))}</span>'
        f'<button type="button" class="atlas-full" data-enter="{enter}" data-exit="{leave}">'
        f"{enter}</button>"
        "</div>"
        f"<script>{SCRIPT}</script>"
        "</div>"
    )
