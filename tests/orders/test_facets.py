"""The list's status counts: kept by the database in the transaction of every write, exact
whatever writes the orders, and counted no further than a cap for the other filters."""

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import database, selectors
from orders.editing.services import order_edit
from orders.models import Order, OrderStatusCount
from orders.parts import LineData, OrderData
from orders.selectors import order_status_counts
from orders.services import (
    order_bulk_set_fulfillment_status,
    order_bulk_set_payment_status,
    order_cancel_and_refund,
    order_create,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def recount(store) -> dict[tuple[str, str], int]:
    return dict(
        Counter(
            Order.objects.filter(store=store).values_list("payment_status", "fulfillment_status")
        )
    )


def assert_counts_exact(*stores):
    for store in stores:
        assert order_status_counts(store=store) == recount(store)


def place(store, membership, *, paid=False) -> Order:
    return order_create(
        store=store,
        source=Order.Source.PHONE,
        membership=membership,
        paid=paid,
        data=OrderData(
            customer_name="Théo Martin",
            lines=[LineData(sku="TSH", name="T-shirt", quantity=2, unit_price=Decimal("50.00"))],
        ),
    )


def test_counts_stay_exact_through_every_kind_of_write(store, staff, other_store):
    orders = [place(store, staff) for _ in range(3)] + [place(store, staff, paid=True)]
    OrderFactory(store=other_store)
    assert_counts_exact(store, other_store)
    assert order_status_counts(store=store) == {
        (P.AWAITING_PAYMENT, F.AWAITING_PROCESSING): 3,
        (P.PAID, F.AWAITING_PROCESSING): 1,
    }

    order_set_payment_status(membership=staff, order=orders[0], status=P.PAID)
    assert_counts_exact(store, other_store)
    order_set_fulfillment_status(
        membership=staff, order=orders[0], status=F.SHIPPED, tracking_number="8R1"
    )
    assert_counts_exact(store, other_store)
    order_refund(membership=staff, order=orders[0], amount=Decimal("10.00"), reason="abîmé")
    assert_counts_exact(store, other_store)
    order_cancel_and_refund(
        membership=staff, order=orders[3], amount=Decimal("100.00"), reason="annulée"
    )
    assert_counts_exact(store, other_store)

    queryset = Order.objects.filter(pk__in=[orders[1].pk, orders[2].pk])
    order_bulk_set_payment_status(membership=staff, orders=queryset, status=P.PAID)
    assert_counts_exact(store, other_store)
    order_bulk_set_fulfillment_status(membership=staff, orders=queryset, status=F.PROCESSING)
    assert_counts_exact(store, other_store)

    editable = place(store, staff)
    order_edit(
        membership=staff,
        order_pk=editable.pk,
        version=editable.version,
        data=OrderData(
            customer_name="Élodie Moreau",
            lines=[LineData(sku="CAF", name="Café", quantity=1, unit_price=Decimal("12.90"))],
        ),
    )
    assert_counts_exact(store, other_store)

    # Writes that no service makes: raw updates (of many orders at once), a delete, a rolled
    # back change.
    Order.objects.filter(store=store).exclude(pk=orders[3].pk).update(fulfillment_status=F.RETURNED)
    assert_counts_exact(store, other_store)
    Order.objects.filter(pk=orders[1].pk).update(payment_status=P.CANCELLED)
    # An issued invoice protects its order (kept for the accountant): delete one that has none.
    Order.objects.filter(pk=OrderFactory(store=store).pk).delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        Order.objects.filter(store=store).update(fulfillment_status=F.RETURNED)
        raise RuntimeError
    assert_counts_exact(store, other_store)
    assert sum(order_status_counts(store=store).values()) == 5


def test_the_list_shows_the_maintained_counts_without_counting_orders(
    staff_client, store, staff, django_assert_max_num_queries
):
    for paid in (False, False, True):
        place(store, staff, paid=paid)
    # Counts kept wrong on purpose: the unfiltered list reads them, not the orders.
    OrderStatusCount.objects.filter(store=store, payment_status=P.PAID).update(order_count=41)
    with django_assert_max_num_queries(8):
        response = staff_client.get("/orders/?payment_status=paid")
    facets = response.context["facets"]
    assert facets.payment[P.PAID] == 41 and facets.payment[P.AWAITING_PAYMENT] == 2
    assert facets.total == 41 and facets.exact
    assert response.context["page"].paginator.count == 41


def test_other_filters_count_exactly_up_to_the_cap(staff_client, store, monkeypatch):
    now = timezone.now()
    for days, payment in [(1, P.PAID)] * 20 + [(3, P.AWAITING_PAYMENT)] * 10 + [(40, P.PAID)]:
        OrderFactory(store=store, created_at=now - timedelta(days=days), payment_status=payment)
    start = (timezone.localdate() - timedelta(days=10)).isoformat()
    facets = staff_client.get(f"/orders/counts/?date_from={start}").context["facets"]
    assert (facets.total, facets.exact, facets.more_than) == (30, True, None)
    assert facets.payment[P.PAID] == 20 and facets.payment[P.AWAITING_PAYMENT] == 10

    # Counted up to the cap, or the rows the page needs: 25, and one more to know there is more.
    monkeypatch.setattr(selectors, "FACET_CAP", 5)
    assert len(staff_client.get(f"/orders/?date_from={start}").context["orders"]) == 25
    response = staff_client.get(f"/orders/counts/?date_from={start}")
    facets = response.context["facets"]
    assert (facets.total, facets.exact, facets.more_than) == (26, False, 25)
    assert facets.payment[P.PAID] is None
    html = response.content.decode()
    assert "More than 25 orders" in html and "Select all matching orders" in html
    assert 'data-facet="payment-paid"' not in html and "None" not in html
    # With a status filter, the page's own count goes up to the cap too.
    facets = staff_client.get(f"/orders/counts/?date_from={start}&payment_status=awaiting_payment")
    assert (facets.context["facets"].total, facets.context["facets"].exact) == (10, True)


def test_a_page_past_the_cap_is_counted_far_enough(staff_client, store, monkeypatch):
    monkeypatch.setattr(selectors, "FACET_CAP", 10)
    for _ in range(60):
        OrderFactory(store=store, total=Decimal("20.00"))
    response = staff_client.get("/orders/?total_min=10&page=2&counts=now")
    assert len(response.context["orders"]) == 25
    assert not response.context["facets"].exact
    response = staff_client.get("/orders/?total_min=10&page=3&counts=now")
    assert len(response.context["orders"]) == 10
    assert response.context["facets"].exact and response.context["facets"].total == 60
    text = " ".join(
        str(m) for m in staff_client.get("/orders/?total_min=10&page=9").context["messages"]
    )
    assert "Page 9 does not exist; here is page 3." in text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "total_min=200&total_max=100",
            "total_max",
            "The highest total (100) is below the lowest (200): no order can match.",
        ),
        (
            "date_from=2026-03-10&date_to=2026-03-01",
            "date_to",
            "The end date (March 1, 2026) is before the start date (March 10, 2026): "
            "no order can match.",
        ),
    ],
)
def test_an_impossible_range_says_why_in_the_filter_bar(
    staff_client, store, query, field, message, django_assert_max_num_queries
):
    kept = OrderFactory(store=store, total=Decimal("150.00"), created_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(f"/orders/?{query}")
    html = response.content.decode()
    assert response.context["filterset"].form.errors[field] == [message]
    assert f'<div class="invalid-feedback">{message}</div>' in html
    assert re.search(f'id="id_{field}"[^>]*is-invalid', html)
    # Neither bound applied, no query for a range that cannot match: the merchant sees the
    # orders and why, not "0 orders".
    assert [order.reference for order in response.context["orders"]] == [kept.reference]
    for sql in (query["sql"] for query in queries):
        assert '"total" >=' not in sql and '"created_at" >=' not in sql, sql


def test_an_impossible_range_in_french(staff_client, store):
    html = staff_client.get(
        "/orders/?total_min=200&total_max=100", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Le total le plus haut (100) est inférieur au plus bas (200)" in html


def test_db_analyze_puts_back_missing_triggers_and_what_they_keep(staff_client, store, staff):
    """SQLite drops a table's triggers when Django rebuilds it for a schema change; the check
    after every migrate (and db_analyze) puts them back and rebuilds the index and counts."""
    order = place(store, staff)
    names = (
        [*database.SQLITE_SEARCH_TRIGGERS, *database.SQLITE_COUNT_TRIGGERS]
        if connection.vendor == "sqlite"
        else list(database.POSTGRES_COUNT_TRIGGERS)
    )
    with connection.cursor() as cursor:
        for name in names:
            suffix = "" if connection.vendor == "sqlite" else " ON orders_order"
            cursor.execute(f"DROP TRIGGER {name}{suffix}")
    unseen = place(store, staff)
    Order.objects.filter(pk=unseen.pk).update(
        customer_name="Zoé Girard", search_text="|zoe girard|"
    )
    Order.objects.filter(pk=order.pk).update(payment_status=P.PAID)
    assert order_status_counts(store=store) != recount(store)

    out = StringIO()
    call_command("db_analyze", stdout=out)
    assert "Rebuilt" in out.getvalue()
    assert_counts_exact(store)
    found = staff_client.get("/orders/", {"q": "zoe"}).context["orders"]
    assert [o.reference for o in found] == [unseen.reference]
    place(store, staff, paid=True)
    assert_counts_exact(store)


def test_db_analyze_fills_the_planners_statistics(store, staff):
    place(store, staff)
    call_command("db_analyze", stdout=StringIO())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'orders_order'")
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stats WHERE tablename = 'orders_order'"
                " AND attname = 'payment_status'"
            )
        assert cursor.fetchone()[0] >= 1


def test_a_filtered_page_comes_before_its_counts(
    staff_client, store, other_store, django_assert_max_num_queries
):
    """Dates, totals or a search: the page shows its rows without counting the orders, and
    its counts come from the counts request the page names (order-list.js fetches it)."""
    for _ in range(30):
        OrderFactory(store=store, total=Decimal("20.00"), payment_status=P.PAID)
    OrderFactory(store=store, total=Decimal("5.00"))
    OrderFactory(store=other_store, total=Decimal("20.00"))
    with CaptureQueriesContext(connection) as page_queries:
        response = staff_client.get("/orders/?total_min=10")
    html = response.content.decode()
    assert len(response.context["orders"]) == 25 and response.context["facets"] is None
    assert "Counting the orders…" in html
    assert 'data-counts-url="/orders/counts/?total_min=10"' in html
    # The pages known so far: this one, and the next (its first row was read with the page).
    assert "?total_min=10&amp;page=2" in html and "?total_min=10&amp;page=3" not in html
    assert not any("COUNT(" in query["sql"].upper() for query in page_queries.captured_queries)

    with django_assert_max_num_queries(8):
        counts = staff_client.get("/orders/counts/?total_min=10")
    fragment = counts.content.decode()
    assert "<html" not in fragment and "30 orders" in fragment
    assert 'data-facet="payment-paid">30<' in fragment
    assert "Select all 30 matching orders" in fragment and "?total_min=10&amp;page=2" in fragment
    # Without JavaScript, the page's link counts them on the page itself.
    inline = staff_client.get("/orders/?total_min=10&counts=now")
    assert inline.context["facets"].total == 30 and "30 orders" in inline.content.decode()


def test_an_uncounted_page_past_the_end_says_which_page_exists(staff_client, store):
    for _ in range(30):
        OrderFactory(store=store, total=Decimal("20.00"))
    response = staff_client.get("/orders/?total_min=10&page=7")
    text = " ".join(str(message) for message in response.context["messages"])
    assert "Page 7 does not exist; here is page 2." in text
    assert len(response.context["orders"]) == 5 and response.context["facets"].total == 30


def test_the_counts_need_a_member(client, store):
    OrderFactory(store=store, total=Decimal("20.00"))
    response = client.get("/orders/counts/?total_min=10")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
