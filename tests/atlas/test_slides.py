"""The Present page's slides (atlas.summaries.slides): their words, order and numbers, by hand.

The tiny cluster, under the tests' standard (1 tap per 25 households, 1 toilet per 10):

=====  ==========  ====  ======  =============  ======  ==================================
id     households  taps  broken  needed (ceil)  gap     ratio
=====  ==========  ====  ======  =============  ======  ==================================
A      100         1     1       4              3       100 households per tap
B      40          2     0       2              0       20
C      unknown     1     0       –              –       households unknown
D      60          0     0       3              3       no working tap
=====  ==========  ====  ======  =============  ======  ==================================

Worst water gap first, ties in the input's order, unknown last: A, D, B, C. The cluster: 200
households, 4 working taps (1 : 50), gaps 3 + 0 + 3 = 6. Toilets: one working, in A (gap
ceil(100/10) - 1 = 9; B 4; D 6; 19 in all).
"""

from __future__ import annotations

import pytest
from pyproj import CRS
from shapely.geometry import box

import atlas
from atlas import SchemaError
from atlas.load.dataset import Dataset
from atlas.summaries import Deck, Slide, build_cluster_report, build_slides
from tests.conftest import (
    METRIC,
    hand_made_standard,
    services_frame,
    settlements_frame,
    wards_frame,
)

HAND = "Hand Cluster"


def hand_dataset(wards: bool = True) -> Dataset:
    rows = [
        {"settlement_id": "A", "name": "Alpha", "households": 100, "cluster": HAND, "geometry": box(0, 0, 100, 100)},
        {"settlement_id": "B", "name": "Beta", "households": 40, "cluster": HAND, "geometry": box(300, 0, 400, 100)},
        {"settlement_id": "C", "name": None, "cluster": HAND, "geometry": box(600, 0, 700, 100)},
        {"settlement_id": "D", "name": "Delta", "households": 60, "cluster": HAND, "geometry": box(0, 300, 100, 400)},
        {"settlement_id": "E", "name": "Elsewhere", "households": 10, "cluster": "Other Cluster", "geometry": box(3000, 3000, 3100, 3100)},
    ]  # fmt: skip
    points = services_frame(
        [
            ("a1", "water", "working", 50, 50),
            ("a2", "water", "broken", 60, 60),
            ("b1", "water", "working", 350, 50),
            ("b2", "water", "working", 360, 50),
            ("c1", "water", "working", 650, 50),
            ("t1", "sanitation", "working", 40, 40),
        ]
    )
    ward_layer = wards_frame(
        [("W1", box(-500, -500, 1000, 1000)), ("W2", box(-500, 1000, 4000, 4000))]
    )
    return Dataset(
        settlements_frame(rows), points, ward_layer if wards else None, CRS(METRIC), name="hand"
    )


@pytest.fixture(scope="module")
def hand() -> tuple[Dataset, atlas.GapResult]:
    dataset = hand_dataset()
    return dataset, atlas.compute_gaps(dataset, hand_made_standard(household_size=3))


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, atlas.GapResult]:
    dataset = atlas.load_sample()
    return dataset, atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))


def test_the_hand_cluster_in_words(hand: tuple[Dataset, atlas.GapResult]) -> None:
    dataset, result = hand
    deck = build_slides(result, dataset, HAND)
    assert isinstance(deck, Deck) and deck.cluster == HAND and deck.category == "water"
    assert deck.member_ids == ("A", "D", "B", "C")
    assert deck.standard == "test: 1 tap for 25 households, within 50 m."
    assert deck.summary == Slide(
        number=0,
        settlement_id=None,
        title=HAND,
        kicker="Cluster summary · Water",
        counts="4 settlements, 200 households",
        ratio="1 tap : 50 households",
        gap="needs 6 more taps",
        status="4 working, 1 broken",
        place=None,  # no municipality in the wards
    )
    words = [(s.number, s.title, s.ratio, s.gap, s.status, s.counts) for s in deck.settlements]
    assert words == [
        (1, "Alpha", "1 tap : 100 households", "needs 3 more taps", "1 working, 1 broken", "100 households"),
        (2, "Delta", "no working tap", "needs 3 more taps", "no taps", "60 households"),
        (3, "Beta", "1 tap : 20 households", "enough taps", "2 working", "40 households"),
        # Households unknown: the gap would only repeat it.
        (4, "C", "households unknown", None, "1 working", "households unknown"),
    ]  # fmt: skip
    first = deck.settlements[0]
    assert first.settlement_id == "A"
    assert first.kicker == f"Settlement 1 of 4 · {HAND}"
    assert {s.place for s in deck.settlements} == {"Ward W1"}


def test_another_category_keeps_the_reports_order(hand: tuple[Dataset, atlas.GapResult]) -> None:
    dataset, result = hand
    deck = build_slides(result, dataset, HAND, "sanitation")
    assert deck.member_ids == ("A", "D", "B", "C")  # still worst water gap first
    assert deck.standard == "test: 1 toilet for 10 households, within 20 m."
    assert (deck.summary.ratio, deck.summary.gap, deck.summary.status) == (
        "1 toilet : 200 households",
        "needs 19 more toilets",
        "1 working",
    )
    alpha, delta = deck.settlements[:2]
    assert (alpha.ratio, alpha.gap, alpha.status) == (
        "1 toilet : 100 households",
        "needs 9 more toilets",
        "1 working",
    )
    assert (delta.ratio, delta.gap, delta.status) == (
        "no working toilet",
        "needs 6 more toilets",
        "no toilets",
    )


def test_a_category_without_a_ratio_says_no_gap(hand: tuple[Dataset, atlas.GapResult]) -> None:
    dataset, result = hand
    deck = build_slides(result, dataset, HAND, "electricity")
    assert deck.standard == "test: the standard sets no ratio, within 150 m."
    assert {s.gap for s in deck.slides} == {None}
    assert {s.status for s in deck.slides} == {"no lights"}


def test_without_wards_no_place_is_given() -> None:
    dataset = hand_dataset(wards=False)
    result = atlas.compute_gaps(dataset, hand_made_standard(household_size=3))
    assert {s.place for s in build_slides(result, dataset, HAND).slides} == {None}


def test_unknown_cluster_or_category_lists_the_choices(
    hand: tuple[Dataset, atlas.GapResult],
) -> None:
    dataset, result = hand
    with pytest.raises(
        SchemaError, match="clusters of this dataset are: Hand Cluster, Other"
    ) as info:
        build_slides(result, dataset, "Nowhere Cluster")
    assert isinstance(info.value, ValueError)
    with pytest.raises(SchemaError, match="categories are: water, sanitation, electricity"):
        build_slides(result, dataset, HAND, "broadband")


def test_the_sample_follows_the_printed_report(sample: tuple[Dataset, atlas.GapResult]) -> None:
    dataset, result = sample
    cluster = "Northern Ridge Cluster"
    deck = build_slides(result, dataset, cluster)
    report = build_cluster_report(result, dataset, cluster)
    # The report's rows: number, then the settlement's name; the slides say the same.
    assert [(str(s.number), s.title) for s in deck.settlements] == [r[:2] for r in report.rows]
    assert deck.member_ids == tuple(report.members["settlement_id"])
    assert len(deck.slides) == 11
    # Mohau Park: 1 675 households, 20 working taps: 1 675 / 20 = 83.75, about 84; it needs
    # ceil(1 675 / 25) = 67 taps, 47 more.
    first = deck.settlements[0]
    assert (first.number, first.title, first.settlement_id) == (1, "Mohau Park", "SET-010")
    assert (first.ratio, first.gap, first.status) == (
        "1 tap : 84 households",
        "needs 47 more taps",
        "20 working, 2 broken",
    )
    assert (first.counts, first.place) == ("1 675 households", "Ward 8")
    # The cluster: 5 006 households and 52 working taps (96.3 each), the settlements' gaps
    # 47 + 41 + 21 + 18 + 15 + 12 + 4 = 158 (the two with enough taps add nothing).
    assert deck.summary.counts == "10 settlements, 5 006 households"
    assert (deck.summary.ratio, deck.summary.gap) == (
        "1 tap : 96 households",
        "needs 158 more taps",
    )
    assert deck.summary.place == "Sample Metro (synthetic)"
    last = deck.settlements[-1]
    assert (last.title, last.ratio, last.gap) == ("Ithemba Lethu", "households unknown", None)


def test_the_sample_in_toilets(sample: tuple[Dataset, atlas.GapResult]) -> None:
    dataset, result = sample
    deck = build_slides(result, dataset, "Northern Ridge Cluster", "sanitation")
    first = deck.settlements[0]
    # Mohau Park has 18 working toilets: ceil(1 675 / 5) = 335 needed, 317 more; 1 675 / 18
    # = 93.1 households each.
    assert first.title == "Mohau Park"
    assert (first.ratio, first.gap) == ("1 toilet : 93 households", "needs 317 more toilets")
    assert deck.standard == (
        "City of Cape Town target: 1 toilet for 5 households, within 200 m "
        "(atlas default, not set by the source)."
    )


def test_the_settlements_in_no_cluster_have_their_slides(
    sample: tuple[Dataset, atlas.GapResult],
) -> None:
    dataset, result = sample
    deck = build_slides(result, dataset, "Not in a cluster")
    assert deck.summary.counts == "1 settlement, 386 households"
    assert [s.title for s in deck.settlements] == ["Lesedi Extension"]
