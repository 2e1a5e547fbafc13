"""The submission pack's words, the records' labels and the responsible's sentences in another
language (DESIGN §8): every template is filled (no ``{field}`` is left in what people read) and
the numbers are the English pack's, whatever the language's catalogue says. The words
themselves are not asserted: the catalogues are not reviewed yet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

import pytest

import atlas
from atlas import Dataset, GapResult
from atlas.i18n import LANGUAGES, speaking
from atlas.summaries.figures import cluster_figures
from atlas.summaries.pack import SubmissionPack, build_submission_pack
from atlas.summaries.pack_asks import ratio_words
from atlas.summaries.pack_recipient import office_recipient, resolve_recipient
from atlas.summaries.records import (
    count_table,
    history_table,
    plain_words,
    report_facts,
    report_table,
    report_title,
)
from atlas.summaries.responsible import contact_label, responsible, responsible_table
from atlas.summaries.timing import as_of_sentence
from tests.atlas.test_pack import (
    CLUSTER,
    CONTACTS,
    DAY,
    LIVES,
    MOMENT,
    delivery_compliance,
)

#: A field left unfilled: ``{cluster}``, ``{n}``.
FIELD = re.compile(r"\{\w*\}")
#: isiZulu, and Afrikaans with its decimal comma.
OTHERS = [code for code in ("zu", "af") if code in LANGUAGES]


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, GapResult]:
    ds = atlas.load_sample()
    return ds, atlas.compute_gaps(ds, atlas.load_standard("cape-town"))


def texts(value: Any) -> Iterator[str]:
    """Every string a pack (or any of its parts) holds, its report's tables left out."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            if field.name not in {"report", "response"}:
                yield from texts(getattr(value, field.name))


def pack_in(code: str, sample: tuple[Dataset, GapResult], role: str) -> SubmissionPack:
    ds, result = sample
    table, period = delivery_compliance(result)
    with speaking(code):
        to = resolve_recipient(role, contacts=CONTACTS, ward_id="99900016")
        return build_submission_pack(
            result,
            ds,
            CLUSTER,
            to,
            generated=DAY,
            municipality="Sample Metro",
            compliance=table,  # type: ignore[arg-type]
            delivery_period=period,
            lives=LIVES,
            moment=MOMENT,
        )


@pytest.mark.parametrize("role", ["ward_councillor", "speaker"])
def test_every_field_of_the_pack_is_filled(role: str, sample: tuple[Dataset, GapResult]) -> None:
    english = pack_in("en", sample, role)
    for code in OTHERS:
        pack = pack_in(code, sample, role)
        words = [*texts(pack), pack.footer, pack.records.more if pack.records else ""]
        assert [text for text in words if FIELD.search(text)] == [], code
        # The same asks, counted alike, and as many lines of law and method.
        assert [(a.kind, a.total) for a in pack.asks] == [(a.kind, a.total) for a in english.asks]
        assert len(pack.letter.law) == len(english.letter.law)
        assert len(pack.method) == len(english.method)
        assert len(pack.sheet.columns) == len(english.sheet.columns)


@pytest.mark.parametrize("code", OTHERS)
def test_the_labels_and_sentences_are_filled(code: str, sample: tuple[Dataset, GapResult]) -> None:
    _ds, result = sample
    record = {
        "service_request_id": "r1", "status": "open", "state": "not_fixed",
        "category": "water", "problem": "no_water", "settlement_id": "S1",
        "settlement_name": "Ilanga", "requested_datetime": "2026-11-01T08:00:00+02:00",
        "observed_at": "2026-11-01T07:00:00+02:00", "channel": "paper", "reporter": "thandi",
        "service_id": None, "cluster": "Ilanga East Cluster",
    }  # fmt: skip
    with speaking(code):
        words = [
            report_title(record),
            plain_words("Report 7 is not_fixed since observed_at."),
            as_of_sentence(None, 1, date(2026, 1, 15)),
            as_of_sentence(date(2026, 3, 10), 3),
            ratio_words(result.standard.rule("water"), distance=True),
            office_recipient("speaker").addressee,
            contact_label({"role": "ward_councillor", "name": "P", "ward_id": "5"}),
            *(value for pair in report_facts(record) for value in pair),
            *(label for label, _n in cluster_figures(result.clusters, CLUSTER, result.standard,
                                                      "water")),
            *(r.sentence() for r in responsible({"ward_id": None}, "water", [], provider="X")),
        ]  # fmt: skip
        tables = [
            report_table([record], leave_out=["Cluster"]),
            history_table([{"at": None, "actor": "a", "state_from": None, "state_to": "fixed"}]),
            count_table([]),
            responsible_table(
                [{"service": "water", "responsible": responsible({}, "water", [])[1]}]
            ),
        ]
    assert [text for text in words if FIELD.search(text)] == []
    assert [len(table.columns) for table in tables] == [10, 7, 11, 7]
    assert all(isinstance(c, str) and c for table in tables for c in table.columns)
