"""Orders placed before the search text existed: the migrations fill it (in batches), index
it and count their statuses, so they are found and counted like new ones."""

import importlib
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from orders.models import Order
from orders.selectors import order_status_counts

BEFORE = [("orders", "0004_orderevent_from_cart")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_orders_are_filled_indexed_and_counted(staff_client, store, monkeypatch):
    # Batches of two orders: the fill goes on from batch to batch.
    fill = importlib.import_module("orders.migrations.0006_fill_search_text")
    monkeypatch.setattr(fill, "BATCH", 2)
    old = migrate(BEFORE)
    OldOrder = old.get_model("orders", "Order")
    OldLine = old.get_model("orders", "OrderLine")
    names = ["Théo Dupont", "Élodie Moreau", "Hugo Petit", "Zoé Leroy", "Léa Martin"]
    for number, name in enumerate(names, start=1):
        order = OldOrder.objects.create(
            store_id=store.pk,
            number=number,
            reference=f"MB-{number}",
            customer_name=name,
            customer_phone="06 12 34 56 7" + str(number),
            shipping_city="Bordeaux" if number == 2 else "Lyon",
            payment_status="paid" if number % 2 else "awaiting_payment",
        )
        OldLine.objects.create(
            order=order,
            sku=f"TSH-BLC-{number}",
            name="T-shirt",
            quantity=1,
            unit_price=Decimal("19.90"),
            line_total=Decimal("19.90"),
        )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert not Order.objects.filter(search_text="").exists()
    assert order_status_counts(store=store) == dict(
        Counter(Order.objects.values_list("payment_status", "fulfillment_status"))
    )
    for query, reference in [
        ("theo", "MB-1"),
        ("bordeaux", "MB-2"),
        ("tsh-blc-4", "MB-4"),
        ("0612345675", "MB-5"),
    ]:
        response = staff_client.get("/orders/", {"q": query})
        assert [o.reference for o in response.context["orders"]] == [reference], query
