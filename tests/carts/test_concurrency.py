"""Real concurrency on PostgreSQL (SQLite serialises writers anyway): checkouts racing on one
cart or one Idempotency-Key, and reminder runs racing over the same carts."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from carts.models import CartReminder
from carts.parts import CheckoutData
from carts.reminders import reminders_run
from carts.services import IdempotencyConflict, cart_checkout
from mycommerce.models import SentEmail
from orders.models import Order
from tests.carts.factories import CartFactory, reminders_on

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def run_together(*calls):
    """Start every call at the same instant, each on its own connection; results in order
    (an exception is returned as the result)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test looks at it
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_eight_checkouts_of_one_cart_at_once_make_one_order(store):
    cart = CartFactory(store=store)
    outcomes = run_together(
        *[
            lambda i=i: cart_checkout(
                store=store,
                token=cart.token,
                data=CheckoutData(),
                idempotency_key=f"try-{i % 2}",
            )
            for i in range(8)
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Order.objects.count() == 1
    assert {order.pk for order, _created in outcomes} == {Order.objects.get().pk}
    assert sum(created for _order, created in outcomes) == 1
    cart.refresh_from_db()
    assert cart.state == "ordered" and cart.order_id == Order.objects.get().pk


def test_one_idempotency_key_on_two_carts_at_once_makes_one_order(store):
    first, second = CartFactory(store=store), CartFactory(store=store)
    outcomes = run_together(
        lambda: cart_checkout(
            store=store, token=first.token, data=CheckoutData(), idempotency_key="same-key"
        ),
        lambda: cart_checkout(
            store=store, token=second.token, data=CheckoutData(), idempotency_key="same-key"
        ),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["IdempotencyConflict", "tuple"]
    assert Order.objects.count() == 1
    assert any(isinstance(o, IdempotencyConflict) for o in outcomes)


def test_two_runs_at_once_send_each_cart_and_step_exactly_once(store):
    reminders_on(store)
    idle = timedelta(hours=3)
    # 150 addresses; 50 of them left two carts: one e-mail each all the same.
    for number in range(150):
        CartFactory(store=store, customer_email=f"client{number}@example.fr", idle=idle)
    for number in range(50):
        CartFactory(store=store, customer_email=f"client{number}@example.fr", idle=idle - idle / 6)
    for hours in (0, 23.5, 71.5):
        now = timezone.now() + timedelta(hours=hours)
        outcomes = run_together(
            lambda now=now: reminders_run(now=now, batch_size=40),
            lambda now=now: reminders_run(now=now, batch_size=40),
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        # Whatever one run skipped while the other held it, a later run picks up.
        reminders_run(now=now, batch_size=40)

    sent = CartReminder.objects.filter(status=CartReminder.Status.SENT)
    per_cart_step = Counter(sent.values_list("cart_id", "step"))
    assert max(per_cart_step.values()) == 1
    per_address_step = Counter(sent.values_list("email", "step"))
    assert len(per_address_step) == 150 * 3 and max(per_address_step.values()) == 1
    assert SentEmail.objects.count() == 450 == len(mail.outbox)
    assert Counter(message.to[0] for message in mail.outbox) == {
        f"client{number}@example.fr": 3 for number in range(150)
    }
