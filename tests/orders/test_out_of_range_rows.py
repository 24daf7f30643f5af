"""A store whose SQLite database already holds an amount past the money columns (written
before the bounds were enforced: SQLite does not check them) still works: the order is
listed, opened, printed, exported and can be repaired."""

from decimal import Decimal

import pytest
from django.db import connection

from orders.models import Order
from orders.statuses import FulfillmentStatus
from tests.factories import OrderFactory
from tests.orders.editing.helpers import order_post_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="PostgreSQL's numeric(14, 2) refuses such a value: the row cannot exist there",
    ),
]
D = Decimal


# As stored, and as read back: SQLite keeps a REAL's 15 significant digits.
READ_BACK = {
    "1000000000000.00": D("1000000000000.00"),
    "123456789012345678901234.56": D("123456789012346000000000.00"),
}


@pytest.fixture(params=list(READ_BACK))
def huge(request):
    return request.param


@pytest.fixture
def broken(store, huge):
    """A phone order of 10,000 × 100,000,000.00 (or worse) as SQLite stored it."""
    order = OrderFactory(store=store, customer_name="Camille Martin")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_orderline SET quantity = 10000, unit_price = %s, line_total = %s"
            " WHERE order_id = %s",
            ["100000000.00", huge, order.pk],
        )
        cursor.execute(
            "UPDATE orders_order SET subtotal = %s, total = %s WHERE id = %s",
            [huge, huge, order.pk],
        )
    return order


def test_the_stored_amount_reads_back_exactly(broken, huge):
    order = Order.objects.get(pk=broken.pk)
    assert order.total == READ_BACK[huge]
    assert order.lines.get().line_total == READ_BACK[huge]


def test_the_list_still_lists_every_order(staff_client, store, broken):
    other = OrderFactory(store=store)
    for query in ("", "?sort=-total", "?sort=total", "?total_min=1"):
        response = staff_client.get("/orders/" + query)
        assert response.status_code == 200, query
        assert {o.pk for o in response.context["orders"]} == {broken.pk, other.pk}


def test_detail_edit_page_and_invoice_open(staff_client, owner_client, broken):
    assert staff_client.get(f"/orders/{broken.pk}/").status_code == 200
    assert owner_client.get(f"/orders/{broken.pk}/edit/").status_code == 200
    response = staff_client.get(f"/orders/{broken.pk}/invoice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_bulk_action_and_export_including_it_work(staff_client, broken):
    response = staff_client.post(
        "/orders/",
        {
            "action": "set_fulfillment_status",
            "new_fulfillment_status": "processing",
            "ids": [str(broken.pk)],
        },
    )
    assert response.status_code == 302
    broken.refresh_from_db()
    assert broken.fulfillment_status == FulfillmentStatus.PROCESSING
    export = staff_client.post(
        "/exports/orders/",
        {
            "separator": "comma",
            "columns": ["reference", "total"],
            "layout": "orders",
            "ids": [str(broken.pk)],
        },
    )
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert broken.reference in text


def test_the_order_is_repaired_through_the_edit_page(owner_client, broken):
    line = broken.lines.get()
    rows = [
        {
            "line_id": line.pk,
            "sku": line.sku,
            "name": line.name,
            "quantity": "1",
            "unit_price": "100000000.00",
        }
    ]
    data = order_post_data(broken, lines=rows)
    data["version"] = broken.version
    response = owner_client.post(f"/orders/{broken.pk}/edit/", data)
    assert response.status_code == 302, response.context["bundle"].lines.errors
    repaired = Order.objects.get(pk=broken.pk)
    assert repaired.total == D("100000000.00")
    assert repaired.lines.get().line_total == D("100000000.00")
