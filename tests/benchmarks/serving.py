"""Serving the back-office for a benchmark as in production: gunicorn on the loopback (static
files collected for WhiteNoise), on the database the benchmark's connection points at
(PostgreSQL, or the seeded SQLite file), with this process's secret key (so that sessions the
benchmark makes sign in its clients)."""

import hashlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string

from mycommerce.services import SESSION_STORE_KEY
from tests.benchmarks.list_timing import alternated_runs_ms

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database the default connection points at."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(database['NAME']).resolve()}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def static_fingerprint() -> str:
    """The static files' sources as collectstatic finds them: each one's path, size and time."""
    from django.contrib.staticfiles.finders import get_finders

    entries = sorted(
        f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
        for finder in get_finders()
        for path, storage in finder.list([])
        for stat in [os.stat(storage.path(path))]
    )
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def collect_static(env: dict) -> None:
    """As a deployment does (the pages name their assets by the hashed names of the
    manifest): collectstatic, unless the collected files are already those of today's
    sources. Compressing every file takes WhiteNoise a minute and a half on 2 cores: once,
    not at each gunicorn a benchmark starts."""
    root = Path(settings.STATIC_ROOT)
    stamp = root / ".bench-collected"
    fingerprint = static_fingerprint()
    if (root / "staticfiles.json").exists() and stamp.exists():
        if stamp.read_text() == fingerprint:
            return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    stamp.write_text(fingerprint)


def start_gunicorn(
    port: int, *, workers: int, ready_path: str, settings_module: str = "mycommerce.settings"
) -> subprocess.Popen:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, once `ready_path` answers;
    `settings_module` its DJANGO_SETTINGS_MODULE (tests/benchmarks/bench_settings.py adds
    the benchmarks' admin)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
    }
    env.pop("TEST_DATABASE_NAME", None)
    collect_static(env)
    command = [sys.executable, "-m", "gunicorn", "mycommerce.wsgi", "-w", str(workers)]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5):
                return server
        except urllib.error.HTTPError:
            return server  # it answers (a redirect to sign in is an answer)
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


@contextmanager
def served(**options):
    """gunicorn (start_gunicorn's `options`) on a free port for the block: yields the port."""
    port = free_port()
    server = start_gunicorn(port, **options)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def signed_in_session(user, store=None) -> str:
    """A session of `user` (in `store`, when given) saved in the benchmark's database: the key
    of the cookie that signs a client in."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if store is not None:
        session[SESSION_STORE_KEY] = store.pk
    session.create()
    return session.session_key


class Member:
    """One client: a keep-alive HTTP connection (http.client) with a member's session and a
    CSRF token. gunicorn's sync workers close each connection after its response: the next
    request opens another on the loopback, as a browser would in front of them."""

    def __init__(self, port: int, session_key: str):
        self.port = port
        self.csrf = _get_new_csrf_string()
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie, "Connection": "keep-alive"}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.csrf}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise


def alternated_requests_ms(requests: dict[str, tuple[Member, str]], runs: int) -> dict:
    """Each request (label: client, path) once to warm the worker, then all of them in turn
    `runs` times (so that a busy moment of the machine falls on all alike): each label's
    times, in ms, from the request sent to the response read whole. Every answer is a 200."""

    def get(member: Member, path: str) -> None:
        status, _ = member.send("GET", path)
        assert status == 200, (path, status)

    return alternated_runs_ms(
        {label: partial(get, member, path) for label, (member, path) in requests.items()}, runs
    )
