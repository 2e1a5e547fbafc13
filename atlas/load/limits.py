"""The limits on what an upload may hold, in one place and one unit.

Every size limit is a whole number of megabytes of :data:`MB` bytes (2**20, the megabyte
Streamlit counts in: its uploader's "200MB" is ``server.maxUploadSize = 200``), so the atlas's
messages, the Data page, ``atlas serve`` and ``.streamlit/config.toml`` say the same number.

Each limit can be changed with an environment variable, read when a check runs (set it before
``atlas serve`` to change the app's): ``ATLAS_MAX_UPLOAD_MB``, ``ATLAS_MAX_ZIP_MEMBERS``,
``ATLAS_MAX_MEMBER_MB``, ``ATLAS_MAX_UNPACKED_MB`` and ``ATLAS_MAX_ZIP_RATIO``; a Python caller
may pass its own :class:`UploadLimits` instead.

Examples
--------
>>> UploadLimits().upload_mb
200
>>> upload_limits({"ATLAS_MAX_UPLOAD_MB": "50"}).upload_bytes
52428800
>>> megabytes(3 * MB // 2), megabytes(250 * MB), megabytes(2045)
('1.5 MB', '250 MB', '2 045 bytes')
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from atlas.errors import DataFileError, SchemaError
from atlas.i18n import _, format_number, round_half_up
from atlas.problems import Problem

__all__ = [
    "LIMIT_CODE",
    "LIMIT_ENV",
    "MB",
    "UploadLimits",
    "limit_error",
    "megabytes",
    "upload_limits",
]

#: The megabyte of every upload limit: 2**20 bytes, as Streamlit counts ``server.maxUploadSize``.
MB = 2**20
#: The problem code of a limit that was hit (each surface says how to raise it).
LIMIT_CODE = "upload.limit"


@dataclass(frozen=True)
class UploadLimits:
    """How big an upload and the zip archive it may be can get.

    Parameters
    ----------
    upload_mb
        The largest upload, in :data:`MB` (the app's ``server.maxUploadSize``).
    zip_members
        The most files a zip may hold.
    member_mb
        The largest file inside a zip, unpacked, in :data:`MB`.
    unpacked_mb
        The largest total of a zip's files, unpacked, in :data:`MB`.
    zip_ratio
        The most a file inside a zip may have been compressed (unpacked size over packed size),
        for files over 1 MB unpacked: more is a zip bomb, not a layer.
    """

    upload_mb: int = 200
    zip_members: int = 200
    member_mb: int = 250
    unpacked_mb: int = 500
    zip_ratio: int = 100

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SchemaError(
                    _(
                        "UploadLimits({field}=...) must be 1 or more, not {value}.",
                        field=spec.name,
                        value=repr(value),
                    )
                )

    @property
    def upload_bytes(self) -> int:
        """The largest upload, in bytes."""
        return self.upload_mb * MB


#: The environment variable of each limit (a field of :class:`UploadLimits`).
LIMIT_ENV = {
    "upload_mb": "ATLAS_MAX_UPLOAD_MB",
    "zip_members": "ATLAS_MAX_ZIP_MEMBERS",
    "member_mb": "ATLAS_MAX_MEMBER_MB",
    "unpacked_mb": "ATLAS_MAX_UNPACKED_MB",
    "zip_ratio": "ATLAS_MAX_ZIP_RATIO",
}


def upload_limits(environ: Mapping[str, str] | None = None) -> UploadLimits:
    """The limits in force: the defaults of :class:`UploadLimits`, changed by :data:`LIMIT_ENV`.

    Raises
    ------
    SchemaError
        A variable that is not a whole number of 1 or more (the message names it).
    """
    environ = os.environ if environ is None else environ
    changes: dict[str, int] = {}
    for name, variable in LIMIT_ENV.items():
        text = environ.get(variable, "").strip()
        if not text:
            continue
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise SchemaError(
                _(
                    "{variable}={value} is not a limit: give a whole number of 1 or more "
                    "(e.g. {variable}={default}), or unset it for the default.",
                    variable=variable,
                    value=repr(text),
                    default=getattr(UploadLimits(), name),
                )
            )
        changes[name] = value
    return dataclasses.replace(UploadLimits(), **changes)


def megabytes(size: int) -> str:
    """A size in :data:`MB`, as every upload message writes it (one decimal below 10 MB; in
    bytes below 0.1 MB)."""
    if size < MB // 10:
        return _("{size} bytes", size=format_number(size))
    value = size / MB
    if value >= 10 or value == int(value):
        return f"{format_number(round_half_up(value))} MB"
    return f"{format_number(round_half_up(value, 1))} MB"


def limit_error(message: str, field: str, limits: UploadLimits) -> DataFileError:
    """The error of a limit hit: ``message`` (what is too big, and the limit), the variable
    that raises it and how each surface words that (code :data:`LIMIT_CODE`)."""
    variable = LIMIT_ENV[field]
    value = getattr(limits, field)
    return DataFileError(
        Problem(
            "error",
            # TRANSLATORS: {problem} says what is too big; {variable} is a setting's name.
            _(
                "{problem} (limit {variable}={value}).",
                problem=message,
                variable=variable,
                value=value,
            ),
            _(
                "Use a smaller file, or raise the limit: pass limits=UploadLimits({field}=...) or "
                "set {variable} (currently {value}).",
                field=field,
                variable=variable,
                value=value,
            ),
            code="upload.limit",
            params={"variable": variable, "limit": value},
        )
    )
