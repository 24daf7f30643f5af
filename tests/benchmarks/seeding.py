"""The seeded databases the benchmarks share: `seed_demo --orders N` into
var/bench/orders-<N>.sqlite3, or into the PostgreSQL database bench_orders_<N> of the server
at BENCH_POSTGRES_URL, made once (a million orders take several minutes) and reused."""

import os
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


def seeded_database(orders: int) -> Path:
    """A SQLite file with one demo store of `orders` orders, migrated to the current schema."""
    path = BENCH_DIR / f"orders-{orders}.sqlite3"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for stale in BENCH_DIR.glob(partial.name + "*"):
            stale.unlink()
        _manage(partial, "migrate", "-v0")
        started = time.perf_counter()
        _manage(partial, "seed_demo", "--orders", str(orders), quiet=False)
        print(f"seeded {orders:,} orders in {time.perf_counter() - started:.0f} s")
        # Fold the write-ahead log into the file before renaming it.
        with sqlite3.connect(partial) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        partial.rename(path)
    # Indexes of later migrations reach a cached file too.
    _manage(path, "migrate", "-v0")
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
    name = f"bench_orders_{orders}"
    with psycopg.connect(server_url, autocommit=True) as server:
        existing = {row[0] for row in server.execute("SELECT datname FROM pg_database").fetchall()}
        if name not in existing:
            partial = f"{name}_partial"
            if partial in existing:
                server.execute(f'DROP DATABASE "{partial}"')
            server.execute(f'CREATE DATABASE "{partial}"')
            _manage(_with_database(server_url, partial), "migrate", "-v0")
            started = time.perf_counter()
            _manage(
                _with_database(server_url, partial),
                "seed_demo",
                "--orders",
                str(orders),
                quiet=False,
            )
            print(f"seeded {orders:,} orders in {time.perf_counter() - started:.0f} s")
            server.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
    url = _with_database(server_url, name)
    _manage(url, "migrate", "-v0")
    return url
