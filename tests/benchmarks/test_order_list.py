"""Order list at scale, next to Django's admin changelist on the same table and filters.

    make bench                          # 1,000,000 orders (the default)
    BENCH_ORDERS=20000 make bench       # quick run

The orders are seeded once (seed_demo) into var/bench/orders-<N>.sqlite3 and reused by
later runs; the first 1M seeding takes several minutes. Prints the median server time of
each page, its query count and the peak Python memory of one request, and the ratio
against the admin changelist measured in the same run. SQLite only.
"""

import os
import statistics
import time
import tracemalloc
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.benchmarks.seeding import seeded_database

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.order_list_admin")]


@pytest.fixture(scope="module")
def django_db_setup(django_db_blocker):
    """Point the default connection at the cached seeded file instead of a test database,
    for this module only (other benchmarks keep their own database)."""
    if connection.vendor != "sqlite":
        pytest.skip("The order list benchmark runs on SQLite.")
    path = seeded_database(ORDERS)
    original = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        connections.close_all()
        connection.settings_dict["NAME"] = str(path)
    yield
    with django_db_blocker.unblock():
        connections.close_all()
        connection.settings_dict["NAME"] = original


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm caches
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "median_ms": statistics.median(timings) * 1000,
        "queries": query_count,
        "peak_mib": peak / 2**20,
        "response": response,
    }


def test_order_list_against_admin_changelist():
    User = get_user_model()
    staff = User.objects.get(username="staff")
    ours = Client()
    ours.force_login(staff)
    superuser = User.objects.create_superuser("bench-admin", "bench@example.com", "x")
    theirs = Client()
    theirs.force_login(superuser)

    today = timezone.localdate()
    start = today - timedelta(days=30)
    email = (
        staff.memberships.get()
        .store.orders.filter(payment_status="paid", created_at__date__gte=start)
        .order_by("-created_at")
        .values_list("customer_email", flat=True)[0]
    )
    pages = {
        "first page": ("/orders/", "/bench-admin/orders/order/"),
        "paid + 30 days + e-mail": (
            f"/orders/?payment_status=paid&date_from={start}&date_to={today}&q={email}",
            "/bench-admin/orders/order/?payment_status__exact=paid"
            f"&created_at__gte={start}&created_at__lt={today + timedelta(days=1)}&q={email}",
        ),
        "100 per page": ("/orders/?per_page=100", "/bench-admin-100/orders/order/"),
    }
    print(f"\nOrder list, {ORDERS:,} orders, median of {RUNS} runs (SQLite)")
    print(
        f"{'page':<26}{'ours ms':>9}{'admin ms':>10}{'ratio':>7}{'q ours':>8}{'q admin':>8}"
        f"{'MiB ours':>10}{'MiB admin':>10}"
    )
    results = {}
    for name, (our_url, admin_url) in pages.items():
        mine, baseline = measure(ours, our_url), measure(theirs, admin_url)
        results[name] = mine
        print(
            f"{name:<26}{mine['median_ms']:>9.1f}{baseline['median_ms']:>10.1f}"
            f"{mine['median_ms'] / baseline['median_ms']:>7.2f}"
            f"{mine['queries']:>8}{baseline['queries']:>8}"
            f"{mine['peak_mib']:>10.1f}{baseline['peak_mib']:>10.1f}"
        )
    assert email in results["paid + 30 days + e-mail"]["response"].content.decode()
    # The number of queries does not grow with page size.
    assert results["100 per page"]["queries"] == results["first page"]["queries"]
