"""The app boundary: what this browser session looks at, and the caches behind it.

One topic a module: :mod:`~pages.state.session` (every session-state key, and typed access to
what it holds: the only module that touches the session state),
:mod:`~pages.state.choices` (the frozen values a session chooses and caches are keyed by),
:mod:`~pages.state.sources` (datasets, standards, the session's choice of them, the app's one
configuration), :mod:`~pages.state.rasters` (population and hazard rasters and the widgets
that choose them), :mod:`~pages.state.view` (the measured view every page starts from),
:mod:`~pages.state.maps` (and :mod:`~pages.state.rendered`: a cached map written once for every
session), :mod:`~pages.state.loading` (the first open's progress bar),
:mod:`~pages.state.profiling` (where a run's time goes, for the benchmark), :mod:`~pages.state.uploads` (uploaded layers and their widgets),
:mod:`~pages.state.standard_form` (the session's own standards: loaded, built, downloaded),
:mod:`~pages.state.deliveries` (the water-delivery comparison and its widgets),
:mod:`~pages.state.downloads` (files and the cluster report),
:mod:`~pages.state.accounts` (the cluster's store, opened once per process, and who is signed
in to it in this session), :mod:`~pages.state.report_form` (the form that reports a problem),
:mod:`~pages.state.reports` (the rest of the cluster's reports' widgets: the queue, the counts,
the reports drawn on this session's map),
:mod:`~pages.state.columns` (how tables' columns are shown) and
:mod:`~pages.state.messages` (errors and problems worded for the app).

Caches live here and nowhere else. They are keyed by hashable values only (a dataset's file
paths and options, a standard's name, a raster choice, the store's address), never by
GeoDataFrames, and hold only what every session may see: the store's connection is cached,
what a role may read of it never is. Uploaded files
are stored under their content hash, so the same upload hits the same cache entry. Nothing
mutable lives at module level: Streamlit serves every user from one process.
"""
