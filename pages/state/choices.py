"""What a session chooses: a dataset's source, a raster, the delivery comparison in use.

Frozen, hashable values: the session state (:mod:`~pages.state.session`) holds them and the
caches of the other :mod:`pages.state` modules are keyed by them. They live in a module of their
own so that the session module can type its accessors without importing the caches.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from atlas.history import Spell
from atlas.i18n import N_, _, format_number
from atlas.raster import parse_classes
from atlas.store.times import LOCAL_ZONE
from atlas.summaries.timing import as_of_sentence
from layers.raster import describe_rule

__all__ = ["DeliveriesUsed", "RasterChoice", "Source", "Timing"]  # i18n-ignore: names


@dataclass(frozen=True)
class Source:
    """Where a dataset comes from: the embedded sample (no paths) or files with options.

    ``services`` may be None when the settlements carry their own counts (``water_working``…
    mapped in ``mapping``); ``crs`` holds ``(layer, "EPSG:XXXX")`` pairs for files with no
    CRS or a wrong one; ``zeros_are_counts`` keeps 0 households with 0 people as a count;
    ``municipality_name`` titles reports when the wards give only a code.
    """

    label: str
    settlements: str | None = None
    services: str | None = None
    wards: str | None = None
    clusters: str | None = None
    mapping: tuple[str, ...] = ()
    crs: tuple[tuple[str, str], ...] = ()
    zeros_are_counts: bool = False
    municipality_name: str | None = None
    #: ``(layer, "cp1252")`` pairs: the text encoding chosen for a file (else detected).
    encoding: tuple[tuple[str, str], ...] = ()
    #: ``(layer, "informal_2019")`` pairs: the layer read from a multi-layer file.
    layers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RasterChoice:
    """A raster the user chose: its file, what it holds and, for a hazard, which cells count.

    The words are kept in English (a choice is a cache key, the same in every language) and
    translated where shown: :attr:`label` and :attr:`zone`. ``name`` is the English name of a
    sample raster (marked for the catalogue) or ``Your file: …``, with ``file_name`` the
    upload's own name; ``hazard_zone`` what the hazard cells are called in a sentence.
    """

    name: str
    path: str
    kind: str = "count"
    threshold: float | None = None
    classes: tuple[float, ...] = ()
    class_labels: tuple[tuple[float, str], ...] = ()
    hazard_zone: str = N_("the hazard zone")
    file_name: str | None = None

    @property
    def label(self) -> str:
        """The raster's name as shown, in the session's language."""
        if self.file_name is not None:
            return _("Your file: {name}", name=self.file_name)
        return _(self.name) if self.name else ""

    @property
    def zone(self) -> str:
        """What the hazard cells are called in a sentence (``the flood zone``), in the
        session's language."""
        return _(self.hazard_zone)

    @property
    def rule(self) -> str:
        """The hazard rule in words (``value ≥ 1``, ``classes 1, 2``)."""
        return describe_rule(self.threshold, self.classes or None)

    @property
    def rule_name(self) -> str:
        """How hazard cells are chosen: ``classes`` when classes are given, else ``threshold``."""
        return "classes" if self.classes else "threshold"

    @property
    def threshold_value(self) -> float:
        """The threshold as shown in a number box: 1 when there is none."""
        return float(self.threshold or 1.0)

    @property
    def classes_text(self) -> str:
        """The hazard classes as typed in a box (``1, 2``); ``1`` when there are none."""
        return ", ".join(format_number(c) for c in self.classes) or "1"

    def with_kind(self, kind: str) -> RasterChoice:
        """This raster holding people ``kind`` (``count``: per cell, ``density``: per km²)."""
        return dataclasses.replace(self, kind=kind)

    def with_threshold(self, value: float) -> RasterChoice:
        """This hazard raster with cells at or above ``value`` counting as hazard."""
        return dataclasses.replace(self, threshold=float(value), classes=())

    def with_classes(self, text: str) -> RasterChoice:
        """This hazard raster with the cells of the classes typed in ``text`` (``2, 3``)
        counting as hazard; raises :class:`atlas.SchemaError` naming an item that is not a
        number (see :func:`atlas.raster.parse_classes`)."""
        return dataclasses.replace(self, threshold=None, classes=tuple(parse_classes(text)))


@dataclass(frozen=True)
class DeliveriesUsed:
    """The water-delivery comparison last shown on the Water deliveries page."""

    source: Source
    schedule: str
    deliveries: str
    start: date
    end: date
    late_hours: float
    short_percent: float


@dataclass(frozen=True)
class Timing:
    """The service points' statuses as of a moment (the Map, Clusters and profile pages'
    "as of" date): the services file's, changed by the confirmed reports' out-of-service
    ``spells`` (no text, no contact: the same for every role, so safe as a cache key).

    ``day`` is the date chosen, ``moment`` its end; ``since`` the date the services file's
    statuses describe (before it they are unknown), when the Data page gave one.
    """

    day: date
    moment: datetime
    since: datetime | None = None
    spells: tuple[Spell, ...] = ()

    @property
    def out(self) -> int:
        """How many service points confirmed reports had out of service at ``moment``."""
        return len({s.service_id for s in self.spells if s.covers(self.moment)})

    @property
    def sentence(self) -> str:
        """The statuses' date in words, for a printed page (the day written out)."""
        file_day = self.since.astimezone(LOCAL_ZONE).date() if self.since else None
        return as_of_sentence(self.day, self.out, file_day)

    def point_spells(self) -> dict[str, list[Spell]]:
        """The spells per service point."""
        found: dict[str, list[Spell]] = {}
        for spell in self.spells:
            found.setdefault(spell.service_id, []).append(spell)
        return found
