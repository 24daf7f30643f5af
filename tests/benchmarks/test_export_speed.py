"""Benchmark: the export of N orders in layout `lines` (one row per order line), CSV and XLSX,
against the databases' own CSV writers over the same columns, measured in the same run:

- the `sqlite3` shell's `.mode csv` on the same SQLite file (raw values, no formatting);
- PostgreSQL's `COPY (…) TO STDOUT WITH CSV` (through `psql`) on the same orders seeded in
  PostgreSQL (when it answers at BENCH_POSTGRES_URL);
- django-import-export's export of the same queryset (what the admin's export does), on at
  most BENCH_IE_ORDERS orders since it holds everything in memory.

"The same columns" are the registry's columns read from the order and its lines (what a
database can select in one join); our export is also measured with every column (timeline
dates, refunds, notes, discounts and taxes read per batch). Each measurement runs in its own
process, so its peak memory is its own.

    BENCH_ORDERS=1000000 (default) BENCH_IE_ORDERS=50000 (default, capped at BENCH_ORDERS)
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (default)
    BENCH_REPEAT=1 (default: each figure is the best of that many runs)
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_export_speed.py -s -o addopts=""

The SQLite database is seeded once with `seed_demo --orders N` into var/bench/ and reused; the
PostgreSQL one is seeded once into the database bench_export_<N>.
"""

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
BENCH_IE_ORDERS = min(int(os.environ.get("BENCH_IE_ORDERS", "50000")), BENCH_ORDERS)
SMALL_ORDERS = min(10_000, BENCH_ORDERS)
BENCH_REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "1")))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
GOALS = {"shell": 0.6, "copy": 0.5, "xlsx": 1 / 3}


def measure(mode: str, database: str, orders: int) -> dict:
    """The best of BENCH_REPEAT runs (a shared machine's noise only ever slows a run down)."""
    runs = [_measure_once(mode, database, orders) for _ in range(BENCH_REPEAT)]
    return min(runs, key=lambda figures: figures["seconds"])


def _measure_once(mode: str, database: str, orders: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "localhost")
    completed = subprocess.run(
        [sys.executable, __file__, mode, database, str(orders)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(label: str, figures: dict, baseline: dict | None = None, name: str = "") -> str:
    line = (
        f"{label:<40} {figures['rows']:>10,} rows {figures['seconds']:>7.1f} s "
        f"{figures['rate']:>9,.0f} rows/s  peak {figures['peak_mb']:>5.0f} MB"
    )
    if baseline:
        line += f"  ({figures['rate'] / baseline['rate']:.2f}x {name})"
    return line


def postgres_database(orders: int) -> str | None:
    """The same demo orders in PostgreSQL (seeded once), or None when it does not answer."""
    if shutil.which("psql") is None:
        return None
    name = f"bench_export_{orders}"
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"

    def psql(target: str, sql: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["psql", target, "-tAc", sql], capture_output=True, text=True, timeout=60
        )

    if psql(POSTGRES_URL, "SELECT 1").returncode != 0:
        return None
    seeded = psql(url, "SELECT count(*) FROM orders_order").stdout.strip()
    if seeded != str(orders):
        psql(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name}")
        psql(POSTGRES_URL, f"CREATE DATABASE {name}")
        env = {**os.environ, "DATABASE_URL": url}
        started = time.perf_counter()
        for args in (["migrate", "-v0"], ["seed_demo", "--orders", str(orders)]):
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=BASE_DIR,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        psql(url, "VACUUM ANALYZE")
        print(f"seeded {orders:,} orders in PostgreSQL in {time.perf_counter() - started:.0f} s")
    return url


def test_export_speed():
    # Imported here: this file also runs as a plain script, outside the test package.
    from tests.benchmarks.seeding import seeded_database

    sqlite = f"sqlite:///{seeded_database(BENCH_ORDERS)}"
    shell = measure("shell", sqlite, BENCH_ORDERS)
    csv_plain = measure("csv", sqlite, BENCH_ORDERS)
    csv_small = measure("csv", sqlite, SMALL_ORDERS)
    csv_all = measure("csv-all", sqlite, BENCH_ORDERS)
    xlsx_plain = measure("xlsx", sqlite, BENCH_ORDERS)
    xlsx_small = measure("xlsx", sqlite, SMALL_ORDERS)
    xlsx_all = measure("xlsx-all", sqlite, BENCH_ORDERS)
    print()
    print(f"Export, layout `lines`, {BENCH_ORDERS:,} orders, SQLite")
    print(report("sqlite3 shell, .mode csv", shell))
    print(report("CSV (every cell quoted)", csv_plain, shell, "shell"))
    print(report(f"CSV, {SMALL_ORDERS:,} orders", csv_small, shell, "shell"))
    print(report("CSV, every column", csv_all, shell, "shell"))
    print(report("XLSX (orders and lines sheets)", xlsx_plain, csv_plain, "our CSV"))
    print(report(f"XLSX, {SMALL_ORDERS:,} orders", xlsx_small, csv_plain, "our CSV"))
    print(report("XLSX, every column", xlsx_all, csv_all, "our CSV, every column"))

    postgres = postgres_database(BENCH_ORDERS)
    if postgres is None:
        print("PostgreSQL does not answer: the COPY baseline is skipped")
        copy = csv_pg = None
    else:
        copy = measure("copy", postgres, BENCH_ORDERS)
        csv_pg = measure("csv", postgres, BENCH_ORDERS)
        xlsx_pg = measure("xlsx", postgres, BENCH_ORDERS)
        print(f"Export, layout `lines`, {BENCH_ORDERS:,} orders, PostgreSQL")
        print(report("COPY … TO STDOUT WITH CSV (psql)", copy))
        print(report("CSV (every cell quoted)", csv_pg, copy, "COPY"))
        print(report("XLSX", xlsx_pg, csv_pg, "our CSV"))

    try:
        import import_export  # noqa: F401
    except ImportError:
        print("django-import-export not installed: that baseline is skipped")
    else:
        # Same orders, same queryset, one after the other: the fair comparison.
        ie = measure("import_export", sqlite, BENCH_IE_ORDERS)
        ours_ie = measure("csv", sqlite, BENCH_IE_ORDERS)
        print(report(f"django-import-export, {BENCH_IE_ORDERS:,} orders", ie))
        print(report(f"CSV, {BENCH_IE_ORDERS:,} orders", ours_ie, ie, "django-import-export"))

    csv_growth = csv_plain["peak_mb"] - csv_small["peak_mb"]
    xlsx_growth = xlsx_plain["peak_mb"] - xlsx_small["peak_mb"]
    print(
        f"memory growth {SMALL_ORDERS:,} -> {BENCH_ORDERS:,} orders: "
        f"CSV {csv_growth:+.0f} MB, XLSX {xlsx_growth:+.0f} MB"
    )
    ratios = {
        "shell": csv_plain["rate"] / shell["rate"],
        "xlsx": xlsx_plain["rate"] / csv_plain["rate"],
    }
    if copy is not None:
        ratios["copy"] = csv_pg["rate"] / copy["rate"]
    print(
        "goals: "
        + ", ".join(
            f"{name} {ratio:.2f} (goal {GOALS[name]:.2f}: "
            f"{'met' if ratio >= GOALS[name] else 'MISSED'})"
            for name, ratio in ratios.items()
        )
    )
    assert csv_plain["rows"] == shell["rows"] == xlsx_plain["rows"]
    assert abs(csv_growth) < 30 and abs(xlsx_growth) < 30


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


def _plain_columns():
    """The registry's columns a database can select in one join of orders and lines."""
    from exports.columns import COLUMNS, Source

    return [c for c in COLUMNS if c.source in (Source.ORDER, Source.LINE)]


def _join_sql(placeholder: str) -> str:
    columns = _plain_columns()
    fields = [f"{'l' if c.per_line else 'o'}.{c.field}" for c in columns]
    return (
        f"SELECT {', '.join(fields)} FROM orders_order o "
        "JOIN orders_orderline l ON l.order_id = o.id "
        f"WHERE o.store_id = {placeholder} AND o.id <= {placeholder} "
        "ORDER BY o.created_at DESC, o.id DESC, l.position, l.id"
    )


def _scope_sqlite(path: str, orders: int) -> tuple[int, int]:
    """The benchmark store and the primary key of its `orders`-th order."""
    connection = sqlite3.connect(path)
    store_id = connection.execute(
        "SELECT id FROM mycommerce_store WHERE name = 'MaBoutique'"
    ).fetchone()[0]
    cutoff = connection.execute(
        "SELECT id FROM orders_order WHERE store_id = ? ORDER BY id LIMIT 1 OFFSET ?",
        (store_id, orders - 1),
    ).fetchone()[0]
    return store_id, cutoff


def _run_shell(database: str, orders: int, sink: Sink) -> None:
    path = database.removeprefix("sqlite:///")
    store_id, cutoff = _scope_sqlite(path, orders)
    sql = _join_sql("?").replace("?", str(store_id), 1).replace("?", str(cutoff), 1)
    started = subprocess.Popen(
        ["sqlite3", "-csv", "-header", path, sql], stdout=subprocess.PIPE, bufsize=1 << 20
    )
    while chunk := started.stdout.read(1 << 20):
        sink.write(chunk)
    assert started.wait() == 0


def _run_copy(database: str, orders: int, sink: Sink) -> None:
    import psycopg

    with psycopg.connect(database) as connection:
        store_id, cutoff = connection.execute(
            "SELECT s.id, (SELECT id FROM orders_order WHERE store_id = s.id ORDER BY id "
            "LIMIT 1 OFFSET %s) FROM mycommerce_store s WHERE s.name = 'MaBoutique'",
            (orders - 1,),
        ).fetchone()
    sql = _join_sql("{}").format(store_id, cutoff)
    started = subprocess.Popen(
        ["psql", database, "-c", f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"],
        stdout=subprocess.PIPE,
        bufsize=1 << 20,
    )
    while chunk := started.stdout.read(1 << 20):
        sink.write(chunk)
    assert started.wait() == 0


def _queryset(orders: int):
    from exports.selectors import export_selection
    from mycommerce.models import Store

    store = Store.objects.get(name="MaBoutique")
    # The list's own sort (newest first) over the store's first `orders` orders.
    cutoff = store.orders.order_by("pk").values_list("pk", flat=True)[orders - 1]
    queryset = export_selection(store=store, selection={}).queryset.filter(pk__lte=cutoff)
    return store, queryset


def _options(every_column: bool, file_format: str):
    from exports.columns import COLUMN_KEYS
    from exports.services import ExportOptions

    columns = list(COLUMN_KEYS) if every_column else [c.key for c in _plain_columns()]
    return ExportOptions(
        separator="semicolon",
        columns=columns,
        layout="lines",
        bom=True,
        decimal="comma",
        format=file_format,
    )


def _run_csv(database: str, orders: int, sink: Sink, every_column: bool = False) -> None:
    from exports.services import export_csv_chunks

    store, queryset = _queryset(orders)
    options = _options(every_column, "csv")
    for chunk in export_csv_chunks(store=store, queryset=queryset, options=options, language="fr"):
        sink.write(chunk)


def _run_xlsx(database: str, orders: int, sink: Sink, every_column: bool = False) -> None:
    """Rows are those of the lines sheet (the CSV's rows); the orders sheet comes on top."""
    import openpyxl

    from exports.services import export_xlsx_write

    store, queryset = _queryset(orders)
    with tempfile.TemporaryDirectory(dir=BASE_DIR / "var" / "bench") as folder:
        path = Path(folder) / "export.xlsx"
        export_xlsx_write(
            path=path,
            store=store,
            queryset=queryset,
            options=_options(every_column, "xlsx"),
            language="fr",
        )
        sink.size = path.stat().st_size
        book = openpyxl.load_workbook(path, read_only=True)
        # The sheet's extent, as written in its <dimension> (no need to read every row).
        sink.rows = sum(sheet.max_row for sheet in book.worksheets[1:] or book.worksheets)
        book.close()


def _run_import_export(database: str, orders: int, sink: Sink) -> None:
    from import_export import fields, resources

    from mycommerce.models import Store
    from orders.models import OrderLine

    attributes = {
        column.key: fields.Field(
            attribute=column.field if column.per_line else f"order__{column.field}",
            column_name=column.key,
        )
        for column in _plain_columns()
    }
    meta = type("Meta", (), {"model": OrderLine, "fields": tuple(attributes)})
    resource_class = type(
        "OrderLineResource", (resources.ModelResource,), {**attributes, "Meta": meta}
    )

    store = Store.objects.get(name="MaBoutique")
    _, cutoff = _scope_sqlite(database.removeprefix("sqlite:///"), orders)
    queryset = (
        OrderLine.objects.filter(order__store=store, order_id__lte=cutoff)
        .select_related("order")
        .order_by("-order__created_at", "-order_id", "position", "pk")
    )
    dataset = resource_class().export(queryset=queryset)
    sink.write(dataset.csv.encode())


RUNNERS = {
    "shell": _run_shell,
    "copy": _run_copy,
    "csv": _run_csv,
    "csv-all": lambda *args: _run_csv(*args, every_column=True),
    "xlsx": _run_xlsx,
    "xlsx-all": lambda *args: _run_xlsx(*args, every_column=True),
    "import_export": _run_import_export,
}

if __name__ == "__main__":
    mode, database, orders = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, str(BASE_DIR))
    # The baselines too: they read the column registry.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mycommerce.settings")
    import django

    django.setup()
    sink = Sink()
    started = time.perf_counter()
    RUNNERS[mode](database, orders, sink)
    seconds = time.perf_counter() - started
    # The header row is not counted; the XLSX runner counts data rows itself.
    rows = sink.rows - 1
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "rate": rows / seconds,
                "bytes": sink.size,
                # The shell's and psql's own peak when they did the work.
                "peak_mb": children if mode in ("shell", "copy") else _peak_mb(),
            }
        )
    )
