"""Where the bundled ontology, shapes, data and example queries are found.

In a wheel they are packed under ``clustergraph/bundled/``; in a source checkout
(editable install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the folder ``name`` (``data``, ``ontology``, ``shapes`` or ``queries``)."""
    packed = _PACKAGE / "bundled" / name
    if packed.is_dir():
        return packed
    return _PACKAGE.parent.parent / name
