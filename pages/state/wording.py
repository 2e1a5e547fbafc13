"""How the app words the fixes of problems: it names the controls on its pages, never a flag
or a Python argument (see :mod:`atlas.problems`)."""

from __future__ import annotations

from atlas.problems import Wording

APP: Wording = {}
