"""The seeded databases the benchmarks share: `seed_demo --orders N` into
var/bench/orders-<N>.sqlite3, made once (a million orders take several minutes) and reused."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"


def _manage(database: Path, *args: str, quiet: bool = True) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
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
