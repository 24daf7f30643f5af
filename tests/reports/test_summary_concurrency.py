"""Real concurrency on PostgreSQL (SQLite serialises writers anyway): writes of one store's
same day at the same instant all reach its summary."""

from datetime import date

import pytest
from django.db import connection

from mycommerce.plans import Plan
from orders.editing.services import order_edit
from orders.models import Order
from orders.parts import EDITABLE_FIELDS, LineData, OrderData
from orders.services import order_create
from reports.models import SalesDay
from tests.carts.test_concurrency import run_together
from tests.reports.test_summary import D, assert_kept, at, data, paris

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.summary_as_is,
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_orders_of_one_day_edited_at_the_same_instant_are_all_booked(store, staff):
    # No invoice: its series' lock would queue the changes behind each other (as the status
    # counts' rows queue status changes); edits of different orders lock nothing in common.
    store.invoice_moment = "manual"
    store.plan = Plan.STANDARD
    store.save()
    staff.refresh_from_db()
    with at(paris(2026, 3, 2, 10, 0)):
        orders = [
            order_create(store=store, source=Order.Source.STOREFRONT, data=data(), paid=True)
            for _ in range(6)
        ]

    def edit(order):
        line = order.lines.get()
        return order_edit(
            membership=staff,
            order_pk=order.pk,
            version=order.version,
            data=OrderData(
                **{name: getattr(order, name) for name in EDITABLE_FIELDS},
                lines=[
                    LineData(
                        line_id=line.pk, sku="MUG", name="Tasse", quantity=4, unit_price=D("12.50")
                    )
                ],
            ),
        )

    outcomes = run_together(*[lambda order=order: edit(order) for order in orders])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    booked = SalesDay.objects.get(store=store, dimension="", day=date(2026, 3, 2))
    # Each order now has 4 mugs at 12.50 instead of 2.
    assert (booked.orders, booked.gross) == (6, D("300.00"))
    assert_kept(store)
