"""Numbers, dates and figures as a reader of each language writes them."""

from __future__ import annotations

import pytest

from clustergraph.namespaces import CG
from clustergraph.pages.numbers import format_date, format_number
from clustergraph.pages.sentences import figure_parts


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "written"),
    [
        ("2.3333333", "de", 2, "2,33"),
        ("2.3333333", "en", 2, "2.33"),
        (12345, "de", None, "12.345"),
        (12345, "en", None, "12,345"),
        ("0.5", "de", None, "0,5"),
        ("n/a", "de", None, "n/a"),
    ],
)
def test_numbers_use_the_languages_decimal_mark_and_grouping(value, lang, decimals, written) -> None:
    assert format_number(value, lang, decimals) == written


@pytest.mark.parametrize(
    ("value", "lang", "written"),
    [("2022-05-09", "de", "9. Mai 2022"), ("2022-05-09", "en", "9 May 2022"), ("2022-03", "de", "März 2022"), ("2019", "en", "2019")],
)
def test_dates_are_written_in_words(value, lang, written) -> None:
    assert format_date(value, lang) == written


def test_a_figure_reads_as_a_sentence_with_the_right_plural() -> None:
    members = str(CG.MemberCount)
    assert figure_parts(members, "Anzahl der Mitglieder", "more than", "200", "de") == ("mehr als 200", "Mitglieder")
    assert figure_parts(members, "number of members", "more than", "200", "en") == ("more than 200", "members")
    assert figure_parts(members, "Anzahl der Mitglieder", "exact", "1", "de") == ("1", "Mitglied")
    assert figure_parts(members, "Anzahl der Mitglieder", "about", "1500", "de") == ("etwa 1.500", "Mitglieder")
    assert figure_parts("https://example.org/unknown", "Zahl", "exact", "3", "de") == ("3", "Zahl")
