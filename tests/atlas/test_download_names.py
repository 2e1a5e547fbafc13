"""Download names: one pattern (subject, standard, date, kind), safe file names on Windows,
macOS and Linux whatever the cluster is called. Every expected name is written by hand."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest

import atlas
from atlas.exports import FORMATS, to_download
from atlas.exports.download_names import (
    DATA_KINDS,
    data_download_name,
    download_name,
    slug,
)
from tests.atlas.exports_common import ARABIC, CLUSTER_1, LONG, MARKUP, QUOTES, ZULU

DAY = date(2026, 12, 1)

#: (subject, standard, kind, suffix) -> the name, worked out by hand.
NAMES = [
    (
        ("Northern Ridge Cluster", "cape-town", "report", ".pdf"),
        "northern-ridge-cluster_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("Northern Ridge Cluster", "cape-town", "wall-map-A3", ".pdf"),
        "northern-ridge-cluster_cape-town_2026-12-01_wall-map-A3.pdf",
    ),
    # Paths lead nowhere: separators and dots are not kept.
    (("../../etc", "cape-town", "report", ".pdf"), "etc_cape-town_2026-12-01_report.pdf"),
    (
        ("..\\..\\Windows\\System32", "cape-town", "report", ".pdf"),
        "windows-system32_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("/etc/passwd", "sphere-2018", "data", ".gpkg"),
        "etc-passwd_sphere-2018_2026-12-01_data.gpkg",
    ),
    # Markup is words, not tags.
    (
        ("<script>alert(1)</script>", "cape-town", "report", ".pdf"),
        "script-alert-1-script_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("K1 <b>Cluster</b>", "cape-town", "map", ".html"),
        "k1-b-cluster-b_cape-town_2026-12-01_map.html",
    ),
    # Windows' device names: never a whole name, the standard and the date follow.
    (("CON", "cape-town", "report", ".pdf"), "con_cape-town_2026-12-01_report.pdf"),
    (("nul", "cape-town", "csv", ".zip"), "nul_cape-town_2026-12-01_csv.zip"),
    (("COM1", "LPT1", "report", ".pdf"), "com1_lpt1_2026-12-01_report.pdf"),
    # Characters Windows refuses, and control characters.
    (
        ('Zone: 2 | "A" * B? <C>', "cape-town", "report", ".pdf"),
        "zone-2-a-b-c_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("Line\nbreak\ttab\x00nul", "cape-town", "report", ".pdf"),
        "line-break-tab-nul_cape-town_2026-12-01_report.pdf",
    ),
    # Emoji are not letters: dropped, and a name of emoji only is the atlas's.
    (
        ("🌍 Ubuntu 🚰 Cluster", "cape-town", "report", ".pdf"),
        "ubuntu-cluster_cape-town_2026-12-01_report.pdf",
    ),
    (("🌍🚰", "cape-town", "report", ".pdf"), "atlas_cape-town_2026-12-01_report.pdf"),
    (("👩‍👩‍👧", "cape-town", "report", ".pdf"), "atlas_cape-town_2026-12-01_report.pdf"),
    # Accents go, the letters stay (isiZulu, Sesotho, Tshivenḓa names).
    (("Tšhepong", "cape-town", "report", ".pdf"), "tshepong_cape-town_2026-12-01_report.pdf"),
    (
        ("uMgungundlovu Ṱhohoyandou KwaDukuza ëé", "cape-town", "report", ".pdf"),
        "umgungundlovu-thohoyandou-kwadukuza-ee_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("Ext 7 'Phola'", "cape-town", "report", ".pdf"),
        "ext-7-phola_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("Łódź Straße Ørsted", "cape-town", "report", ".pdf"),
        "lodz-strasse-orsted_cape-town_2026-12-01_report.pdf",
    ),
    # Another script is kept as it is.
    (("حي السلام", "cape-town", "report", ".pdf"), "حي-السلام_cape-town_2026-12-01_report.pdf"),
    # The separator between the parts is never inside one.
    (
        ("Phase_2 Cluster", "my_standard", "report", ".pdf"),
        "phase-2-cluster_my-standard_2026-12-01_report.pdf",
    ),
    # Long names are cut at a word, at most 48 characters.
    (
        ("Ext 7 uMgungundlovu Ṱhohoyandou " * 12, "cape-town", "report", ".pdf"),
        "ext-7-umgungundlovu-thohoyandou-ext-7_cape-town_2026-12-01_report.pdf",
    ),
    (
        ("x" * 300, "cape-town", "report", ".pdf"),
        "x" * 48 + "_cape-town_2026-12-01_report.pdf",
    ),
    # No subject: the atlas's; a standard with nothing to keep is left out.
    ((None, "cape-town", "report", ".pdf"), "atlas_cape-town_2026-12-01_report.pdf"),
    (("Kgotso South Cluster", "", "report", ".pdf"), "kgotso-south-cluster_2026-12-01_report.pdf"),
    (
        ("Kgotso South Cluster", "../<>", "report", ".pdf"),
        "kgotso-south-cluster_2026-12-01_report.pdf",
    ),
]


@pytest.mark.parametrize(("parts", "expected"), NAMES)
def test_names_written_by_hand(parts: tuple[str | None, str, str, str], expected: str) -> None:
    subject, standard, kind, suffix = parts
    assert download_name(subject, standard, kind, suffix, on=DAY) == expected


#: What Windows, macOS or Linux refuse or misread in a file name.
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
HOSTILE = [
    MARKUP,
    LONG,
    ZULU,
    ARABIC,
    QUOTES,
    CLUSTER_1,
    "../../etc",
    "..",
    ".",
    "",
    " ",
    "CON",
    "con.txt",
    "AUX",
    "COM¹",
    "-rf *",
    "a" * 1000,
    "中文名字" * 40,
    "\u202eevil\u202dfdp.exe",  # right-to-left override
    "e\u0301cole",  # an accent as its own character
    "ＣＯＮ",  # full-width letters
    "name. ",  # Windows drops a trailing dot or space
    "🌍" * 100,
]


@pytest.mark.parametrize("subject", HOSTILE)
@pytest.mark.parametrize("standard", ["cape-town", *HOSTILE[:6]])
def test_every_name_is_safe_everywhere(subject: str, standard: str) -> None:
    name = download_name(subject, standard, "wall-map-A1", ".pdf", on=DAY)
    assert not UNSAFE.search(name), name
    stem = name.removesuffix(".pdf")
    assert stem == stem.strip(" .-") and ".." not in name
    assert not RESERVED.fullmatch(stem.split(".")[0])
    assert len(name) <= 130 and len(name.encode("utf-8")) <= 255  # every file system's limit
    # The parts stay apart: subject, (standard), date, kind.
    parts = stem.split("_")
    assert parts[-2:] == ["2026-12-01", "wall-map-A1"] and len(parts) in (3, 4)
    assert parts[0] and all(p == p.lower() for p in parts[:-1])


def test_slug_keeps_the_marks_of_other_scripts() -> None:
    assert slug("नमस्ते दुनिया") == "नमस्ते-दुनिया"
    assert slug("ＡＢＣ ｘ²") == "abc-x2"
    assert slug("İstanbul") == "istanbul"


def test_slug_cuts_by_bytes_too() -> None:
    # 3 bytes a character: 96 bytes at most for 48 characters.
    assert slug("中文名字" * 40) == "中文名字" * 8
    assert slug("ab cd ef", limit=5) == "ab-cd"
    assert slug("abcdefgh", limit=5) == "abcde"


@pytest.mark.parametrize(
    ("kind", "suffix"),
    [
        ("../report", ".pdf"),
        ("report", "pdf"),
        ("re port", ".pdf"),
        ("report", ".p/df"),
        ("", ".pdf"),
    ],
)
def test_kind_and_suffix_are_the_programs_words(kind: str, suffix: str) -> None:
    with pytest.raises(atlas.SchemaError):
        download_name("K1", "cape-town", kind, suffix, on=DAY)


def test_every_format_has_its_kind() -> None:
    assert tuple(DATA_KINDS) == FORMATS
    assert [data_download_name(f, "K1", "cape-town", on=DAY) for f in FORMATS] == [
        "k1_cape-town_2026-12-01_geojson.zip",
        "k1_cape-town_2026-12-01_data.gpkg",
        "k1_cape-town_2026-12-01_csv.zip",
        "k1_cape-town_2026-12-01_geoparquet.zip",
        "k1_cape-town_2026-12-01_map.html",
    ]
    with pytest.raises(atlas.SchemaError):
        data_download_name("shp", "K1", "cape-town", on=DAY)


# -- the data downloads use it -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[atlas.Dataset, atlas.GapResult]:
    dataset = atlas.load_sample()
    return dataset, atlas.compute_gaps(dataset, atlas.load_standard("sphere-2018"))


@pytest.mark.parametrize(
    ("clusters", "name"),
    [
        (None, "sample_sphere-2018_2026-12-01_geojson.zip"),
        ("Kgotso South Cluster", "kgotso-south-cluster_sphere-2018_2026-12-01_geojson.zip"),
        (["Ilanga East Cluster"], "ilanga-east-cluster_sphere-2018_2026-12-01_geojson.zip"),
        (
            ["Ilanga East Cluster", "Kgotso South Cluster"],
            "2-clusters_sphere-2018_2026-12-01_geojson.zip",
        ),
    ],
)
def test_data_downloads_are_named_by_cluster_or_dataset(
    sample: tuple[atlas.Dataset, atlas.GapResult], clusters: list[str] | str | None, name: str
) -> None:
    dataset, result = sample
    file = to_download(result, dataset, "geojson", clusters=clusters, on=DAY)
    assert file.file_name == name
    # Inside the zip the files keep their plain names.
    assert "settlements.geojson" in zipfile.ZipFile(io.BytesIO(file.data)).namelist()


def test_a_single_file_download_and_a_given_subject(
    sample: tuple[atlas.Dataset, atlas.GapResult],
) -> None:
    dataset, result = sample
    file = to_download(result, dataset, "gpkg", subject="../informal", on=DAY)
    assert file.file_name == "informal_sphere-2018_2026-12-01_data.gpkg"
    assert file.data.startswith(b"SQLite format 3\x00")
    today = to_download(result, dataset, "csv")
    assert today.file_name == f"sample_sphere-2018_{date.today().isoformat()}_csv.zip"
