"""Every word of the submission pack, in one place, for its translations.

Each template here is one catalogue message with named fields (``{cluster}``), marked with
:func:`~atlas.i18n.N_` (or :func:`~atlas.i18n.Nn_` when it depends on a count) and translated
where it is written, with :func:`~atlas.i18n._` (``_(LETTER["date"], day=...)``) or
:func:`~atlas.i18n.ngettext`; the dictionaries' values stay the English source. The provisions
of the law are in :mod:`atlas.summaries.legal`; numbers and dates are written by
:mod:`atlas.i18n`. Nothing here computes.
"""

from __future__ import annotations

from collections.abc import Sequence

from atlas.errors import SchemaError
from atlas.i18n import LANGUAGES as ATLAS_LANGUAGES
from atlas.i18n import N_, Nn_, _

__all__ = [
    "ASK",
    "ASK_COUNTS",
    "EVIDENCE",
    "EVIDENCE_PARTS",
    "LANGUAGES",
    "LETTER",
    "LETTER_COUNTS",
    "METHOD",
    "RECIPIENT_SOURCES",
    "RECORDS",
    "RECORDS_COUNTS",
    "RECORD_HEADINGS",
    "ROLE",
    "SHEET",
    "SHEET_COLUMNS",
    "SIGN_FIELDS",
    "SUBJECT_SERVICES",
    "check_language",
    "department_words",
    "listed",
]

#: The languages the pack is written in: the atlas's (DESIGN §8).
LANGUAGES = tuple(ATLAS_LANGUAGES)
#: South Africa's other official languages, which the atlas does not speak yet.
_COMING = {
    "tn": "Setswana",  # i18n-ignore: its own name
    "ts": "Xitsonga",  # i18n-ignore: its own name
    "ss": "siSwati",
    "ve": "Tshivenḓa",
    "nr": "isiNdebele",
}


def check_language(code: str) -> str:
    """``code`` when the pack is written in it (one of :data:`LANGUAGES`).

    Raises
    ------
    SchemaError
        Any other language, naming those it is written in.

    Examples
    --------
    >>> check_language("ZU")
    'zu'
    >>> check_language("tn")
    Traceback (most recent call last):
    ...
    atlas.errors.SchemaError: The submission pack is not available in Setswana (tn) yet: ...
    """
    text = str(code).strip().lower()
    if text in LANGUAGES:
        return text
    name = _COMING.get(text)
    what = f"{name} ({text})" if name else f"'{code}'"
    known = ", ".join(f"{name} ({c})" for c, name in ATLAS_LANGUAGES.items())
    raise SchemaError(
        _(
            "The submission pack is not available in {language} yet: it is written in {languages}.",
            language=what,
            languages=known,
        )
    )


def listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    # TRANSLATORS: the end of a list: "{items}" is "a, b", "{last}" is "c".
    return _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


#: Per recipient role: its title, the office a letter is addressed to when no contact names
#: one, the greeting without a name, and why the letter goes to them (after the law).
ROLE: dict[str, dict[str, str]] = {
    "ward_councillor": {
        "title": N_("Ward Councillor"),
        "office": N_("Ward Councillor, Ward {ward}"),
        "greeting": N_("Dear Councillor"),
        "why": N_(
            "As the councillor of Ward {ward}, we ask you to take these asks to the ward "
            "committee and, through it, to the council, and to tell us what the municipality "
            "will do."
        ),
    },
    "idp_office": {
        "title": N_("IDP Office"),
        "office": N_("Integrated Development Planning (IDP) Office"),
        "greeting": N_("Dear IDP Manager"),
        "why": N_(
            "We ask that the IDP under review identify our settlements as communities "
            "without access to basic services, with the numbers below, and plan and budget for "
            "the asks."
        ),
    },
    "mpac_chair": {
        "title": N_("Chairperson of the Municipal Public Accounts Committee"),
        "office": N_("Chairperson, Municipal Public Accounts Committee (MPAC)"),
        "greeting": N_("Dear Chairperson"),
        "why": N_(
            "We ask the committee to ask the administration how and by when it will close "
            "these gaps, and to follow them up in its oversight of the annual report."
        ),
    },
    "speaker": {
        "title": N_("Speaker of the Council"),
        "office": N_("Office of the Speaker"),
        "greeting": N_("Dear Speaker"),
        "why": N_(
            "This letter and its signature sheet are a petition: we ask that it be "
            "received, processed and considered under the council's rules for petitions, and "
            "that we be told when it will be tabled."
        ),
    },
    "department": {
        "title": N_("Head of Department"),
        "office": N_("Head of Department, {service}"),
        "greeting": N_("Dear Head of Department"),
        "why": N_(
            "The asks below are the gaps against that standard in our settlements; we ask "
            "your department to act on them."
        ),
    },
}

_SERVICES = {
    "water": N_("water services"),
    "sanitation": N_("sanitation services"),
    "electricity": N_("electricity services"),
    "waste": N_("solid waste services"),
}


def department_words(category: str) -> str:
    """``water services``, ``solid waste services``… (another category: ``{it} services``)."""
    known = _SERVICES.get(category)
    if known is not None:
        return _(known)
    return _("{category} services", category=category.replace("_", " "))


#: The letter.
LETTER: dict[str, str] = {
    "kicker": N_("SUBMISSION"),
    "date": N_("Date: {day}"),
    "subject": N_("{services} in the {settlements} of {cluster}: our evidence and what we ask for"),
    "greeting_named": N_("Dear {name},"),
    # TRANSLATORS: a greeting without a name, e.g. "Dear Speaker", and its punctuation.
    "greeting": N_("{greeting},"),
    "intro": N_(
        "We write on behalf of {cluster}: {settlements} with {households}. "
        "We counted our service points and measured them against the {standard}: {rules}."
    ),
    "intro_in": N_(
        "We write on behalf of {cluster}: {settlements} with {households} in {municipality}. "
        "We counted our service points and measured them against the {standard}: {rules}."
    ),
    "households_unknown": N_("households not known"),
    "standing": N_("{label}: {working} working for {demand} ({ratio})."),
    "law": N_("The law we rely on:"),
    "ask_intro": N_("We therefore ask for the following:"),
    "evidence": N_("The evidence is attached: {parts}."),
    "closing": N_("Yours faithfully,"),
    "for": N_("For {cluster}"),
}
#: The letter's sentences that depend on a count (for :func:`atlas.i18n.ngettext`).
LETTER_COUNTS: dict[str, tuple[str, str]] = {
    "standing_gap": Nn_(
        "{label}: {working} working for {demand} ({ratio}); {n} more is needed.",
        "{label}: {working} working for {demand} ({ratio}); {n} more are needed.",
    ),
    "ward": Nn_(
        "{n} of our settlements lies in Ward {ward}: {names}.",
        "{n} of our settlements lie in Ward {ward}: {names}.",
    ),
}
#: The service categories as the letter's subject names them (another: its code).
SUBJECT_SERVICES: dict[str, str] = {
    "water": N_("water"),
    "sanitation": N_("sanitation"),
    "electricity": N_("electricity"),
    "waste": N_("waste"),
}
#: What the letter says is attached, in the pack's order (those that are there).
EVIDENCE_PARTS: dict[str, str] = {
    "gaps": N_("the gaps of each settlement against the standard, with its source"),
    "map": N_("a map of the cluster"),
    "deliveries": N_("the water deliveries against the schedule"),
    "records": N_("our open reports and the municipality's response times"),
    "method": N_("how the numbers were made"),
    "sheet": N_("a signature sheet for the residents who support this submission"),
}
#: The lines the letter is signed on.
SIGN_FIELDS = (N_("Name:"), N_("Role in the cluster:"), N_("Signature:"), N_("Contact:"))

#: The asks (numbered in the letter).
ASK: dict[str, str] = {
    # TRANSLATORS: a standard's ratio, e.g. "1 tap for 25 households".
    "ratio": N_("1 {label} for {units}"),
    "ratio_within": N_("1 {label} for {units}, within {metres} m"),
    "install": N_("Install {count} in {cluster}, to reach {rule}: {parts}."),
    "install_one": N_("Install {count} in {place}, to reach {rule}."),
    "unknown": N_("Not counted: {names} (households not known)."),
    # TRANSLATORS: a part of an ask, e.g. "42 in Khayalethu".
    "part": N_("{count} in {place}"),
    "answer": N_(
        "Answer this submission in writing by {day}, saying what will be done, by when "
        "and who is responsible."
    ),
}
#: The asks that depend on a count (for :func:`atlas.i18n.ngettext`).
ASK_COUNTS: dict[str, tuple[str, str]] = {
    "repair": Nn_(
        "Repair the {n} broken {points}: {parts}.", "Repair the {n} broken {points}: {parts}."
    ),
    "repair_one": Nn_(
        "Repair the {n} broken {points} in {place}.", "Repair the {n} broken {points} in {place}."
    ),
    # The count is the scheduled deliveries'.
    "missed": Nn_(
        "Deliver water as scheduled: {missed} of the {n} scheduled delivery did not come "
        "({parts}).",
        "Deliver water as scheduled: {missed} of the {n} scheduled deliveries did not come "
        "({parts}).",
    ),
    "missed_late": Nn_(
        "Deliver water as scheduled: {missed} of the {n} scheduled delivery did not come "
        "({parts}), and {late} came late or short.",
        "Deliver water as scheduled: {missed} of the {n} scheduled deliveries did not come "
        "({parts}), and {late} came late or short.",
    ),
    "missed_period": Nn_(
        "Deliver water as scheduled: {missed} of the {n} delivery scheduled from {first} to "
        "{last} did not come ({parts}).",
        "Deliver water as scheduled: {missed} of the {n} deliveries scheduled from {first} to "
        "{last} did not come ({parts}).",
    ),
    "missed_period_late": Nn_(
        "Deliver water as scheduled: {missed} of the {n} delivery scheduled from {first} to "
        "{last} did not come ({parts}), and {late} came late or short.",
        "Deliver water as scheduled: {missed} of the {n} deliveries scheduled from {first} to "
        "{last} did not come ({parts}), and {late} came late or short.",
    ),
    # The count is the open problems'.
    "reports": Nn_(
        "Fix the {n} problem we reported that is still open, the oldest seen on {oldest}: "
        "they are listed in the evidence.",
        "Fix the {n} problems we reported that are still open, the oldest seen on {oldest}: "
        "they are listed in the evidence.",
    ),
    "reports_over": Nn_(
        "Fix the {n} problem we reported that is still open, the oldest seen on {oldest} "
        "({over} open for more than 30 days): they are listed in the evidence.",
        "Fix the {n} problems we reported that are still open, the oldest seen on {oldest} "
        "({over} open for more than 30 days): they are listed in the evidence.",
    ),
}

#: The evidence pages.
EVIDENCE: dict[str, str] = {
    "kicker": N_("EVIDENCE"),
    "title": N_("The evidence: {cluster}"),
    "gaps": N_("1. The gaps against the standard"),
    "map": N_("2. Where the settlements are"),
    "deliveries": N_("3. Water deliveries against the schedule"),
    "records": N_("{number}. Our open reports, the oldest first"),
    "period": N_("Compared from {first} to {last}."),
    "method": N_("How the numbers were made"),
    # TRANSLATORS: the foot of every page; the page number follows it.
    "footer": N_("Settlement Atlas · submission of {cluster} to {to} · {day} · "),
}

#: The columns of the open reports' table.
RECORD_HEADINGS = (
    N_("No."),
    N_("Settlement"),
    N_("Service"),
    N_("Problem"),
    N_("Seen"),
    N_("Days open"),
    N_("Reference"),
)
#: The open reports and the response to them.
RECORDS: dict[str, str] = {
    "none": N_("No report of {cluster} was open on {day}."),
    # Kept for the layouts that write it themselves: :data:`RECORDS_COUNTS` ``more`` counts.
    "more": N_("And {count} more open reports, newer than these."),
    "response_none": N_(
        "In the 12 months to {day}, the cluster reported {opened}; none was fixed."
    ),
    "days": N_("Days open are counted from when the problem was seen (or reopened) to {day}."),
}
#: The records' sentences that depend on a count (for :func:`atlas.i18n.ngettext`).
RECORDS_COUNTS: dict[str, tuple[str, str]] = {
    # The count is the reports fixed.
    "response": Nn_(
        "In the 12 months to {day}, the cluster reported {opened}; {n} fixed, in a median of "
        "{days} days from when the problem was seen.",
        "In the 12 months to {day}, the cluster reported {opened}; {n} fixed, in a median of "
        "{days} days from when the problem was seen.",
    ),
    # The count is the reports open.
    "standing": Nn_(
        "On {day}, {n} report is open: {over_7} for more than 7 days, {over_30} for more "
        "than 30 days.",
        "On {day}, {n} reports are open: {over_7} for more than 7 days, {over_30} for more "
        "than 30 days.",
    ),
    "more": Nn_(
        "And {n} more open report, newer than these.",
        "And {n} more open reports, newer than these.",
    ),
}

#: How the numbers were made.
METHOD: dict[str, str] = {
    "dataset": N_("Dataset: {name}."),
    "file": N_(
        "{name} ({layer}): {used} of {features} rows used, coordinates in {crs} "
        "(SHA-256 {digest}…)."
    ),
    "no_coordinates": N_("no coordinates"),
    "standard": N_("Standard: {name}. {rules}. Source: {source}."),
    "about_standard": N_("About the standard: {notes}"),
    "counted": N_(
        "A service point counts for the settlement that contains it, else the nearest "
        "within the standard's distance; only working points serve. Needed = households ÷ the "
        "standard's households per point, rounded up; missing = needed − working. Distances "
        "and areas are measured in {crs}."
    ),
    "file_statuses": N_("Statuses of the service points: as the services file gives them."),
    "deliveries": N_(
        "Water deliveries: the municipality's schedule compared with the deliveries "
        "residents recorded, from {first} to {last} (late: outside the window by more than the "
        "tolerance; short: less water than scheduled)."
    ),
    "records": N_("Open reports and response times: the cluster's own records, as of {day}."),
    "recipient": N_("Recipient: {source}."),
    "made": N_("Pack made on {day} with Settlement Atlas {version}."),
}
#: Where the recipient came from (:attr:`atlas.summaries.pack_recipient.Recipient.source`).
RECIPIENT_SOURCES: dict[str, str] = {
    "contacts": N_("the cluster's contacts"),
    "contacts_detail": N_("the cluster's contacts ({detail})"),
    "contact": N_("contact {contact}"),
    "wards": N_("the ward councillor named in the wards layer"),
    "office": N_("no contact known: addressed to the office"),
}

#: The columns of the signature sheet.
SHEET_COLUMNS = (
    N_("No."),
    N_("Name"),
    N_("Settlement"),
    N_("Signature"),
    N_("I consent to the use of my name"),
)
#: The signature sheet.
SHEET: dict[str, str] = {
    "kicker": N_("SIGNATURE SHEET"),
    "title": N_("We support this submission of {cluster}"),
    "intro": N_(
        "To {addressee}, dated {day}. By signing, residents of the settlements of "
        "{cluster} support the asks of this submission."
    ),
    "intro_petition": N_(
        "To {addressee}, dated {day}. By signing, residents of the settlements of "
        "{cluster} support the asks of this submission as a petition under section 17 of the "
        "Municipal Systems Act."
    ),
    "consent": N_(
        "Consent: write YES if your name may be shown to the municipality with this "
        "submission, NO if it may only be counted. Names are used for this submission only "
        "(Protection of Personal Information Act 4 of 2013)."
    ),
}
