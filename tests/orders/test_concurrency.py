"""Row locks under real concurrency: PostgreSQL only (SQLite serialises writers anyway)."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from orders.customer_emails.models import OrderEmail
from orders.customer_emails.services import customer_email_send
from orders.models import Order
from orders.services import order_bulk_set_payment_status, order_refund
from orders.statuses import PaymentStatus
from tests.factories import OrderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        from django.db import connections

        barrier.wait()
        try:
            outcomes[index] = call()
        except ValidationError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_concurrent_refunds_never_exceed_the_total(store, staff):
    order = OrderFactory(
        store=store, payment_status=PaymentStatus.PAID, lines=[("S", "Sac", 1, Decimal("50"))]
    )
    outcomes = run_together(
        lambda: order_refund(order=order, amount=Decimal("30"), reason="", membership=staff),
        lambda: order_refund(order=order, amount=Decimal("30"), reason="", membership=staff),
    )
    assert sum(isinstance(outcome, ValidationError) for outcome in outcomes) == 1
    order.refresh_from_db()
    assert order.refunded_total == Decimal("30.00")
    assert order.refunds.count() == 1
    assert order.version == 2


def test_concurrent_bulk_changes_do_not_deadlock(store, staff):
    orders = [OrderFactory(store=store) for _ in range(20)]
    everything = Order.objects.filter(pk__in=[order.pk for order in orders])
    outcomes = run_together(
        lambda: order_bulk_set_payment_status(
            orders=everything, status=PaymentStatus.PAID, membership=staff
        ),
        lambda: order_bulk_set_payment_status(
            orders=everything.order_by("-pk"),
            status=PaymentStatus.CANCELLED,
            membership=staff,
        ),
    )
    assert not any(isinstance(outcome, Exception) for outcome in outcomes)
    # Each saw all 20 orders: applied the moves still allowed, reported the others.
    assert [len(o.changed) + len(o.skipped) for o in outcomes] == [20, 20]
    changes = sum(len(outcome.changed) for outcome in outcomes)
    assert sum(order.version - 1 for order in everything) == changes


def test_two_workers_running_the_same_email_task_send_it_once(store):
    """A task retried while its first run is still going: the order's lock and the unique
    (order, kind, key) row leave one e-mail."""
    order = OrderFactory(store=store, payment_status=PaymentStatus.PAID)
    outcomes = run_together(
        lambda: customer_email_send(order_id=order.pk, kind="order_confirmation"),
        lambda: customer_email_send(order_id=order.pk, kind="order_confirmation"),
    )
    assert sum(outcome is not None for outcome in outcomes) == 1
    assert OrderEmail.objects.filter(order=order).count() == 1
    assert len(mail.outbox) == 1
