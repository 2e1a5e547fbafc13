"""Who is responsible for a settlement's gaps (DESIGN §1): the ward councillor of its primary
ward, the municipal department of each service category, and the contractor of a provider,
from the contacts the cluster keeps (:func:`atlas.store.list_contacts`) and the councillors a
wards layer names (:func:`ward_councillors`). Pure functions of records and contacts: the
pages, the reports and the submission pack read the same words.

A councillor kept in the store comes before the wards layer's (the cluster corrects the file
by adding one); a department or contractor named for the settlement's ward before one for
every ward; among equals, the latest term. Nobody recorded is said, with how to add one.

Examples
--------
>>> contacts = [
...     {"id": None, "role": "ward_councillor", "name": "Priya Phiri", "ward_id": "99900002",
...      "source": "the wards layer"},
...     {"id": "k1", "role": "department", "name": "Water and Sanitation", "category": "water",
...      "phone": "021 400 1111"},
... ]
>>> record = {"settlement_id": "SET-001", "ward_id": "99900002"}
>>> for who in responsible(record, "water", contacts, provider="Aqua Tankers"):
...     print(who.sentence())
Ward councillor, ward 99900002: Priya Phiri (from the wards layer).
Department for water: Water and Sanitation, 021 400 1111.
No contractor is recorded for Aqua Tankers: add one on the Contacts page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from atlas.i18n import N_, _, ngettext, round_half_up, shown_count
from atlas.load.dataset import Dataset
from atlas.store.contacts import CONTACT_ROLES, RECORD_KEYS, contact_order
from atlas.summaries.phrases import IN_NO_WARD

__all__ = [
    "CONTACT_HEADINGS",
    "EVERY_SERVICE",
    "NOT_RECORDED",
    "ROLE_LABELS",
    "WARDS_LAYER",
    "Responsible",  # i18n-ignore: a name of the API
    "cluster_responsible",
    "contact_label",
    "contact_table",
    "gap_categories",
    "looks_like_party",
    "missing_sentences",
    "providers_of_broken",
    "responsible",
    "responsible_sentences",
    "responsible_table",
    "role_label",
    "service_words",
    "settlement_responsible",
    "ward_councillors",
]

#: The source of the councillors a wards layer names (a contact's ``source``: kept in English,
#: translated where shown).
WARDS_LAYER = N_("the wards layer")
#: The service a ward councillor answers for, as the tables say it (an entry's ``service``:
#: kept in English, translated where shown).
EVERY_SERVICE = N_("every service")
#: Words of party names, never of a person's ("DEMOCRATIC ALLIANCE/DEMOKRATIESE ALLIANSIE").
_PARTY_WORDS = frozenset(
    {"alliance", "alliansie", "congress", "party", "front", "movement", "fighters"}
    | {"democratic", "demokratiese", "national", "organisation", "convention", "coalition"}
)
#: Parties' short names, which a wards file may hold alone.
_PARTY_NAMES = frozenset(
    {"anc", "da", "eff", "ifp", "udm", "acdp", "cope", "pac", "atm", "aic", "nfp", "bosa"}
    | {"mk", "ff+", "vf+", "good", "pa", "uim", "icosa", "actionsa"}
)
#: What a table says of a contact nobody recorded (its caption says how to add one).
NOT_RECORDED = N_("not recorded")
#: The service categories as the titles and tables name them (another: its code).
_SERVICE_WORDS = {
    "water": N_("water"),
    "sanitation": N_("sanitation"),
    "electricity": N_("electricity"),
    "waste": N_("waste"),
}
#: Providers that are the municipality itself: its department answers for them.
_MUNICIPAL = frozenset(
    {"municipality", "municipal", "the municipality", "city", "council"}  # i18n-ignore: data values
)


def looks_like_party(text: str) -> bool:
    """Whether a wards layer's councillor value is a party's name, not a person's (the IEC's
    ward files hold the winning party, e.g. ``WARDWINNER``): a party is not a councillor.

    >>> looks_like_party("DEMOCRATIC ALLIANCE/DEMOKRATIESE ALLIANSIE"), looks_like_party("ANC")
    (True, True)
    >>> looks_like_party("Priya Phiri")
    False
    """
    words = re.findall(r"[\w+]+", text.casefold())
    whole = " ".join(words)
    return "/" in text or whole in _PARTY_NAMES or any(w in _PARTY_WORDS for w in words)


def _text(value: Any) -> str | None:
    """``value`` as trimmed text on one line, or None (missing, NaN, blank)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = " ".join(str(value).split())
    return text or None


def ward_councillors(dataset: Dataset) -> list[dict[str, Any]]:
    """The ward councillors the wards layer's ``councillor`` field names, as contacts (the
    keys of :func:`atlas.store.list_contacts`; ``id`` None, ``source`` "the wards layer"):
    none without a wards layer or with the field not mapped, and never a party's name
    (:func:`looks_like_party`)."""
    wards = dataset.wards
    if wards is None or "councillor" not in wards.columns:
        return []
    found = []
    for ward_id, name in zip(wards["ward_id"], wards["councillor"], strict=True):
        text, ward = _text(name), _text(ward_id)
        if text is None or ward is None or looks_like_party(text):
            continue
        entry = dict.fromkeys(RECORD_KEYS)
        entry |= {"role": "ward_councillor", "name": text, "ward_id": ward, "source": WARDS_LAYER}
        found.append(entry)
    return sorted(found, key=contact_order)


@dataclass(frozen=True)
class Responsible:
    """Who answers for a gap: the role in words (``title``), and the contact's name, office,
    phone, email and source, or, when nobody is recorded, ``missing``: what is not known and
    how to add it."""

    role: str
    title: str
    name: str | None = None
    office: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    contact_id: str | None = None
    missing: str | None = None

    def details(self) -> str:
        """``Priya Phiri, Ward 2 office, 021 400 1111 (from the wards layer)``, or what is
        missing."""
        if self.name is None:
            return self.missing or ""
        text = ", ".join(p for p in (self.name, self.office, self.phone, self.email) if p)
        if self.source == WARDS_LAYER:
            return _("{details} (from the wards layer)", details=text)
        return text

    def sentence(self) -> str:
        """The title and the details, or the missing sentence alone."""
        if self.name is None:
            return f"{self.missing}."
        return f"{self.title}: {self.details()}."


def _valid(contact: Mapping[str, Any], on: date | None) -> bool:
    if on is None:
        return True
    start, end = contact.get("valid_from"), contact.get("valid_to")
    return (not start or str(start) <= on.isoformat()) and (not end or str(end) >= on.isoformat())


def _best(candidates: Iterable[Mapping[str, Any]], ward: str | None) -> Mapping[str, Any] | None:
    """The contact named for the ward before one for every ward, the store's before the wards
    layer's, then the latest term, then by name."""
    # Sorted three times, least important key first (sorting is stable).
    ranked = sorted(candidates, key=lambda c: str(c.get("name") or "").casefold())
    ranked.sort(key=lambda c: str(c.get("valid_from") or ""), reverse=True)
    ranked.sort(key=lambda c: (_text(c.get("ward_id")) != ward, c.get("id") is None))
    return ranked[0] if ranked else None


#: Per role: the field naming what it answers for, its title and what is said of nobody
#: (each with the field ``{ward}``, ``{service}`` or ``{provider}``).
_NAMED = {
    "ward_councillor": (
        "ward_id",
        N_("Ward councillor, ward {ward}"),
        N_(
            "No ward councillor is recorded for ward {ward}: add one on the Contacts page, or "
            "map the wards layer's councillor field on the Data page"
        ),
    ),
    "department": (
        "category",
        N_("Department for {service}"),
        N_("No department is recorded for {service}: add one on the Contacts page"),
    ),
    "contractor": (
        "provider",
        N_("Contractor for {provider}"),
        N_("No contractor is recorded for {provider}: add one on the Contacts page"),
    ),
}
#: The field of each role's words in :data:`_NAMED`.
_NAMED_FIELD = {"ward_councillor": "ward", "department": "service", "contractor": "provider"}
_NO_WARD = N_(
    "No ward councillor is known: the settlement's primary ward is not known (it lies in no "
    "ward of the wards layer, or no wards layer is loaded)"
)


def service_words(service: str) -> str:
    """A service category as a title or a table names it (``water``; ``every service`` for
    :data:`EVERY_SERVICE`; another category: its code), in the language of the session."""
    if service == EVERY_SERVICE:
        return _(EVERY_SERVICE)
    known = _SERVICE_WORDS.get(service)
    return service if known is None else _(known)


def _named(
    role: str, value: str | None, ward: str | None, contacts: Sequence[Mapping[str, Any]]
) -> Responsible:
    """The ward councillor of a ward, the department of a category or the contractor of a
    provider (any case), among ``contacts`` for the ward or for every ward."""
    field, title, nobody = _NAMED[role]
    if value is None:
        return Responsible(role, _("Ward councillor"), missing=_(_NO_WARD))
    mine = [
        c
        for c in contacts
        if c.get("role") == role
        and (_text(c.get(field)) or "").casefold() == value.casefold()
        and _text(c.get("ward_id")) in (None, ward)
    ]
    best = _best(mine, ward)
    words = {_NAMED_FIELD[role]: service_words(value) if role == "department" else value}
    if best is None:
        return Responsible(role, _(title, **words), missing=_(nobody, **words))
    name, office, phone, email, source = (
        _text(best.get(k)) for k in ("name", "office", "phone", "email", "source")
    )
    return Responsible(role, _(title, **words), name, office, phone, email, source, best.get("id"))


def responsible(
    record: Mapping[str, Any],
    category: str,
    contacts: Sequence[Mapping[str, Any]],
    *,
    provider: str | Sequence[str] | None = None,
    on: date | None = None,
) -> list[Responsible]:
    """Who is responsible for ``record``'s gap in ``category``: the ward councillor of its
    primary ward (``record["ward_id"]``), the department for the category and, for each
    ``provider`` given (e.g. a late tanker's), its contractor; each found, or saying so.

    Parameters
    ----------
    record
        A settlement's gap record (its ``ward_id`` is the primary ward).
    contacts
        Contacts as :func:`atlas.store.list_contacts` gives them, with
        :func:`ward_councillors` added.
    on
        Only the contacts valid that day count (None: all given).
    """
    valid = [c for c in contacts if _valid(c, on)]
    ward = _text(record.get("ward_id"))
    found = [
        _named("ward_councillor", ward, ward, valid),
        _named("department", category, ward, valid),
    ]
    providers = [provider] if isinstance(provider, str) else list(provider or ())
    for name in dict.fromkeys(p for p in (_text(p) for p in providers) if p):
        found.append(_named("contractor", name, ward, valid))
    return found


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def gap_categories(record: Mapping[str, Any], categories: Iterable[str]) -> list[str]:
    """The categories in which ``record`` has a gap: points missing against the standard, or
    broken points."""
    return [
        c
        for c in categories
        if _number(record.get(f"{c}_gap")) > 0 or _number(record.get(f"{c}_broken")) > 0
    ]


def providers_of_broken(points: pd.DataFrame) -> dict[str, list[str]]:
    """Per category, the providers of the broken points in ``points`` (a settlement's service
    points: ``category``, ``status``, ``provider``) other than the municipality itself, whose
    contractors answer for them."""
    if not {"category", "status", "provider"} <= set(points.columns):
        return {}
    broken = points[points["status"] == "broken"]
    found: dict[str, list[str]] = {}
    for category, provider in zip(broken["category"], broken["provider"], strict=True):
        name = _text(provider)
        if name is not None and name.casefold() not in _MUNICIPAL:
            found.setdefault(str(category), [])
            if name not in found[str(category)]:
                found[str(category)].append(name)
    return {c: sorted(p, key=str.casefold) for c, p in found.items()}


def settlement_responsible(
    record: Mapping[str, Any],
    categories: Iterable[str],
    contacts: Sequence[Mapping[str, Any]],
    *,
    providers: Mapping[str, Sequence[str]] | None = None,
    on: date | None = None,
) -> list[dict[str, Any]]:
    """Who is responsible for a settlement's gaps: its ward councillor (``service``
    :data:`EVERY_SERVICE`), then for each category with a gap (:func:`gap_categories`) its
    department and the contractors recorded for ``providers[category]`` (a point's provider
    is often only a kind, ``contractor`` or ``NGO``: one nobody recorded is not listed). Each
    entry: ``service`` and ``responsible``."""
    councillor = responsible(record, "", contacts, on=on)[0]
    entries = [{"service": EVERY_SERVICE, "responsible": councillor}]
    for category in gap_categories(record, categories):
        asked = (providers or {}).get(category)
        department, *contractors = responsible(record, category, contacts, provider=asked, on=on)[
            1:
        ]
        found = [department, *(r for r in contractors if r.name is not None)]
        entries += [{"service": category, "responsible": r} for r in found]
    return entries


def _short(rows: pd.DataFrame, category: str) -> str:
    """What is short in ``rows`` in ``category``: ``12 missing, 3 broken`` (empty: nothing)."""
    gap = sum(_number(v) for v in rows.get(f"{category}_gap", []))
    broken = sum(_number(v) for v in rows.get(f"{category}_broken", []))
    parts = []
    if gap > 0:
        parts.append(ngettext("{n} missing", "{n} missing", round_half_up(gap), n=shown_count(gap)))
    if broken > 0:
        count = round_half_up(broken)
        parts.append(ngettext("{n} broken", "{n} broken", count, n=shown_count(broken)))
    return ", ".join(parts)


def cluster_responsible(
    settlements: pd.DataFrame,
    categories: Iterable[str],
    contacts: Sequence[Mapping[str, Any]],
    *,
    on: date | None = None,
) -> list[dict[str, Any]]:
    """Who is responsible in a cluster, per primary ward and category: for each ward of the
    ``settlements`` (gap records with ``ward_id`` and ``name``; wards by number), its
    councillor (service :data:`EVERY_SERVICE`), then the department of each category with a
    gap there. Each entry: ``ward`` (None: in no ward), ``settlements`` (their names),
    ``service``, ``short`` (``12 missing, 3 broken``) and ``responsible``."""
    shown = list(categories)
    wards = [_text(w) for w in settlements["ward_id"]]
    entries: list[dict[str, Any]] = []
    for ward in sorted(set(wards), key=lambda w: (w is None, len(w or ""), w or "")):
        members = settlements[[w == ward for w in wards]]
        names = ", ".join(sorted(str(n) for n in members["name"]))
        councillor = responsible({"ward_id": ward}, "", contacts, on=on)[0]
        entries.append({"ward": ward, "settlements": names, "service": EVERY_SERVICE})
        entries[-1] |= {"short": "", "responsible": councillor}
        for category in (c for c in shown if _short(members, c)):
            department = responsible({"ward_id": ward}, category, contacts, on=on)[1]
            entries.append({"ward": ward, "settlements": names, "service": category})
            entries[-1] |= {"short": _short(members, category), "responsible": department}
    return entries


def responsible_table(entries: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """``entries`` (of :func:`settlement_responsible` or :func:`cluster_responsible`) as a
    page shows them: Ward and Settlements (a cluster's), Service, Missing or broken (a
    cluster's), Who, Name, Office, Phone, Email, Source; nobody recorded reads ``not
    recorded`` (:func:`missing_sentences` say how to add them)."""
    rows = []
    for entry in entries:
        r: Responsible = entry["responsible"]
        row = {_("Ward"): entry["ward"] or _(IN_NO_WARD)} if "ward" in entry else {}
        row |= {_("Settlements"): entry["settlements"]} if "settlements" in entry else {}
        row |= {_("Service"): service_words(entry["service"])}
        row |= {_("Missing or broken"): entry["short"]} if "short" in entry else {}
        row |= {_("Who"): r.title, _("Name"): r.name or _(NOT_RECORDED)}
        row |= {_("Office"): r.office or "", _("Phone"): r.phone or "", _("Email"): r.email or ""}
        rows.append(
            row | {_("Source"): _(WARDS_LAYER) if r.source == WARDS_LAYER else r.source or ""}
        )
    return pd.DataFrame(rows)


def responsible_sentences(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each responsible of ``entries`` once, in a sentence (nobody recorded says how to add
    them)."""
    return list(dict.fromkeys(e["responsible"].sentence() for e in entries))


def missing_sentences(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """What nobody is recorded for in ``entries``, each once, with how to add them (for under
    a table)."""
    return list(
        dict.fromkeys(e["responsible"].sentence() for e in entries if e["responsible"].name is None)
    )


#: The contact roles as people read them (translated where shown: :func:`role_label`).
ROLE_LABELS = {r: r.replace("_", " ").capitalize() for r in CONTACT_ROLES} | {
    "ward_councillor": N_("Ward councillor"),
    "ward_committee": N_("Ward committee"),
    "department": N_("Department"),
    "idp_office": N_("IDP office"),
    "mpac_chair": N_("MPAC chair"),
    "speaker": N_("Speaker"),
    "contractor": N_("Contractor"),
    "other": N_("Other"),
}
#: The headings of a contacts table, by field (translated where shown: :func:`contact_table`).
CONTACT_HEADINGS = {f: f.replace("_", " ").capitalize() for f in RECORD_KEYS[1:]} | {
    "role": N_("Role"),
    "name": N_("Name"),
    "office": N_("Office"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "ward_id": N_("Ward"),
    "category": N_("Service"),
    "provider": N_("Provider"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "source": N_("Source"),
}


def role_label(role: str) -> str:
    """A contact role as people read it: ``Ward councillor``, ``IDP office``…"""
    known = ROLE_LABELS.get(str(role))
    return str(role) if known is None else _(known)


def contact_label(contact: Mapping[str, Any]) -> str:
    """A contact as a list shows it: ``Priya Phiri (Ward councillor, ward 99900002)``.

    >>> contact_label({"role": "department", "name": "Water and Sanitation", "category": "water"})
    'Water and Sanitation (Department, water)'
    """
    what = [role_label(str(contact.get("role")))]
    ward = _text(contact.get("ward_id"))
    what += [_("ward {ward}", ward=ward)] if ward else []
    category = _text(contact.get("category"))
    what += [service_words(category)] if category else []
    what += [p for p in (_text(contact.get("provider")),) if p]
    return f"{contact.get('name')} ({', '.join(what)})"


def contact_table(contacts: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Contacts (of :func:`atlas.store.list_contacts` or :func:`ward_councillors`) as a page
    shows them: :data:`CONTACT_HEADINGS`, the role in words, empty cells empty."""
    table = pd.DataFrame(list(contacts), columns=list(RECORD_KEYS))[list(CONTACT_HEADINGS)]
    table["role"] = table["role"].map(lambda r: _(ROLE_LABELS[r]) if r in ROLE_LABELS else r)
    headings = {f: _(h) for f, h in CONTACT_HEADINGS.items()}
    return table.map(lambda v: "" if _text(v) is None else str(v)).rename(columns=headings)
