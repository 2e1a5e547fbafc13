"""Downloads: the current view as files, and the printable cluster report (cached: rendering
takes a second or two; by the session's language too, which their words are written in)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import atlas
from atlas.exports import Download
from atlas.i18n import N_
from atlas.store.timeline import ReportLife
from atlas.summaries.pack_recipient import Recipient
from layers.standalone import output_download
from pages.state.choices import DeliveriesUsed, RasterChoice, Source, Timing
from pages.state.deliveries import delivery_compliance
from pages.state.language import cache_in_language
from pages.state.sources import dataset_of
from pages.state.view import gaps, gaps_as_of

__all__ = ["download", "pack_pdf", "poster_pdf", "report_pdf"]


def _measured(
    source: Source, standard: str, population: RasterChoice | None, timing: Timing | None
) -> tuple[atlas.GapResult, atlas.Dataset, list[str]]:
    """The gaps, the dataset and the source lines a file says them with: as of ``timing``
    (the page's "Statuses as of" date) when given."""
    if timing is None:
        return gaps(source, standard, population), dataset_of(source, standard), []
    dataset, result = gaps_as_of(source, standard, population, timing)
    return result, dataset, [timing.sentence]


@cache_in_language(max_entries=16, show_spinner=N_("Preparing the download…"))
def download(
    source: Source,
    standard: str,
    fmt: str,
    cluster: str | None,
    category: str,
    deliveries: DeliveriesUsed | None = None,
    population: RasterChoice | None = None,
    on: date | None = None,
    timing: Timing | None = None,
) -> Download:
    """The current view as a file to download (cached: rendering HTML takes a second or two),
    named by the cluster (else the settlements file, or ``sample``), the standard, the date
    ``on`` (default today: pass it, so that the cache keeps no file named for yesterday) and
    the format."""
    # The dataset's own name is the app's label ("Files: informal.shp"): name by the file.
    subject = cluster or (Path(source.settlements).stem if source.settlements else None)
    result, dataset, _lines = _measured(source, standard, population, timing)
    return output_download(
        result,
        dataset,
        fmt,
        clusters=[cluster] if cluster else None,
        category=category,
        compliance=delivery_compliance(deliveries, source, standard),
        on=on,
        subject=subject,
    )


@cache_in_language(max_entries=16, show_spinner=N_("Drawing the cluster report…"))
def report_pdf(
    source: Source,
    standard: str,
    cluster: str,
    deliveries: DeliveriesUsed | None = None,
    population: RasterChoice | None = None,
    timing: Timing | None = None,
) -> bytes:
    """The printable PDF report of a cluster (cached by source, standard, cluster, deliveries,
    population raster and "as of" timing, which the report names)."""
    from layers.report_pdf import cluster_report

    result, dataset, lines = _measured(source, standard, population, timing)
    return cluster_report(
        result,
        dataset,
        cluster,
        sources=lines,
        compliance=delivery_compliance(deliveries, source, standard),
    )


@cache_in_language(max_entries=8, show_spinner=N_("Drawing the wall map…"))
def poster_pdf(
    source: Source,
    standard: str,
    cluster: str,
    size: str,
    population: RasterChoice | None = None,
    timing: Timing | None = None,
) -> bytes:
    """The cluster's wall map at ``size`` (A3, A2 or A1), cached like the report."""
    from layers.poster_pdf import cluster_poster

    result, dataset, lines = _measured(source, standard, population, timing)
    return cluster_poster(result, dataset, cluster, size=size, sources=lines)


@cache_in_language(max_entries=8, show_spinner=N_("Drawing the submission pack…"))
def pack_pdf(
    source: Source,
    standard: str,
    cluster: str,
    recipient: Recipient,
    on: date,
    deliveries: DeliveriesUsed | None = None,
    population: RasterChoice | None = None,
    timing: Timing | None = None,
    lives: tuple[ReportLife, ...] | None = None,
    moment: datetime | None = None,
    references: tuple[tuple[str, str | None], ...] = (),
) -> bytes:
    """The cluster's submission pack to ``recipient``, dated ``on`` (cached like the report;
    keyed by everything it shows: the reports' lifecycles, which every role may read, and
    the municipality's references a member or coordinator was given)."""
    from layers.pack_pdf import submission_pack

    result, dataset, lines = _measured(source, standard, population, timing)
    used = deliveries if deliveries is not None and deliveries.source == source else None
    return submission_pack(
        result,
        dataset,
        cluster,
        recipient,
        generated=on,
        sources=lines,
        compliance=delivery_compliance(deliveries, source, standard),
        delivery_period=None if used is None else (used.start, used.end),
        lives=None if lives is None else list(lives),
        moment=moment,
        references=dict(references),
    )
