"""The example catalogue: titles, descriptions and the stores that answer an example differently."""

from __future__ import annotations

from pathlib import Path

from clustergraph.bundled import bundled_dir
from clustergraph.examples import STORES, Difference, load_examples

HEADER = """\
# title: Clusters by name
# description: Every cluster with its name.
"""
BODY = "SELECT ?c WHERE { ?c a <https://w3id.org/clustergraph/ontology/Cluster> }\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_example_without_differs_lines_is_portable(tmp_path: Path) -> None:
    write(tmp_path, "plain", HEADER + BODY)
    example = load_examples(tmp_path)["plain"]
    assert (example.title, example.description) == ("Clusters by name", "Every cluster with its name.")
    assert example.differences == ()
    assert example.differs_on("virtuoso") is None


def test_differs_lines_name_a_store_and_a_reason_each(tmp_path: Path) -> None:
    write(
        tmp_path,
        "uneven",
        HEADER
        + "# differs: Virtuoso: its GROUP_CONCAT: drops language tags\n"
        + "# differs: oxigraph-server: another reason\n"
        + "# differs: virtuoso: a second line for the same store is ignored\n"
        + BODY,
    )
    example = load_examples(tmp_path)["uneven"]
    assert example.differences == (
        Difference("virtuoso", "its GROUP_CONCAT: drops language tags"),
        Difference("oxigraph-server", "another reason"),
    )
    assert example.differs_on("virtuoso").store_name == "Virtuoso"
    assert example.differs_on("oxigraph-server").as_dict() == {
        "store": "oxigraph-server",
        "store_name": "the Oxigraph server",
        "reason": "another reason",
    }
    assert example.differs_on("memory") is None


def test_a_differs_line_without_a_reason_or_below_the_header_counts_for_nothing(tmp_path: Path) -> None:
    write(tmp_path, "loose", HEADER + "# differs: virtuoso\n# differs: virtuoso:\n" + BODY + "# differs: virtuoso: too late\n")
    assert load_examples(tmp_path)["loose"].differences == ()


def test_an_unknown_store_is_kept_and_shown_as_written(tmp_path: Path) -> None:
    write(tmp_path, "elsewhere", HEADER + "# differs: graphdb: not tested there\n" + BODY)
    (difference,) = load_examples(tmp_path)["elsewhere"].differences
    assert (difference.store, difference.store_name) == ("graphdb", "graphdb")


def test_the_bundled_examples_name_only_stores_the_contract_test_runs() -> None:
    examples = load_examples(bundled_dir("queries"))
    assert examples
    for example in examples.values():
        assert example.title != example.name and example.description
        for difference in example.differences:
            assert difference.store in STORES, f"{example.name}: unknown store {difference.store!r}"
            assert len(difference.reason) > 20, f"{example.name}: say why {difference.store} differs"
