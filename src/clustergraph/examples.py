"""The catalogue of example research queries: ``queries/*.rq`` with a title and description.

Each file starts with comment lines ``# title: ...`` and ``# description: ...``. Every
example is meant to give the same answers on every store clustergraph runs on (the
embedded store, the Oxigraph server, Virtuoso; ``tests/store/test_store_contract.py``
checks it). Where a store answers differently and no portable form of the query exists,
the file says so, once per store, in the same comment block, and this is the one place
the difference is recorded: the catalogue shows it and the contract test tolerates
exactly these differences::

    # differs: virtuoso: Virtuoso 7.2 returns ... because ...

An example that joins the graph with an external endpoint through ``SERVICE`` says so once per
endpoint it calls; it runs only on a server whose ``CLUSTERGRAPH_SERVICE_ALLOWLIST`` names that
endpoint, so the store-contract test leaves it out and ``tests/connectors`` runs it against a
local stand-in instead::

    # federated: https://cordis.europa.eu/datalab/sparql
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The stores a difference can name (as in ``# differs: STORE: reason``), with their names for people.
STORES = {"virtuoso": "Virtuoso", "oxigraph-server": "the Oxigraph server"}
# Where every example is expected to give the same answers.
PORTABLE_ON = "the embedded store, the Oxigraph server and Virtuoso"


@dataclass(frozen=True)
class Difference:
    """A store that answers an example differently, and why that cannot be avoided."""

    store: str
    reason: str

    @property
    def store_name(self) -> str:
        """The store's name for people ("Virtuoso"); an unknown id is shown as written."""
        return STORES.get(self.store, self.store)

    def as_dict(self) -> dict[str, str]:
        return {"store": self.store, "store_name": self.store_name, "reason": self.reason}


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    sparql: str
    differences: tuple[Difference, ...] = ()
    federated: tuple[str, ...] = ()  # the endpoints its SERVICE clauses call

    @property
    def is_federated(self) -> bool:
        """True when the example calls an external endpoint (``# federated: URL``)."""
        return bool(self.federated)

    def differs_on(self, store: str) -> Difference | None:
        """The recorded difference of this example on ``store``, if there is one."""
        return next((d for d in self.differences if d.store == store), None)


def load_examples(folder: Path) -> dict[str, Example]:
    """Every ``.rq`` file of ``folder`` by name (file name without extension), in name order."""
    found: dict[str, Example] = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta, differences = _front_matter(text)
        found[path.stem] = Example(
            name=path.stem,
            title=meta.get("title", path.stem),
            description=meta.get("description", ""),
            sparql=text,
            differences=differences,
            federated=_federated(text),
        )
    return found


def _front_matter(text: str) -> tuple[dict[str, str], tuple[Difference, ...]]:
    """The ``# key: value`` lines of the leading comment block (the first of each key wins),
    and its ``# differs: STORE: reason`` lines (one per store; a line without a reason is ignored)."""
    meta: dict[str, str] = {}
    differences: dict[str, Difference] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        key, value = key.strip().lower(), value.strip()
        if not value:
            continue
        if key == "differs":
            store, _, reason = value.partition(":")
            store, reason = store.strip().lower(), reason.strip()
            if store and reason:
                differences.setdefault(store, Difference(store, reason))
            continue
        meta.setdefault(key, value)
    return meta, tuple(differences.values())


def _federated(text: str) -> tuple[str, ...]:
    """The endpoints of the ``# federated: URL`` lines of the leading comment block, in order, once each."""
    found: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key.strip().lower() == "federated" and value.strip():
            found.append(value.strip())
    return tuple(dict.fromkeys(found))
