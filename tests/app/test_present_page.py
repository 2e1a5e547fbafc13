"""The Present page in Streamlit's AppTest: it draws the slides of the sidebar's cluster, or of
the cluster chosen on the page when the sidebar says "All clusters"."""

from __future__ import annotations

import atlas
from atlas.summaries import build_cluster_report
from layers.text import safe_text
from tests.app.test_app import app

PAGE = "pages/present.py"


def reported_names(cluster: str) -> list[str]:
    sample = atlas.load_sample()
    result = atlas.compute_gaps(sample, atlas.load_standard("cape-town"))
    return [row[1] for row in build_cluster_report(result, sample, cluster).rows]


def test_all_clusters_offers_a_choice_and_draws_the_first() -> None:
    at = app(PAGE)
    assert not at.error
    assert at.header[0].value == "Present"
    (choice,) = [s for s in at.selectbox if s.label == "Cluster to present"]
    assert choice.options == [
        "Ilanga East Cluster",
        "Kgotso South Cluster",
        "Northern Ridge Cluster",
    ]
    (deck,) = at.html
    names = reported_names("Ilanga East Cluster")
    assert deck.value.count('class="atlas-slide"') == len(names) + 1 == 11
    first = deck.value.index(safe_text(names[0]))
    assert first < deck.value.index(safe_text(names[1]))

    choice.set_value("Kgotso South Cluster").run()
    assert not at.exception
    (deck,) = at.html
    names = reported_names("Kgotso South Cluster")
    assert deck.value.count('class="atlas-slide"') == len(names) + 1
    assert all(safe_text(n) in deck.value for n in names)


def test_the_sidebars_cluster_and_service_are_used() -> None:
    at = app(PAGE, cluster="Northern Ridge Cluster", category="sanitation")
    assert not at.error
    assert not [s for s in at.selectbox if s.label == "Cluster to present"]
    (deck,) = at.html
    # Mohau Park, the worst water gap, first; in toilets (1 675 households, 18 toilets).
    assert deck.value.index("Mohau Park") < deck.value.index("Kganya Hill")
    assert "1 toilet : 93 households" in deck.value
    assert "needs 317 more toilets" in deck.value
    assert "1 tap :" not in deck.value
