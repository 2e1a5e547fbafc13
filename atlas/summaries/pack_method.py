"""How a submission pack's numbers were made, one line each: the files (with their digests, as
an export's provenance records them, :mod:`atlas.exports.provenance`), the statuses' date, the
standard and its source, how points are counted, what is estimated, the deliveries compared,
the records read, where the recipient came from, and the day and version of the atlas."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from atlas.i18n import _, format_number, long_date
from atlas.load.dataset import Dataset
from atlas.summaries.cluster_report import ClusterReport
from atlas.summaries.pack_recipient import Recipient
from atlas.summaries.pack_words import METHOD, RECIPIENT_SOURCES

__all__ = ["method_lines"]

#: How many characters of a file's SHA-256 are printed (enough to tell two files apart).
DIGEST = 16


def _recipient_source(recipient: Recipient) -> str:
    words = RECIPIENT_SOURCES
    if recipient.source == "contacts":
        detail = recipient.detail or (
            recipient.contact_id and _(words["contact"], contact=recipient.contact_id)
        )
        return _(words["contacts_detail"], detail=detail) if detail else _(words["contacts"])
    return _(words.get(recipient.source, words["office"]))


def method_lines(
    report: ClusterReport,
    dataset: Dataset,
    recipient: Recipient,
    day: date,
    *,
    sources: Sequence[str] = (),
    delivery_period: tuple[date, date] | None = None,
    records_day: date | None = None,
    version: str = "",
) -> list[str]:
    """The lines of "How the numbers were made", in reading order (plain text).

    Examples
    --------
    >>> import atlas
    >>> from atlas.summaries.cluster_report import build_cluster_report
    >>> from atlas.summaries.pack_recipient import office_recipient
    >>> ds = atlas.load_sample()
    >>> r = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> report = build_cluster_report(r, ds, "Kgotso South Cluster")
    >>> lines = method_lines(report, ds, office_recipient("speaker"), date(2026, 3, 3))
    >>> lines[1]
    'settlements.geojson (settlements): 30 of 30 rows used, coordinates in EPSG:4326 (SHA-256 f5c644db7af8f33e…).'
    """
    lines = []
    if dataset.name:
        lines.append(_(METHOD["dataset"], name=dataset.name))
    for item in dataset.inputs:
        lines.append(
            _(
                METHOD["file"],
                name=item.name,
                layer=item.layer,
                used=format_number(item.used),
                features=format_number(item.features),
                crs=item.crs or _(METHOD["no_coordinates"]),
                digest=item.sha256[:DIGEST],
            )
        )
    if not dataset.inputs:
        # The report's line of files (:mod:`atlas.summaries.cluster_report`), in its language.
        files = _("Files: {files}.").split("{files}")[0].strip()
        lines.extend(line for line in report.source_lines if files and line.startswith(files))
    lines.extend(sources or [_(METHOD["file_statuses"])])
    lines.append(" ".join(report.standard_lines))
    lines.append(_(METHOD["counted"], crs=report.metric_crs.name))
    lines.extend(report.notes)
    if report.standard.notes:
        lines.append(_(METHOD["about_standard"], notes=report.standard.notes))
    if delivery_period is not None:
        first, last = delivery_period
        lines.append(_(METHOD["deliveries"], first=long_date(first), last=long_date(last)))
    if records_day is not None:
        lines.append(_(METHOD["records"], day=long_date(records_day)))
    lines.append(_(METHOD["recipient"], source=_recipient_source(recipient)))
    lines.append(_(METHOD["made"], day=long_date(day), version=version).replace("  ", " "))
    return lines
