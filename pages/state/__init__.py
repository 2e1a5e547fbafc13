"""The app boundary: what this browser session looks at, and the caches behind it.

One topic a module: :mod:`~pages.state.sources` (datasets, standards, the session's choice
of them), :mod:`~pages.state.rasters` (population and hazard rasters),
:mod:`~pages.state.view` (the measured view every page starts from),
:mod:`~pages.state.maps`, :mod:`~pages.state.uploads`,
:mod:`~pages.state.deliveries` (the water-delivery comparison) and
:mod:`~pages.state.downloads` (files and the cluster report).

Caches live here and nowhere else. They are keyed by hashable values only (a dataset's file
paths and options, a standard's name, a raster choice), never by GeoDataFrames. Uploaded files
are stored under their content hash, so the same upload hits the same cache entry. Nothing
mutable lives at module level: Streamlit serves every user from one process.
"""
