"""The letter of a submission pack: who it is to, what the cluster is, where it stands against
the standard, the law that fits the recipient, the asks and what is attached; one page on paper
(:mod:`layers.pack_pdf`). Its words are :data:`atlas.summaries.pack_words.LETTER`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import _, format_number, is_missing, long_date, ngettext, noun, plural
from atlas.measure.pipeline import GapResult
from atlas.measure.standards import DEMAND_COLUMN, Standard
from atlas.summaries.cluster_report import ClusterReport
from atlas.summaries.legal import Provision
from atlas.summaries.pack_asks import Ask, ratio_words
from atlas.summaries.pack_recipient import Recipient
from atlas.summaries.pack_words import (
    LETTER,
    LETTER_COUNTS,
    ROLE,
    SIGN_FIELDS,
    SUBJECT_SERVICES,
    listed,
)
from atlas.summaries.phrases import ratio_phrase

__all__ = ["Letter", "build_letter"]  # i18n-ignore: names of the API


@dataclass(frozen=True)
class Letter:
    """The letter, in reading order (plain text; the layout draws it on one page)."""

    kicker: str
    recipient: tuple[str, ...]
    day: str
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    law_heading: str
    law: tuple[str, ...]
    why: str
    ask_intro: str
    asks: tuple[str, ...]
    closing: tuple[str, ...]
    sign_off: tuple[str, ...]
    sign_fields: tuple[str, ...]


def _capital(text: str) -> str:
    """``text`` with a capital first letter, the rest as the language writes it (``isiZulu``'s
    words keep their capitals inside; :meth:`str.capitalize` would lower them)."""
    return text[:1].upper() + text[1:]


def _ward_sentence(result: GapResult, report: ClusterReport, ward: str | None) -> str:
    if ward is None:
        return ""
    overlaps = result.ward_overlaps
    ids = set(overlaps.loc[overlaps["ward_id"].astype(str) == ward, "settlement_id"].astype(str))
    names = [
        str(n)
        for s, n in zip(report.members["settlement_id"], report.members["name"], strict=True)
        if str(s) in ids
    ]
    if not names:
        return ""
    return ngettext(*LETTER_COUNTS["ward"], len(names), ward=ward, names=listed(names))


def _standing(record: dict[str, Any], standard: Standard, category: str) -> str:
    """``Taps: 61 working for 4 646 households (1 tap : 76 households); 131 more are needed.``"""
    working, gap = record.get(f"{category}_working"), record.get(f"{category}_gap")
    rule = standard.rule(category)
    demand = record.get(DEMAND_COLUMN[rule.unit])
    if working is None or demand is None or is_missing(working) or is_missing(demand):
        return ""
    fields = {
        "label": _capital(noun(rule.point_label, 2)),
        "working": format_number(working),
        "demand": plural(demand, "household" if rule.unit == "households" else rule.unit),
        "ratio": ratio_phrase(record, category, standard),
    }
    if gap is None or is_missing(gap):
        return _(LETTER["standing"], **fields)
    return ngettext(*LETTER_COUNTS["standing_gap"], gap, **fields)


def build_letter(
    report: ClusterReport,
    result: GapResult,
    recipient: Recipient,
    categories: Sequence[str],
    provisions: Sequence[Provision],
    asks: Sequence[Ask],
    day: date,
    evidence: Sequence[str],
) -> Letter:
    """The letter of ``report``'s cluster to ``recipient``: the law ``provisions``, the
    ``asks`` and the ``evidence`` attached, dated ``day``."""
    standard = report.standard
    totals = report.cluster_row
    households = (
        _(LETTER["households_unknown"])
        if totals is None or pd.isna(totals["households"].iloc[0])
        else plural(float(totals["households"].iloc[0]), "household")
    )
    rules = "; ".join(ratio_words(standard.rule(c), distance=True) for c in categories)
    intro = _(
        LETTER["intro_in"] if report.municipality else LETTER["intro"],
        cluster=report.cluster,
        settlements=plural(len(report.members), "settlement"),
        households=households,
        municipality=report.municipality,
        standard=standard.name,
        rules=rules,
    )
    if recipient.role == "ward_councillor":
        ward = _ward_sentence(result, report, recipient.ward_id)
        intro += f" {ward}" if ward else ""
    record = {} if totals is None else to_records(totals)[0]
    summary = [s for c in categories if (s := _standing(record, standard, c))]
    lines = [recipient.name, recipient.office] if recipient.name else [recipient.addressee]
    if report.municipality:
        lines.append(report.municipality)
    lines += [v for v in (recipient.email, recipient.phone) if v]
    greeting = (
        _(LETTER["greeting_named"], name=recipient.name)
        if recipient.name
        else _(LETTER["greeting"], greeting=_(ROLE[recipient.role]["greeting"]))
    )
    words = [_(SUBJECT_SERVICES[c]) if c in SUBJECT_SERVICES else c for c in categories]
    services = listed([_capital(w) if i == 0 else w for i, w in enumerate(words)])
    return Letter(
        kicker=_(LETTER["kicker"]),
        recipient=tuple(lines),
        day=_(LETTER["date"], day=long_date(day)),
        subject=_(
            LETTER["subject"],
            services=services,
            settlements=plural(len(report.members), "settlement"),
            cluster=report.cluster,
        ),
        greeting=greeting,
        paragraphs=(intro, " ".join(summary)),
        law_heading=_(LETTER["law"]),
        law=tuple(p.sentence for p in provisions),
        why=_(ROLE[recipient.role]["why"], ward=recipient.ward_id),
        ask_intro=_(LETTER["ask_intro"]),
        asks=tuple(a.text for a in asks),
        closing=(_(LETTER["evidence"], parts=listed(list(evidence))),),
        sign_off=(_(LETTER["closing"]), _(LETTER["for"], cluster=report.cluster)),
        sign_fields=tuple(_(f) for f in SIGN_FIELDS),
    )
