"""Legends a newcomer can read (issue #20): class labels that never share a value, colours that
agree with them, and a legend for the delivery timeline's marker shapes.

The convention (:func:`layers.style.classify`): whole numbers as closed, touching ranges
(``0 – 8``, ``9 – 19``); numbers with decimals and percentages as ``42 to under 90``, ``90 to
under 187``, with the last class closed at the largest value (``90 to 187``). A value exactly on
a bound is in the class that starts there. Values are classed as the tooltips show them.

Hand-computed natural breaks of ``[10, 20, 20, 30, 90, 90, 187]`` in three classes: the split
{10, 20, 20, 30} {90, 90} {187} leaves squared deviations 100 + 0 + 0 + 100 = 200 (every other
split of three is worse, e.g. {10, 20, 20} {30, 90, 90} {187}: 66.7 + 2 400), so the classes'
largest values are 30, 90 and 187 and their smallest 10, 90 and 187.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

import atlas
from atlas.i18n import format_number
from atlas.schedules import STATUS_WORDS, timeline_frame
from layers.charts import OUTCOME_COLOURS, OUTCOME_SHAPES, delivery_timeline
from layers.deliveries import COMPLIANCE_COLOURS, COMPLIANCE_LABELS, compliance_colour
from layers.maps import build_map
from layers.static_map import cluster_map
from layers.style import NO_DATA, Classes, classify, shown_values
from tests.atlas.test_schedules import outcomes
from tests.layers.test_maps import layers as map_layers
from tests.layers.test_maps import legend as map_legend

HAND = [10, 20, 20, 30, 90, 90, 187]


def bounds(label: str) -> tuple[float, float, bool]:
    """What a label says: (lowest, highest, whether the highest is included)."""
    text = label.removesuffix(" %")
    percent = label.endswith(" %")

    def number(words: str) -> float:
        value = float(words.replace(" ", ""))
        return value / 100 if percent else value

    if " to under " in text:
        low, high = text.split(" to under ")
        return number(low), number(high), False
    for joint in (" to ", " – "):
        if joint in text:
            low, high = text.split(joint)
            return number(low), number(high), True
    return number(text), number(text), True


def holds(label: str, shown: float) -> bool:
    """Whether the class ``label`` names holds the value shown as ``shown``."""
    low, high, closed = bounds(label)
    return bool(low - 1e-9 <= shown and (shown <= high + 1e-9 if closed else shown < high - 1e-9))


def assert_disjoint(classes: Classes) -> None:
    """No two labels share a value: each class ends before the next starts."""
    spans = [bounds(label) for label in classes.labels]
    for (_, high, closed), (low, _, _) in itertools.pairwise(spans):
        assert high < low if closed else high <= low, classes.labels


def assert_agree(classes: Classes, values: np.ndarray) -> None:
    """Every value's colour is that of the one class whose label holds it as shown (values
    from the smallest classed to the largest: the legend's ends are closed)."""
    shown = shown_values(values, classes.kind)
    for value, index in zip(shown, classes.index_of(values), strict=True):
        owners = [i for i, label in enumerate(classes.labels) if holds(label, float(value))]
        assert owners == [index], (value, classes.labels)


# -- hand-made values ----------------------------------------------------------------------------


def test_a_value_on_a_bound_is_in_the_class_whose_label_starts_with_it() -> None:
    classes = classify(HAND, k=3)
    assert classes.bins == (30, 90, 187) and classes.starts == (10, 90, 187)
    assert classes.labels == ("10 to under 90", "90 to under 187", "187")
    assert classes.index_of(HAND).tolist() == [0, 0, 0, 0, 1, 1, 2]
    (ninety,) = classes.index_of([90])
    assert ninety == 1 and classes.labels[ninety].startswith("90 ")
    assert classes.colour_of([90, 89.4, 187]) == [
        classes.colours[1],
        classes.colours[0],
        classes.colours[2],
    ]
    assert_disjoint(classes)
    assert_agree(classes, np.asarray(HAND, dtype=float))


def test_values_are_classed_as_they_are_shown() -> None:
    classes = classify(HAND, k=3)
    # 89.6 is shown as "90" (1 tap : 90 households), so it has the colour of "90 to under 187";
    # 89.4 is shown as "89".
    assert (format_number(89.6), format_number(89.4)) == ("90", "89")
    assert classes.index_of([89.6, 89.4]).tolist() == [1, 0]
    assert_agree(classes, np.array([10.4, 89.4, 89.5, 89.6, 90.4, 90.6, 186.4, 186.6]))
    assert_agree(classes, np.arange(10.0, 187.0, 0.1))
    # Beyond the data's range (not on this map) a value takes the nearest end class.
    assert classes.index_of([0.0, 9.0, 500.0]).tolist() == [0, 0, 2]


def test_whole_numbers_are_touching_closed_ranges() -> None:
    classes = classify(HAND, k=3, kind="integer")
    assert classes.labels == ("10 – 30", "31 – 90", "91 – 187")
    assert classes.index_of([30, 31, 90, 91, 187]).tolist() == [0, 1, 1, 2, 2]
    assert_disjoint(classes)
    assert_agree(classes, np.arange(10.0, 188.0))


def test_percentages_are_rounded_down_like_the_tooltips() -> None:
    shares = [0.12, 0.15, 0.5, 0.55, 0.9, 0.95]
    classes = classify(shares, k=3, kind="percent")
    assert classes.labels == ("12 to under 50 %", "50 to under 90 %", "90 to 95 %")
    # 49.99 % reads "49 %" (rounded down): the first class; exactly 50 % starts the second.
    assert classes.index_of([0.4999, 0.5, 0.8999, 0.9]).tolist() == [0, 1, 1, 2]
    assert_disjoint(classes)
    assert_agree(classes, np.linspace(0.12, 0.95, 831))


def test_a_single_value_class_is_labelled_by_itself_and_every_value_its_own() -> None:
    assert classify([1.5, 1.5, 7.25]).labels == ("1.5", "7.3")  # half up, as the words write it
    assert classify([0.0, 3.0, 3.0, 5.0], kind="integer").labels == ("0", "3", "5")
    top = classify([1, 2, 3, 50, 51, 52, 400], k=3)
    assert top.labels == ("1 to under 50", "50 to under 400", "400")


@pytest.mark.parametrize("kind", ["integer", "number", "percent"])
@pytest.mark.parametrize("count", [40, 5_000])  # natural breaks of all values, and of quantiles
def test_labels_never_share_a_value_and_colours_agree(kind: str, count: int) -> None:
    rng = np.random.default_rng(20)
    values = rng.gamma(2.0, 30.0, count)
    if kind == "percent":
        values = values / values.max()
    elif kind == "integer":
        values = values.round()
    values[::17] = np.nan
    classes = classify(values, kind=kind)
    assert len(classes.labels) == 5 and classes.missing == int(np.isnan(values).sum())
    assert_disjoint(classes)
    present = values[~np.isnan(values)]
    assert_agree(classes, present)
    # Closed ends: the legend starts at the smallest value shown and ends at the largest.
    shown = shown_values(present, kind)
    assert bounds(classes.labels[0])[0] == pytest.approx(shown.min())
    assert bounds(classes.labels[-1])[1] == pytest.approx(shown.max())


# -- everywhere the labels are shown -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> atlas.GapResult:
    return atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))


@pytest.mark.parametrize(
    ("metric", "number"),
    [
        ("gap", r"^(\d[\d ]*) more"),
        ("ratio", r": (\d[\d ]*(?:\.\d)?) households"),
        ("coverage", r"^(\d+) %"),
    ],
)
def test_the_web_map_colours_each_settlement_by_the_label_that_holds_its_tooltip_number(
    sample: atlas.GapResult, metric: str, number: str
) -> None:
    dataset = atlas.load_sample()
    m = build_map(
        sample.settlements, sample.services, dataset.wards, standard=sample.standard, metric=metric
    )
    legend = map_legend(m)
    label_of = dict(legend.sections[0].entries)
    data = map_layers(m)["Settlements"].data
    checked = 0
    for i, cls in enumerate(data["cls"]):
        colour = NO_DATA if cls < 0 else data["colours"][cls]
        words = data["texts"][data["headline" if metric == "ratio" else "detail"][i]]
        found = re.search(number, words)
        if colour == NO_DATA or found is None:
            continue
        value = float(found[1].replace(" ", ""))
        assert holds(label_of[colour], value / 100 if metric == "coverage" else value), (
            words,
            label_of[colour],
        )
        checked += 1
    assert checked >= 10
    labels = [label for _, label in legend.sections[0].entries if label != "no data"]
    assert len(set(labels)) == len(labels) >= 3
    assert_disjoint(Classes(bins=(0.0,) * len(labels), colours=(), labels=tuple(labels)))


def test_the_printed_map_legend_uses_the_same_labels(sample: atlas.GapResult) -> None:
    members = sample.settlements[sample.settlements["cluster"] == "Ilanga East Cluster"]
    gaps = members["water_gap"].astype(float).to_numpy()
    figure = cluster_map(members, gaps, [str(i + 1) for i in range(len(members))],
                         metric_crs=atlas.load_sample().metric_crs)  # fmt: skip
    legend = figure.axes[1].get_children()[0]
    texts = [t.get_text() for t in legend.get_texts()]
    expected = list(classify(gaps, kind="integer").labels)
    assert texts[: len(expected)] == expected
    assert_disjoint(classify(gaps, kind="integer"))


def test_compliance_classes_never_share_a_value() -> None:
    assert COMPLIANCE_LABELS[0] == "0 to under 20 %" and COMPLIANCE_LABELS[-1] == "80 to 100 %"
    fixed = Classes(bins=(0.2, 0.4, 0.6, 0.8, 1.0), colours=(), labels=COMPLIANCE_LABELS)
    assert_disjoint(fixed)
    for share in np.linspace(0, 1, 101):
        (owner,) = [i for i, label in enumerate(COMPLIANCE_LABELS) if holds(label, share)]
        assert compliance_colour(share) == COMPLIANCE_COLOURS[owner], share


# -- the delivery timeline's legend ---------------------------------------------------------------


def test_the_timeline_has_one_legend_for_shape_and_colour_in_words() -> None:
    encoding = delivery_timeline(timeline_frame(outcomes(), {"A": "Alpha"})).to_dict()["encoding"]
    color, shape = encoding["color"], encoding["shape"]
    words = [STATUS_WORDS[s] for s in OUTCOME_COLOURS]
    assert words == ["on time and in full", "late", "short", "missed", "not on the schedule"]
    # Vega-Lite merges the legends of channels on one field with the same domain and title:
    # one legend whose symbols have each outcome's shape and colour, named in words.
    assert color["field"] == shape["field"] == "outcome"
    assert color["type"] == shape["type"] == "nominal"
    assert color["scale"]["domain"] == shape["scale"]["domain"] == words
    assert color["title"] == shape["title"] == "Outcome"
    assert color["legend"] == shape["legend"] and color["legend"]["title"] == "Outcome"
    assert shape["scale"]["range"] == [OUTCOME_SHAPES[s] for s in OUTCOME_COLOURS]
    assert len(set(shape["scale"]["range"])) == len(words)  # a shape of its own each
    assert color["scale"]["range"] == list(OUTCOME_COLOURS.values())
    assert len(set(color["scale"]["range"])) == len(words)
