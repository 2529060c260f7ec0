"""The stated rules that match the graph's actors to EURIO organisations, each with a confidence.

- ``pic``: the actor's PIC (``cg:pic``, the EU Participant Identification Code) equals the
  organisation's: 1.0, a PIC names one participant.
- ``vat``: the VAT numbers are equal, ignoring spaces and case: 0.95 (a group's entities
  may share one).
- ``legal-name+city``: a name of the actor equals the organisation's legal name, ignoring
  case, diacritics (ü as u or ue) and a trailing legal form (GmbH, e.V., AG, SE), and the
  cities agree the same way: 0.9.
- ``legal-name``: the names agree but the city differs or is unknown on a side: 0.6;
  a candidate for a person to confirm, not a fact.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CONFIDENCE = {"pic": 1.0, "vat": 0.95, "legal-name+city": 0.9, "legal-name": 0.6}
LEGAL_FORMS = ("GmbH", "e.V.", "AG", "SE", "gGmbH")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "AE", "Ö": "OE", "Ü": "UE"})


@dataclass(frozen=True, order=True)
class Match:
    """An actor matched to a EURIO organisation by ``rule``."""

    actor: str
    organisation: str
    rule: str
    legal_name: str
    city: str | None = None

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.rule]


def folded(text: str) -> str:
    """Lower case without diacritics and without repeated spaces: "Jülich  GmbH" -> "julich gmbh"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def without_legal_form(name: str) -> str:
    """``name`` without a trailing legal form ("Forschungszentrum Jülich GmbH" -> "Forschungszentrum Jülich")."""
    words = name.split()
    if len(words) > 1 and folded(words[-1]) in {folded(f) for f in LEGAL_FORMS}:
        words = words[:-1]
    return " ".join(words)


def same_name(a: str, b: str) -> bool:
    """Equal ignoring case, diacritics and a trailing legal form, with German umlauts also read as ae/oe/ue."""
    a, b = without_legal_form(a), without_legal_form(b)
    return folded(a) == folded(b) or folded(a.translate(_GERMAN)) == folded(b.translate(_GERMAN))


def name_variants(name: str) -> list[str]:
    """The spellings a registry may hold for ``name``: as written, upper case, without diacritics,
    with umlauts spelled out (CORDIS writes legal names in upper case, mostly without diacritics)."""
    bare = without_legal_form(name)
    found = []
    for base in (name, bare):
        plain = "".join(c for c in unicodedata.normalize("NFKD", base) if not unicodedata.combining(c))
        for form in (base, plain, base.translate(_GERMAN)):
            form = " ".join(form.split())
            found += [form, form.upper()]
    with_forms = [f"{form} {legal.upper() if form.isupper() else legal}" for form in found[2:] for legal in LEGAL_FORMS]
    return list(dict.fromkeys(found + with_forms))


def vat_key(vat: str) -> str:
    """A VAT number without spaces, in upper case: the form two numbers are compared in."""
    return "".join(vat.split()).upper()


def vat_spellings(vat: str) -> list[str]:
    """The spellings a registry may hold: as written, compact, and the country code followed
    by groups of three digits ("DE 811 109 745"), as the exact look-up cannot ignore spaces."""
    compact = vat_key(vat)
    country, digits = compact[:2], compact[2:]
    grouped = " ".join([country] + [digits[i : i + 3] for i in range(0, len(digits), 3)])
    return list(dict.fromkeys([vat.strip(), compact, grouped]))


def best(matches: list[Match]) -> list[Match]:
    """One match per (actor, organisation): the one by the most confident rule."""
    chosen: dict[tuple[str, str], Match] = {}
    for match in sorted(matches):
        key = (match.actor, match.organisation)
        if key not in chosen or match.confidence > chosen[key].confidence:
            chosen[key] = match
    return sorted(chosen.values(), key=lambda m: (m.actor, -m.confidence, m.organisation))
