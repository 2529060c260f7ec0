"""Dated figures as a reader says them: "more than 200 members", "mehr als 200 Mitglieder",
"1 Mitglied" – the number in the language's own writing, the measure as a noun in the
singular or plural the number needs (not "200 Anzahl der Mitglieder")."""

from __future__ import annotations

from clustergraph.namespaces import CG
from clustergraph.pages.numbers import format_number

# measure -> {language: (singular, plural)}
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    str(CG.MemberCount): {"en": ("member", "members"), "de": ("Mitglied", "Mitglieder")},
    str(CG.FoundingMemberCount): {"en": ("founding member", "founding members"), "de": ("Gründungsmitglied", "Gründungsmitglieder")},
    str(CG.PartnerCount): {"en": ("partner", "partners"), "de": ("Partner", "Partner")},
    str(CG.RepresentedCompanyCount): {
        "en": ("company represented", "companies represented"),
        "de": ("vertretenes Unternehmen", "vertretene Unternehmen"),
    },
    str(CG.StaffCount): {"en": ("member of staff", "staff"), "de": ("Beschäftigte(r)", "Beschäftigte")},
    str(CG.ParticipantCount): {"en": ("participant", "participants"), "de": ("Beteiligte(r)", "Beteiligte")},
    str(CG.LabelCount): {"en": ("label awarded", "labels awarded"), "de": ("verliehenes Label", "verliehene Label")},
    str(CG.StateClusterCount): {"en": ("state cluster", "state clusters"), "de": ("Landescluster", "Landescluster")},
}
QUALIFIERS = {
    "en": {"about": "about", "more than": "more than", "less than": "less than", "exact": ""},
    "de": {"about": "etwa", "more than": "mehr als", "less than": "weniger als", "exact": ""},
}


def figure_parts(measure: str | None, measure_label: str, qualifier: str, value: str, lang: str) -> tuple[str, str]:
    """(the qualified number, the measure) of a figure in ``lang``: ("mehr als 200", "Mitglieder").

    A measure without a noun here keeps its label from the ontology.
    """
    lang = "de" if lang == "de" else "en"
    qualified = " ".join(p for p in (QUALIFIERS[lang].get(qualifier, qualifier), format_number(value, lang)) if p)
    nouns = NOUNS.get(measure or "", {}).get(lang)
    if nouns is None:
        return qualified, measure_label
    try:
        one = float(value) == 1 and qualifier in ("", "exact")
    except ValueError:
        one = False
    return qualified, nouns[0] if one else nouns[1]
