"""Who a submission pack is addressed to: a name and an office, found among the cluster's
contacts, else in the wards layer (a ward councillor), else the office alone.

Pure functions: the contacts come in as records (the store's contacts, read by the caller as its
user), the wards as a layer. A ward's ``councillor`` field names a person: the loader never
fills it from a party field (DESIGN §3, :mod:`atlas.load.schema`).

Examples
--------
>>> contacts = [{"id": "C1", "role": "ward_councillor", "name": "Tshepo Ndlovu",
...              "office": None, "ward_id": "99900016"}]
>>> resolve_recipient("ward_councillor", contacts=contacts, ward_id="99900016").line
'Tshepo Ndlovu, Ward Councillor, Ward 99900016'
>>> resolve_recipient("ward_councillor", ward_id="99900016").addressee
'The Ward Councillor, Ward 99900016'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import _
from atlas.measure.pipeline import GapResult
from atlas.summaries.legal import check_recipient_role
from atlas.summaries.pack_words import ROLE, department_words
from atlas.summaries.responsible import looks_like_party

__all__ = [
    "Recipient",  # i18n-ignore: a name of the API
    "check_ward",
    "choose_contact",
    "cluster_wards",
    "main_ward",
    "office_recipient",
    "resolve_recipient",
    "ward_councillor",
]


@dataclass(frozen=True)
class Recipient:
    """Who a pack is addressed to.

    Parameters
    ----------
    role
        One of :data:`atlas.summaries.legal.PACK_RECIPIENTS`.
    office
        The office, in words: ``Ward Councillor, Ward 99900016``.
    name
        The person's name; None when the letter is addressed to the office.
    ward_id
        The ward (a ward councillor's; the ward the letter names for the others).
    category
        The department's service category.
    contact_id
        The store's contact it came from, if any.
    email, phone
        The office's work details, when the contact gives them.
    source
        Where it came from: ``contacts``, ``wards`` or ``office``.
    detail
        What the source says about itself (a contact's ``source`` field).
    """

    role: str
    office: str
    name: str | None = None
    ward_id: str | None = None
    category: str | None = None
    contact_id: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str = "office"
    detail: str | None = None

    @property
    def title(self) -> str:
        """The role in words: ``Ward Councillor``."""
        return _(ROLE[self.role]["title"])

    @property
    def addressee(self) -> str:
        """The name, else the office: ``The Ward Councillor, Ward 99900016``."""
        # TRANSLATORS: a letter's addressee without a name, e.g. "The Office of the Speaker".
        return self.name or _("The {office}", office=self.office)

    @property
    def line(self) -> str:
        """Name and office on one line (what a submission record keeps)."""
        return f"{self.name}, {self.office}" if self.name else self.addressee


def _text(value: Any) -> str | None:
    """``value`` as one line of text; None for None, NaN, NA or blank."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    text = " ".join(str(value).split())
    return text or None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = _text(value)
    return date.fromisoformat(text[:10]) if text else None


def _valid(contact: Mapping[str, Any], on: date | None) -> bool:
    if on is None:
        return True
    start, end = _day(contact.get("valid_from")), _day(contact.get("valid_to"))
    return (start is None or start <= on) and (end is None or on <= end)


def choose_contact(
    contacts: Iterable[Mapping[str, Any]],
    role: str,
    *,
    ward_id: str | None = None,
    category: str | None = None,
    on: date | None = None,
) -> Mapping[str, Any] | None:
    """The contact a letter to ``role`` goes to: of that role, valid ``on`` that day, of the
    ward (a ward councillor) or the category (a department; one with no category serves when
    none has it); the one valid from the latest day first, then by id. None when none fits."""
    fits = [c for c in contacts if c.get("role") == role and _text(c.get("name"))]
    fits = [c for c in fits if _valid(c, on)]
    if role == "ward_councillor":
        fits = [c for c in fits if _text(c.get("ward_id")) == _text(ward_id)]
    if role == "department":
        own = [c for c in fits if _text(c.get("category")) == _text(category)]
        fits = own or [c for c in fits if _text(c.get("category")) is None]
    if not fits:
        return None
    fits.sort(key=lambda c: str(c.get("id") or ""))
    fits.sort(key=lambda c: _day(c.get("valid_from")) or date.min, reverse=True)
    # A kept contact (with an id) before one made up from a file (a wards layer's).
    fits.sort(key=lambda c: _text(c.get("id")) is None)
    return fits[0]


def office_recipient(
    role: str, *, ward_id: str | None = None, category: str | None = None
) -> Recipient:
    """The office alone, by role: ``The Ward Councillor, Ward 99900016``.

    Raises
    ------
    SchemaError
        An unknown role, or a ward councillor without a ward.
    """
    check_recipient_role(role)
    if role == "ward_councillor" and not ward_id:
        raise SchemaError(
            _(
                "A letter to a ward councillor needs the ward: name it (its ward_id), or give "
                "the dataset a wards layer."
            )
        )
    category = category or "water"
    office = _(ROLE[role]["office"], ward=ward_id, service=department_words(category))
    return Recipient(
        role,
        office,
        ward_id=ward_id,
        category=category if role == "department" else None,
    )


def ward_councillor(wards: gpd.GeoDataFrame | None, ward_id: str | None) -> str | None:
    """The ``councillor`` the wards layer names for ``ward_id`` (None when it names none, or
    names a party: :func:`atlas.summaries.responsible.looks_like_party`)."""
    if wards is None or ward_id is None or "councillor" not in wards:
        return None
    rows = wards.loc[wards["ward_id"].astype(str) == str(ward_id), "councillor"]
    names = [t for t in (_text(v) for v in rows) if t and not looks_like_party(t)]
    return names[0] if names else None


def resolve_recipient(
    role: str,
    *,
    contacts: Sequence[Mapping[str, Any]] = (),
    wards: gpd.GeoDataFrame | None = None,
    ward_id: str | None = None,
    category: str | None = None,
    on: date | None = None,
) -> Recipient:
    """The recipient of a letter to ``role``: the contact :func:`choose_contact` finds; else,
    for a ward councillor, the one the wards layer names; else the office
    (:func:`office_recipient`).

    Raises
    ------
    SchemaError
        An unknown role, or a ward councillor without a ward.
    """
    base = office_recipient(role, ward_id=ward_id, category=category)
    found = choose_contact(contacts, role, ward_id=ward_id, category=base.category, on=on)
    if found is not None:
        return Recipient(
            role,
            _text(found.get("office")) or base.office,
            name=_text(found.get("name")),
            ward_id=ward_id,
            category=base.category,
            contact_id=_text(found.get("id")),
            email=_text(found.get("email")),
            phone=_text(found.get("phone")),
            source="contacts",
            detail=_text(found.get("source")),
        )
    if role == "ward_councillor":
        name = ward_councillor(wards, ward_id)
        if name is not None:
            return Recipient(role, base.office, name=name, ward_id=ward_id, source="wards")
    return base


def cluster_wards(result: GapResult, settlement_ids: Iterable[str]) -> list[str]:
    """The wards these settlements overlap, the one most of their households are in first
    (each settlement's households shared among its wards by area; wards without known
    households after, by how many settlements they hold; ties by ward id).

    >>> import atlas
    >>> r = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    >>> members = r.settlements[r.settlements["cluster"] == "Kgotso South Cluster"]
    >>> cluster_wards(r, members["settlement_id"])[:2]
    ['99900016', '99900023']
    """
    ids = {str(s) for s in settlement_ids}
    overlaps = result.ward_overlaps
    if overlaps is None or overlaps.empty:
        return []
    mine = overlaps[overlaps["settlement_id"].astype(str).isin(ids)]
    settlements = result.settlements
    households = pd.Series(
        settlements["households"].astype(float).to_numpy(),
        index=settlements["settlement_id"].astype(str),
    )
    weight = mine["share"].astype(float).to_numpy() * mine["settlement_id"].astype(str).map(
        households
    ).to_numpy(dtype=float)
    table = pd.DataFrame({"ward": mine["ward_id"].astype(str).to_numpy(), "weight": weight})
    groups = table.groupby("ward")
    totals = groups["weight"].sum(min_count=1).fillna(-1.0)
    counts = groups.size()
    order = sorted(totals.index, key=lambda w: (-totals[w], -counts[w], w))
    return [str(w) for w in order]


def main_ward(result: GapResult, settlement_ids: Iterable[str]) -> str | None:
    """The ward most of these settlements' households are in (the first of
    :func:`cluster_wards`); None without wards."""
    wards = cluster_wards(result, settlement_ids)
    return wards[0] if wards else None


def check_ward(
    result: GapResult,
    wards: gpd.GeoDataFrame | None,
    ward_id: str,
    settlement_ids: Iterable[str] | None = None,
) -> str:
    """``ward_id`` when the wards layer has it (any ward without a layer).

    Raises
    ------
    SchemaError
        A ward the wards layer does not have (the message names the wards of
        ``settlement_ids``, the main one first, else some of the layer's).
    """
    ward = str(ward_id).strip()
    if wards is None or ward in set(wards["ward_id"].astype(str)):
        return ward
    ids = () if settlement_ids is None else settlement_ids
    known = cluster_wards(result, ids) or sorted(set(wards["ward_id"].astype(str)))
    shown = ", ".join(known[:8]) + ("…" if len(known) > 8 else "")
    raise SchemaError(
        _(
            "There is no ward '{ward}' in the wards layer: use a ward_id, e.g. {wards}.",
            ward=ward,
            wards=shown,
        )
    )
