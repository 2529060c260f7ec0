"""A cheap query is not stuck behind the runaway queries of other clients."""

from __future__ import annotations

from pathlib import Path

from support.servers import start_server
from support.storm import storm


def test_a_cheap_query_answers_while_twenty_clients_send_runaway_queries(tmp_path: Path, figures: dict) -> None:
    """Guarantee: while many clients keep every worker busy with runaway queries, another client's
    cheap query still gets a worker of its own and answers before any runaway query ends."""
    server = start_server(tmp_path, CLUSTERGRAPH_QUERY_TIMEOUT="20", CLUSTERGRAPH_QUERY_CACHE_BYTES="0")
    try:
        result = storm(server.url, clients=20, seconds=8)
    finally:
        server.stop()
    figures.update(
        requests=len(result.cheap_statuses) + len(result.runaway_statuses),
        cheap_p50_ms=round(result.cheap_p50 * 1000, 1),
        cheap_max_ms=round(result.cheap_max * 1000, 1),
    )
    assert result.cheap_statuses and set(result.cheap_statuses) == {200}
    # No runaway query ended (at its 20 s limit) while the cheap ones were answered, so none of
    # them waited for a runaway one to give its worker back.
    assert result.first_runaway_answer is not None and result.first_runaway_answer > 8
    assert result.cheap_max < result.first_runaway_answer
