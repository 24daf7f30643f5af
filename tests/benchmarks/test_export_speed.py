"""Benchmark: the CSV export of N orders in layout `lines` (one row per order line), against
two baselines measured in the same run on the same SQLite file and columns:

- raw: a plain `sqlite3` cursor over the join + `csv.writer`, no formatting (the practical limit);
- django-import-export: a ModelResource's export of the same queryset (what the admin's
  export does), on at most BENCH_IE_ORDERS orders since it holds everything in memory.

Each measurement runs in its own process, so peak memory (ru_maxrss) is its own.

    BENCH_ORDERS=1000000 (default) BENCH_IE_ORDERS=50000 (default, capped at BENCH_ORDERS)
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_export_speed.py -s -o addopts=""

The database is seeded once with `seed_demo --orders N` into var/bench/export-<N>.sqlite3 and
reused by later runs. django-import-export is a benchmark-only dependency; without it that
baseline is skipped.
"""

import csv
import io
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
BENCH_IE_ORDERS = min(int(os.environ.get("BENCH_IE_ORDERS", "50000")), BENCH_ORDERS)
SMALL_ORDERS = min(10_000, BENCH_ORDERS)


def measure(mode: str, database: Path, orders: int) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "localhost")
    completed = subprocess.run(
        [sys.executable, __file__, mode, str(database), str(orders)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(label: str, figures: dict, raw: dict | None = None) -> str:
    line = (
        f"{label:<34} {figures['rows']:>10,} rows {figures['seconds']:>8.1f} s "
        f"{figures['rate']:>10,.0f} rows/s  peak {figures['peak_mb']:>6.0f} MB"
    )
    if raw:
        line += f"  ({figures['rate'] / raw['rate']:.2f}x raw)"
    return line


def test_export_speed():
    # Imported here: this file also runs as a plain script, outside the test package.
    from tests.benchmarks.seeding import seeded_database

    database = seeded_database(BENCH_ORDERS)
    raw = measure("raw", database, BENCH_ORDERS)
    ours = measure("ours", database, BENCH_ORDERS)
    ours_small = measure("ours", database, SMALL_ORDERS)
    print()
    print(f"CSV export, layout `lines`, SQLite, {BENCH_ORDERS:,} orders")
    print(report("raw sqlite3 + csv.writer", raw))
    print(report("exports (this project)", ours, raw))
    print(report(f"exports, {SMALL_ORDERS:,} orders", ours_small, raw))
    try:
        import import_export  # noqa: F401
    except ImportError:
        print("django-import-export not installed: that baseline is skipped")
        ie = None
    else:
        # Same orders, same queryset, one after the other: the fair comparison.
        ie = measure("import_export", database, BENCH_IE_ORDERS)
        ours_ie = measure("ours", database, BENCH_IE_ORDERS)
        print(report(f"django-import-export, {BENCH_IE_ORDERS:,} orders", ie, raw))
        print(report(f"exports, {BENCH_IE_ORDERS:,} orders", ours_ie, raw))
        print(
            f"exports vs django-import-export on {BENCH_IE_ORDERS:,} orders: "
            f"{ours_ie['rate'] / ie['rate']:.1f}x; "
            f"exports on {BENCH_ORDERS:,} vs it: {ours['rate'] / ie['rate']:.1f}x"
        )
    growth = ours["peak_mb"] - ours_small["peak_mb"]
    print(f"memory growth {SMALL_ORDERS:,} -> {BENCH_ORDERS:,} orders: {growth:+.0f} MB")
    assert ours["rows"] == raw["rows"]
    assert growth < 30


# --- The measured side, run in a child process: `python test_export_speed.py MODE DB ORDERS`.


class Sink:
    """Where the file goes: counted and dropped, so disks do not blur the figures."""

    def __init__(self):
        self.size = 0
        self.rows = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.rows += chunk.count(b"\n")


def _peak_mb() -> float:
    # VmHWM is this process's own high-water mark (ru_maxrss would include the forked parent's).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_raw(database: str, orders: int, sink: Sink) -> None:
    from exports.columns import COLUMNS

    order_fields = [f"o.{c.field}" for c in COLUMNS if not c.per_line]
    line_fields = [f"l.{c.field}" for c in COLUMNS if c.per_line]
    connection = sqlite3.connect(database)
    store_id, cutoff = _scope(connection, orders)
    cursor = connection.execute(
        f"SELECT {', '.join(order_fields + line_fields)} FROM orders_order o "
        "JOIN orders_orderline l ON l.order_id = o.id "
        "WHERE o.store_id = ? AND o.id <= ? ORDER BY o.id, l.position, l.id",
        (store_id, cutoff),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([c.key for c in COLUMNS])
    while rows := cursor.fetchmany(20000):
        writer.writerows(rows)
        sink.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()
    sink.write(buffer.getvalue().encode())


def _scope(connection, orders: int) -> tuple[int, int]:
    """The benchmark store and the primary key of its `orders`-th order."""
    store_id = connection.execute(
        "SELECT id FROM mycommerce_store WHERE name = 'MaBoutique'"
    ).fetchone()[0]
    cutoff = connection.execute(
        "SELECT id FROM orders_order WHERE store_id = ? ORDER BY id LIMIT 1 OFFSET ?",
        (store_id, orders - 1),
    ).fetchone()[0]
    return store_id, cutoff


def _run_ours(database: str, orders: int, sink: Sink) -> None:
    from exports.columns import COLUMN_KEYS
    from exports.services import ExportOptions, export_csv_chunks
    from mycommerce.models import Store
    from orders.selectors import order_queryset_for_store

    store = Store.objects.get(name="MaBoutique")
    _, cutoff = _scope(sqlite3.connect(database), orders)
    options = ExportOptions(
        separator="semicolon", columns=list(COLUMN_KEYS), layout="lines", bom=True, decimal="comma"
    )
    queryset = order_queryset_for_store(store=store).filter(pk__lte=cutoff)
    for chunk in export_csv_chunks(store=store, queryset=queryset, options=options, language="fr"):
        sink.write(chunk)


def _run_import_export(database: str, orders: int, sink: Sink) -> None:
    from import_export import fields, resources

    from exports.columns import COLUMNS
    from mycommerce.models import Store
    from orders.models import OrderLine

    attributes = {
        column.key: fields.Field(
            attribute=column.field if column.per_line else f"order__{column.field}",
            column_name=column.key,
        )
        for column in COLUMNS
    }
    meta = type("Meta", (), {"model": OrderLine, "fields": tuple(attributes)})
    resource_class = type(
        "OrderLineResource", (resources.ModelResource,), {**attributes, "Meta": meta}
    )

    store = Store.objects.get(name="MaBoutique")
    _, cutoff = _scope(sqlite3.connect(database), orders)
    queryset = (
        OrderLine.objects.filter(order__store=store, order_id__lte=cutoff)
        .select_related("order")
        .order_by("order_id", "position", "pk")
    )
    dataset = resource_class().export(queryset=queryset)
    sink.write(dataset.csv.encode())


if __name__ == "__main__":
    mode, database, orders = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, str(BASE_DIR))
    if mode != "raw":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mycommerce.settings")
        import django

        django.setup()
    sink = Sink()
    runner = {"raw": _run_raw, "ours": _run_ours, "import_export": _run_import_export}[mode]
    started = time.perf_counter()
    runner(database, orders, sink)
    seconds = time.perf_counter() - started
    rows = sink.rows - 1
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "rate": rows / seconds,
                "bytes": sink.size,
                "peak_mb": _peak_mb(),
            }
        )
    )
