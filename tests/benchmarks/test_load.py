"""Under load: 8 concurrent clients for 60 s against gunicorn (2 sync workers) on PostgreSQL,
each signed in as a member of the benchmark store, mixing what a merchant's day mixes: the
list, a page further, a search, an order's page, a status change on it, and an export of a
page of orders. Prints requests per second, p50/p95/p99 (all requests, and per kind) and the
errors; loopback only, bounded in time.

    BENCH_LOAD_CLIENTS=8  BENCH_LOAD_SECONDS=60 (10 in the quick run)  BENCH_LOAD_WORKERS=2
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres make bench

On the largest of BENCH_ORDERS (tests/benchmarks/sizes.py), seeded once. Each client
changes the statuses of orders of its own (awaiting processing ↔ processing) and puts them
back at the end, so the seeded database is left with the statuses it had.
"""

import http.client
import os
import random
import re
import statistics
import threading
import time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model

from mycommerce.models import Store
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.benchmarks import report
from tests.benchmarks.list_timing import bench_database, on_postgres_only
from tests.benchmarks.order_list_admin import BENCH_STORE
from tests.benchmarks.serving import Member, free_port, signed_in_session, start_gunicorn
from tests.benchmarks.sizes import LARGEST, quick_default

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
SECONDS = float(quick_default("BENCH_LOAD_SECONDS", "60", "10"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
SCENARIO = f"{CLIENTS} clients × {SECONDS:g} s, gunicorn {WORKERS} workers"
# What each client does, in turn: a merchant's day is mostly reading.
MIX = ["list", "page", "search", "detail", "status", "list", "search", "detail", "export"]
VERSION = re.compile(r'name="fulfillment-version" value="(\d+)"')
STATUS = re.compile(r'data-testid="fulfillment-badge">([^<]+)<')


def toggle(member: Member, pk: int) -> int:
    """Open order `pk` and move its fulfillment status one step (awaiting ↔ processing)."""
    status, page = member.send("GET", f"/orders/{pk}/")
    version = VERSION.search(page)
    current = STATUS.search(page)
    if status != 200 or not version or not current:
        return status if status != 200 else 599
    target = (
        FulfillmentStatus.AWAITING_PROCESSING
        if current.group(1).strip() == FulfillmentStatus.PROCESSING.label
        else FulfillmentStatus.PROCESSING
    )
    status, _ = member.send(
        "POST",
        f"/orders/{pk}/",
        {
            "form": "fulfillment",
            "fulfillment-version": version.group(1),
            "fulfillment-status": target,
        },
    )
    return status


def client_loop(member: Member, work: dict, deadline: float, timings: dict, errors: list):
    rng = random.Random(work["seed"])
    toggled: dict[int, int] = {}
    step = 0
    while time.monotonic() < deadline:
        kind = MIX[step % len(MIX)]
        step += 1
        began = time.perf_counter()
        try:
            if kind == "list":
                status, _ = member.send("GET", "/orders/")
            elif kind == "page":
                status, _ = member.send("GET", f"/orders/?page={rng.randint(2, 40)}")
            elif kind == "search":
                status, _ = member.send(
                    "GET", "/orders/?" + urlencode({"q": rng.choice(work["terms"])})
                )
            elif kind == "detail":
                status, _ = member.send("GET", f"/orders/{rng.choice(work['orders'])}/")
            elif kind == "status":
                pk = rng.choice(work["own"])
                status = toggle(member, pk)
                toggled[pk] = toggled.get(pk, 0) + (status == 302)
            else:
                ids = rng.sample(work["orders"], 25)
                status, _ = member.send(
                    "POST", "/exports/orders/", {"ids": ids, "separator": "semicolon"}
                )
        except (http.client.HTTPException, OSError) as error:
            errors.append(f"{kind}: {error.__class__.__name__}")
            continue
        timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
        if status >= 400 or (kind != "status" and status != 200):
            errors.append(f"{kind}: HTTP {status}")
    # Back as they were: every order toggled an odd number of times, once more.
    for pk, count in toggled.items():
        if count % 2:
            toggle(member, pk)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_eight_clients_for_a_minute_on_postgresql(django_db_blocker):
    if not on_postgres_only(__file__, "under load", SCENARIO):
        return
    size = LARGEST
    with bench_database(size, django_db_blocker):
        store = Store.objects.get(name=BENCH_STORE)
        user = get_user_model().objects.get(username="staff")
        orders = list(store.orders.order_by("-created_at").values_list("pk", flat=True)[:2000])
        own = list(
            store.orders.filter(
                payment_status=PaymentStatus.PAID,
                fulfillment_status=FulfillmentStatus.AWAITING_PROCESSING,
            ).values_list("pk", flat=True)[: CLIENTS * 20]
        )
        terms = ["martin", "theo", "paris", "TSH", "@example", "bordeaux", "lyon", "dupont"]
        sessions = [signed_in_session(user, store) for _ in range(CLIENTS)]
        port = free_port()
        server = start_gunicorn(port, workers=WORKERS, ready_path="/accounts/login/")
        try:
            members = [Member(port, key) for key in sessions]
            for member in members:  # every worker has loaded the views and opened a connection
                member.send("GET", "/orders/")
            timings: list[dict] = [{} for _ in members]
            errors: list[str] = []
            deadline = time.monotonic() + SECONDS
            threads = [
                threading.Thread(
                    target=client_loop,
                    args=(
                        member,
                        {"seed": i, "orders": orders, "own": own[i::CLIENTS], "terms": terms},
                        deadline,
                        timings[i],
                        errors,
                    ),
                )
                for i, member in enumerate(members)
            ]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=SECONDS + 120)
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
    by_kind: dict[str, list[float]] = {}
    for client in timings:
        for kind, values in client.items():
            by_kind.setdefault(kind, []).extend(values)
    every = [value for values in by_kind.values() for value in values]
    rate = len(every) / elapsed
    print(
        f"\nUnder load on PostgreSQL, {size:,} orders: {CLIENTS} clients, {SECONDS:g} s, "
        f"gunicorn {WORKERS} sync workers on the loopback"
    )
    print(f"{'requests':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in [*sorted(by_kind.items()), ("all", every)]:
        print(
            f"{kind:<12}{len(values):>7}{statistics.median(values):>9.1f}"
            f"{percentile(values, 0.95):>9.1f}{percentile(values, 0.99):>9.1f}"
        )
    print(f"{rate:.1f} requests/s, {len(errors)} errors {errors[:5]}")
    report.record(
        "under load",
        SCENARIO,
        unit="req/s",
        ours=rate,
        orders=size,
        database="PostgreSQL",
        note=(
            f"p50 {statistics.median(every):.0f} ms, p95 {percentile(every, 0.95):.0f} ms, "
            f"p99 {percentile(every, 0.99):.0f} ms, {len(errors)} errors"
        ),
    )
    assert errors == [], errors[:10]
