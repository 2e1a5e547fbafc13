"""What a cluster's submission pack says: a one-page letter to a named recipient with the law
that fits them and countable asks, the evidence, how the numbers were made, a signature sheet.

The pack is built on the cluster report (:func:`atlas.summaries.cluster_report.build_cluster_report`:
the same table, map, deliveries, standard and notes), with the asks of
:mod:`atlas.summaries.pack_asks`, the law of :mod:`atlas.summaries.legal`, the recipient of
:mod:`atlas.summaries.pack_recipient` and, with the cluster's records, the open reports of
:mod:`atlas.summaries.pack_records`. Pure: everything comes in as arguments (the recipient is
resolved by the caller). :mod:`layers.pack_pdf` lays it out on A4.

Examples
--------
>>> import atlas
>>> from atlas.summaries.pack_recipient import office_recipient
>>> ds = atlas.load_sample()
>>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
>>> to = office_recipient("idp_office")
>>> pack = build_submission_pack(result, ds, "Kgotso South Cluster", to)
>>> pack.asks[0].text[:60]
'Install 131 taps in Kgotso South Cluster, to reach 1 tap for'
>>> [p.short for p in pack.provisions]
['MSA s26(b)', 'MSA s17(2)', 'Regulation 3']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from atlas.exports.provenance import atlas_version
from atlas.i18n import _, long_date, speaking
from atlas.i18n import language as current_language
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.store.timeline import ReportLife
from atlas.store.times import LOCAL_ZONE
from atlas.summaries.cluster_report import (
    REPORT_CATEGORIES,
    ClusterReport,
    build_cluster_report,
)
from atlas.summaries.legal import Provision, legal_basis
from atlas.summaries.pack_asks import (
    Ask,
    answer_ask,
    delivery_ask,
    install_ask,
    repair_ask,
    reports_ask,
)
from atlas.summaries.pack_letter import Letter, build_letter
from atlas.summaries.pack_method import method_lines
from atlas.summaries.pack_recipient import Recipient
from atlas.summaries.pack_records import RecordsEvidence, records_evidence
from atlas.summaries.pack_words import (
    EVIDENCE,
    EVIDENCE_PARTS,
    SHEET,
    SHEET_COLUMNS,
    check_language,
)

__all__ = [
    "REPLY_WITHIN",
    "Letter",  # i18n-ignore: a name of the API
    "SignatureSheet",
    "SubmissionPack",
    "build_submission_pack",
]

#: A written answer is asked for this long after the pack's day (the store's default due day
#: of a submission, :data:`atlas.store.submissions.DUE_AFTER`, is the same 30 days).
REPLY_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class SignatureSheet:
    """The signature sheet: a title, who it is addressed to, its columns and the consent note."""

    kicker: str
    title: str
    intro: str
    columns: tuple[str, ...]
    consent: str


@dataclass(frozen=True)
class SubmissionPack:
    """The content of one submission pack.

    Parameters
    ----------
    report
        The cluster report it is built on (the evidence table, map, deliveries and notes).
    recipient
        Who it is addressed to.
    language
        The language it is written in (a code of :data:`atlas.i18n.LANGUAGES`).
    generated
        Its day.
    reply_by
        The day a written answer is asked for.
    categories
        The service categories it asks about (a department's own, else water and sanitation).
    provisions
        The law the letter quotes.
    asks
        What it asks for, in the letter's order.
    letter
        The letter.
    delivery_period
        The first and last day of the water delivery comparison, when there is one.
    records
        The cluster's open reports and the response to them (None without the records).
    method
        How the numbers were made, one line each.
    sheet
        The signature sheet.
    """

    report: ClusterReport
    recipient: Recipient
    language: str
    generated: date
    reply_by: date
    categories: tuple[str, ...]
    provisions: tuple[Provision, ...]
    asks: tuple[Ask, ...]
    letter: Letter
    delivery_period: tuple[date, date] | None
    records: RecordsEvidence | None
    method: tuple[str, ...]
    sheet: SignatureSheet

    @property
    def cluster(self) -> str:
        """The cluster's name."""
        return self.report.cluster

    @property
    def footer(self) -> str:
        """What every page's foot says before its page number."""
        return _(
            EVIDENCE["footer"],
            cluster=self.cluster,
            to=self.recipient.title,
            day=long_date(self.generated),
        )

    @property
    def deliveries(self) -> tuple[str, ...]:
        """The water deliveries section's lines (the report's), when water is asked about."""
        return self.report.deliveries if "water" in self.categories else ()


def _asks(
    report: ClusterReport,
    categories: Sequence[str],
    compliance: pd.DataFrame | None,
    period: tuple[date, date] | None,
    records: RecordsEvidence | None,
    reply_by: date,
) -> list[Ask]:
    asks: list[Ask | None] = []
    for category in categories:
        asks.append(install_ask(report, category))
    for category in categories:
        asks.append(repair_ask(report, category))
    if compliance is not None and "water" in categories:
        asks.append(delivery_ask(report, compliance, period))
    if records is not None and records.oldest is not None:
        asks.append(reports_ask(records.per_settlement, records.oldest, records.over_30))
    asks.append(answer_ask(reply_by))
    return [a for a in asks if a is not None]


def build_submission_pack(
    result: GapResult,
    dataset: Dataset,
    cluster: str,
    recipient: Recipient,
    *,
    generated: date | None = None,
    language: str | None = None,
    municipality: str | None = None,
    sources: Sequence[str] = (),
    compliance: pd.DataFrame | None = None,
    delivery_period: tuple[date, date] | None = None,
    lives: Sequence[ReportLife] | None = None,
    moment: datetime | None = None,
    references: dict[str, str | None] | None = None,
    reply_by: date | None = None,
) -> SubmissionPack:
    """Gather the content of ``cluster``'s submission pack to ``recipient``.

    Parameters
    ----------
    result, dataset, cluster, municipality, generated, sources, compliance
        As for :func:`atlas.summaries.cluster_report.build_cluster_report` (``sources``:
        extra lines for how the numbers were made, such as the statuses' date).
    recipient
        Who it is addressed to (:func:`atlas.summaries.pack_recipient.resolve_recipient`).
    language
        The language to write it in (a code of :data:`atlas.i18n.LANGUAGES`); by default
        the language of the session.
    delivery_period
        The first and last day the schedule was compared over (with ``compliance``).
    lives
        The reports' lifecycles (:func:`atlas.store.timeline.report_lives`): adds the open
        reports and the response times; None without the cluster's records.
    moment
        When the reports are counted open (timezone-aware); by default the end of
        ``generated`` in South Africa.
    references
        The municipality's reference per report id, for the open reports' table.
    reply_by
        The day a written answer is asked for; by default 30 days after ``generated``.

    Raises
    ------
    SchemaError
        An unknown cluster, a language the pack is not written in, a bad compliance table.
    """
    language = check_language(language or current_language())
    with speaking(language):  # every word of the pack, whatever the session speaks
        day = generated or date.today()
        reply = reply_by or day + REPLY_WITHIN
        report = build_cluster_report(
            result,
            dataset,
            cluster,
            municipality=municipality,
            generated=day,
            sources=sources,
            compliance=compliance,
        )
        categories = (
            (recipient.category or "water",)
            if recipient.role == "department"
            else REPORT_CATEGORIES
        )
        records = None
        if lives is not None:
            at = moment or datetime.combine(
                day + timedelta(days=1), datetime.min.time(), LOCAL_ZONE
            )
            members = {
                str(s): str(n or s)
                for s, n in zip(
                    report.members["settlement_id"], report.members["name"], strict=True
                )
            }
            only = recipient.category if recipient.role == "department" else None
            records = records_evidence(
                lives, members, at, cluster=cluster, references=references, category=only
            )
        asks = _asks(report, categories, compliance, delivery_period, records, reply)
        water = any(a.category == "water" and a.kind != "answer" for a in asks)
        provisions = legal_basis(recipient.role, categories[0], water=water)
        shown = {
            "deliveries": compliance is not None and "water" in categories,
            "records": records is not None,
        }
        evidence = [_(words) for key, words in EVIDENCE_PARTS.items() if shown.get(key, True)]
        letter = build_letter(
            report, result, recipient, categories, provisions, asks, day, evidence
        )
        addressee = recipient.line
        sheet = SignatureSheet(
            kicker=_(SHEET["kicker"]),
            title=_(SHEET["title"], cluster=cluster),
            intro=_(
                SHEET["intro_petition"] if recipient.role == "speaker" else SHEET["intro"],
                addressee=addressee,
                day=long_date(day),
                cluster=cluster,
            ),
            columns=tuple(_(c) for c in SHEET_COLUMNS),
            consent=_(SHEET["consent"]),
        )
        method = method_lines(
            report,
            dataset,
            recipient,
            day,
            sources=sources,
            delivery_period=delivery_period if compliance is not None else None,
            records_day=None if records is None else records.day,
            version=atlas_version(),
        )
        return SubmissionPack(
            report=report,
            recipient=recipient,
            language=language,
            generated=day,
            reply_by=reply,
            categories=tuple(categories),
            provisions=tuple(provisions),
            asks=tuple(asks),
            letter=letter,
            delivery_period=delivery_period if compliance is not None else None,
            records=records,
            method=tuple(method),
            sheet=sheet,
        )
