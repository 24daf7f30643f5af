"""Benchmark: a 12-month sales report by day (both periods: the last 12 months of orders and
the 12 months before), next to a plain COUNT(*) of the same orders in the same run, on SQLite
and, when BENCH_POSTGRES_URL is set, on PostgreSQL. Goal: the report within 5x of the count.

    BENCH_ORDERS=1000000 (default) BENCH_RUNS=5 (default)
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres   # optional
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_reports_speed.py -s -o addopts=""

SQLite: the seeded file of the other benchmarks (var/bench/orders-<N>.sqlite3). PostgreSQL: a
database bench_reports_<N> on that server, seeded once with `seed_demo --orders N` and kept.
Each database is measured in its own process. Besides the whole report, it prints the time of
each of its queries and, for reference, Django's usual idiom for sums by local day
(TruncDate with the zone, which SQLite runs as a Python function per row).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
BENCH_RUNS = int(os.environ.get("BENCH_RUNS", "5"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "")
GOAL = 5


def measure(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "localhost")
    completed = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.test_reports_speed", str(BENCH_RUNS)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def postgres_database(orders: int) -> str:
    """The URL of a PostgreSQL database seeded with `orders` orders, made once."""
    import psycopg

    name = f"bench_reports_{orders}"
    base, _, _ = POSTGRES_URL.rpartition("/")
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            partial = name + "_partial"
            connection.execute(f'DROP DATABASE IF EXISTS "{partial}"')
            connection.execute(f'CREATE DATABASE "{partial}"')
            url = f"{base}/{partial}"
            env = {**os.environ, "DATABASE_URL": url}
            manage = [sys.executable, "manage.py"]
            subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
            started = time.perf_counter()
            subprocess.run(
                [*manage, "seed_demo", "--orders", str(orders)], cwd=BASE_DIR, env=env, check=True
            )
            print(
                f"seeded {orders:,} orders on PostgreSQL in {time.perf_counter() - started:.0f} s"
            )
            with psycopg.connect(url, autocommit=True) as seeded:
                seeded.execute("VACUUM ANALYZE")
            connection.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
    url = f"{base}/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    return url


def report(vendor: str, figures: dict) -> str:
    lines = [
        f"\n12-month report by day, {vendor}, {BENCH_ORDERS:,} orders seeded, "
        f"{figures['orders']:,} counted in the period; median of {BENCH_RUNS} runs",
        f"  COUNT(*) of the same orders        {figures['count_ms']:9.1f} ms  (1.00)",
        f"  the report, both periods ({figures['queries']} queries)"
        f"{figures['report_ms']:9.1f} ms  "
        f"({figures['report_ms'] / figures['count_ms']:.2f} x the count; goal {GOAL} x)",
        f"  its sales by day and breakdown     {figures['sales_ms']:9.1f} ms  "
        f"({figures['sales_ms'] / figures['count_ms']:.2f} x the count)",
        f"  Django's TruncDate(tzinfo) idiom   {figures['idiom_ms']:9.1f} ms  "
        f"({figures['idiom_ms'] / figures['count_ms']:.2f} x the count)",
        "  the report's queries (one run):",
    ]
    for label, milliseconds in figures["parts"]:
        lines.append(f"    {label:<44}{milliseconds:9.1f} ms")
    return "\n".join(lines)


def test_reports_speed():
    # Imported here: this file also runs as a plain script, outside the test package.
    from tests.benchmarks.seeding import seeded_database

    database = seeded_database(BENCH_ORDERS)
    results = {"SQLite": measure(f"sqlite:///{database}")}
    if POSTGRES_URL:
        results["PostgreSQL"] = measure(postgres_database(BENCH_ORDERS))
    else:
        print("\nBENCH_POSTGRES_URL is not set: the PostgreSQL run is skipped")
    for vendor, figures in results.items():
        print(report(vendor, figures))
        assert figures["report_orders"] == figures["orders"]
        assert figures["idiom_net"] == figures["sales_net"]


# --- The measured side, run in a child process: `python -m tests.benchmarks.test_reports_speed`.


def _label(sql: str) -> str:
    if 'COUNT("customer")' in sql:
        return "new and returning customers"
    if "orders_refund" in sql and "orders_orderline" in sql:
        return "refunds shared among products"
    if "orders_refund" in sql:
        return "refunds by day and breakdown"
    if "orders_orderline" in sql:
        return "products"
    return "sales by day and breakdown"


def _median_ms(run, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _measure(runs: int) -> dict:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.db.models import Sum
    from django.db.models.functions import TruncDate
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mycommerce.models import Store
    from reports.buckets import timeline_for
    from reports.figures import to_cents
    from reports.periods import DateRange, Granularity, shift_years
    from reports.rules import orders_booked, refunds_booked
    from reports.selectors import report_build, sales_rows

    store = Store.objects.get(name="MaBoutique")
    zone = ZoneInfo(store.timezone)
    last = store.orders.order_by("-created_at").values_list("created_at", flat=True)[0]
    end = timezone.localdate(last, zone)
    period = DateRange(shift_years(end, -1) + timedelta(days=1), end)
    timeline = timeline_for(period, Granularity.DAY, zone)
    booked = orders_booked(store=store, start=timeline.start, end=timeline.end)

    def count():
        return booked.count()

    def build():
        return report_build(store=store, period=period, granularity=Granularity.DAY)

    def idiom():
        # Django's usual way: the local date of each row, by the database's date functions.
        by_day = (
            booked.annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day")
            .annotate(gross=Sum("subtotal"), discounts=Sum("discount_total"))
            .order_by()
        )
        refunds = (
            refunds_booked(store=store, start=timeline.start, end=timeline.end)
            .annotate(day=TruncDate("refunds__created_at", tzinfo=zone))
            .values("day")
            .annotate(amount=Sum("refunds__amount"))
            .order_by()
        )
        gross = sum(row["gross"] - row["discounts"] for row in by_day)
        return gross - sum(row["amount"] for row in refunds)

    count(), build()  # warm the caches
    count_ms = _median_ms(count, runs)
    report_ms = _median_ms(build, runs)
    with CaptureQueriesContext(connection) as queries:
        result = build()
    parts = [(_label(q["sql"]), float(q["time"]) * 1000) for q in queries.captured_queries]
    sales_ms = _median_ms(lambda: list(sales_rows(store=store, timeline=timeline)), runs)
    idiom_ms = _median_ms(idiom, max(1, runs // 2))
    return {
        "orders": count(),
        "report_orders": result.current.totals.orders,
        "count_ms": count_ms,
        "report_ms": report_ms,
        "sales_ms": sales_ms,
        "idiom_ms": idiom_ms,
        "idiom_net": str(to_cents(idiom())),
        "sales_net": str(result.current.totals.net),
        "queries": len(queries.captured_queries),
        "parts": parts,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mycommerce.settings")
    import django

    django.setup()
    print(json.dumps(_measure(int(sys.argv[1]))))
