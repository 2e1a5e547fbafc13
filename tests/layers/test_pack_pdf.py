"""The submission pack on paper, read back with poppler: page 1 is the letter (one page, the
recipient named, the law of that recipient quoted, the asks with the atlas's numbers), then the
evidence, how the numbers were made and the signature sheet; 18 settlements with deliveries and
25 open reports fit in 6 pages.

The tests that read the PDF skip, saying how to install poppler, when ``pdftotext`` is missing.
Page 1 of the sample's pack to its ward councillor is saved as
``test-artifacts/pack_ward_councillor_page1.png``, page 1 of the 18-settlement pack as
``test-artifacts/pack_18_page1.png`` and its signature sheet as ``pack_18_sheet.png``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

import atlas
from atlas import Dataset, GapResult
from atlas.store.timeline import ReportLife
from atlas.store.times import LOCAL_ZONE
from atlas.summaries.pack import build_submission_pack
from atlas.summaries.pack_recipient import resolve_recipient
from layers.pack_pdf import MAX_PAGES, render_pack, submission_pack
from tests.atlas.test_pack import CLUSTER, CONTACTS, DAY, LIVES, MOMENT, TAPS
from tests.atlas.test_report import (
    ARTIFACTS,
    HOSTILE_CLUSTER,
    big_cluster,
    flat,
    needs_poppler,
    pdf_text,
)
from tests.conftest import MARKUP

pytestmark = needs_poppler

#: Per recipient: the contact the letter goes to, and what its law says (the citations).
RECIPIENTS = {
    "ward_councillor": ("Nomvula Dube", "Ward Councillor, Ward 99900016",
                        ["section 17(2)", "Municipal Structures Act 117 of 1998, sections 73 and 74",
                         "regulation 3"]),
    "idp_office": ("Lindiwe Mokoena", "IDP Manager, Office of the City Manager",
                   ["Municipal Systems Act 32 of 2000, section 26(b)", "section 17(2)",
                    "communities which do not have access to basic municipal services"]),
    "mpac_chair": ("Pieter Jacobs", "Chairperson, Municipal Public Accounts Committee (MPAC)",
                   ["section 79A", "section 73(1)", "oversight"]),
    "speaker": ("Fatima Adams", "Speaker of the Council",
                ["section 17(2)", "petitions", "a petition"]),
    "department": ("Water and Sanitation", "Head of Department, water services",
                   ["Water Services Act 108 of 1997, section 3", "regulation 3",
                    "25 litres of potable water per person per day"]),
}  # fmt: skip


def pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext ends each page with a form feed), whitespace flat."""
    return [flat(p) for p in pdf_text(pdf).split("\f")[:-1]]


def render(pdf: Path, png: Path, page: int = 1) -> None:
    args = ["-png", "-r", "110", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run(["pdftoppm", *args, str(pdf), str(png.with_suffix(""))], check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, GapResult]:
    ds = atlas.load_sample()
    return ds, atlas.compute_gaps(ds, atlas.load_standard("cape-town"))


@pytest.fixture(scope="module")
def image(sample: tuple[Dataset, GapResult]) -> bytes:
    """The Kgotso South Cluster map, drawn once for every recipient's pack."""
    from layers.report_pdf import _map_png

    ds, result = sample
    to = resolve_recipient("speaker", contacts=CONTACTS)
    return _map_png(build_submission_pack(result, ds, CLUSTER, to, generated=DAY).report)


@pytest.mark.parametrize("role", list(RECIPIENTS))
def test_each_letter_names_its_recipient_and_quotes_its_law(
    role: str, sample: tuple[Dataset, GapResult], image: bytes, tmp_path: Path
) -> None:
    ds, result = sample
    to = resolve_recipient(role, contacts=CONTACTS, ward_id="99900016", on=DAY)
    pack = build_submission_pack(result, ds, CLUSTER, to, generated=DAY, lives=LIVES,
                                 moment=MOMENT)  # fmt: skip
    target = tmp_path / f"{role}.pdf"
    target.write_bytes(render_pack(pack, image))
    text = pages(target)
    letter = text[0]
    name, office, law = RECIPIENTS[role]
    assert f"{name} {office} Sample Metro (synthetic)" in letter
    assert f"Dear {name}," in letter
    for words in law:
        assert words in letter, words
    # One page: from its heading to its signature on page 1, the evidence from page 2 on.
    assert letter.startswith("SUBMISSION Kgotso South Cluster Date: 3 March 2026 Sample Metro")
    assert letter.endswith(
        "Yours faithfully, For Kgotso South Cluster Name: Role in the cluster: Signature: "
        f"Contact: Settlement Atlas · submission of Kgotso South Cluster to {to.title} · "
        f"3 March 2026 · page 1 of {len(text)}"
    )
    assert "EVIDENCE" not in letter and text[1].startswith("EVIDENCE The evidence: Kgotso")
    if role == "department":  # water only
        assert "Install 131 taps in Kgotso South Cluster" in letter
        assert "toilets" not in letter.split("We therefore ask")[1].split("Answer")[0]
    else:
        parts = ", ".join(f"{n} in {p}" for p, n in TAPS[:-1]) + f" and {TAPS[-1][1]} in "
        assert f"Install 131 taps in Kgotso South Cluster, to reach 1 tap for 25 households: " \
               f"{parts}{TAPS[-1][0]}." in letter  # fmt: skip
        assert "Install 857 toilets in Kgotso South Cluster" in letter
        assert "Repair the 32 broken toilets: 14 in Bophelong Ext 2, 10 in Khayalethu" in letter
    assert "Repair the 12 broken taps: 4 in Khayalethu, 4 in Bophelong Ext 2" in letter
    assert "Answer this submission in writing by 2 April 2026" in letter
    assert text[-1].startswith("SIGNATURE SHEET We support this submission of Kgotso South")
    assert "No. Name Settlement Signature I consent to the use of my name" in text[-1]
    if role == "ward_councillor":
        ARTIFACTS.mkdir(exist_ok=True)
        render(target, ARTIFACTS / "pack_ward_councillor_page1.png")


def test_the_evidence_has_the_table_map_reports_and_method(
    sample: tuple[Dataset, GapResult], image: bytes, tmp_path: Path
) -> None:
    ds, result = sample
    to = resolve_recipient("idp_office", contacts=CONTACTS)
    pack = build_submission_pack(result, ds, CLUSTER, to, generated=DAY, lives=LIVES,
                                 moment=MOMENT, references={"b": "C-2026-0117"})  # fmt: skip
    target = tmp_path / "pack.pdf"
    target.write_bytes(render_pack(pack, image))
    evidence = " ".join(pages(target)[1:-1])
    # Table rows read line by line (pdftotext -layout), each line's spaces collapsed.
    rows = {flat(line) for line in pdf_text(target, layout=True).splitlines()}
    assert "1. The gaps against the standard Standard used: City of Cape Town target." in evidence
    assert "1 Khayalethu 99900016 1 370 13 55 42 1 tap : 105 households 22 275 253" in rows
    assert "Cluster total: 9 settlements 4 646 61 191 131 1 tap : 76 households 77 934 857" in rows
    assert (
        "2. Where the settlements are" in evidence and "Map: the cluster's settlements" in evidence
    )
    # The open reports, the oldest first, with their days open and the municipality's reference.
    assert "3. Our open reports, the oldest first" in evidence
    assert {
        "1 Ubuntu Corner Water Broken 2026-01-01 11",
        "2 Kgotsong Water Broken 2026-01-10 52 C-2026-0117",
        "3 Reitumetse Toilets and sanitation Blocked 2026-02-02 29",
        "4 Khayalethu Water Broken 2026-02-10 21",
    } <= rows
    assert "2 fixed, in a median of 15 days from when the problem was seen" in evidence
    assert "How the numbers were made Dataset: sample." in evidence
    assert "Recipient: the cluster's contacts (contact C4)." in evidence


@pytest.fixture(scope="module")
def eighteen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[dict]]]:
    """The hand-made 18-settlement cluster (a hostile name among them) to the Speaker, with a
    delivery schedule for every settlement and 25 open reports."""
    names = [f"Generated Settlement {i + 1:02d}" for i in range(18)]
    names[3] = MARKUP
    ds, truth = big_cluster(names, HOSTILE_CLUSTER)
    result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    ids = [f"S{i:02d}" for i in range(18)]
    table = pd.DataFrame({"settlement_id": ids, "scheduled": 13, "delivered": 8, "late": 1,
                          "short": 1, "missed": 3, "unscheduled": 0})  # fmt: skip

    def seen(day: int) -> datetime:
        return datetime(2026, 1, day, 8, tzinfo=LOCAL_ZONE)

    lives = [
        ReportLife(
            f"R{i:02d}",
            ids[i % 18],
            None,
            "water",
            "broken",
            seen(1 + i),
            ((seen(1 + i), "reported"),),
        )
        for i in range(25)
    ]
    to = resolve_recipient("speaker", contacts=CONTACTS)
    target = tmp_path_factory.mktemp("pack") / "pack.pdf"
    submission_pack(
        result, ds, HOSTILE_CLUSTER, to, target, generated=DAY, compliance=table,
        delivery_period=(date(2026, 1, 1), date(2026, 3, 1)), lives=lives, moment=MOMENT,
    )  # fmt: skip
    yield target, truth


def test_18_settlements_fit_in_6_pages_with_a_one_page_letter(
    eighteen: tuple[Path, list[dict]],
) -> None:
    target, truth = eighteen
    text = pages(target)
    assert len(text) <= MAX_PAGES == 6
    letter = text[0]
    assert letter.startswith(f"SUBMISSION {HOSTILE_CLUSTER}")
    assert "Signature: Contact: Settlement Atlas · submission of" in letter
    assert text[1].startswith(f"EVIDENCE The evidence: {HOSTILE_CLUSTER}")
    # The asks, with the numbers known by construction; the hostile name drawn as text.
    gaps = {t["name"]: t["water_gap"] for t in truth if t["water_gap"]}
    assert f"Install {sum(gaps.values())} taps in {HOSTILE_CLUSTER}" in letter
    assert f"in {MARKUP}" in letter
    assert "Not counted: Generated Settlement 18 (households not known)." in letter
    assert "Deliver water as scheduled: 54 of the 234 deliveries scheduled from 1 January 2026 " \
           "to 1 March 2026 did not come" in letter  # fmt: skip
    assert "Fix the 25 problems we reported that are still open, the oldest seen on 1 January " \
           "2026 (25 open for more than 30 days)" in letter  # fmt: skip
    assert "This letter and its signature sheet are a petition" in letter
    evidence = " ".join(text[1:-1])
    assert "Cluster total: 144 of 234 scheduled deliveries arrived on time and in full." in evidence
    assert "And 5 more open reports, newer than these." in evidence
    assert text[-1].startswith("SIGNATURE SHEET")
    ARTIFACTS.mkdir(exist_ok=True)
    render(target, ARTIFACTS / "pack_18_page1.png")
    render(target, ARTIFACTS / "pack_18_sheet.png", page=len(text))
