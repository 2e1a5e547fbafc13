"""Every word of the submission pack that is not the law's, in one place, for its translations.

The pack is written in English until the language catalogues exist (DESIGN §8): each template
here is one message with named fields (``{cluster}``), ready to become a catalogue entry. The
provisions of the law are in :mod:`atlas.summaries.legal`; numbers and dates are written by
:mod:`atlas.i18n`. Nothing here computes.
"""

from __future__ import annotations

from collections.abc import Sequence

from atlas.errors import SchemaError

__all__ = [
    "ASK",
    "EVIDENCE",
    "EVIDENCE_PARTS",
    "LANGUAGES",
    "LETTER",
    "METHOD",
    "RECIPIENT_SOURCES",
    "RECORDS",
    "RECORD_HEADINGS",
    "ROLE",
    "SHEET",
    "SHEET_COLUMNS",
    "SIGN_FIELDS",
    "check_language",
    "department_words",
    "listed",
]

#: The languages the pack is written in.
LANGUAGES = ("en",)
#: The languages of the cluster's members the pack will be translated into (DESIGN §8).
_COMING = {
    "zu": "isiZulu",
    "xh": "isiXhosa",
    "af": "Afrikaans",
    "nso": "Sepedi",
    "st": "Sesotho",
    "tn": "Setswana",
    "ts": "Xitsonga",
    "ss": "siSwati",
    "ve": "Tshivenḓa",
    "nr": "isiNdebele",
}


def check_language(code: str) -> str:
    """``code`` when the pack is written in it (``en``).

    Raises
    ------
    SchemaError
        Any other language: its translation is not available yet.

    Examples
    --------
    >>> check_language("en")
    'en'
    >>> check_language("zu")
    Traceback (most recent call last):
    ...
    atlas.errors.SchemaError: The submission pack is not available in isiZulu (zu) yet: ...
    """
    text = str(code).strip().lower()
    if text in LANGUAGES:
        return text
    name = _COMING.get(text)
    what = f"{name} ({text})" if name else f"'{code}'"
    raise SchemaError(
        f"The submission pack is not available in {what} yet: its translation has not been "
        f"made. Make it in English (en) for now."
    )


def listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


#: Per recipient role: its title, the office a letter is addressed to when no contact names
#: one, the greeting without a name, and why the letter goes to them (after the law).
ROLE: dict[str, dict[str, str]] = {
    "ward_councillor": {
        "title": "Ward Councillor",
        "office": "Ward Councillor, Ward {ward}",
        "greeting": "Dear Councillor",
        "why": "As the councillor of Ward {ward}, we ask you to take these asks to the ward "
        "committee and, through it, to the council, and to tell us what the municipality "
        "will do.",
    },
    "idp_office": {
        "title": "IDP Office",
        "office": "Integrated Development Planning (IDP) Office",
        "greeting": "Dear IDP Manager",
        "why": "We ask that the IDP under review identify our settlements as communities "
        "without access to basic services, with the numbers below, and plan and budget for "
        "the asks.",
    },
    "mpac_chair": {
        "title": "Chairperson of the Municipal Public Accounts Committee",
        "office": "Chairperson, Municipal Public Accounts Committee (MPAC)",
        "greeting": "Dear Chairperson",
        "why": "We ask the committee to ask the administration how and by when it will close "
        "these gaps, and to follow them up in its oversight of the annual report.",
    },
    "speaker": {
        "title": "Speaker of the Council",
        "office": "Office of the Speaker",
        "greeting": "Dear Speaker",
        "why": "This letter and its signature sheet are a petition: we ask that it be "
        "received, processed and considered under the council's rules for petitions, and "
        "that we be told when it will be tabled.",
    },
    "department": {
        "title": "Head of Department",
        "office": "Head of Department, {service}",
        "greeting": "Dear Head of Department",
        "why": "The asks below are the gaps against that standard in our settlements; we ask "
        "your department to act on them.",
    },
}

_SERVICES = {
    "water": "water services",
    "sanitation": "sanitation services",
    "electricity": "electricity services",
    "waste": "solid waste services",
}


def department_words(category: str) -> str:
    """``water services``, ``solid waste services``… (another category: ``{it} services``)."""
    return _SERVICES.get(category, f"{category.replace('_', ' ')} services")


#: The letter.
LETTER: dict[str, str] = {
    "kicker": "SUBMISSION",
    "date": "Date: {day}",
    "subject": "{services} in the {settlements} of {cluster}: our evidence and what we ask for",
    "greeting_named": "Dear {name},",
    "greeting": "{greeting},",
    "intro": "We write on behalf of {cluster}: {settlements} with {households}{where}. "
    "We counted our service points and measured them against the {standard}: {rules}.",
    "standing": "{label}: {working} for {demand} ({ratio}){gap}.",
    "gap": "; {count} more are needed",
    "where": " in {municipality}",
    "ward": " {count} of our settlements {verb} in Ward {ward}: {names}.",
    "law": "The law we rely on:",
    "ask_intro": "We therefore ask for the following:",
    "evidence": "The evidence is attached: {parts}.",
    "closing": "Yours faithfully,",
    "for": "For {cluster}",
}
#: What the letter says is attached, in the pack's order (those that are there).
EVIDENCE_PARTS: dict[str, str] = {
    "gaps": "the gaps of each settlement against the standard, with its source",
    "map": "a map of the cluster",
    "deliveries": "the water deliveries against the schedule",
    "records": "our open reports and the municipality's response times",
    "method": "how the numbers were made",
    "sheet": "a signature sheet for the residents who support this submission",
}
#: The lines the letter is signed on.
SIGN_FIELDS = ("Name:", "Role in the cluster:", "Signature:", "Contact:")

#: The asks (numbered in the letter).
ASK: dict[str, str] = {
    "ratio": "1 {label} for {units}",
    "within": ", within {metres} m",
    "install": "Install {count} in {cluster}, to reach {rule}: {parts}.",
    "install_one": "Install {count} in {place}, to reach {rule}.",
    "unknown": " Not counted: {names} (households not known).",
    "repair": "Repair the {count}: {parts}.",
    "repair_one": "Repair the {count} in {place}.",
    "part": "{count} in {place}",
    "missed": "Deliver water as scheduled: {missed} of the {scheduled} {period} did not "
    "come ({parts}){late}.",
    "period": "deliveries scheduled from {first} to {last}",
    "no_period": "scheduled deliveries",
    "late": ", and {count} came late or short",
    "reports": "Fix the {count} we reported that {verb} still open, the oldest seen on "
    "{oldest}{over}: they are listed in the evidence.",
    "over": " ({count} open for more than 30 days)",
    "answer": "Answer this submission in writing by {day}, saying what will be done, by when "
    "and who is responsible.",
}

#: The evidence pages.
EVIDENCE: dict[str, str] = {
    "kicker": "EVIDENCE",
    "title": "The evidence: {cluster}",
    "gaps": "1. The gaps against the standard",
    "map": "2. Where the settlements are",
    "deliveries": "3. Water deliveries against the schedule",
    "records": "{number}. Our open reports, the oldest first",
    "period": "Compared from {first} to {last}.",
    "method": "How the numbers were made",
    "footer": "Settlement Atlas · submission of {cluster} to {to} · {day} · ",
}

#: The columns of the open reports' table.
RECORD_HEADINGS = ("No.", "Settlement", "Service", "Problem", "Seen", "Days open", "Reference")
#: The open reports and the response to them.
RECORDS: dict[str, str] = {
    "none": "No report of {cluster} was open on {day}.",
    "more": "And {count} more open reports, newer than these.",
    "response": "In the 12 months to {day}, the cluster reported {opened}; {fixed}.",
    "standing": "On {day}, {open} {verb} open: {over_7} for more than 7 days, {over_30} for "
    "more than 30 days.",
    "fixed": "{count} fixed, in a median of {days} days from when the problem was seen",
    "none_fixed": "none was fixed",
    "days": "Days open are counted from when the problem was seen (or reopened) to {day}.",
}

#: How the numbers were made.
METHOD: dict[str, str] = {
    "file": "{name} ({layer}): {used} of {features} rows used, coordinates in {crs} "
    "(SHA-256 {digest}…).",
    "standard": "Standard: {name}. {rules}. Source: {source}.",
    "counted": "A service point counts for the settlement that contains it, else the nearest "
    "within the standard's distance; only working points serve. Needed = households ÷ the "
    "standard's households per point, rounded up; missing = needed − working. Distances and "
    "areas are measured in {crs}.",
    "file_statuses": "Statuses of the service points: as the services file gives them.",
    "deliveries": "Water deliveries: the municipality's schedule compared with the deliveries "
    "residents recorded, from {first} to {last} (late: outside the window by more than the "
    "tolerance; short: less water than scheduled).",
    "records": "Open reports and response times: the cluster's own records, as of {day}.",
    "recipient": "Recipient: {source}.",
    "made": "Pack made on {day} with Settlement Atlas {version}.",
}
#: Where the recipient came from (:attr:`atlas.summaries.pack_recipient.Recipient.source`).
RECIPIENT_SOURCES: dict[str, str] = {
    "contacts": "the cluster's contacts{detail}",
    "wards": "the ward councillor named in the wards layer",
    "office": "no contact known: addressed to the office",
}

#: The columns of the signature sheet.
SHEET_COLUMNS = ("No.", "Name", "Settlement", "Signature", "I consent to the use of my name")
#: The signature sheet.
SHEET: dict[str, str] = {
    "kicker": "SIGNATURE SHEET",
    "title": "We support this submission of {cluster}",
    "intro": "To {addressee}, dated {day}. By signing, residents of the settlements of "
    "{cluster} support the asks of this submission{petition}.",
    "petition": " as a petition under section 17 of the Municipal Systems Act",
    "consent": "Consent: write YES if your name may be shown to the municipality with this "
    "submission, NO if it may only be counted. Names are used for this submission only "
    "(Protection of Personal Information Act 4 of 2013).",
}
