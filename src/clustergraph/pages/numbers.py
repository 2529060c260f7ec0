"""Numbers and dates as a reader of each language writes them: 1,234.5 and 4 May 2022 in
English, 1.234,5 and 4. Mai 2022 in German."""

from __future__ import annotations

import re

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def format_number(value: object, lang: str, decimals: int | None = None) -> str:
    """``value`` with the thousands separator and decimal mark of ``lang``.

    ``decimals`` fixes the digits after the mark (else as many as the value has, at most 3).
    Text that is not a number comes back unchanged.
    """
    try:
        number = float(str(value).strip())
    except ValueError:
        return str(value)
    if decimals is None:
        decimals = 0 if number == int(number) else min(len(repr(number).split(".")[1]), 3)
    text = f"{number:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def format_date(value: str, lang: str) -> str:
    """An xsd:date, gYearMonth or gYear (``2022-05-04``, ``2022-05``, ``2022``) in words; else unchanged."""
    match = _DATE.match(value.strip())
    if not match:
        return value
    year, month, day = match.groups()
    if month is None:
        return year
    name = MONTHS["de" if lang == "de" else "en"][int(month) - 1]
    if day is None:
        return f"{name} {year}"
    return f"{int(day)}. {name} {year}" if lang == "de" else f"{int(day)} {name} {year}"
