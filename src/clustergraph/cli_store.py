"""How the ``clustergraph`` commands open the store beside a running server.

Commands that read (``query``, ``stats``, ``validate --with-store``, ``export``, ``serve --get``)
open an on-disk store that a running ``clustergraph serve`` holds as a read-only snapshot
beside it (``open_store(settings, for_reading=True)``). Commands that write (``load``) and
a second ``serve`` need the store to themselves: they refuse with a message that says what
to do instead.
"""

from __future__ import annotations

from clustergraph.errors import StoreBusy
from clustergraph.settings import Settings
from clustergraph.store import Store, open_store


def open_for_writing(settings: Settings) -> Store:
    """The store for ``clustergraph load``. Raises ``StoreBusy`` saying what to do when a server holds it."""
    try:
        return open_store(settings)
    except StoreBusy as err:
        raise StoreBusy(load_advice(str(err), settings), err.path) from None


def check_free_to_serve(settings: Settings) -> None:
    """Refuse to start a second server on an on-disk store that another process holds.

    Raises ``StoreBusy`` with what to do instead (the server would otherwise fail in its start-up).
    """
    if settings.store_kind != "disk":
        return
    try:
        open_store(settings).close()
    except StoreBusy as err:
        raise StoreBusy(
            f"{err} (a running `clustergraph serve`?): stop that server first, or give this one another "
            "store with --store DIR or CLUSTERGRAPH_STORE",
            err.path,
        ) from None


def load_advice(problem: str, settings: Settings) -> str:
    """``problem`` and the two ways to load data while a server holds the store."""
    url = f"http://{_client_host(settings.host)}:{settings.port}/graph-store?graph=SOURCE-IRI"
    return (
        f"{problem} (a running `clustergraph serve`?), and loading needs the store to itself. Either\n"
        "  - stop the server (Ctrl-C) and run this command again, or\n"
        "  - send the data to the running server's Graph Store, which validates and commits it the same way,\n"
        "    one source graph at a time (the server takes writes when started with CLUSTERGRAPH_UPDATE_TOKEN set):\n"
        f'    curl -X POST -H "Authorization: Bearer $CLUSTERGRAPH_UPDATE_TOKEN" -H "Content-Type: text/turtle" '
        f"--data-binary @FILE.ttl '{url}'"
    )


def _client_host(bind: str) -> str:
    """Where a client on this machine reaches a server bound to ``bind``."""
    if bind in ("0.0.0.0", "", "::"):
        return "127.0.0.1"
    return f"[{bind}]" if ":" in bind else bind
