"""The numbers in plain words: sentences, readable tables, a settlement's profile, a cluster report.

What a person reads, computed here and drawn by ``layers/`` (the PDF) or arranged by ``pages/``:

* :mod:`atlas.summaries.phrases`: "1 tap : 73 households" and the sentences around it;
* :mod:`atlas.summaries.profile`: everything about one settlement, for its profile page;
* :mod:`atlas.summaries.cluster_report`: the content of a cluster's printable report;
* :mod:`atlas.summaries.poster`: the same content said shorter, for a cluster's wall map;
* :mod:`atlas.summaries.figures`: a cluster's headline figures, for the top of its page;
* :mod:`atlas.summaries.slides`: the same settlements one slide at a time, for the Present page.
"""

from atlas.summaries.cluster_report import REPORT_CATEGORIES, ClusterReport, build_cluster_report
from atlas.summaries.figures import cluster_figures
from atlas.summaries.poster import ClusterPoster, PosterEntry, build_cluster_poster
from atlas.summaries.profile import SettlementProfile, service_table, settlement_profile
from atlas.summaries.slides import Deck, Slide, build_slides

__all__ = [
    "REPORT_CATEGORIES",
    "ClusterPoster",
    "ClusterReport",
    "Deck",  # i18n-ignore: a name of the API
    "PosterEntry",
    "SettlementProfile",
    "Slide",  # i18n-ignore: a name of the API
    "build_cluster_poster",
    "build_cluster_report",
    "build_slides",
    "cluster_figures",
    "service_table",
    "settlement_profile",
]
