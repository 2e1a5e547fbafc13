"""The wall map: one ISO sheet, read back with poppler as printed.

``pdfinfo`` gives the page size, ``pdftotext -bbox`` every word with its box (in points), from
which the tests rebuild each settlement's entry (a column's lines, from one name line to the
next), measure the type (a DejaVu word box is 1.164 em tall) and check that nothing runs off
the sheet or over other text. The map is a picture in the PDF, so its numbers are checked on
the figure itself: no two number circles overlap. Page 1 of the sample, a hostile-names and a
crowded poster (and Cape Town's 52 Khayelitsha settlements when ../shared/real is there) are
saved as PNGs in ``test-artifacts/``. Tools missing: the tests that need them skip, saying so.

Hand-checked numbers of the sample's Northern Ridge Cluster (``atlas gaps --level
settlement`` on the sample, City of Cape Town target: 1 tap per 25 households, 1 toilet per 5):
Mohau Park has 1 675 households and 20 working taps (2 broken): ceil(1675 / 25) = 67 needed,
47 missing, 1675 / 20 = 83.75, "1 tap : 84 households"; ceil(1675 / 5) = 335 toilets needed,
18 working, 317 missing. Kganya Hill: 1 032 households, 1 working, 1 broken, 1 of unknown
status: 42 needed, 41 missing, 1 tap : 1 032. Sinqobile: 509 households, no working tap, 1
broken: 21 missing. Mpumelelo: 110 households, 7 working: 5 needed, none missing, 110 / 7 =
15.7, "1 tap : 16". Ithemba Lethu has no household count. The cluster: 5 006 households
counted, 52 working taps, 47 + 41 + 21 + 18 + 15 + 12 + 4 = 158 missing, 5006 / 52 = 96.3.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import box

import atlas
from atlas import Dataset, GapResult, Report, SchemaError
from atlas.summaries.phrases import NOT_IN_A_CLUSTER
from atlas.summaries.poster import build_cluster_poster
from layers.poster_pdf import CAP_HEIGHT, SHEETS, cluster_poster, poster_layout
from tests.conftest import (
    ARABIC,
    LONG,
    MARKUP,
    METRIC,
    real_path,
    services_frame,
    settlements_frame,
    wards_frame,
)
from tests.layers.poster_reading import (
    ARTIFACTS,
    MM,
    assert_numbers_apart,
    assert_text_fits,
    entries,
    entry_of,
    flat,
    needs_poppler,
    page_size,
    plain_text,
    render,
    words,
)

DAY = date(2026, 3, 3)
CAPE_TOWN = atlas.load_standard("cape-town")
NORTHERN = "Northern Ridge Cluster"
ZULU = "KwaDukuza eMgababa Ṱhohoyandou Tšhepong ëé"
SOTHO = "Ntšhaba"
QUOTES = "Phola \"Park\" ${x} **Zone** `2` \\ & 'Ext'"
HOSTILE_CLUSTER = "Ṱhohoyandou <b>Cluster</b>"

# -- the data ------------------------------------------------------------------------------------


def generated_cluster(
    names: list[str],
    cluster: str,
    *,
    clumps: int = 3,
    side: float = 120.0,
    spacing: float = 420.0,
    tall: bool = False,
) -> Dataset:
    """Square settlements in ``clumps`` groups side by side (north to south when ``tall``;
    closer than their numbers are wide when ``spacing`` is small), taps and toilets inside
    each, three wards of "Generated Metro"."""
    rng = np.random.default_rng(17)
    per = -(-len(names) // clumps)
    rows, points = [], []
    for i, name in enumerate(names):
        clump, k = divmod(i, per)
        x = clump * 3000 + (k % 5) * spacing + rng.uniform(-10, 10)
        y = (k // 5) * spacing + rng.uniform(-10, 10)
        if tall:
            x, y = y, -x
        households = float(rng.integers(40, 1400))
        working, broken = int(rng.integers(0, 12)), int(rng.integers(0, 3))
        row = {"settlement_id": f"S{i:02d}", "name": name, "cluster": cluster}
        if i % 9 != 8:
            row["households"] = households
        rows.append({**row, "geometry": box(x, y, x + side, y + side)})
        for j in range(working + broken):
            status = "working" if j < working else "broken"
            points.append((f"w{i}-{j}", "water", status, x + side / 2, y + side / 2))
        points.append((f"s{i}", "sanitation", "working", x + side / 3, y + side / 3))
    rows.append(
        {
            "settlement_id": "N0",
            "name": "Neighbour",
            "households": 100.0,
            "cluster": "Another Cluster",
            "geometry": box(-900, -900, -800, -800),
        }
    )
    width = clumps * 3000
    strips = [(-1000, width / 3), (width / 3, 2 * width / 3), (2 * width / 3, width)]
    wards = wards_frame(
        [
            (f"1910000{i + 1}", box(-1000, -a, 3000, -b) if tall else box(a, -1000, b, 3000))
            for i, (a, b) in enumerate(strips)
        ]
    )
    wards["municipality"] = "Generated Metro"
    reports = tuple(
        Report(layer, f"/data/{layer}.geojson") for layer in ("settlements", "services")
    )
    return Dataset(
        settlements_frame(rows), services_frame(points), wards, CRS(METRIC), reports, "generated"
    )


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, GapResult]:
    dataset = atlas.load_sample()
    return dataset, atlas.compute_gaps(dataset, CAPE_TOWN)


@pytest.fixture(scope="module")
def northern(
    sample: tuple[Dataset, GapResult], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Path]]:
    """The sample's Northern Ridge Cluster on each sheet (the map at a low resolution)."""
    dataset, result = sample
    folder = tmp_path_factory.mktemp("poster")
    paths = {}
    for size in SHEETS:
        paths[size] = folder / f"northern-{size}.pdf"
        dpi = 80 if size == "A3" else 25  # A3 is the one saved as a picture to look at
        cluster_poster(result, dataset, NORTHERN, paths[size], size=size, generated=DAY, dpi=dpi)
    yield paths


@pytest.fixture(scope="module")
def hostile() -> tuple[Dataset, GapResult]:
    names = [MARKUP, LONG, ZULU, ARABIC, QUOTES, SOTHO] + [f"Place {i:02d}" for i in range(7, 13)]
    dataset = generated_cluster(names, HOSTILE_CLUSTER)
    assert dataset.wards is not None
    dataset.wards["name"] = [ARABIC, QUOTES, MARKUP]
    dataset.wards["municipality"] = ZULU
    return dataset, atlas.compute_gaps(dataset, CAPE_TOWN)


# -- the sheet -----------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("size", list(SHEETS))
def test_one_page_of_exactly_the_iso_size(size: str, northern: dict[str, Path]) -> None:
    width, height, pages = page_size(northern[size])
    assert pages == 1
    expected = sorted(mm * MM for mm in SHEETS[size])
    assert sorted((width, height)) == pytest.approx(expected, abs=0.01)
    info = subprocess.run(["pdfinfo", str(northern[size])], capture_output=True, text=True).stdout
    assert f"({size})" in info  # poppler names the ISO size it sees


@pytest.mark.parametrize("tall", [False, True])
def test_the_map_takes_the_clusters_shape(tall: bool) -> None:
    # Eight settlements in four pairs, 10 km from west to east (or north to south).
    names = [f"Place {i}" for i in range(8)]
    dataset = generated_cluster(names, "Strip", clumps=4, tall=tall)
    poster = build_cluster_poster(atlas.compute_gaps(dataset, CAPE_TOWN), dataset, "Strip")
    layout = poster_layout(poster, "A3")
    _, _, width, height = layout.map_box
    if tall:  # a tall sheet, the list beside a tall map
        assert (layout.orientation, layout.arrangement) == ("portrait", "side")
        assert height > 1.5 * width
    else:  # a wide sheet, the list below a wide map
        assert (layout.orientation, layout.arrangement) == ("landscape", "below")
        assert width > 2 * height
    assert layout.map_share > 0.05  # a strip covers little of any sheet


def test_an_unknown_size_is_refused_with_the_sizes(sample: tuple[Dataset, GapResult]) -> None:
    dataset, result = sample
    with pytest.raises(SchemaError, match=r"'A4'.*A3, A2, A1") as info:
        cluster_poster(result, dataset, NORTHERN, size="A4")
    assert isinstance(info.value, ValueError)


def test_an_unknown_cluster_names_the_clusters(sample: tuple[Dataset, GapResult]) -> None:
    dataset, result = sample
    with pytest.raises(SchemaError, match="Ilanga East Cluster, Kgotso South Cluster, Northern"):
        cluster_poster(result, dataset, "Nowhere Cluster", size="A3")


# -- what it says --------------------------------------------------------------------------------


def test_the_content_is_the_reports_in_few_words(sample: tuple[Dataset, GapResult]) -> None:
    dataset, result = sample
    poster = build_cluster_poster(result, dataset, NORTHERN, generated=DAY)
    assert [e.name for e in poster.entries] == [r[1] for r in poster.report.rows]
    first = poster.entries[0]
    assert (first.number, first.name, first.headline) == ("1", "Mohau Park", "needs 47 more taps")
    assert first.details == (
        "1 tap : 84 households",
        "20 working, 2 broken",
        "needs 317 more toilets",
    )
    by_name = {e.name: e for e in poster.entries}
    assert by_name["Sinqobile"].details[:2] == ("no working tap", "1 broken")
    assert by_name["Mpumelelo"].headline == "enough taps"
    assert by_name["Ithemba Lethu"].headline == "households unknown"
    assert by_name["Ithemba Lethu"].details == ("2 working, 1 broken", "3 working toilets")
    assert poster.total.name == "10 settlements, 5 006 households"
    assert poster.total.headline == "needs 158 more taps"
    assert poster.total.details[0] == "1 tap : 96 households"


@needs_poppler
def test_each_settlements_headline_numbers_read_back(northern: dict[str, Path]) -> None:
    path = northern["A3"]
    ARTIFACTS.mkdir(exist_ok=True)
    render(path, ARTIFACTS / "poster_northern_ridge_A3.png", dpi=60)
    texts = entries(path)
    expected = {
        "Mohau Park": ("needs 47 more taps", "1 tap : 84 households", "20 working, 2 broken",
                       "needs 317 more toilets"),
        "Kganya Hill": ("needs 41 more taps", "1 tap : 1 032 households",
                        "1 working, 1 broken, 1 unknown", "needs 203 more toilets"),
        "Sinqobile": ("needs 21 more taps", "no working tap", "1 broken", "needs 100 more toilets"),
        "Sizwe Village": ("needs 18 more taps", "1 tap : 114 households", "5 working, 1 broken"),
        "Phumlani": ("needs 15 more taps", "1 tap : 96 households"),
        "Thabong View": ("needs 12 more taps", "1 tap : 171 households", "2 working, 2 broken"),  # 341 / 2 = 170.5, half up
        "Ezinyoni": ("needs 4 more taps", "1 tap : 54 households"),
        "Mpumelelo": ("enough taps", "1 tap : 16 households", "7 working, 1 broken, 1 unknown"),
        "Siyathemba": ("enough taps", "1 tap : 18 households"),
        "Ithemba Lethu": ("households unknown", "2 working, 1 broken", "3 working toilets"),
    }  # fmt: skip
    for name, phrases in expected.items():
        entry = entry_of(texts, name)
        for phrase in phrases:
            assert phrase in entry, (name, phrase, entry)
    text = flat(" ".join(w.text for w in words(path)))
    for phrase in (
        NORTHERN,
        "Sample Metro (synthetic) · 3 March 2026",
        "10 settlements, 5 006 households: needs 158 more taps",
        "1 tap : 96 households · 52 working, 16 broken, 5 unknown · needs 948 more toilets",
        "Standard used: City of Cape Town target. Water: 1 tap for 25 households, within 200 m.",
        "Standard source: City of Cape Town, water and sanitation services",
        "settlements.geojson (settlements)",
        "Households and population unknown",
    ):
        assert flat(phrase) in text, phrase


@needs_poppler
def test_the_type_grows_with_the_sheet_and_is_as_large_as_the_layout_says(
    sample: tuple[Dataset, GapResult], northern: dict[str, Path]
) -> None:
    dataset, result = sample
    poster = build_cluster_poster(result, dataset, NORTHERN, generated=DAY)
    sizes = {}
    for size, path in northern.items():
        layout = poster_layout(poster, size)
        found = words(path)
        (mohau,) = [w for w in found if w.text == "Mohau"]
        # The ratio's number: the first "84" under the name.
        ratio = min((w for w in found if w.text == "84" and w.y0 > mohau.y0), key=lambda w: w.y0)
        assert mohau.size == pytest.approx(layout.points("head"), rel=0.01)
        assert ratio.size == pytest.approx(layout.points("body"), rel=0.01)
        sizes[size] = mohau.size * CAP_HEIGHT / MM  # cap height in mm
    assert sizes["A2"] / sizes["A3"] == pytest.approx(2**0.5, rel=0.01)
    assert sizes["A1"] / sizes["A3"] == pytest.approx(2, rel=0.01)
    # The rule (layers.poster_pdf): a ten-settlement cluster's names and gaps have a cap height
    # of at least 4.5 mm on A3, 9 mm on A1; its numbers two thirds of that.
    assert sizes["A3"] >= 4.5 and sizes["A1"] >= 9.0


@needs_poppler
@pytest.mark.parametrize("size", ["A3", "A1"])
def test_nothing_runs_off_the_sheet_or_over_other_text(
    size: str, northern: dict[str, Path]
) -> None:
    assert_text_fits(northern[size])


@needs_poppler
def test_hostile_names_are_drawn_as_text_and_fit(
    hostile: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = hostile
    path = tmp_path / "hostile.pdf"
    cluster_poster(result, dataset, HOSTILE_CLUSTER, path, size="A3", generated=DAY, dpi=60)
    render(path, ARTIFACTS / "poster_hostile_A3.png", dpi=60)
    assert_text_fits(path)
    text = flat(" ".join(w.text for w in words(path)))
    for name in (MARKUP, LONG, ZULU, QUOTES, SOTHO, HOSTILE_CLUSTER, "Place 12"):
        assert flat(name) in text, name
    # Arabic comes back in reading order (lam-alef as poppler flips it, see test_report).
    assert ARABIC.replace("لا", "ال") in plain_text(path)
    texts = entries(path)
    assert re.match(rf"{re.escape(MARKUP)}:? needs \d+ more taps 1 tap : ", entry_of(texts, MARKUP))
    assert " tap : " in entry_of(texts, LONG)


def test_a_name_too_long_for_its_column_is_broken_not_cut() -> None:
    from fpdf import FPDF

    from layers._pdf import prepare, release
    from layers._typeset import Typesetter

    pdf = FPDF(unit="mm")
    prepare(pdf, "t", DAY)
    try:
        setter = Typesetter(pdf)
        name = "X" * 120  # no space to break at
        lines = setter.wrap(name, 50, "B", 20)
        assert "".join(lines) == name and len(lines) > 1
        assert all(setter.width(line, "B", 20) <= 50 for line in lines)
        phrases = ("1 tap : 1 032 households", "7 working, 1 broken, 1 unknown")
        packed = setter.pack(phrases, 55, "", 12)
        assert packed == ["1 tap : 1 032 households", "7 working, 1 broken,", "1 unknown"]
    finally:
        release(pdf)


# -- crowded clusters ----------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("size", ["A3", "A1"])
def test_fifty_two_settlements_fit_in_columns_with_their_numbers_apart(
    size: str, tmp_path: Path
) -> None:
    names = [f"Crowded Place {i:02d}" for i in range(1, 53)]
    dataset = generated_cluster(names, "Crowded", clumps=4, side=30.0, spacing=45.0)
    result = atlas.compute_gaps(dataset, CAPE_TOWN)
    poster = build_cluster_poster(result, dataset, "Crowded", generated=DAY)
    layout = poster_layout(poster, size)
    assert len(layout.columns) >= 3 and sum(len(c) for c in layout.columns) == 52
    assert assert_numbers_apart(poster, size) > 0  # the clumps need leader lines
    path = tmp_path / "crowded.pdf"
    cluster_poster(
        result, dataset, "Crowded", path, size=size, generated=DAY, dpi=25 + 35 * (size == "A3")
    )
    if size == "A3":
        render(path, ARTIFACTS / "poster_crowded_52_A3.png", dpi=60)
    assert_text_fits(path)
    texts = entries(path)
    for name in names:
        assert re.match(r"\S+ \S+ \d+:? (needs \d+ more taps|enough taps|households unknown)",
                        entry_of(texts, name))  # fmt: skip


@needs_poppler
def test_the_settlements_in_no_cluster_have_a_poster_too(
    sample: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = sample
    path = tmp_path / "alone.pdf"
    cluster_poster(result, dataset, NOT_IN_A_CLUSTER, path, size="A3", generated=DAY, dpi=25)
    text = flat(" ".join(w.text for w in words(path)))
    assert NOT_IN_A_CLUSTER in text and "1 settlement, 386 households" in text
    assert "Lesedi Extension" in text and "None" not in text
    assert_text_fits(path)


def test_the_bytes_are_returned_and_written(
    sample: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = sample
    path = tmp_path / "p.pdf"
    pdf = cluster_poster(result, dataset, NORTHERN, path, size="A3", generated=DAY, dpi=20)
    assert pdf.startswith(b"%PDF-") and path.read_bytes() == pdf
    assert (
        cluster_poster(result, dataset, NORTHERN, size="a3", generated=DAY, dpi=20)[:5] == b"%PDF-"
    )


# -- the real City of Cape Town data (../shared/real) --------------------------------------------


@pytest.fixture(scope="module")
def khayelitsha(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, GapResult]:
    """Cape Town's informal settlements with the District as the cluster: Khayelitsha has 52.
    The file has toilet counts (Tlt_Total) but no taps: each settlement gets (its row % 7)
    made-up taps at a point inside it, every fourth broken."""
    import json

    import geopandas as gpd

    informal = real_path("capetown_informal_settlements_iandurbach", "informal.shp")
    wards = real_path("capetown_wards2011_code4sa", "wards.shp")
    raw = gpd.read_file(informal).to_crs(4326)
    features = []
    for i, geom in enumerate(raw.geometry):
        spot = geom.representative_point()
        for j in range(i % 7):
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "service_id": f"tap-{i}-{j}",
                        "category": "water",
                        "status": "working" if j % 4 else "broken",
                    },
                    "geometry": {"type": "Point", "coordinates": [spot.x, spot.y]},
                }
            )
    taps = tmp_path_factory.mktemp("khayelitsha") / "taps.geojson"
    taps.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    mapping = {
        "settlements": {
            "settlement_id": "Inf_Sttlmn",
            "name": "InformalSe",
            "cluster": "District",
            "sanitation_working": "Tlt_Total",
        },
        "wards": {"ward_id": "WARDNO"},
    }
    dataset = atlas.load_dataset(
        informal, taps, wards, mapping=mapping, municipality_name="City of Cape Town"
    )
    return dataset, atlas.compute_gaps(dataset, CAPE_TOWN)


@pytest.mark.real
@needs_poppler
@pytest.mark.parametrize("size", ["A1", "A3"])
def test_cape_towns_52_khayelitsha_settlements_fit(
    size: str, khayelitsha: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = khayelitsha
    members = result.settlements[result.settlements["cluster"] == "Khayelitsha"]
    assert len(members) == 52
    poster = build_cluster_poster(result, dataset, "Khayelitsha", generated=DAY)
    assert_numbers_apart(poster, size)
    path = tmp_path / f"khayelitsha-{size}.pdf"
    dpi = 60 if size == "A3" else 30
    cluster_poster(result, dataset, "Khayelitsha", path, size=size, generated=DAY, dpi=dpi)
    render(path, ARTIFACTS / f"poster_cape_town_52_{size}.png", dpi=70 if size == "A3" else 35)
    assert_text_fits(path)
    text = flat(" ".join(w.text for w in words(path)))
    for name in members["name"]:
        assert flat(str(name)) in text, name
    assert "City of Cape Town · 3 March 2026" in text and "52 settlements" in text
