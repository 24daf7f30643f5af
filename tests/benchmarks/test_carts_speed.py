"""Abandoned carts on PostgreSQL:

1. the intake API served by gunicorn on the loopback: cart upserts (PUT) and checkouts (POST)
   per second with 1 and with 8 concurrent clients, next to order creation through
   `order_create` alone (no HTTP, no cart) with 1 and 8 threads, in the same run: the 8
   clients and the 8 threads in turn, BENCH_RUNS times (3; 2 in the quick run);
2. reminder runs (`reminders_run`), BENCH_RUNS times, each over BENCH_REMINDER_CARTS newly
   abandoned carts (default 3,000): the time and e-mails per second, the e-mails rendered,
   recorded and delivered (serialised as for SMTP, then dropped) by the immediate task
   backend. A run goes through the carts in batches: its rate is that of a larger run.

    BENCH_API_REQUESTS=120 (per phase and run)  BENCH_REMINDER_CARTS=3000  make bench
    (50 requests and 500 carts in the quick run, tests/benchmarks/sizes.py)

When the suite does not run on PostgreSQL, this file re-runs itself on BENCH_POSTGRES_URL;
without it (or with no server there) the report says the scenario was skipped, and why.
"""

import http.client
import json
import os
import resource
import statistics
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections
from django.template import Template
from django.test.utils import _TestState
from django.utils import timezone

from tests.benchmarks import report as bench_report
from tests.benchmarks.list_timing import on_postgres_only
from tests.benchmarks.serving import free_port, start_gunicorn
from tests.benchmarks.sizes import quick_default

BASE_DIR = Path(__file__).resolve().parents[2]
API_REQUESTS = int(quick_default("BENCH_API_REQUESTS", "120", "50"))
REMINDER_CARTS = int(quick_default("BENCH_REMINDER_CARTS", "3000", "500"))
RUNS = int(quick_default("BENCH_RUNS", "3", "2"))
CLIENTS = 8
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
LINES = [
    {
        "sku": "TSH-BLC-M",
        "name": "T-shirt coton bio blanc (M)",
        "quantity": 2,
        "unit_price": "19.90",
    },
    {
        "sku": "TAS-CER-01",
        "name": "Tasse en céramique émaillée",
        "quantity": 1,
        "unit_price": "14.50",
    },
]


class SerialisingBackend(BaseEmailBackend):
    """Builds each message's bytes as an SMTP backend would, then drops them."""

    sent = 0
    seconds = 0.0

    def send_messages(self, messages):
        began = time.perf_counter()
        for message in messages:
            message.message().as_bytes()
        SerialisingBackend.sent += len(messages)
        SerialisingBackend.seconds += time.perf_counter() - began
        return len(messages)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def request(port: int, method: str, path: str, body=None, key: str = "") -> tuple[int, dict]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        client.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = client.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        client.close()


def in_threads(count: int, work, clients: int) -> float:
    """`work(i)` for i in range(count), spread over `clients` threads; returns calls per second."""
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)

    def run(share: range) -> None:
        try:
            start.wait()
            for i in share:
                work(i)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(range(c, count, clients),)) for c in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    assert errors == [], errors[:3]
    return count / elapsed


def api_rates(port: int, key: str, clients: int, prefix: str) -> tuple[float, float]:
    def upsert(i: int) -> None:
        body = {
            "customer": {
                "name": f"Client {i}",
                "email": f"{prefix}{i}@example.fr",
                "marketing_consent": True,
            },
            "currency": "EUR",
            "lines": LINES,
        }
        status, _ = request(port, "PUT", f"/api/v1/carts/{prefix}-{i:06d}", body, key)
        assert status == 201, status

    def checkout(i: int) -> None:
        status, _ = request(
            port, "POST", f"/api/v1/carts/{prefix}-{i:06d}/checkout", {"paid": True}, key
        )
        assert status == 201, status

    return in_threads(API_REQUESTS, upsert, clients), in_threads(API_REQUESTS, checkout, clients)


def service_rate(store, clients: int) -> float:
    from orders.parts import LineData, OrderData
    from orders.services import order_create

    data = OrderData(
        customer_name="Client",
        customer_email="client@example.fr",
        lines=[
            LineData(
                name=line["name"],
                sku=line["sku"],
                quantity=line["quantity"],
                unit_price=Decimal(line["unit_price"]),
            )
            for line in LINES
        ],
    )
    return in_threads(
        API_REQUESTS,
        lambda i: order_create(store=store, source="storefront", data=data, paid=True),
        clients,
    )


def seed_abandoned(store, count: int, *, prefix: str) -> None:
    from carts.models import Cart, CartLine

    idle = timezone.now() - timedelta(hours=3)
    for start in range(0, count, 5000):
        carts = Cart.objects.bulk_create(
            Cart(
                store=store,
                token=f"{prefix}-{i:07d}",
                customer_name=f"Client {i}",
                customer_email=f"{prefix}.abandon{i}@example.fr",
                marketing_consent=True,
                language="fr" if i % 5 else "en",
                currency="EUR",
                line_count=2,
                subtotal=Decimal("54.30"),
                created_at=idle - timedelta(minutes=10),
                updated_at=idle,
            )
            for i in range(start, min(start + 5000, count))
        )
        CartLine.objects.bulk_create(
            CartLine(
                cart=cart,
                position=p,
                sku=line["sku"],
                name=line["name"],
                quantity=line["quantity"],
                unit_price=Decimal(line["unit_price"]),
                line_total=Decimal(line["unit_price"]) * line["quantity"],
            )
            for cart in carts
            for p, line in enumerate(LINES)
        )


@pytest.mark.django_db(transaction=True)
def test_intake_api_and_reminder_run(settings):
    if not on_postgres_only(__file__, "carts", f"checkouts through the API, {CLIENTS} clients"):
        return

    from carts.keys import api_key_create
    from carts.models import CartReminder
    from carts.reminder_email import KIND as REMINDER_KIND
    from carts.reminders import reminders_run
    from mycommerce.models import SentEmail
    from orders.models import Order
    from tests.carts.factories import reminders_on
    from tests.factories import MembershipFactory

    owner = MembershipFactory(role="owner", store__name="Bench")
    store = owner.store
    key = api_key_create(membership=owner, name="bench")[1]
    port = free_port()
    server = start_gunicorn(port, workers=WORKERS, ready_path="/api/v1/openapi.json")
    try:
        for i in range(4 * WORKERS):  # every worker has loaded the views and opened its connection
            request(port, "PUT", f"/api/v1/carts/warm-{i:06d}", {"lines": LINES}, key)
            request(port, "POST", f"/api/v1/carts/warm-{i:06d}/checkout", {}, key)
        one = api_rates(port, key, 1, "one")
        service_one = service_rate(store, 1)
        # The 8 clients and the 8 threads in turn: the machine's noise falls on both alike.
        eights, service_eights = [], []
        for run in range(RUNS):
            eights.append(api_rates(port, key, CLIENTS, f"eight{run}"))
            service_eights.append(service_rate(store, CLIENTS))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert Order.objects.filter(store=store).count() == (2 + 2 * RUNS) * API_REQUESTS + 4 * WORKERS
    eight = tuple(statistics.median(rates) for rates in zip(*eights))
    service_eight = statistics.median(service_eights)

    settings.EMAIL_BACKEND = "tests.benchmarks.test_carts_speed.SerialisingBackend"
    reminders_on(store)
    reminder_rates, seeded = [], 0.0
    for run in range(RUNS):
        seeding = time.perf_counter()
        seed_abandoned(store, REMINDER_CARTS, prefix=f"bench{run}")
        seeded += time.perf_counter() - seeding
        # Templates render as in production, not through the test runner's instrumentation.
        with patch.object(Template, "_render", _TestState.saved_data.template_render):
            began = time.perf_counter()
            report = reminders_run(store=store)
            reminder_rates.append(REMINDER_CARTS / (time.perf_counter() - began))
        assert report.abandoned == report.sent == REMINDER_CARTS
    assert SerialisingBackend.sent == RUNS * REMINDER_CARTS
    assert CartReminder.objects.filter(status="sent").count() == RUNS * REMINDER_CARTS
    # The reminders' e-mails (the orders placed above sent their confirmations too).
    reminders = SentEmail.objects.filter(kind=REMINDER_KIND, status="sent")
    assert reminders.count() == RUNS * REMINDER_CARTS
    reminder_rate = statistics.median(reminder_rates)

    bench_report.record(
        "carts",
        f"checkouts through the API, {CLIENTS} clients",
        unit="orders/s",
        database="PostgreSQL",
        ours=[rates[1] for rates in eights],
        baselines={f"order_create alone, {CLIENTS} threads": service_eights},
        # HTTP, JSON and the cart's own rows may cost as much as the order itself, not more.
        goal=bench_report.Goal(f"order_create alone, {CLIENTS} threads", at_least=0.5),
    )
    bench_report.record(
        "carts",
        f"reminder run over {REMINDER_CARTS:,} abandoned carts",
        unit="e-mails/s",
        database="PostgreSQL",
        ours=reminder_rates,
        baselines={
            "building the messages' bytes alone": SerialisingBackend.sent
            / SerialisingBackend.seconds
        },
        peak_mb=peak_rss_mib(),
    )
    print(
        f"\nIntake API on PostgreSQL, gunicorn {WORKERS} sync workers on the loopback, "
        f"{API_REQUESTS} requests per phase, {CLIENTS} clients and threads: medians of {RUNS} runs:"
        f"\n  cart upserts (PUT):  1 client {one[0]:7.0f}/s   {CLIENTS} clients {eight[0]:7.0f}/s"
        f" ({eight[0] / one[0]:.2f} x)"
        f"\n  checkouts (POST):    1 client {one[1]:7.0f}/s   {CLIENTS} clients {eight[1]:7.0f}/s"
        f" ({eight[1] / one[1]:.2f} x)"
        f"\n  order_create alone:  1 thread {service_one:7.0f}/s   {CLIENTS} threads"
        f" {service_eight:7.0f}/s ({service_eight / service_one:.2f} x)"
        f"\n  checkout through the API vs order_create alone: {one[1] / service_one:.2f} x (1),"
        f" {eight[1] / service_eight:.2f} x ({CLIENTS})"
        f"\nReminder runs, each over {REMINDER_CARTS:,} abandoned carts (seeded in {seeded:.0f} s):"
        f" median {REMINDER_CARTS / reminder_rate:.1f} s, {reminder_rate:,.0f} e-mails/s"
        f" (marked abandoned, claimed, rendered in HTML and text, recorded, delivered),"
        f"\n  of which building the messages' bytes for SMTP: {SerialisingBackend.seconds:.1f} s;"
        f" peak memory (max RSS) {peak_rss_mib():.0f} MiB"
    )
