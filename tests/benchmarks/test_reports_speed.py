"""Benchmark: a 12-month sales report by day (both periods: the last 12 months of orders and
the 12 months before), read from the daily summary, next to a plain COUNT(*) of the same
orders in the same run (alternated, repeated), on SQLite and, when BENCH_POSTGRES_URL is set,
on PostgreSQL, at each size of BENCH_ORDERS (the growth table's report). Goal: the report
within 5x of the count.

    BENCH_ORDERS=10000,100000,1000000 (default; tests/benchmarks/sizes.py) BENCH_RUNS=5 (default)
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres   # optional
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_reports_speed.py -s -o addopts=""

The databases are the benchmarks' shared seeded ones (tests/benchmarks/seeding.py). Each
database is measured in its own process. Below a million orders the summary is first rebuilt
from the orders (`reports_rebuild`, timed; at a million it takes a minute a database, and the
seeded summary is read). Besides the whole report, it prints the time of each of its
queries, its peak memory, what one write pays to keep the summary (a day recomputed), and
net sales by local day computed from the orders with the report's buckets next to Django's
usual idiom (TruncDate with the zone, which SQLite runs as a Python function per row): the
two must agree on every day, and with the net sales the report read from the summary.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL = 5
REBUILT_BELOW = 1_000_000


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


def _ms(milliseconds: float | None) -> str:
    return "  not run" if milliseconds is None else f"{milliseconds:9.1f} ms"


def report(vendor: str, size: int, figures: dict) -> str:
    count = figures["count_ms"]
    lines = [
        f"\n12-month report by day, {vendor}, {size:,} orders seeded, "
        f"{figures['orders']:,} counted in the period; median of {BENCH_RUNS} runs",
        f"  COUNT(*) of the same orders         {count:9.1f} ms  (1.00)",
        f"  the report from the summary, both periods ({figures['queries']} queries)",
        f"                                      {figures['report_ms']:9.1f} ms  "
        f"({figures['report_ms'] / count:.2f} x the count; goal {GOAL} x), "
        f"peak {figures['peak_kib']:,.0f} KiB",
        f"  its sales by day, from the orders   {figures['sales_ms']:9.1f} ms  "
        f"({figures['sales_ms'] / count:.2f} x the count; what the summary saves)",
        f"  rebuilding the summary (once)       {_ms(figures['rebuild_ms'])}  "
        f"({figures['summary_rows']:,} rows)",
        f"  one write's upkeep (a day redone)   {figures['day_ms']:9.1f} ms",
        "  net sales by local day from the orders (orders and refunds, 2 queries):",
        f"    with the report's buckets         {figures['ours_ms']:9.1f} ms  "
        f"({figures['ours_ms'] / count:.2f} x the count)",
        f"    with Django's TruncDate(tzinfo)   {figures['idiom_ms']:9.1f} ms  "
        f"({figures['idiom_ms'] / count:.2f} x the count)",
        "  the report's queries (one run):",
    ]
    for label, milliseconds in figures["parts"]:
        lines.append(f"    {label:<44}{milliseconds:9.1f} ms")
    return "\n".join(lines)


def test_reports_speed():
    # Imported here: this file also runs as a plain script, outside the test package.
    from tests.benchmarks import report as bench_report
    from tests.benchmarks.list_timing import postgres_unavailable
    from tests.benchmarks.seeding import seeded_database, seeded_postgres_url
    from tests.benchmarks.sizes import SIZES

    scenario = "12-month report by day, both periods"
    unavailable = postgres_unavailable()
    if unavailable:
        print(f"\nPostgreSQL: {unavailable}; its run is skipped")
        bench_report.skip("reports", scenario, reason=unavailable, database="PostgreSQL")
    for size in SIZES:
        results = {"SQLite": measure(f"sqlite:///{seeded_database(size)}")}
        if not unavailable:
            results["PostgreSQL"] = measure(seeded_postgres_url(size))
        for vendor, figures in results.items():
            record(size, vendor, figures)


def record(size: int, vendor: str, figures: dict) -> None:
    from tests.benchmarks import report as bench_report

    print(report(vendor, size, figures))
    bench_report.record(
        "reports",
        "12-month report by day, both periods",
        unit="ms",
        orders=size,
        database=vendor,
        ours=figures["report_runs"],
        baselines={"COUNT(*) of the same orders": figures["count_runs"]},
        goal=bench_report.Goal("COUNT(*) of the same orders", at_most=GOAL),
        peak_mb=figures["peak_kib"] / 1024,
        note=f"one write's upkeep {figures['day_ms']:.0f} ms",
    )
    assert figures["report_orders"] == figures["orders"]
    assert figures["days_agree"], "the buckets and Django's conversion disagree on a day"
    assert figures["ours_net"] == figures["report_net"]


# --- The measured side, run in a child process: `python -m tests.benchmarks.test_reports_speed`.


def _label(sql: str) -> str:
    for table, label in (
        ("reports_saleshour", "sales by hour"),
        ("reports_customerreturn", "new and returning customers"),
        ("reports_productday", "products"),
        ('"dimension" IN', "breakdowns"),
        ("reports_salesday", "sales by day"),
    ):
        if table in sql:
            return label
    return sql[:40]


def _alternated_ms(runs: int, *measured) -> list[list[float]]:
    """The times (ms) of each callable, run in turn `runs` times (so that a busy moment of
    the machine falls on all of them)."""
    timings = [[] for _ in measured]
    for _ in range(runs):
        for run, found in zip(measured, timings):
            started = time.perf_counter()
            run()
            found.append((time.perf_counter() - started) * 1000)
    return timings


def _median_ms(run, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _measure(runs: int) -> dict:
    import tracemalloc
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.db.models import Sum
    from django.db.models.functions import TruncDate
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mycommerce.models import Store
    from reports.buckets import timeline_for, unit_annotations
    from reports.figures import to_cents
    from reports.models import CustomerDay, CustomerReturn, ProductDay, SalesDay, SalesHour
    from reports.periods import DateRange, Granularity, shift_years
    from reports.rules import orders_booked, refunds_booked
    from reports.selectors import report_build
    from reports.summary import order_rows, summary_rebuild, summary_recompute_days

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

    def net_by_day(day_of: dict, refund_day_of: dict) -> dict:
        """Net sales by local day: the same two sums, with the day told either way."""
        by_day = (
            booked.annotate(**day_of)
            .values("day")
            .annotate(gross=Sum("subtotal"), discounts=Sum("discount_total"))
            .order_by()
        )
        refunds = (
            refunds_booked(store=store, start=timeline.start, end=timeline.end)
            .annotate(**refund_day_of)
            .values("day")
            .annotate(amount=Sum("amount"))
            .order_by()
        )
        net: dict = {}
        for row in by_day:
            net[row["day"]] = net.get(row["day"], 0) + row["gross"] - row["discounts"]
        for row in refunds:
            net[row["day"]] = net.get(row["day"], 0) - row["amount"]
        return {day: to_cents(value) for day, value in net.items()}

    def ours():
        # This project's buckets: UTC time plus the segment's offset, plain arithmetic.
        days = net_by_day(
            {"day": unit_annotations("created_at", timeline)["unit"]},
            {"day": unit_annotations("created_at", timeline)["unit"]},
        )
        return {period.start + timedelta(days=unit): net for unit, net in days.items()}

    def idiom():
        # Django's usual way: each row's local date, converted by the database.
        return net_by_day(
            {"day": TruncDate("created_at", tzinfo=zone)},
            {"day": TruncDate("created_at", tzinfo=zone)},
        )

    rebuild_ms = None
    if store.orders.count() < REBUILT_BELOW:
        started = time.perf_counter()
        summary_rebuild(store=store)
        rebuild_ms = (time.perf_counter() - started) * 1000
    summary_rows = sum(
        model.objects.filter(store=store).count()
        for model in (SalesDay, SalesHour, ProductDay, CustomerDay, CustomerReturn)
    )
    count(), build()  # warm the caches
    count_runs, report_runs = _alternated_ms(runs, count, build)
    count_ms, report_ms = statistics.median(count_runs), statistics.median(report_runs)
    tracemalloc.start()
    build()
    peak_kib = tracemalloc.get_traced_memory()[1] / 1024
    tracemalloc.stop()
    with CaptureQueriesContext(connection) as queries:
        result = build()
    parts = [(_label(q["sql"]), float(q["time"]) * 1000) for q in queries.captured_queries]
    # The figures no goal reads: fewer runs.
    runs = min(runs, 3)
    sales_ms = _median_ms(lambda: list(order_rows(store=store, timeline=timeline)), runs)
    # What a write of an order of the busiest day pays: that day recomputed.
    busiest = max(
        SalesDay.objects.filter(store=store, dimension=""), key=lambda row: row.orders
    ).day
    day_ms = _median_ms(lambda: summary_recompute_days(store=store, days={busiest}), runs)
    ours_ms = _median_ms(ours, runs)
    idiom_ms = _median_ms(idiom, runs)
    # The two ways agree on every day, and with the report's own net sales.
    mine, theirs = ours(), idiom()
    return {
        "orders": count(),
        "report_orders": result.current.totals.orders,
        "count_ms": count_ms,
        "report_ms": report_ms,
        "count_runs": count_runs,
        "report_runs": report_runs,
        "peak_kib": peak_kib,
        "rebuild_ms": rebuild_ms,
        "summary_rows": summary_rows,
        "day_ms": day_ms,
        "sales_ms": sales_ms,
        "ours_ms": ours_ms,
        "idiom_ms": idiom_ms,
        "days_agree": {str(k): str(v) for k, v in mine.items()}
        == {str(k): str(v) for k, v in theirs.items()},
        "ours_net": str(sum(mine.values())),
        "report_net": str(result.current.totals.net),
        "queries": len(queries.captured_queries),
        "parts": parts,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mycommerce.settings")
    import django

    django.setup()
    print(json.dumps(_measure(int(sys.argv[1]))))
