"""Concurrent order creation in one store: every order gets its own number, none is lost.

NUMBERING_CONCURRENCY_ORDERS scales the run (default 2,000 orders over 8 threads).
"""

import os
import threading

import pytest
from django.db import connection

from mycommerce.models import Store
from mycommerce.plans import Plan
from mycommerce.roles import Role
from numbering.services import numbering_update_settings
from orders.models import Order
from tests.factories import MembershipFactory, OrderFactory, StoreFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORDERS = int(os.environ.get("NUMBERING_CONCURRENCY_ORDERS", "2000"))
THREADS = 8


def create_orders_concurrently(store_id: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(count: int) -> None:
        try:
            store = Store.objects.get(pk=store_id)
            start.wait()
            for _ in range(count):
                OrderFactory(store=store)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    shares = [ORDERS // THREADS + (i < ORDERS % THREADS) for i in range(THREADS)]
    threads = [threading.Thread(target=worker, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def assert_every_order_has_its_own_number():
    store = StoreFactory(plan=Plan.STARTER)
    admin = MembershipFactory(store=store, role=Role.ADMIN)
    numbering_update_settings(membership=admin, next_number=None, prefix="MB-", suffix="-26")

    errors = create_orders_concurrently(store.pk)

    assert errors == []
    numbers = list(Order.objects.filter(store=store).values_list("number", flat=True))
    references = set(Order.objects.filter(store=store).values_list("reference", flat=True))
    assert sorted(numbers) == list(range(1, ORDERS + 1))
    assert references == {f"MB-{n}-26" for n in range(1, ORDERS + 1)}


@pytest.mark.postgres
def test_concurrent_orders_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL row locking is tested only when the suite runs on PostgreSQL "
            "(DATABASE_URL=postgres://…, as CI does)."
        )
    assert_every_order_has_its_own_number()


def test_concurrent_orders_on_sqlite_threads(file_database):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite locking is tested only when the suite runs on SQLite.")
    assert_every_order_has_its_own_number()
