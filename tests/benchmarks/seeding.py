"""The seeded databases the benchmarks share: two stores, as a real database has more than
one — the benchmarks' store (MaBoutique) with N orders and a branch with a tenth of that —
with fresh planner statistics (`seed_demo --stores 2 --orders N --branch-orders N/10`), into
var/bench/orders-<N>-stores2.sqlite3, or into the PostgreSQL database bench_orders_<N>_stores2
of the server at BENCH_POSTGRES_URL, made once (a million orders take several minutes) and
reused."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"


def _manage(database: Path | str, *args: str, quiet: bool = True) -> None:
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


# The databases brought to the current schema by this process (a migrate costs a process
# start, a few seconds, and every benchmark asks for its databases).
_MIGRATED: set[str] = set()


def _migrate_once(database: Path | str) -> None:
    if str(database) not in _MIGRATED:
        _manage(database, "migrate", "-v0")
        _MIGRATED.add(str(database))


def seed_arguments(orders: int) -> list[str]:
    """seed_demo's arguments for `orders` orders in the benchmarks' store, and a branch."""
    return [
        "seed_demo",
        "--stores",
        "2",
        "--orders",
        str(orders),
        "--branch-orders",
        str(orders // 10),
    ]


def seeded_database(orders: int) -> Path:
    """A SQLite file with one demo store of `orders` orders, migrated to the current schema."""
    replicate = REPLICATE and orders > REPLICATED_FROM
    path = BENCH_DIR / f"orders-{orders}-stores2{'-replicated' if replicate else ''}.sqlite3"
    if not path.exists() and replicate:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        replicated_sqlite(orders, path)
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for stale in BENCH_DIR.glob(partial.name + "*"):
            stale.unlink()
        _manage(partial, "migrate", "-v0")
        started = time.perf_counter()
        _manage(partial, *seed_arguments(orders), quiet=False)
        print(f"seeded {orders:,} orders in {time.perf_counter() - started:.0f} s")
        # Fold the write-ahead log into the file before renaming it.
        with sqlite3.connect(partial) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        partial.rename(path)
    # Indexes of later migrations reach a cached file too.
    _migrate_once(path)
    return path


POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def seeded_postgres_url(orders: int) -> str:
    """The URL of a PostgreSQL database with one demo store of `orders` orders, migrated to
    the current schema (BENCH_POSTGRES_URL names the server)."""
    import psycopg

    server_url = POSTGRES_URL or os.environ["DATABASE_URL"]
    replicate = REPLICATE and orders > REPLICATED_FROM
    name = f"bench_orders_{orders}_stores2{'_replicated' if replicate else ''}"
    with psycopg.connect(server_url, autocommit=True) as server:
        existing = {row[0] for row in server.execute("SELECT datname FROM pg_database").fetchall()}
        if name not in existing and replicate:
            replicated_postgres(orders, server, server_url, name)
        elif name not in existing:
            partial = f"{name}_partial"
            if partial in existing:
                server.execute(f'DROP DATABASE "{partial}"')
            server.execute(f'CREATE DATABASE "{partial}"')
            _manage(_with_database(server_url, partial), "migrate", "-v0")
            started = time.perf_counter()
            _manage(_with_database(server_url, partial), *seed_arguments(orders), quiet=False)
            print(f"seeded {orders:,} orders in {time.perf_counter() - started:.0f} s")
            server.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
    url = _with_database(server_url, name)
    _migrate_once(url)
    return url


# Past a million orders seed_demo takes about an hour on a busy machine: BENCH_REPLICATE=1
# makes such a size from the seeded 100,000 instead, copying its orders (and lines) in SQL,
# each copy a few seconds later than its original, numbered after them; the triggers index
# and count the copies as they would any order. The list and the search read such a copy as
# they read seeded orders (names, products and statuses have the same mix); the copies have
# no timeline, taxes or refunds, which these benchmarks do not read; the reports' summary is
# rebuilt from them all.
REPLICATE = os.environ.get("BENCH_REPLICATE") == "1"
REPLICATED_FROM = 100_000


def _copied_columns(model, own: set[str]) -> list[str]:
    """The columns a copy takes from its original: every concrete one (of today's schema,
    whatever later migrations add) but those the copy makes itself."""
    return [field.column for field in model._meta.concrete_fields if field.column not in own]


def _replicate_sql(copies: int, vendor: str) -> list[str]:
    base = REPLICATED_FROM
    if vendor == "sqlite":
        series = (
            f"(WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < {copies}) "
            "SELECT k FROM r) AS k"
        )
        # Django's own text (seconds, then the original's microseconds if any): a copy
        # written otherwise ("…:00.000") would compare wrongly with the times Django binds.
        shifted = (
            "datetime(o.created_at, '+' || (k.k * 31) || ' seconds') || substr(o.created_at, 20)"
        )
        text = "CAST(o.number + i.k * {base} AS TEXT)"
        temp = "CREATE TEMP TABLE"
    else:
        series = f"generate_series(1, {copies}) AS k(k)"
        shifted = "o.created_at + k.k * interval '31 seconds'"
        text = "CAST(o.number + i.k * {base} AS TEXT)"
        temp = "CREATE TEMP TABLE"
    text = text.format(base=base)
    from orders.models import Order, OrderLine

    copied = _copied_columns(Order, {"id", "number", "reference", "created_at", "search_text"})
    names, columns = ", ".join(copied), ", ".join(f"o.{column}" for column in copied)
    line_copied = _copied_columns(OrderLine, {"id", "order_id"})
    line_names = ", ".join(line_copied)
    line_columns = ", ".join(f"l.{column}" for column in line_copied)
    return [
        f"{temp} copies AS SELECT o.id AS old_id, k.k AS k, {shifted} AS created_at "
        f"FROM orders_order o, {series}",
        f"{temp} ids AS SELECT old_id, k, created_at, (SELECT MAX(id) FROM orders_order) "
        "+ ROW_NUMBER() OVER (ORDER BY created_at, old_id, k) AS new_id FROM copies",
        f"INSERT INTO orders_order (id, number, reference, created_at, search_text, {names}) "
        f"SELECT i.new_id, o.number + i.k * {base}, {text}, i.created_at, "
        f"REPLACE(o.search_text, '|' || o.reference || '|', '|' || {text} || '|'), {columns} "
        "FROM ids i JOIN orders_order o ON o.id = i.old_id ORDER BY i.new_id",
        f"INSERT INTO orders_orderline (order_id, {line_names}) SELECT i.new_id, {line_columns} "
        "FROM ids i JOIN orders_orderline l ON l.order_id = i.old_id",
        "UPDATE numbering_numbersequence SET next_number = (SELECT MAX(number) + 1 FROM "
        "orders_order o WHERE o.store_id = numbering_numbersequence.store_id), last_issued = "
        "(SELECT MAX(number) FROM orders_order o WHERE o.store_id = "
        "numbering_numbersequence.store_id)",
    ]


def replicated_sqlite(orders: int, path: Path) -> None:
    source = seeded_database(REPLICATED_FROM)
    partial = path.with_suffix(".partial")
    shutil.copyfile(source, partial)
    started = time.perf_counter()
    connection = sqlite3.connect(partial)
    with connection:
        for statement in _replicate_sql(orders // REPLICATED_FROM - 1, "sqlite"):
            connection.execute(statement)
    connection.close()
    _manage(partial, "reports_rebuild")  # the reports' summary, of the copies too
    _manage(partial, "db_analyze")
    with sqlite3.connect(partial) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    print(f"replicated {orders:,} orders in {time.perf_counter() - started:.0f} s")
    partial.rename(path)


def replicated_postgres(orders: int, server, server_url: str, name: str) -> None:
    import psycopg

    source = f"bench_orders_{REPLICATED_FROM}_stores2"
    seeded_postgres_url(REPLICATED_FROM)
    partial = f"{name}_partial"
    server.execute(f'DROP DATABASE IF EXISTS "{partial}"')
    server.execute(f'CREATE DATABASE "{partial}" TEMPLATE "{source}"')
    started = time.perf_counter()
    with psycopg.connect(_with_database(server_url, partial)) as connection:
        for statement in _replicate_sql(orders // REPLICATED_FROM - 1, "postgresql"):
            connection.execute(statement)
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('orders_order', 'id'), MAX(id)) FROM orders_order"
        )
    _manage(_with_database(server_url, partial), "reports_rebuild")
    _manage(_with_database(server_url, partial), "db_analyze")
    print(f"replicated {orders:,} orders in {time.perf_counter() - started:.0f} s")
    server.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
