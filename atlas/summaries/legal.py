"""The law a submission pack stands on, as data: which provisions a letter quotes, per recipient.

Each :class:`Provision` is a citation and what the provision says, in plain words close to the
text of the law (written in English, the language of the statute books, and marked for the
catalogue, so that a letter in another language says them in its words; the pack's other words
are in :mod:`atlas.summaries.pack_words`). :func:`legal_basis` picks the provisions that fit
the recipient:

===================  =====================================================================
recipient            provisions
===================  =====================================================================
``idp_office``       Municipal Systems Act s26(b) (the IDP identifies communities without
                     basic services) and s17(2) (community participation, petitions)
``ward_councillor``  Municipal Systems Act s17(2) and the councillor's role in the ward
                     committee (Municipal Structures Act ss73 and 74)
``mpac_chair``       the committee's oversight (Municipal Structures Act s79A) of the duty
                     of Municipal Systems Act s73(1)
``speaker``          Municipal Systems Act s17(2): the petition
``department``       the category's standard: water, Water Services Act s3 and regulation 3
                     (basic water supply); sanitation, s3 and regulation 2 (basic
                     sanitation); other services, Municipal Systems Act s73(1) and the
                     Constitution s152(1)(b)
===================  =====================================================================

Where the asks concern water, every other recipient's letter also quotes regulation 3 (25 litres
per person per day, within 200 m, at least 10 litres a minute, not without water for more than
7 full days a year).

Examples
--------
>>> [p.short for p in legal_basis("idp_office", water=True)]
['MSA s26(b)', 'MSA s17(2)', 'Regulation 3']
>>> [p.short for p in legal_basis("department", "sanitation")]
['WSA s3', 'Regulation 2']
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.errors import SchemaError
from atlas.i18n import N_, _

__all__ = [
    "PACK_RECIPIENTS",
    "PROVISIONS",
    "Provision",  # i18n-ignore: a name of the API
    "check_recipient_role",
    "legal_basis",
]

#: Who a submission pack may be addressed to (the store's contact roles of these offices).
PACK_RECIPIENTS = ("ward_councillor", "idp_office", "mpac_chair", "speaker", "department")


@dataclass(frozen=True)
class Provision:
    """One provision of the law.

    Parameters
    ----------
    key
        Its name in :data:`PROVISIONS`.
    short
        A short citation for tables and tests: ``MSA s26(b)``.
    cite
        The full citation: the Act (or regulations) and the section.
    says
        What it says, in plain words close to its text (one sentence, no citation).
    """

    key: str
    short: str
    cite: str
    says: str

    @property
    def sentence(self) -> str:
        """What it says with its citation: ``… services (Municipal Systems Act …, s26(b)).``,
        in the language of the session."""
        # TRANSLATORS: a provision of the law, then its citation in brackets.
        return _("{says} ({cite}).", says=_(self.says), cite=_(self.cite))


#: Every provision a pack may quote, by key.
PROVISIONS: dict[str, Provision] = {
    p.key: p
    for p in (
        Provision(
            "msa_26b",
            N_("MSA s26(b)"),
            N_("Local Government: Municipal Systems Act 32 of 2000, section 26(b)"),
            N_(
                "An integrated development plan must reflect an assessment of the existing level "
                "of development in the municipality, which must include an identification of "
                "communities which do not have access to basic municipal services"
            ),
        ),
        Provision(
            "msa_17",
            N_("MSA s17(2)"),
            N_("Local Government: Municipal Systems Act 32 of 2000, section 17(2)"),
            N_(
                "A municipality must establish mechanisms, processes and procedures for the local "
                "community to participate in its affairs, including the receipt, processing and "
                "consideration of petitions and complaints lodged by members of the community, and "
                "consultative sessions with locally recognised community organisations"
            ),
        ),
        Provision(
            "msa_73",
            N_("MSA s73(1)"),
            N_("Local Government: Municipal Systems Act 32 of 2000, section 73(1)"),
            N_(
                "A municipality must give priority to the basic needs of the local community "
                "and ensure that all members of the local community have access to at least the "
                "minimum level of basic municipal services"
            ),
        ),
        Provision(
            "ward_committee",
            N_("Structures Act ss73-74"),
            N_("Local Government: Municipal Structures Act 117 of 1998, sections 73 and 74"),
            N_(
                "The councillor representing a ward chairs its ward committee, which may make "
                "recommendations on any matter affecting the ward to the ward councillor, or "
                "through the ward councillor to the council"
            ),
        ),
        Provision(
            "mpac",
            N_("Structures Act s79A"),
            N_("Local Government: Municipal Structures Act 117 of 1998, section 79A"),
            N_(
                "The municipal public accounts committee is the council's oversight committee: it "
                "develops the oversight report on the annual report and may initiate any "
                "investigation in its area of competence"
            ),
        ),
        Provision(
            "constitution_152",
            N_("Constitution s152(1)(b)"),
            N_("Constitution of the Republic of South Africa, 1996, section 152(1)(b)"),
            N_(
                "An object of local government is to ensure the provision of services to "
                "communities in a sustainable manner"
            ),
        ),
        Provision(
            "wsa_3",
            N_("WSA s3"),
            N_("Water Services Act 108 of 1997, section 3"),
            N_(
                "Everyone has a right of access to basic water supply and basic sanitation, and "
                "every water services institution must take reasonable measures to realise it"
            ),
        ),
        Provision(
            "regulation_3",
            N_("Regulation 3"),
            N_(
                "Regulations relating to compulsory national standards and measures to conserve "
                "water (GN R509 of 8 June 2001, under the Water Services Act), regulation 3"
            ),
            N_(
                "Basic water supply is at least 25 litres of potable water per person per day, "
                "within 200 metres of the household, at a flow of at least 10 litres a minute, "
                "and not interrupted for more than 7 full days in any year"
            ),
        ),
        Provision(
            "regulation_2",
            N_("Regulation 2"),
            N_(
                "Regulations relating to compulsory national standards and measures to conserve "
                "water (GN R509 of 8 June 2001, under the Water Services Act), regulation 2"
            ),
            N_(
                "Basic sanitation is a toilet that is safe, reliable, environmentally sound, easy "
                "to keep clean, gives privacy and protection against the weather, is well "
                "ventilated, keeps smells to a minimum and keeps out flies and other pests, with "
                "health and hygiene education"
            ),
        ),
    )
}

#: Per recipient (the department's depend on its category: :data:`_DEPARTMENT`).
_BY_RECIPIENT = {
    "idp_office": ("msa_26b", "msa_17"),
    "ward_councillor": ("msa_17", "ward_committee"),
    "mpac_chair": ("mpac", "msa_73"),
    "speaker": ("msa_17",),
}
_DEPARTMENT = {
    "water": ("wsa_3", "regulation_3"),
    "sanitation": ("wsa_3", "regulation_2"),
}
_OTHER_SERVICE = ("msa_73", "constitution_152")


def check_recipient_role(role: str) -> str:
    """``role`` when it is one of :data:`PACK_RECIPIENTS`.

    Raises
    ------
    SchemaError
        Any other role (the message lists them).
    """
    if role not in PACK_RECIPIENTS:
        raise SchemaError(
            _(
                "A submission pack cannot be addressed to '{role}': address it to one of {roles}.",
                role=role,
                roles=", ".join(PACK_RECIPIENTS),
            )
        )
    return role


def legal_basis(role: str, category: str = "water", *, water: bool = False) -> list[Provision]:
    """The provisions a letter to ``role`` quotes.

    Parameters
    ----------
    role
        One of :data:`PACK_RECIPIENTS`.
    category
        The department's service category (only for ``department``).
    water
        Whether the asks concern water: adds regulation 3 (basic water supply) to the
        letters of the other recipients.

    Raises
    ------
    SchemaError
        An unknown role.
    """
    check_recipient_role(role)
    keys: tuple[str, ...]
    if role == "department":
        keys = _DEPARTMENT.get(category, _OTHER_SERVICE)
    else:
        keys = _BY_RECIPIENT[role] + (("regulation_3",) if water else ())
    return [PROVISIONS[k] for k in keys]
