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

    BENCH_ORDERS=10000,100000,1000000 (default; tests/benchmarks/sizes.py): every comparison
        at the largest size; our CSV's rate (SQLite, and PostgreSQL when it answers) at each
        of the other sizes too, on that size's seeded database, for the growth table
    BENCH_IE_ORDERS=10000 (default, 2,000 in the quick run; capped at the largest size)
    BENCH_WIDE_ORDERS=25000 (default, 5,000 in the quick run; capped at the largest size):
        the size of the exports with every column
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (the COPY side; without
        it the report says it was skipped); its XLSX at the size below the largest
    BENCH_REPEAT=2 (default, 1 in the quick run: every measurement in turn, after each
        database is warmed; each figure is the median run's; the XLSX at the largest size,
        one to two minutes a run at a million orders, in the first round only)
    make bench
    # or: .venv/bin/python -m pytest tests/benchmarks/test_export_speed.py -s -o addopts=""
    # one measurement: .venv/bin/python -m tests.benchmarks.test_export_speed MODE URL ORDERS

The databases are the benchmarks' shared seeded ones (tests/benchmarks/seeding.py), made once
and reused.
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

from tests.benchmarks.sizes import LARGEST, SIZES, quick_default

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_ORDERS = LARGEST
# django-import-export holds everything in memory, at some 3,000 rows a second.
BENCH_IE_ORDERS = min(int(quick_default("BENCH_IE_ORDERS", "10000", "2000")), BENCH_ORDERS)
SMALL_ORDERS = min(10_000, BENCH_ORDERS)
# Every column (timeline dates, refunds, notes, discounts, taxes read per batch) is 4 to 5
# times slower per row than the join's columns: at a million orders its CSV and XLSX would
# take some ten minutes a round on 2 cores. Measured at this size instead (no goal reads them;
# the growth from it to a million is the join's columns').
WIDE_ORDERS = min(int(quick_default("BENCH_WIDE_ORDERS", "25000", "5000")), BENCH_ORDERS)
# On PostgreSQL the XLSX is measured against our CSV at the size below the largest (the rate
# hardly moves with the size: see the CSV's growth), which spares the full run three minutes.
PG_XLSX_ORDERS = ([size for size in SIZES if size < BENCH_ORDERS] or [BENCH_ORDERS])[-1]
# Two rounds after the warming one (the export at a million orders is most of the full run);
# one in the quick run, where starting each measurement's process is most of the time.
BENCH_REPEAT = max(1, int(quick_default("BENCH_REPEAT", "2", "1")))


def measure_alternated(
    jobs: dict[str, tuple[str, str, int]], *, once: frozenset[str] = frozenset()
) -> dict[str, dict]:
    """Each database warmed first (no baseline runs cold: every run is a fresh process, so
    the machine's file cache is all there is to warm), then all the jobs in turn, BENCH_REPEAT
    times (the jobs named in `once` in the first round only); each job's figures are its
    median run's, with every run's rate kept."""
    warmed = set()
    for mode, database, orders in jobs.values():
        if database not in warmed:
            _warm(mode, database, orders)
            warmed.add(database)
    runs: dict[str, list[dict]] = {name: [] for name in jobs}
    for round_ in range(BENCH_REPEAT):
        for name, (mode, database, orders) in jobs.items():
            if round_ == 0 or name not in once:
                runs[name].append(_measure_once(mode, database, orders))
    figures = {}
    for name, measured in runs.items():
        median = sorted(measured, key=lambda run: run["seconds"])[len(measured) // 2]
        figures[name] = {**median, "rates": [run["rate"] for run in measured]}
    return figures


def _warm(mode: str, database: str, orders: int) -> None:
    """A SQLite file is read through into the file cache; a PostgreSQL database is warmed by
    running its first job (its tables and indexes are read the way the jobs read them)."""
    if database.startswith("sqlite:///"):
        with open(database.removeprefix("sqlite:///"), "rb") as file:
            while file.read(1 << 24):
                pass
    else:
        _measure_once(mode, database, orders)


def _measure_once(mode: str, database: str, orders: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "localhost")
    completed = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.test_export_speed", mode, database, str(orders)],
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


def _record(
    name: str,
    ours: dict,
    baseline: dict | None,
    label: str,
    goal,
    database: str,
    orders: int = BENCH_ORDERS,
):
    from tests.benchmarks import report as bench_report

    bench_report.record(
        "export",
        name,
        unit="rows/s",
        orders=orders,
        database=database,
        ours=ours["rates"],
        baselines={label: baseline["rates"]} if baseline else {},
        goal=bench_report.Goal(label, at_least=goal) if goal else None,
        peak_mb=ours["peak_mb"],
    )


def test_export_speed():
    # Imported here: this file also runs as a plain script, outside the test package.
    from tests.benchmarks import report as bench_report
    from tests.benchmarks.list_timing import postgres_unavailable
    from tests.benchmarks.seeding import seeded_database, seeded_postgres_url

    sqlite = f"sqlite:///{seeded_database(BENCH_ORDERS)}"
    # On the seeded database of the first size that holds them (none seeded for it alone).
    wide = f"sqlite:///{seeded_database(min(s for s in SIZES if s >= WIDE_ORDERS))}"
    jobs = {
        "shell": ("shell", sqlite, BENCH_ORDERS),
        "csv": ("csv", sqlite, BENCH_ORDERS),
        "csv small": ("csv", sqlite, SMALL_ORDERS),
        "csv all": ("csv-all", wide, WIDE_ORDERS),
        "xlsx": ("xlsx", sqlite, BENCH_ORDERS),
        "xlsx small": ("xlsx", sqlite, SMALL_ORDERS),
        "xlsx all": ("xlsx-all", wide, WIDE_ORDERS),
    }
    unavailable = postgres_unavailable() or (None if shutil.which("psql") else "no psql")
    if unavailable is None:
        postgres = seeded_postgres_url(BENCH_ORDERS)
        jobs |= {
            "copy": ("copy", postgres, BENCH_ORDERS),
            "csv pg": ("csv", postgres, BENCH_ORDERS),
            "xlsx pg": ("xlsx", seeded_postgres_url(PG_XLSX_ORDERS), PG_XLSX_ORDERS),
        }
    try:
        import import_export  # noqa: F401
    except ImportError:
        peer = "django-import-export is not installed (make bench installs it)"
    else:
        peer = None
        # Same orders, same queryset, in turn: the fair comparison.
        jobs |= {
            "import_export": ("import_export", sqlite, BENCH_IE_ORDERS),
            "csv peer size": ("csv", sqlite, BENCH_IE_ORDERS),
        }
    # Our CSV at each other size, on that size's database: the growth table's export rate.
    smaller = [size for size in SIZES if size != BENCH_ORDERS]
    for size in smaller:
        jobs[f"csv at {size}"] = ("csv", f"sqlite:///{seeded_database(size)}", size)
        if unavailable is None:
            jobs[f"csv pg at {size}"] = ("csv", seeded_postgres_url(size), size)
    got = measure_alternated(jobs, once=frozenset({"xlsx"}))

    print()
    print(f"Export, layout `lines`, {BENCH_ORDERS:,} orders, SQLite, median of {BENCH_REPEAT}")
    print(report("sqlite3 shell, .mode csv", got["shell"]))
    print(report("CSV (every cell quoted)", got["csv"], got["shell"], "shell"))
    # The smaller size is printed without a ratio: its baselines ran at the largest size.
    print(report(f"CSV, {SMALL_ORDERS:,} orders", got["csv small"]))
    print(report(f"CSV, every column, {WIDE_ORDERS:,} orders", got["csv all"]))
    print(report("XLSX (orders and lines sheets)", got["xlsx"], got["csv"], "our CSV"))
    print(report(f"XLSX, {SMALL_ORDERS:,} orders", got["xlsx small"]))
    print(
        report(
            f"XLSX, every column, {WIDE_ORDERS:,} orders",
            got["xlsx all"],
            got["csv all"],
            "our CSV, every column",
        )
    )
    _record("CSV, the join's columns", got["csv"], got["shell"], "sqlite3 shell", 0.6, "SQLite")
    _record("XLSX, the join's columns", got["xlsx"], got["csv"], "our CSV", 1 / 3, "SQLite")
    _record("CSV, every column", got["csv all"], None, "", None, "SQLite", WIDE_ORDERS)
    if unavailable:
        print(f"PostgreSQL: {unavailable}; the COPY baseline is skipped")
        bench_report.skip("export", "CSV against COPY", reason=unavailable, orders=BENCH_ORDERS)
    else:
        print(f"Export, layout `lines`, {BENCH_ORDERS:,} orders, PostgreSQL")
        print(report("COPY … TO STDOUT WITH CSV (psql)", got["copy"]))
        print(report("CSV (every cell quoted)", got["csv pg"], got["copy"], "COPY"))
        same_size = "csv pg" if PG_XLSX_ORDERS == BENCH_ORDERS else f"csv pg at {PG_XLSX_ORDERS}"
        print(report(f"XLSX, {PG_XLSX_ORDERS:,} orders", got["xlsx pg"], got[same_size], "our CSV"))
        _record("CSV, the join's columns", got["csv pg"], got["copy"], "COPY", 0.5, "PostgreSQL")
        _record(
            "XLSX, the join's columns",
            got["xlsx pg"],
            got[same_size],
            "our CSV",
            1 / 3,
            "PostgreSQL",
            PG_XLSX_ORDERS,
        )
    if peer:
        print(peer)
        bench_report.skip("export", "against django-import-export", reason=peer)
    else:
        ie, ours_ie = got["import_export"], got["csv peer size"]
        print(report(f"django-import-export, {BENCH_IE_ORDERS:,} orders", ie))
        print(report(f"CSV, {BENCH_IE_ORDERS:,} orders", ours_ie, ie, "django-import-export"))
        bench_report.record(
            "export",
            "CSV against the peer (django-import-export)",
            unit="rows/s",
            orders=BENCH_IE_ORDERS,
            database="SQLite",
            ours=ours_ie["rates"],
            baselines={"django-import-export": ie["rates"]},
            goal=bench_report.Goal("django-import-export", at_least=1.0),
            peak_mb=ours_ie["peak_mb"],
        )

    for size in smaller:
        for database, name in (("SQLite", f"csv at {size}"), ("PostgreSQL", f"csv pg at {size}")):
            if name in got:
                print(report(f"CSV, {size:,} orders ({database})", got[name]))
                _record("CSV, the join's columns", got[name], None, "", None, database, size)

    for kind in ("csv", "xlsx"):
        growth = got[kind]["peak_mb"] - got[f"{kind} small"]["peak_mb"]
        print(f"memory growth {SMALL_ORDERS:,} -> {BENCH_ORDERS:,} orders: {kind} {growth:+.0f} MB")
        bench_report.record(
            "export",
            f"{kind.upper()} peak memory growth from {SMALL_ORDERS:,} orders",
            unit="MB",
            orders=BENCH_ORDERS,
            database="SQLite",
            ours=abs(growth),
            goal=bench_report.Goal(at_most=30),
        )
    assert got["csv"]["rows"] == got["shell"]["rows"] == got["xlsx"]["rows"]


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
        # An order without lines is a row of our export too: the same work.
        "LEFT JOIN orders_orderline l ON l.order_id = o.id "
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
        # Each lines sheet (a million rows each at most) has its header; one is counted later.
        sheets = book.worksheets[1:] or book.worksheets
        sink.rows = sum(sheet.max_row - 1 for sheet in sheets) + 1
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
