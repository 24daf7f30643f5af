"""Allocations per second with 1 and with 8 concurrent writers on PostgreSQL.

Each allocation is one transaction taking one number (`numbering_allocate`), all in
the same store: the writers queue on the store's counter row. Prints the 8-writer
throughput as a ratio of the 1-writer baseline, and the peak memory.

The floor (a bare one-row UPDATE + commit), 1 writer and 8 writers run in turn, BENCH_RUNS
times (3; 2 in the quick run). BENCH_ALLOCATIONS scales each run (default 2,000 allocations,
500 in the quick run). When
the suite does not run on PostgreSQL, this file re-runs itself on BENCH_POSTGRES_URL; without
it (or with no server there) the report says the scenario was skipped, and why.
"""

import resource
import statistics
import threading
import time

import pytest
from django.db import connection, transaction

from numbering.services import numbering_allocate
from tests.benchmarks import report
from tests.benchmarks.list_timing import on_postgres_only
from tests.benchmarks.sizes import quick_default
from tests.factories import StoreFactory

ALLOCATIONS = int(quick_default("BENCH_ALLOCATIONS", "2000", "500"))
RUNS = int(quick_default("BENCH_RUNS", "3", "2"))
WRITERS = 8
SCENARIO = ("numbering", f"numbering_allocate, {WRITERS} writers")


def run_writers(store_id: int, writers: int) -> float:
    """Allocations per second of `writers` threads sharing ALLOCATIONS allocations."""
    errors: list[BaseException] = []
    start = threading.Barrier(writers + 1)

    def writer(count: int) -> None:
        try:
            store = StoreFactory._meta.model.objects.get(pk=store_id)
            start.wait()
            for _ in range(count):
                with transaction.atomic():
                    numbering_allocate(store=store)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    shares = [ALLOCATIONS // writers + (i < ALLOCATIONS % writers) for i in range(writers)]
    threads = [threading.Thread(target=writer, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    assert errors == []
    return ALLOCATIONS / elapsed


def bare_commits_per_second(store_id: int, count: int = 500) -> float:
    """The disk's floor: a transaction that only rewrites the counter row and commits."""
    began = time.perf_counter()
    for _ in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE numbering_numbersequence SET next_number = next_number WHERE store_id = %s",
                [store_id],
            )
    return count / (time.perf_counter() - began)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.django_db(transaction=True)
def test_allocations_per_second_with_1_and_8_writers():
    if not on_postgres_only(__file__, *SCENARIO):
        return

    store = StoreFactory()
    with transaction.atomic():
        numbering_allocate(store=store)  # creates the counter row before timing
    rss_before = peak_rss_mib()
    floors, ones, eights = [], [], []
    for _ in range(RUNS):
        floors.append(bare_commits_per_second(store.pk))
        ones.append(run_writers(store.pk, 1))
        eights.append(run_writers(store.pk, WRITERS))
    store.number_sequence.refresh_from_db()
    assert store.number_sequence.last_issued == 2 * ALLOCATIONS * RUNS + 1

    report.record(
        *SCENARIO,
        unit="numbers/s",
        database="PostgreSQL",
        ours=eights,
        baselines={"1 writer": ones, "bare UPDATE + commit": floors},
        # The writers queue on the store's one counter row: more writers cannot add
        # throughput, but they must not lose much of it either.
        goal=report.Goal("1 writer", at_least=0.8),
        peak_mb=peak_rss_mib(),
    )
    one, eight, floor = (statistics.median(runs) for runs in (ones, eights, floors))
    print(
        f"\nnumbering_allocate on PostgreSQL, {ALLOCATIONS} allocations per run, one store,"
        f" medians of {RUNS} runs:"
        f"\n  1 writer : {one:8.0f} allocations/s (baseline 1.00)"
        f"\n  {WRITERS} writers: {eight:8.0f} allocations/s (ratio {eight / one:.2f} x baseline)"
        f"\n  for reference, a bare one-row UPDATE + commit: {floor:.0f}/s"
        f" (ratio {floor / one:.2f} x baseline; commits wait for the disk)"
        f"\n  peak memory (max RSS): {peak_rss_mib():.0f} MiB"
        f" (before the runs: {rss_before:.0f} MiB)"
    )
