"""Reports from field forms: KoboToolbox and ODK Central exports (CSV or XLSX) of the atlas's
report form (``data/forms/atlas-report.xlsx``, :mod:`atlas.store.xlsform`), read as form
versions and imported like any reports file (:func:`~atlas.store.imports.import_reports`).

What the exports look like, and how each is read:

* **KoboToolbox** (formpack, as KPI exports it): ``;`` between quoted values in a CSV (``,``
  and tabs are read too), the form's columns, then ``_id``, ``_uuid``, ``_submission_time``,
  ``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``, ``__version__``,
  ``_tags``, ``meta/rootUuid`` (recent KPI) and ``_index``. Headers are the questions' names
  ("XML values and headers"), bare or with their group (``report/settlement_id``, or another
  separator such as ``report.settlement_id``). A geopoint is one ``location`` column
  (``latitude longitude altitude accuracy``) and ``_location_latitude``… beside it (with the
  group: ``report/_location_latitude``). ``_uuid`` is the version's instance id without its
  ``uuid:`` prefix; ``_submission_time`` is UTC without an offset. An XLSX export writes times
  without their offset: they are read as South African time, the phone's.
* **ODK Central** (its CSV export): ``SubmissionDate``, the form's columns with their group
  joined by ``-`` (``report-settlement_id``; or bare, with group names left out), a geopoint
  split into ``report-location-Latitude``, ``-Longitude``, ``-Altitude``, ``-Accuracy``, then
  ``meta-instanceID``, ``KEY``, ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``,
  ``AttachmentsExpected``, ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``,
  ``FormVersion``. An edited submission shows its latest version: ``meta-instanceID`` is that
  version, ``KEY`` the id it was first sent under.

A report's external id is its submission's first instance id (``uuid:…``: Kobo's
``meta/rootUuid``, Central's ``KEY``, else the version's own id); every version's id is kept
(``report_versions``), so an edit (a later version, or one whose ``meta/deprecatedID`` names a
kept one) corrects its report rather than adding one (:mod:`atlas.store.edits`). A submission
that ticks several problems (a form changed to ``select_multiple``) becomes one report per
problem: the first under the submission's id, each other under ``<id>#<problem>``.
Submissions that Central's reviewers rejected, or Kobo's marked "not approved", are refused;
a blank ``observed_at`` is the time the submission reached the server.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.store.accounts import User, acting
from atlas.store.imports import BATCH, FormVersion, ImportResult, Refused, import_reports
from atlas.store.reports import NewReport
from atlas.store.store import Store
from atlas.store.tables import read_table
from atlas.store.vocabulary import Role

__all__ = ["KINDS", "import_form_export", "read_form_export"]

#: The exports read, by ``--kind`` (each is also the channel of its reports).
KINDS = {"kobo": "KoboToolbox", "odk": "ODK Central"}  # i18n-ignore: the servers' names
#: The form's questions a report is made of.
FIELDS = ("settlement_id", "service_id", "category", "problem", "observed_at", "note", "location")
_REQUIRED = ("settlement_id", "category", "problem", "observed_at")
#: The metadata columns the servers add, by their name as a lowercase path.
_META = {
    ("meta", "instanceid"): "instance",
    ("instanceid",): "instance",
    ("_uuid",): "uuid",
    ("key",): "key",
    ("meta", "rootuuid"): "root",
    ("meta", "deprecatedid"): "deprecated",
    ("_submission_time",): "submitted",
    ("submissiondate",): "submitted",
    ("reviewstate",): "review",
    ("_validation_status",): "validation",
    ("status",): "status",
}
#: Columns only one server's exports have: which one a file comes from.
_LAYOUTS = {"odk": {("submissiondate",), ("key",)}, "kobo": {("_uuid",), ("_submission_time",)}}
_NOT_APPROVED = ("validation_status_not_approved", "not approved")  # i18n-ignore: Kobo's codes


def _path(header: str) -> tuple[str, ...]:
    """A column's name as a lowercase path, whichever separator the export used:
    ``report/settlement_id``, ``report.settlement_id`` and ``report-settlement_id`` alike."""
    return tuple(p for p in re.split(r"[/.\-]", header.strip().lower()) if p)


def _field(path: tuple[str, ...]) -> str | None:
    """The question a form column holds (after any group), or a geopoint's part."""
    tail = tuple(p.lstrip("_") for p in path)
    if not tail:
        return None
    for part in ("latitude", "longitude"):
        if tail[-1] == f"location_{part}" or tail[-2:] == ("location", part):
            return part
    return tail[-1] if tail[-1] in FIELDS else None


def _columns(header: Sequence[str]) -> tuple[dict[str, int], str | None]:
    """Where each question and metadata column is (the first of each), and which server's
    layout the header has (None when neither's)."""
    found: dict[str, int] = {}
    paths = [_path(h) for h in header]
    for index, path in enumerate(paths):
        name = _META.get(path) or _field(path)
        if name is not None:
            found.setdefault(name, index)
    layout = next((k for k, marks in _LAYOUTS.items() if marks <= set(paths)), None)
    return found, layout


def _utc(text: str) -> str:
    """Kobo's ``_submission_time`` (UTC, written without an offset) with its offset."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return text if value.tzinfo is not None else f"{text}+00:00"


def _place(combined: str, lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
    """(lon, lat) of a geopoint (``latitude longitude [altitude [accuracy]]``) or of its split
    columns; (None, None) when there is none.

    Raises
    ------
    ValueError
        It is not a geopoint; the message says how ODK writes one.
    """
    text = combined or " ".join(t for t in (lat_text, lon_text) if t)
    if not text:
        return None, None
    parts = text.split()
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if not 2 <= len(numbers) <= 4 or not all(math.isfinite(n) for n in numbers):
        numbers = []
    if not numbers or not (-90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180):
        raise ValueError(
            _(
                "The location '{location}' is not a geopoint: ODK writes one as latitude, "
                "longitude, altitude and accuracy, e.g. '-33.92490 18.42410 25 5'. Correct it "
                "in the form, or leave it empty.",
                location=text,
            )
        )
    return numbers[1], numbers[0]


def _versions(
    cells: Sequence[str], columns: dict[str, int], kind: str
) -> list[FormVersion | Refused]:
    """The form versions one row of an export becomes (one per problem ticked), or why not."""

    def get(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    uuid = get("uuid")
    version = get("instance") or (uuid and ("" if uuid.startswith("uuid:") else "uuid:") + uuid)
    version = version or get("key")
    if not version:
        return [
            Refused(
                _(
                    "The submission has no instance id (meta/instanceID, _uuid or KEY): export "
                    "it from {server} with the columns the server adds.",
                    server=KINDS[kind],
                )
            )
        ]
    if get("review").lower() == "rejected":
        return [
            Refused(
                _(
                    "ODK Central's reviewers rejected the submission {version} (ReviewState "
                    "rejected): it is not imported. Change its review state in Central if it "
                    "counts.",
                    version=version,
                )
            )
        ]
    if get("validation").lower() in _NOT_APPROVED:
        return [
            Refused(
                _(
                    "KoboToolbox marks the submission {version} not approved "
                    "(_validation_status): it is not imported. Change its validation status if "
                    "it counts.",
                    version=version,
                )
            )
        ]
    if kind == "odk" and get("status"):
        return [
            Refused(
                _(
                    "ODK Central could not read the submission {version} ({status}): export it "
                    "again with the form's passphrase.",
                    version=version,
                    status=get("status"),
                )
            )
        ]
    if not get("settlement_id"):
        return [
            Refused(
                _(
                    "The submission {version} names no settlement: answer settlement_id with the "
                    "settlement's id (e.g. SET-001), then export again.",
                    version=version,
                )
            )
        ]
    try:
        lon, lat = _place(get("location"), get("latitude"), get("longitude"))
    except ValueError as exc:
        return [Refused(str(exc))]
    root = get("root") or get("key") or None
    replaces = get("deprecated") or None
    entries: list[FormVersion | Refused] = []
    for n, problem in enumerate(dict.fromkeys(get("problem").split()) or [""]):
        suffix = f"#{problem}" if n else ""
        report = NewReport(
            settlement_id=get("settlement_id"),
            category=get("category"),
            problem=problem,
            observed_at=get("observed_at") or _utc(get("submitted")),
            service_id=get("service_id") or None,
            note=get("note") or None,
            channel=kind,
            lon=lon,
            lat=lat,
            external_id=version + suffix,
        )
        entries.append(
            FormVersion(
                report,
                root=root and root + suffix,
                replaces=replaces and replaces + suffix,
            )
        )
    return entries


def read_form_export(
    path: str | Path, kind: str = "kobo"
) -> list[tuple[int, FormVersion | Refused]]:
    """The form versions of a KoboToolbox (``kind="kobo"``) or ODK Central (``"odk"``)
    export, each with the line (CSV) or sheet row (XLSX) it is on; rows that cannot be
    reports are :class:`~atlas.store.imports.Refused` with the reason.

    Raises
    ------
    DataFileError
        The file cannot be read, is not an export of the atlas's report form, or is the other
        server's export.
    """
    if kind not in KINDS:
        raise DataFileError(
            _(
                "'{kind}' is not a field-form export: use one of {kinds}.",
                kind=kind,
                kinds=", ".join(KINDS),
            )
        )
    source = Path(path)
    header, body = read_table(source)
    columns, layout = _columns(header)
    missing = [c for c in _REQUIRED if c not in columns]
    if not {"instance", "uuid", "key"} & set(columns):
        missing.append("meta/instanceID (or _uuid, KEY)")  # i18n-ignore: the columns' names
    if missing:
        raise DataFileError(
            _(
                "{file} has no column {missing}: is it an export of the atlas's report form "
                "(data/forms/atlas-report.xlsx)? Export it with the questions' names as headers "
                "(KoboToolbox: 'XML values and headers'), with the server's own columns.",
                file=source.name,
                missing=", ".join(missing),
            )
        )
    if layout is not None and layout != kind:
        raise DataFileError(
            # TRANSLATORS: {server} and {other} are KoboToolbox and ODK Central; {kind} is
            # kobo or odk, as the command line writes it.
            _(
                "{file} is an {server} export, not {other}: import it as kind '{kind}' "
                "(atlas reports import FILE --kind {kind}).",
                file=source.name,
                server=KINDS[layout],
                other=KINDS[kind],
                kind=layout,
            )
        )
    return [(line, entry) for line, cells in body for entry in _versions(cells, columns, kind)]


def import_form_export(
    store: Store,
    actor: User,
    path: str | Path,
    kind: str = "kobo",
    *,
    progress: Callable[[int, int], None] = lambda _done, _added: None,
    batch: int = BATCH,
) -> ImportResult:
    """Import the reports of a KoboToolbox or ODK Central export (:func:`read_form_export`):
    new submissions are added, edits correct their report, the rest is unchanged; importing
    the same export again changes nothing.

    Raises
    ------
    AccessDenied
        The actor is a viewer (before the file is read).
    DataFileError
        The file cannot be read as such an export.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.MEMBER, _("importing reports"))
    entries = read_form_export(path, kind)
    return import_reports(store, actor, entries, progress=progress, batch=batch)
