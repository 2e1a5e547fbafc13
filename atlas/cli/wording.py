"""How the command line words the fixes of problems: it names its flags.

The library words a fix for a Python caller (argument names); a problem's ``code`` and
``params`` let this table say the same thing in ``atlas`` options (see :mod:`atlas.problems`).
"""

from __future__ import annotations

from atlas.problems import Wording

__all__ = ["CLI"]

CLI: Wording = {}
