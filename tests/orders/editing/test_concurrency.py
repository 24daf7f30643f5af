"""Two people save the same order at the same moment: one wins, the other changes nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orders.editing.services import order_edit
from orders.locks import StaleOrderVersion
from orders.models import OrderEvent
from orders.parts import LineData, OrderData
from tests.factories import MembershipFactory, OrderFactory, StoreFactory

PEOPLE = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_version_let_exactly_one_through():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are tested only when the suite runs on PostgreSQL.")
    store = StoreFactory()
    members = [MembershipFactory(store=store) for _ in range(PEOPLE)]
    order = OrderFactory(store=store, lines=[("TAS-01", "Tasse", 1, Decimal("10.00"))])
    line = order.lines.get()
    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []

    def save(n: int) -> None:
        data = OrderData(
            customer_name=f"Person {n}",
            lines=[
                LineData(
                    line_id=line.pk,
                    sku="TAS-01",
                    name="Tasse",
                    quantity=n + 2,
                    unit_price=Decimal("10.00"),
                )
            ],
        )
        try:
            barrier.wait()
            order_edit(membership=members[n], order_pk=order.pk, version=1, data=data)
            outcomes.append("saved")
        except StaleOrderVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["saved"] + ["stale"] * (PEOPLE - 1)
    order.refresh_from_db()
    winner = int(order.customer_name.split()[-1])
    assert order.version == 2
    assert order.lines.get().quantity == winner + 2
    assert order.total == Decimal(winner + 2) * 10
    assert OrderEvent.objects.filter(order=order, type=OrderEvent.Type.EDITED).count() == 1
