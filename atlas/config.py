"""The one configuration of a computation: frozen, built once by an entry point, passed explicitly.

Streamlit serves every user from one process, so nothing here is read from module-level mutable
state: the command line builds a :class:`Config` from its options, the app builds one per
process from its start options, and a notebook passes its own (or none, for the defaults).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any

from atlas.errors import SchemaError
from atlas.i18n import _

__all__ = ["Config", "machine_cores"]  # i18n-ignore: names


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Config:
    """How the atlas computes, for one run or one app process.

    Parameters
    ----------
    metric_crs
        The projected CRS distances and areas are measured in (e.g. ``"EPSG:22234"``); None
        chooses the local UTM zone of each dataset (DESIGN §2 rule 4).
    workers
        The most threads one computation uses, the caller's own included; default: the
        machine's cores. 1 computes everything in the calling thread.
    language
        The language of what people read (DESIGN §8); ``"en"``, the source language, for now.
    store_url
        Where the cluster's own records are kept (DESIGN §7); None for the default place.

    Examples
    --------
    >>> Config(workers=1).workers
    1
    >>> Config(workers=0)
    Traceback (most recent call last):
    ...
    atlas.errors.SchemaError: workers must be 1 or more, not 0.
    """

    metric_crs: str | None = None
    workers: int = field(default_factory=machine_cores)
    language: str = "en"
    store_url: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.workers, int) or self.workers < 1:
            raise SchemaError(
                _("workers must be 1 or more, not {workers}.", workers=repr(self.workers))
            )

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes``; a change to None keeps the current value."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})
