"""The query executor: worker processes, a timeout that really stops a query, and fresh data after writes."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, parse_query_results

from clustergraph.errors import QueryTimeout
from clustergraph.query.cache import ResultCache
from clustergraph.query.evaluation import BAD_QUERY, OK, QueryJob
from clustergraph.query.executor import ProcessExecutor, ThreadExecutor
from clustergraph.store import EmbeddedStore

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"  # the stored quads, as store.count()
EX = "https://example.org/"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process from /proc, or None if it is gone (or a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):  # gone; ESRCH when it is reaped while being read
        return None
    if fields[0] == "Z":
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def count_of(executor: ProcessExecutor) -> int:
    outcome = executor.run(QueryJob(COUNT), timeout=30)
    assert outcome.status == OK, outcome.message
    return int(json.loads(outcome.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def executor(store: EmbeddedStore):
    running = ProcessExecutor(store, workers=2, cache=ResultCache())
    yield running
    running.close()


def test_a_select_is_answered_by_a_worker_in_the_requested_format(
    executor: ProcessExecutor, store: EmbeddedStore
) -> None:
    outcome = executor.run(QueryJob(COUNT, results_format="xml"), timeout=30)

    assert outcome.status == OK and outcome.format == "xml"
    parsed = list(parse_query_results(outcome.body, format=QueryResultsFormat.XML))
    assert int(parsed[0]["n"].value) == store.count()


def test_a_malformed_query_comes_back_explained_with_the_parser_message(executor: ProcessExecutor) -> None:
    outcome = executor.run(QueryJob("SELECT * WHERE { ?s ?p }"), timeout=30)

    assert outcome.status == BAD_QUERY
    assert outcome.message.startswith("Syntax error at line 1, column 24 near '}'")  # explained in the worker
    assert outcome.syntax is not None and outcome.syntax.parser.startswith("error at 1:")


def test_a_runaway_query_is_killed_at_the_timeout_and_its_cpu_freed(executor: ProcessExecutor) -> None:
    before = set(executor.worker_pids())
    failure: list[BaseException] = []

    def run() -> None:
        try:
            executor.run(QueryJob(RUNAWAY), timeout=2.0)
        except BaseException as err:  # noqa: BLE001 - inspected below
            failure.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    # The worker evaluating it is the one whose CPU time grows.
    assert wait_until(lambda: any((cpu_seconds(p) or 0) > 0.3 for p in before), 10)
    runner = max(before, key=lambda p: cpu_seconds(p) or 0)
    thread.join(30)

    assert failure and isinstance(failure[0], QueryTimeout)
    assert wait_until(lambda: cpu_seconds(runner) is None, 5), "the worker still runs after the timeout"
    assert runner not in executor.worker_pids()
    others = [p for p in executor.worker_pids()]
    spent = [cpu_seconds(p) for p in others]
    time.sleep(0.5)
    assert [cpu_seconds(p) for p in others] == spent  # nobody keeps counting
    assert count_of(executor) > 0  # and the executor still answers


def test_a_cheap_lookup_answers_while_a_runaway_query_holds_the_only_warm_worker(store: EmbeddedStore) -> None:
    executor = ProcessExecutor(store, workers=1)
    ended: list[BaseException] = []

    def heavy() -> None:
        try:
            executor.run(QueryJob(RUNAWAY), timeout=15)
        except BaseException as err:  # noqa: BLE001 - the executor is closed under it
            ended.append(err)

    runaway = threading.Thread(target=heavy)
    try:
        runaway.start()
        assert wait_until(lambda: executor.stats()["workers_busy"] == 1, 5)

        outcome = executor.run(QueryJob("ASK { ?s ?p ?o }"), timeout=10)

        assert outcome.status == OK and json.loads(outcome.body)["boolean"] is True
        assert runaway.is_alive()  # answered while the heavy query was still running
    finally:
        executor.close()
        runaway.join(30)


def test_workers_see_a_write_made_after_they_started(executor: ProcessExecutor, store: EmbeddedStore) -> None:
    before = count_of(executor)
    quad = Quad(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal("new"), NamedNode(EX + "g"))

    store.apply(add=[quad])

    assert count_of(executor) == before + 1  # also proves the cache is per store version
    store.apply(remove=[quad])
    assert count_of(executor) == before


def test_an_answer_is_cached_until_the_store_changes(executor: ProcessExecutor, store: EmbeddedStore) -> None:
    first = executor.run(QueryJob(COUNT), timeout=30)
    second = executor.run(QueryJob(COUNT), timeout=30)

    assert second.body == first.body
    assert executor.stats()["cache_hits"] == 1


def test_a_worker_that_died_while_idle_is_replaced(executor: ProcessExecutor) -> None:
    for pid in executor.worker_pids():
        os.kill(pid, 9)
    assert wait_until(lambda: all(cpu_seconds(p) is None for p in executor.worker_pids()), 5)

    assert count_of(executor) > 0
    assert executor.stats()["crashes"] >= 1


def test_closing_stops_every_worker(store: EmbeddedStore) -> None:
    executor = ProcessExecutor(store, workers=2)
    pids = executor.worker_pids()
    assert all(cpu_seconds(p) is not None for p in pids)

    executor.close()

    assert wait_until(lambda: all(cpu_seconds(p) is None for p in pids), 5)


def test_an_on_disk_store_is_queried_read_only_by_workers_that_follow_writes(
    tmp_path: Path, loaded_quads: list
) -> None:
    disk = EmbeddedStore(tmp_path / "store")
    disk.apply(add=loaded_quads)
    executor = ProcessExecutor(disk, workers=1)
    try:
        before = disk.count()
        assert count_of(executor) == before
        # Each write retires the workers; the next ones open the store while RocksDB compacts.
        for n in range(1, 6):
            disk.apply(add=[Quad(NamedNode(f"{EX}s{n}"), NamedNode(EX + "p"), Literal("x"), NamedNode(EX + "g"))])
            assert count_of(executor) == before + n
        with pytest.raises(QueryTimeout):
            executor.run(QueryJob(RUNAWAY), timeout=1.0)
        assert count_of(executor) == before + 5
    finally:
        executor.close()
        disk.close()


def test_the_thread_executor_answers_through_the_store_interface(store: EmbeddedStore) -> None:
    """Remote stores evaluate elsewhere: jobs go through ``store.query`` in a thread, same outcomes."""
    executor = ThreadExecutor(store, workers=2, cache=ResultCache())
    try:
        outcome = executor.run(QueryJob(COUNT, results_format="csv"), timeout=30)
        bad = executor.run(QueryJob("SELECT * WHERE {"), timeout=30)
    finally:
        executor.close()

    assert outcome.status == OK
    assert outcome.body.decode().splitlines() == ["n", str(store.count())]
    assert bad.status == BAD_QUERY


def test_the_event_loop_path_answers_and_cuts_a_runaway_query(executor: ProcessExecutor) -> None:
    """``run_async`` waits on the worker's socket from the event loop; the timeout still kills."""
    import asyncio

    async def scenario() -> tuple:
        answered = await executor.run_async(QueryJob(COUNT, results_format="tsv"), timeout=30)
        pids = set(executor.worker_pids())
        with pytest.raises(QueryTimeout):
            await executor.run_async(QueryJob(RUNAWAY), timeout=1.5)
        return answered, pids

    answered, before = asyncio.run(scenario())

    assert answered.status == OK and answered.body.decode().splitlines()[0] == "?n"
    gone = before - set(executor.worker_pids())
    assert len(gone) == 1
    assert wait_until(lambda: all(cpu_seconds(p) is None for p in gone), 5)
    assert count_of(executor) > 0


def test_a_lost_zygote_is_replaced_and_holds_the_current_data(executor: ProcessExecutor, store: EmbeddedStore) -> None:
    store.apply(add=[Quad(NamedNode(EX + "late"), NamedNode(EX + "p"), Literal("x"), NamedNode(EX + "g"))])
    expected = store.count()
    doomed = [executor.zygote_pid, *executor.worker_pids()]
    for pid in doomed:
        os.kill(pid, 9)
    assert wait_until(lambda: all(cpu_seconds(p) is None for p in doomed), 5)

    assert count_of(executor) == expected
    assert executor.zygote_pid not in doomed


def test_a_worker_that_dies_under_a_read_query_is_replaced_and_the_query_asked_again(store: EmbeddedStore) -> None:
    executor = ProcessExecutor(store, workers=1)
    try:
        (doomed,) = executor.worker_pids()
        os.kill(doomed, signal.SIGSTOP)  # it takes the job off its socket only after it is killed: never
        answered: list = []
        asking = threading.Thread(target=lambda: answered.append(executor.run(QueryJob(COUNT), timeout=30)))
        asking.start()
        assert wait_until(lambda: executor.stats()["workers_busy"] == 1, 5)
        os.kill(doomed, signal.SIGKILL)
        asking.join(30)

        assert answered and answered[0].status == OK, answered and answered[0].message
        assert int(json.loads(answered[0].body)["results"]["bindings"][0]["n"]["value"]) == store.count()
        assert executor.stats()["crashes"] == 1
        assert doomed not in executor.worker_pids()
    finally:
        executor.close()


def test_a_lost_zygote_is_replaced_when_a_worker_is_needed_without_a_write(
    executor: ProcessExecutor, store: EmbeddedStore
) -> None:
    doomed = [executor.zygote_pid, *executor.worker_pids()]
    for pid in doomed:
        os.kill(pid, 9)
    assert wait_until(lambda: all(cpu_seconds(p) is None for p in doomed), 5)

    assert count_of(executor) == store.count()
    assert executor.zygote_pid not in doomed


def test_concurrent_large_answers_are_read_even_when_the_event_loops_thread_pool_is_full(store: EmbeddedStore) -> None:
    """A worker that has answered cannot take the next job until its answer is read. Reading a
    large answer must not wait for a thread that is itself waiting for a worker: with more
    requests than threads in the loop's default pool, that cycle held every request until its
    timeout."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from clustergraph.query.executor import INLINE_BODY_BYTES

    every_quad = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    executor = ProcessExecutor(store, workers=2, max_workers=2)

    async def more_requests_than_workers() -> list:
        # Two requests take the two workers and the third waits; the loop's default pool has one thread.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        jobs = [executor.run_async(QueryJob(every_quad), timeout=8) for _ in range(3)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    try:
        started = time.monotonic()
        outcomes = asyncio.run(more_requests_than_workers())
        elapsed = time.monotonic() - started
    finally:
        executor.close()

    assert [getattr(o, "status", o) for o in outcomes] == [OK] * 3
    assert all(len(o.body) > INLINE_BODY_BYTES for o in outcomes)
    assert elapsed < 4, f"three answers took {elapsed:.1f} s"


def test_one_worker_serves_requests_waiting_in_threads_and_on_the_event_loop_in_turn(store: EmbeddedStore) -> None:
    """A worker that comes free goes to the longest waiter, whichever way it waits, and nobody
    waits for the deadline while the worker is free."""
    import asyncio

    executor = ProcessExecutor(store, workers=1, max_workers=1)
    answered: list[str] = []

    def in_a_thread() -> None:
        outcome = executor.run(QueryJob(COUNT, results_format="tsv"), timeout=20)
        answered.append(outcome.status)

    async def on_the_loop() -> list:
        jobs = [executor.run_async(QueryJob(COUNT, results_format="tsv"), timeout=20) for _ in range(6)]
        return await asyncio.gather(*jobs)

    threads = [threading.Thread(target=in_a_thread) for _ in range(6)]
    try:
        started = time.monotonic()
        for thread in threads:
            thread.start()
        outcomes = asyncio.run(on_the_loop())
        for thread in threads:
            thread.join(30)
        elapsed = time.monotonic() - started
        assert executor.stats()["waiting"] == 0
        assert executor.forks == 1  # the ceiling held: every request was served by the one worker
    finally:
        executor.close()

    assert [o.status for o in outcomes] == [OK] * 6
    assert answered == [OK] * 6
    assert elapsed < 10, f"12 small queries on one worker took {elapsed:.1f} s"


def test_a_request_that_gives_up_while_waiting_leaves_no_trace_in_the_queue(store: EmbeddedStore) -> None:
    """A client that disconnects while its request waits for a worker is taken out of the
    queue; the worker that comes free goes to the next request, not to the one that left."""
    import asyncio

    executor = ProcessExecutor(store, workers=1, max_workers=1)

    async def scenario() -> tuple:
        busy = asyncio.ensure_future(executor.run_async(QueryJob(RUNAWAY), timeout=1.5))
        await asyncio.sleep(0.3)  # the runaway query holds the only worker
        leaving = asyncio.ensure_future(executor.run_async(QueryJob(COUNT), timeout=20))
        await asyncio.sleep(0.3)
        waiting_before = executor.stats()["waiting"]
        leaving.cancel()
        staying = await executor.run_async(QueryJob(COUNT, results_format="tsv"), timeout=20)
        with pytest.raises(QueryTimeout):
            await busy
        return waiting_before, leaving.cancelled(), staying

    try:
        waiting_before, cancelled, staying = asyncio.run(scenario())
        assert waiting_before == 1 and cancelled
        assert staying.status == OK
        assert executor.stats()["waiting"] == 0
        assert count_of(executor) == store.count()  # the pool still serves
        assert len(executor.worker_pids()) <= 1
    finally:
        executor.close()
