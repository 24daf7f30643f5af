"""What the order list benchmarks share: the seeded databases of each size, the run on
PostgreSQL, and timings of a page, of its SQL replayed, and of a bare SQL query.

    BENCH_ORDERS=10000,100000,1000000   the sizes (the default; tests/benchmarks/sizes.py);
                                        BENCH_ORDERS=20000 for a quick run
    BENCH_RUNS=7                        runs of each timing (the median is printed); 5 at a
                                        million orders and more, 4 in the quick run,
                                        unless BENCH_RUNS is set
    BENCH_POSTGRES_URL=postgres://…     also run on that PostgreSQL server (bench_orders_<N>)
"""

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.benchmarks import report
from tests.benchmarks.seeding import POSTGRES_URL, seeded_database, seeded_postgres_url
from tests.benchmarks.sizes import quick_default

RUNS = int(quick_default("BENCH_RUNS", "7", "4"))
# At a million orders a page's runs spread little and each costs up to a second (the admin's
# counts, icontains): 5 runs, alternated as ever, keep the full run within its half hour.
LARGE_RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def runs_at(size: int) -> int:
    """The runs of each timing at `size` orders."""
    return LARGE_RUNS if size >= 1_000_000 else RUNS


# The tables of the order list: the queries of a page that are its work (not the session's).
LIST_TABLES = ("orders_order", "orders_orderline", "orders_orderstatuscount")


def vendor_label() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def postgres_unavailable() -> str | None:
    """Why the PostgreSQL half of a benchmark cannot run, or None when it can."""
    import psycopg

    if not POSTGRES_URL:
        return "set BENCH_POSTGRES_URL"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"no PostgreSQL at BENCH_POSTGRES_URL ({str(error).strip()[:120]})"
    return None


def on_postgres_only(path: str, group: str, name: str) -> bool:
    """For a PostgreSQL-only benchmark: True when this process is the one to measure; from the
    SQLite run, the file again on PostgreSQL, or the report told why it could not run."""
    if connection.vendor == "postgresql":
        return True
    reason = postgres_unavailable()
    if reason:
        import pytest

        from tests.benchmarks import report

        report.skip(group, name, reason=reason)
        pytest.skip(f"{group}: {name}: {reason}")
    rerun_on_postgres(path)
    return False


def postgres_test_database() -> str:
    """The test database of this run's benchmarks on PostgreSQL: a name of the run's own, so
    that no database of that server is ever reused or dropped by mistake. Migrated by the first
    benchmark file, reused by the others (a migration costs some twenty seconds), dropped when
    the run ends (tests/benchmarks/conftest.py)."""
    return f"test_bench_{os.environ.get(report.OWNER) or os.getpid()}"


def rerun_on_postgres(path: str) -> None:
    """From the SQLite run: the same benchmark file again on BENCH_POSTGRES_URL, if set."""
    if connection.vendor != "sqlite" or not POSTGRES_URL:
        return
    env = {
        **os.environ,
        "DATABASE_URL": POSTGRES_URL,
        "TEST_DATABASE_NAME": postgres_test_database(),
    }
    command = [sys.executable, "-m", "pytest", path, "-s", "-q", "--no-header", "--reuse-db"]
    command += ["-p", "no:randomly", "-p", "no:cacheprovider", "-o", "addopts="]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    print(result.stdout[-20000:], result.stderr[-3000:])
    assert result.returncode == 0


@contextmanager
def bench_database(orders: int, django_db_blocker):
    """The default connection on the seeded database of `orders` orders, for the block."""
    if connection.vendor == "sqlite":
        name = str(seeded_database(orders))
    else:
        name = urlsplit(seeded_postgres_url(orders)).path.lstrip("/")
    with django_db_blocker.unblock():
        original = connection.settings_dict["NAME"]
        # SQLite's in-memory test database is never closed (it would be gone): put aside, so
        # that the connection opens the seeded file, and given back after the block.
        held = None
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            held, connection.connection = connection.connection, None
        connections.close_all()
        connection.settings_dict["NAME"] = name
        try:
            yield
        finally:
            connections.close_all()
            connection.settings_dict["NAME"] = original
            if held is not None:
                connection.connection = held


def runs_ms(function, runs: int = RUNS, clock=time.perf_counter) -> list[float]:
    """The times of `runs` calls of `function` after one to warm the caches, in ms."""
    function()
    timings = []
    for _ in range(runs):
        started = clock()
        function()
        timings.append((clock() - started) * 1000)
    return timings


def runs_ms_and_cpu(function, runs: int = RUNS) -> tuple[list[float], list[float]]:
    """As runs_ms, with the process's CPU time of each run too (ms)."""
    function()
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, cpu


def median_ms(function, runs: int = RUNS, clock=time.perf_counter) -> float:
    return statistics.median(runs_ms(function, runs, clock))


def measure_page(
    client: Client, url: str, *, timed: bool = True, replay: bool = True, runs: int = RUNS
) -> dict:
    """The page's median time (and CPU time), its queries, and the median time of its list
    queries replayed one after the other (each executed and fetched whole). Without `timed`,
    the page is not timed here (the benchmark times it through gunicorn): its queries only;
    without `replay`, its queries are neither counted nor replayed (a baseline's, whose SQL
    nobody reads: the response is the last timed run's, where another request could take as
    long as all the runs, 130 s for the old SKU search at a million orders)."""
    responses = []

    def get():
        response = client.get(url)
        assert response.status_code == 200, url
        responses.append(response)
        return response

    request_runs, cpu_ms = [], None
    if timed:
        # With each run's time, this process's CPU time: on a machine shared with other work,
        # what the request costs here (with SQLite, its queries included; PostgreSQL's work
        # is the server's). Both clocks read around the same runs.
        request_runs, cpu_runs = runs_ms_and_cpu(get, runs)
        cpu_ms = statistics.median(cpu_runs)
    captured = None
    if replay or not timed:
        with CaptureQueriesContext(connection) as captured:
            get()
    queries = [
        (query["sql"], query.get("raw_params"))
        for query in (captured.captured_queries if captured else [])
        if any(table in query["sql"] for table in LIST_TABLES)
    ]

    def replay_queries() -> None:
        for sql, _ in queries:
            run_sql(sql)

    return {
        "replay": replay_queries,
        "request_ms": statistics.median(request_runs) if request_runs else None,
        "request_runs": request_runs,
        "cpu_ms": cpu_ms,
        "queries": len(captured) if captured is not None else None,
        "sql_runs": (sql_runs := runs_ms(replay_queries, runs) if replay else []),
        "sql_ms": statistics.median(sql_runs) if sql_runs else None,
        "response": responses[-1],
    }


def run_sql(sql: str, params=None) -> list:
    """Execute and fetch whole. `sql` as captured has its parameters inlined."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def alternated_runs_ms(functions: dict[str, Callable], runs: int = RUNS) -> dict[str, list]:
    """Each function called once to warm the caches, then each in turn, `runs` times: the
    machine's noise falls on all of them alike. Their times in ms."""
    for function in functions.values():
        function()
    timings: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings
