"""The customer's history on the order page (by e-mail, whatever its case, in this store only)
and the list's filter of all the orders of one customer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.filters import OrderFilterSet
from orders.statuses import PaymentStatus as P
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def earlier_orders(store, count, email="Camille.Martin@Example.fr"):
    now = timezone.now()
    return [
        OrderFactory(
            store=store,
            customer_email=email,
            created_at=now - timedelta(days=count - index + 1),
            payment_status=P.PAID,
            total=Decimal("10.00"),
        )
        for index in range(count)
    ]


def test_the_order_page_shows_the_customers_other_orders_and_figures(
    staff_client, store, other_store
):
    earlier = earlier_orders(store, 2)
    OrderFactory(
        store=store, customer_email="camille.martin@example.fr", total=Decimal("99.00")
    )  # unpaid
    refunded = OrderFactory(
        store=store,
        customer_email="CAMILLE.MARTIN@EXAMPLE.FR",
        payment_status=P.PARTIALLY_REFUNDED,
        total=Decimal("30.00"),
        refunded_total=Decimal("5.00"),
    )
    OrderFactory(store=other_store, customer_email="camille.martin@example.fr")
    OrderFactory(store=store, customer_email="someone.else@example.fr")
    response = staff_client.get(f"/orders/{refunded.pk}/", headers={"accept-language": "fr"})
    history = response.context["history"]
    assert history.count == 4
    assert history.spent == [(Decimal("45.00"), "EUR")]
    assert history.first_at == earlier[0].created_at
    assert [order.pk for order in history.others][-2:] == [earlier[1].pk, earlier[0].pk]
    assert refunded.pk not in [order.pk for order in history.others]
    html = response.content.decode()
    assert "Commandes de ce client" in html and "45,00" in html
    for order in earlier:
        assert f'href="/orders/{order.pk}/"' in html
    assert "/orders/?email=CAMILLE.MARTIN%40EXAMPLE.FR" in html
    assert "Voir les 4 commandes de ce client dans la liste" in html


def test_a_single_order_says_it_is_the_only_one(staff_client, store):
    order = OrderFactory(store=store)
    html = staff_client.get(f"/orders/{order.pk}/").content.decode()
    assert "This is the customer’s only order in this store." in html


def test_an_order_without_email_has_no_history(staff_client, store):
    order = OrderFactory(store=store, customer_email="")
    response = staff_client.get(f"/orders/{order.pk}/")
    assert response.context["history"] is None
    assert 'data-testid="customer-history"' not in response.content.decode()


def test_the_history_lists_the_latest_ten_and_links_to_all(staff_client, store):
    earlier = earlier_orders(store, 12)
    order = OrderFactory(store=store, customer_email="camille.martin@example.fr")
    history = staff_client.get(f"/orders/{order.pk}/").context["history"]
    assert [other.pk for other in history.others] == [o.pk for o in reversed(earlier)][:10]
    assert history.count == 13


def test_several_currencies_are_summed_apart(staff_client, store):
    earlier_orders(store, 1)
    order = OrderFactory(
        store=store,
        customer_email="camille.martin@example.fr",
        currency="CHF",
        payment_status=P.PAID,
        total=Decimal("7.00"),
    )
    history = staff_client.get(f"/orders/{order.pk}/").context["history"]
    assert sorted(history.spent, key=lambda row: row[1]) == [
        (Decimal("7.00"), "CHF"),
        (Decimal("10.00"), "EUR"),
    ]


def detail_queries(client, order) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/orders/{order.pk}/").status_code == 200
    return len(captured)


def test_the_history_costs_the_same_queries_with_1_or_50_earlier_orders(
    staff_client, store, other_store
):
    earlier_orders(store, 1)
    small = OrderFactory(store=store, customer_email="camille.martin@example.fr")
    earlier_orders(store, 50, email="hugo@example.fr")
    large = OrderFactory(store=store, customer_email="HUGO@example.fr")
    detail_queries(staff_client, small)  # the session's first queries are not the page's
    assert detail_queries(staff_client, small) == detail_queries(staff_client, large)
    alone = OrderFactory(store=store, customer_email="")
    assert detail_queries(staff_client, large) - detail_queries(staff_client, alone) == 1


def test_the_history_and_the_filter_read_along_the_email_index(store):
    orders = OrderFilterSet({"email": "Camille@example.fr"}, queryset=store.orders.all()).qs
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A few rows: a planner that knows it would rather scan (on SQLite, statistics an
            # earlier test's ANALYZE left in memory; they are dropped and reloaded here).
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
            else:
                cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
                if cursor.fetchone():
                    cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")
        plan = orders.order_by().explain()
    assert "order_store_email_lower_idx" in plan


@pytest.mark.parametrize("typed", ["camille.martin@example.fr", "CAMILLE.Martin@example.FR "])
def test_the_list_filters_all_orders_of_one_customer(staff_client, store, other_store, typed):
    mine = earlier_orders(store, 3)
    OrderFactory(store=store, customer_email="camille.martin@example.fr.other")
    OrderFactory(store=store, customer_email="other@example.fr")
    OrderFactory(store=other_store, customer_email="camille.martin@example.fr")
    response = staff_client.get("/orders/", {"email": typed}, headers={"accept-language": "fr"})
    assert {order.pk for order in response.context["orders"]} == {order.pk for order in mine}
    chips = response.context["active_filters"]
    assert [(label, value.strip()) for label, value, _rest in chips] == [
        ("E-mail du client", typed.strip())
    ]


def test_a_bad_email_filter_is_reported_at_its_field(staff_client, store):
    earlier_orders(store, 2)
    response = staff_client.get("/orders/?email=pas-un-email")
    assert response.status_code == 200
    assert "email" in response.context["filterset"].form.errors
    assert response.context["page"].paginator.count == 2  # the bad filter is not applied
