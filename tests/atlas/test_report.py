"""The printable cluster report: built from the API, rendered with poppler, read back as text.

The PDF is rendered to PNG with ``pdftoppm`` and read with ``pdftotext`` (both from Debian's
``poppler-utils``); the tests that need them skip, saying so, when they are missing. Page 1 of
the sample cluster's report is saved as ``test-artifacts/cluster_report_page1.png``.

About Arabic: the report shapes Arabic (joined letter forms, right to left) with HarfBuzz, and
the PDF maps every shaped glyph back to the letters it came from. ``pdftotext`` returns those
letters in logical (reading) order, but wraps each right-to-left run in the bidi embedding
marks U+202B … U+202C; the tests drop such invisible direction marks before comparing. Line
wrapping is also undone (whitespace collapsed), since a 300-character name spans several lines.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import Point, box

import atlas
from atlas import Dataset, GapResult, Report, SchemaError
from atlas.i18n import format_number
from atlas.schedules import compliance_sentence
from atlas.summaries.cluster_report import build_cluster_report
from layers.report_pdf import cluster_report
from tests.conftest import (
    ARABIC,
    LONG,
    MARKUP,
    METRIC,
    services_frame,
    settlements_frame,
    wards_frame,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DAY = date(2026, 3, 3)
CAPE_TOWN = atlas.load_standard("cape-town")
SAMPLE_CLUSTER = "Ilanga East Cluster"
BIG = "Masakhane Cluster"

ZULU = "KwaDukuza eMgababa Ṱhohoyandou Tšhepong ëé"
QUOTES = "Phola \"Park\" ${x} **Zone** `2` \\ & 'Ext'"
HOSTILE_CLUSTER = "Ṱhohoyandou <b>Cluster</b>"

POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="pdftoppm/pdftotext not found: install Debian's poppler-utils "
    "(apt-get install poppler-utils) to render and read the cluster report",
)
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(pdf: Path, *, layout: bool = False) -> str:
    """The text of ``pdf`` as pdftotext reads it (NFC, no bidi marks)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return _BIDI_MARKS.sub("", unicodedata.normalize("NFC", out))


def flat(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]


def render_page1(pdf: Path, png: Path) -> None:
    """Page 1 of ``pdf`` as ``png`` at 110 dpi."""
    args = ["-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(["pdftoppm", *args, str(pdf), str(png.with_suffix(""))], check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- a generated cluster of 18 settlements, whose gaps are known by construction ---------------


def big_cluster(names: list[str] | None = None, cluster: str = BIG) -> tuple[Dataset, list[dict]]:
    """18 square settlements on a jittered 6 × 3 grid, two neighbours of another cluster,
    taps and toilets placed inside each settlement, three wards of "Generated Metro"."""
    rng = np.random.default_rng(7)
    names = names or [f"Generated Settlement {i + 1:02d}" for i in range(18)]
    rows, points, truth = [], [], []
    for i, name in enumerate(names):
        x = (i % 6) * 420 + rng.uniform(-60, 60)
        y = (i // 6) * 420 + rng.uniform(-60, 60)
        side = rng.uniform(90, 200)
        households = float(rng.integers(40, 1400))
        working, broken = int(rng.integers(0, 12)), int(rng.integers(0, 3))
        toilets = int(rng.integers(0, 60))
        row = {"settlement_id": f"S{i:02d}", "name": name, "cluster": cluster}
        if i == 16:
            row["population"] = households * CAPE_TOWN.household_size  # estimated households
        elif i != 17:  # number 18: households and population unknown
            row["households"] = households
        rows.append({**row, "geometry": box(x, y, x + side, y + side)})
        for k in range(working + broken):
            status = "working" if k < working else "broken"
            points.append((f"w{i}-{k}", "water", status, x + 5 + k * 3, y + side / 2))
        for k in range(toilets):
            points.append((f"s{i}-{k}", "sanitation", "working", x + 5 + k, y + side / 3))
        known = i != 17
        truth.append(
            {
                "name": name,
                "households": households if known else math.nan,
                "water_gap": max(0, math.ceil(households / 25) - working) if known else None,
            }
        )
    for j in range(2):
        rows.append(
            {
                "settlement_id": f"N{j}",
                "name": f"Neighbour {j}",
                "households": 100.0,
                "cluster": "Another Cluster",
                "geometry": box(2600 + j * 300, 900, 2750 + j * 300, 1050),
            }
        )
    wards = wards_frame(
        [
            ("19100001", box(-500, -500, 800, 1400)),
            ("19100002", box(800, -500, 1700, 1400)),
            ("19100003", box(1700, -500, 3400, 1400)),
        ]
    )
    wards["municipality"] = "Generated Metro"
    reports = tuple(
        Report(layer, f"/data/generated/{layer}.geojson")
        for layer in ("settlements", "services", "wards")
    )
    dataset = Dataset(
        settlements_frame(rows), services_frame(points), wards, CRS(METRIC), reports, "generated"
    )
    return dataset, truth


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, GapResult]:
    ds = atlas.load_sample()
    return ds, atlas.compute_gaps(ds, CAPE_TOWN)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], GapResult]:
    dataset, truth = big_cluster()
    result = atlas.compute_gaps(dataset, CAPE_TOWN)
    path = tmp_path_factory.mktemp("report") / "big.pdf"
    cluster_report(result, dataset, BIG, path, generated=DAY, sources=["Household count 2025"])
    return path, truth, result


# -- content, without poppler -------------------------------------------------------------------


def test_unknown_cluster_lists_the_clusters(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    with pytest.raises(SchemaError, match="Ilanga East Cluster, Kgotso South Cluster") as info:
        cluster_report(result, ds, "Nowhere Cluster")
    assert isinstance(info.value, ValueError)
    assert "Nowhere Cluster" in str(info.value)


def test_content_comes_from_the_api(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    report = build_cluster_report(result, ds, SAMPLE_CLUSTER, generated=DAY)
    members = result.settlements[result.settlements["cluster"] == SAMPLE_CLUSTER]
    assert report.municipality == "Sample Metro (synthetic)"
    assert len(report.rows) == len(report.sentences) == len(members) == 10
    # Worst water gap first, numbered 1, 2, … like the map.
    gaps = [int(row[6]) for row in report.rows]
    assert gaps == sorted(gaps, reverse=True)
    assert [row[0] for row in report.rows] == [str(i) for i in range(1, 11)]
    assert report.headings[:4] == ("No.", "Settlement", "Ward", "Households")
    assert report.totals[1] == "Cluster total: 10 settlements"
    assert report.totals[3:7] == ("6 287", "46", "256", "213")
    assert "Source: City of Cape Town" in " ".join(report.standard_lines)
    assert any("settlements.geojson (settlements)" in line for line in report.source_lines)
    assert report.generated == DAY


def test_municipality_can_be_given(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    report = build_cluster_report(result, ds, SAMPLE_CLUSTER, municipality="eThekwini")
    assert report.municipality == "eThekwini"
    assert report.generated == date.today()


def test_the_municipality_name_given_to_the_dataset_titles_the_report(
    sample: tuple[Dataset, GapResult],
) -> None:
    import dataclasses

    ds, result = sample
    named = dataclasses.replace(ds, municipality_name=" City of Cape Town ")
    report = build_cluster_report(result, named, SAMPLE_CLUSTER)
    assert report.municipality == "City of Cape Town"  # wins over the wards' code
    given = build_cluster_report(result, named, SAMPLE_CLUSTER, municipality="eThekwini")
    assert given.municipality == "eThekwini"  # an explicit argument wins over both
    blank = dataclasses.replace(ds, municipality_name="  ")
    assert build_cluster_report(result, blank, SAMPLE_CLUSTER).municipality == (
        "Sample Metro (synthetic)"
    )


def test_settlements_in_no_cluster_are_never_a_cluster_name(
    sample: tuple[Dataset, GapResult],
) -> None:
    from atlas.summaries.phrases import NOT_IN_A_CLUSTER, with_cluster_labels

    ds, result = sample
    # The sample has one settlement in no cluster: its row of the clusters has no name.
    assert result.clusters["cluster"].isna().sum() == 1
    with pytest.raises(SchemaError) as info:
        build_cluster_report(result, ds, "Nowhere Cluster")
    message = str(info.value)
    assert "None" not in message and f"(and '{NOT_IN_A_CLUSTER}')" in message
    # Asked for by that label, they are reported together, like a cluster.
    report = build_cluster_report(result, ds, NOT_IN_A_CLUSTER, generated=DAY)
    alone = result.settlements[result.settlements["cluster"].isna()]
    assert report.title == NOT_IN_A_CLUSTER and len(report.rows) == len(alone) == 1
    assert report.totals[1] == "Total: 1 settlement"
    assert report.summary[0].startswith(f"{NOT_IN_A_CLUSTER} (1 settlement, ")
    assert set(report.others["settlement_id"]).isdisjoint(alone["settlement_id"])
    assert len(report.others) == len(result.settlements) - 1
    labelled = with_cluster_labels(result.clusters)
    assert labelled["cluster"].tolist()[-1] == NOT_IN_A_CLUSTER
    assert result.clusters["cluster"].isna().sum() == 1  # the original is left alone


def test_source_lines_name_files_never_their_folders(sample: tuple[Dataset, GapResult]) -> None:
    import dataclasses

    ds, result = sample
    uploaded = dataclasses.replace(
        ds,
        reports=(
            Report("settlements", "/tmp/atlas-uploads/0123abcd/informal.zip"),
            Report("services", "/srv/data/taps.gpkg (layer 'taps/2024')"),
        ),
    )
    lines = " ".join(build_cluster_report(result, uploaded, SAMPLE_CLUSTER).source_lines)
    assert "Files: informal.zip (settlements), taps.gpkg (layer 'taps/2024') (services)." in lines
    assert "/tmp" not in lines and "/srv" not in lines


def test_writes_the_file_and_returns_the_bytes(
    sample: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    ds, result = sample
    path = tmp_path / "r.pdf"
    pdf = cluster_report(result, ds, "Kgotso South Cluster", path, generated=DAY)
    assert pdf.startswith(b"%PDF-") and path.read_bytes() == pdf


# -- rendered and read back with poppler --------------------------------------------------------


@needs_poppler
def test_sample_report_renders_and_reads_back(
    sample: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    ds, result = sample
    path = tmp_path / "sample.pdf"
    cluster_report(result, ds, SAMPLE_CLUSTER, path, generated=DAY)
    ARTIFACTS.mkdir(exist_ok=True)
    render_page1(path, ARTIFACTS / "cluster_report_page1.png")
    assert page_count(path) <= 2
    text = flat(pdf_text(path))
    members = result.settlements[result.settlements["cluster"] == SAMPLE_CLUSTER]
    for record in atlas.to_records(members):
        assert flat(record["name"]) in text
        assert f"{format_number(round(record['households']))} households" in text
    for expected in (
        SAMPLE_CLUSTER,
        "Sample Metro (synthetic) · 3 March 2026",
        CAPE_TOWN.name,
        CAPE_TOWN.source,
        "1 tap : 137 households",
        "Ext 7 'Phola'",
        "settlements.geojson",
    ):
        assert expected in text


@needs_poppler
def test_the_report_of_settlements_in_no_cluster_says_so(
    sample: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    from atlas.summaries.phrases import NOT_IN_A_CLUSTER

    ds, result = sample
    path = tmp_path / "alone.pdf"
    cluster_report(result, ds, NOT_IN_A_CLUSTER, path, generated=DAY)
    text = flat(pdf_text(path))
    assert text.count(NOT_IN_A_CLUSTER) >= 2  # the title and the summary sentences
    assert "None" not in text and "Total: 1 settlement" in text


@needs_poppler
def test_eighteen_settlements_fit_on_two_pages(big: tuple[Path, list[dict], GapResult]) -> None:
    path, truth, result = big
    assert page_count(path) <= 2
    ARTIFACTS.mkdir(exist_ok=True)
    render_page1(path, ARTIFACTS / "cluster_report_18_page1.png")
    lines = pdf_text(path, layout=True).splitlines()
    for row in truth:
        # The table row: name, ward, households, working, needed, gap in that order.
        (line,) = [x for x in lines if re.match(rf"\s*\d+\s+{row['name']}\s", x)]
        households = (
            "unknown" if math.isnan(row["households"]) else format_number(row["households"])
        )
        gap = "unknown" if row["water_gap"] is None else format_number(row["water_gap"])
        pattern = rf"{row['name']}\s+1910000\d\s+{households}\s+\d+\s+(\d+|unknown)\s+{gap}\s"
        assert re.search(pattern, line), (pattern, line)
    totals = result.clusters.set_index("cluster").loc[BIG]
    (line,) = [x for x in lines if "Cluster total" in x]
    for value in (totals["households"], totals["water_working"], totals["water_gap"]):
        assert f" {format_number(value)} " in f"{line} "
    text = flat(pdf_text(path))
    assert "Generated Metro · 3 March 2026" in text
    assert "Household count 2025" in text and "settlements.geojson (settlements)" in text
    assert re.search(
        r"Settlement 18 has \d+ working taps?; its number of households is not known", text
    )
    assert "estimated from population" in text and CAPE_TOWN.source in text


@needs_poppler
def test_hostile_names_survive(tmp_path: Path) -> None:
    names = [MARKUP, LONG, ZULU, ARABIC, QUOTES]
    dataset, _ = big_cluster(names, HOSTILE_CLUSTER)
    wards = dataset.wards
    assert wards is not None
    wards["name"] = [ARABIC, QUOTES, MARKUP]
    wards["municipality"] = ZULU
    result = atlas.compute_gaps(dataset, CAPE_TOWN)
    path = tmp_path / "hostile.pdf"
    cluster_report(result, dataset, HOSTILE_CLUSTER, path, generated=DAY)
    text = flat(pdf_text(path))
    for name in [MARKUP, LONG, ZULU, QUOTES, HOSTILE_CLUSTER]:
        assert flat(name) in text, name
    # Each name also starts its plain sentences, whole.
    assert f"{flat(LONG)} has " in text and f"{MARKUP} has " in text
    # Table, the bold name and the two sentences (poppler moves the space before "has" into
    # the right-to-left run, so the name is counted rather than matched with "has").
    assert text.count(arabic_as_extracted(ARABIC)) >= 4
    assert page_count(path) <= 2


def delivery_compliance(result: GapResult) -> pd.DataFrame:
    """Made-up compliance of the big cluster: settlement i has i % 7 scheduled deliveries, all
    but one of them delivered (none scheduled for every seventh)."""
    ids = [s for s in result.settlements["settlement_id"] if str(s).startswith("S")]
    scheduled = [int(s[1:]) % 7 for s in ids]
    delivered = [max(0, n - 1) for n in scheduled]
    return pd.DataFrame({"settlement_id": ids, "scheduled": scheduled, "delivered": delivered})


def test_delivery_lines_follow_the_table_order(big: tuple[Path, list[dict], GapResult]) -> None:
    _, _, result = big
    dataset, _ = big_cluster()
    per = delivery_compliance(result)
    report = build_cluster_report(result, dataset, BIG, generated=DAY, compliance=per)
    assert build_cluster_report(result, dataset, BIG, generated=DAY).deliveries == ()
    counts = per.set_index("settlement_id")
    order = {str(r["settlement_id"]): i for i, r in enumerate(atlas.to_records(report.members), 1)}
    names = dict(zip(report.members["settlement_id"], report.members["name"], strict=True))
    expected = []
    for sid, number in sorted(order.items(), key=lambda item: item[1]):
        n, d = counts.loc[sid, ["scheduled", "delivered"]]
        if n:
            expected.append(f"{number}. {names[sid]}: {compliance_sentence(int(n), int(d))}.")
    assert list(report.deliveries[: len(expected)]) == expected
    assert report.deliveries[-2].startswith("No deliveries scheduled for: ")
    total = compliance_sentence(int(counts["scheduled"].sum()), int(counts["delivered"].sum()))
    assert report.deliveries[-1] == f"Cluster total: {total}."


@needs_poppler
def test_delivery_section_reads_back_within_two_pages(
    big: tuple[Path, list[dict], GapResult], tmp_path: Path
) -> None:
    _, _, result = big
    dataset, _ = big_cluster()
    per = delivery_compliance(result)
    path = tmp_path / "deliveries.pdf"
    cluster_report(result, dataset, BIG, path, generated=DAY, compliance=per)
    assert page_count(path) <= 2
    text = flat(pdf_text(path))
    assert "Water deliveries" in text
    unscheduled = text.split("No deliveries scheduled for: ")[1].split("Cluster total")[0]
    for row in per.itertuples():
        name = f"Generated Settlement {int(row.settlement_id[1:]) + 1:02d}"
        if row.scheduled:
            assert f"{name}: {compliance_sentence(row.scheduled, row.delivered)}." in text
        else:
            assert re.search(rf"\d+\. {name}[,.]", unscheduled), name
    total = compliance_sentence(int(per["scheduled"].sum()), int(per["delivered"].sum()))
    assert f"Cluster total: {total}." in text


def arabic_as_extracted(name: str) -> str:
    """``name`` as pdftotext gives it back from the shaped PDF.

    The letters come back in reading order, with one exception: HarfBuzz draws lam + alef as a
    single ligature glyph (required in Arabic) which the PDF maps to both letters, and poppler,
    turning the right-to-left glyph run back into reading order glyph by glyph, also flips the
    two letters inside that glyph. The page itself shows the name correctly.
    """
    return name.replace("لا", "ال")


def test_arabic_extraction_allowance_is_narrow() -> None:
    assert arabic_as_extracted("حي السلام") == "حي السالم"
    assert arabic_as_extracted("مخيم النور") == "مخيم النور"  # no lam-alef: unchanged


def test_map_draws_without_pyplot_or_warnings(sample: tuple[Dataset, GapResult]) -> None:
    from layers.static_map import cluster_map, map_png

    ds, result = sample
    members = result.settlements[result.settlements["cluster"] == SAMPLE_CLUSTER]
    figure = cluster_map(
        members,
        members["water_gap"].astype(float).to_numpy(),
        [str(i) for i in range(1, len(members) + 1)],
        metric_crs=ds.metric_crs,
        services=result.services[result.services["category"] == "water"],
        wards=ds.wards,
    )
    png = map_png(figure, dpi=60)
    assert png[:4] == b"\x89PNG"
    texts = {t.get_text() for ax in figure.axes for t in ax.texts}
    assert {"N", "0", "1 km"} <= texts and "1" in texts and "10" in texts
    assert any("99900020" in t for t in texts)  # a ward label


def test_map_handles_unknown_gaps_and_no_points() -> None:
    from layers.static_map import cluster_map, map_png

    members = settlements_frame([{"settlement_id": "A", "geometry": Point(0, 0).buffer(80)}])
    figure = cluster_map(members, [math.nan], ["1"], metric_crs=CRS(METRIC))
    assert map_png(figure, dpi=40)[:4] == b"\x89PNG"
    legend_texts = [t.get_text() for t in figure.axes[1].get_children()[0].get_texts()]
    assert legend_texts == ["unknown (no household count)"]
    assert services_frame([]).empty


@needs_poppler
@pytest.mark.parametrize("option", ["--municipality-name", "--municipality"])
def test_the_command_line_titles_the_report_with_the_municipality_name(
    option: str, tmp_path: Path
) -> None:
    from atlas.cli import main

    pdf = tmp_path / "report.pdf"
    argv = ["report", "--cluster", SAMPLE_CLUSTER, "--output", str(pdf), "--quiet"]
    assert main([*argv, option, "City of Cape Town"]) == 0
    assert "City of Cape Town" in pdf_text(pdf)
