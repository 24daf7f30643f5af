"""`make bench` as one report: the run that starts it owns var/bench/report.md and .json,
written at its end from what every benchmark (and their child processes) recorded; the run
fails when a scenario misses its goal (tests/benchmarks/report.py)."""

import os
import platform
import shutil
from datetime import UTC, datetime

import pytest

from tests.benchmarks import report


def machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    disk = shutil.disk_usage(report.BASE_DIR)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory": f"{memory:.0f} GiB",
        "disk": f"{disk.total / 2**30:.0f} GiB ({disk.free / 2**30:.0f} GiB free)",
        "python": platform.python_version(),
        "load at the end": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg()),
        "orders": os.environ.get("BENCH_ORDERS", "default sizes"),
    }


def pytest_sessionstart(session):
    session.config._bench_report_owner = report.start()


def pytest_sessionfinish(session, exitstatus):
    if not getattr(session.config, "_bench_report_owner", False):
        return
    _drop_postgres_test_database()
    if not report.results():
        return
    table, all_met = report.write(machine())
    print("\n\n" + table)
    print(f"Written: {report.REPORT_MD} and {report.REPORT_JSON}")
    if not all_met and exitstatus == pytest.ExitCode.OK:
        print("Some goals are missed (see the verdicts above).")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _drop_postgres_test_database() -> None:
    """The test database the benchmark files shared on PostgreSQL, if one was made."""
    from tests.benchmarks.list_timing import postgres_test_database, postgres_unavailable
    from tests.benchmarks.seeding import POSTGRES_URL

    if postgres_unavailable():
        return
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{postgres_test_database()}" WITH (FORCE)')
