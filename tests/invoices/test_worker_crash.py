"""A real `manage.py db_worker` is killed in the middle of an invoice batch, then restarted.

The workers run in subprocesses against a database of their own (a SQLite file, or a
PostgreSQL database next to the test database when DATABASE_URL names a PostgreSQL
server), created and migrated here: pytest-django's test database lives inside this process
(in memory on SQLite) and never commits, so a worker could not see it. Each worker leads a
session of its own, so its render processes can be found and, whatever happens, killed.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds the render processes through /proc"
)

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 80
CHUNK = 10

SEED = f"""
from mycommerce.roles import Role
from mycommerce.services import job_create, job_enqueue
from invoices.services import INVOICE_BATCH_JOB
from tests.factories import MembershipFactory, OrderFactory, StoreFactory

store = StoreFactory(name="MaBoutique")
staff = MembershipFactory(store=store, role=Role.STAFF)
ids = [OrderFactory(store=store).pk for _ in range({ORDERS})]
params = {{"order_ids": ids, "document": "invoices", "chunk_size": {CHUNK}}}
job = job_create(
    store=store, user=staff.user, kind=INVOICE_BATCH_JOB, params=params, total=len(ids)
)
job_enqueue(job=job)
print(job.pk)
"""


class CrashDatabase:
    """The workers' database, read here with the plain driver (no Django connection)."""

    def __init__(self, tmp_path: Path):
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(url)
            base = os.environ.get("TEST_DATABASE_NAME") or f"test_{parts.path.lstrip('/')}"
            self.name = f"{base}_worker_crash"
            self.server = url
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp_path / "worker-crash.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            connection.execute(sql)

    def job(self, job_id: int) -> dict:
        sql = (
            "SELECT status, progress_done, progress_total, file, attempts "
            "FROM mycommerce_job WHERE id = {}"
        )
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as connection:
                row = connection.execute(sql.format("%s"), (job_id,)).fetchone()
        else:
            with sqlite3.connect(self.path, timeout=30) as connection:
                row = connection.execute(sql.format("?"), (job_id,)).fetchone()
        return dict(zip(["status", "done", "total", "file", "attempts"], row))

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def session_processes(session: int) -> list[int]:
    """Live processes of a session (zombies are dead, whoever reaps them)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Still waiting, after {timeout:.0f} s, for {what}.")


@pytest.fixture
def crash_env(tmp_path):
    database = CrashDatabase(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.invoices.crash_settings",
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "INFO",
    }
    env.pop("TEST_DATABASE_NAME", None)
    try:
        yield database, env
    finally:
        database.drop()


def manage(env, *args: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("stop", ["kill -9", "two SIGTERMs"])
def test_a_batch_survives_its_worker_and_ends_complete(crash_env, tmp_path, stop):
    database, env = crash_env
    manage(env, "migrate", "--noinput", "-v0")
    job_id = int(manage(env, "shell", "-v0", "-c", SEED).split()[-1])
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(workers) + 1}.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        workers.append(worker)
        return worker

    try:
        first = start_worker()
        # Mid-batch: some chunks made, and render processes at work on the next ones.
        wait_for(
            lambda: (
                database.job(job_id)["done"] >= CHUNK and len(session_processes(first.pid)) >= 3
            ),
            timeout=60,
            what="the first chunks",
        )
        renderers = [pid for pid in session_processes(first.pid) if pid != first.pid]
        if stop == "kill -9":
            first.kill()
        else:
            first.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            first.send_signal(signal.SIGTERM)
        first.wait(timeout=20)
        seen = database.job(job_id)
        assert 0 < seen["done"] < ORDERS, seen
        assert seen["status"] == ("running" if stop == "kill -9" else "interrupted")
        wait_for(
            lambda: not session_processes(first.pid),
            timeout=10,
            what=f"the render processes {renderers} to exit with their worker",
        )

        second = start_worker()
        job = wait_for(
            lambda: (row := database.job(job_id))["status"] == "done" and row,
            timeout=90,
            what="the resumed batch to complete",
        )
        assert (job["done"], job["total"], job["attempts"]) == (ORDERS, ORDERS, 2)
        media = Path(env["MEDIA_ROOT"])
        assert len(PdfReader(media / job["file"]).pages) == ORDERS
        assert [p.name for p in (media / job["file"]).parent.iterdir()] == [Path(job["file"]).name]
        assert not (media / "work" / "invoices" / str(job_id)).exists()

        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
        wait_for(
            lambda: not session_processes(second.pid),
            timeout=10,
            what="the second worker's render processes to exit",
        )
    except BaseException:
        for number in range(1, len(workers) + 1):
            log = tmp_path / f"worker-{number}.log"
            print(f"--- worker {number}\n{log.read_text()[-4000:]}")
        raise
    finally:
        for worker in workers:
            for pid in session_processes(worker.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if worker.poll() is None:
                worker.wait(timeout=10)
