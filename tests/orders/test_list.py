from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    return [order.reference for order in response.context["orders"]]


@pytest.fixture
def orders(store):
    now = timezone.now()
    return {
        "a": OrderFactory(
            store=store,
            customer_name="Camille Martin",
            customer_email="camille@example.fr",
            created_at=now - timedelta(days=10),
            total=Decimal("15.00"),
            payment_status=PaymentStatus.PAID,
            lines=[("TSH-BLC-M", "T-shirt", 1, Decimal("15.00"))],
        ),
        "b": OrderFactory(
            store=store,
            customer_name="Hugo Dubois",
            customer_email="hugo@example.fr",
            created_at=now - timedelta(days=5),
            total=Decimal("80.00"),
            payment_status=PaymentStatus.PAID,
            fulfillment_status=FulfillmentStatus.SHIPPED,
            lines=[("CAF-ETH-250", "Café", 4, Decimal("20.00"))],
        ),
        "c": OrderFactory(
            store=store,
            customer_name="Zoé Leroy",
            customer_email="zoe@example.fr",
            created_at=now - timedelta(days=1),
            total=Decimal("40.00"),
            lines=[("TAS-CER-01", "Tasse", 2, Decimal("20.00"))],
        ),
    }


def test_newest_first_with_formatted_totals_and_badges(staff_client, orders):
    response = staff_client.get("/orders/")
    assert refs(response) == [orders["c"].reference, orders["b"].reference, orders["a"].reference]
    html = response.content.decode()
    assert "80,00\xa0€" in html or "80,00 €" in html or "€80.00" in html
    assert "Paid" in html and "Shipped" in html


def test_list_in_french_shows_french_labels(staff_client, orders):
    response = staff_client.get("/orders/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "Commande payée" in html
    assert "80,00" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("payment_status=paid", {"a", "b"}),
        ("payment_status=paid&payment_status=awaiting_payment", {"a", "b", "c"}),
        ("fulfillment_status=shipped", {"b"}),
        ("total_min=30", {"b", "c"}),
        ("total_max=40", {"a", "c"}),
        ("total_min=30&total_max=50", {"c"}),
        ("q=hugo@example.fr", {"b"}),
        ("q=HUGO@EXAMPLE.FR", {"b"}),
        ("q=leroy", {"c"}),
        ("q=TAS-CER-01", {"c"}),
    ],
)
def test_each_filter(staff_client, orders, query, expected):
    response = staff_client.get(f"/orders/?{query}")
    assert set(refs(response)) == {orders[key].reference for key in expected}


def test_date_range_filter(staff_client, orders):
    today = timezone.localdate()
    start = (today - timedelta(days=6)).isoformat()
    end = (today - timedelta(days=2)).isoformat()
    response = staff_client.get(f"/orders/?date_from={start}&date_to={end}")
    assert refs(response) == [orders["b"].reference]


def test_search_by_reference(staff_client, orders):
    response = staff_client.get(f"/orders/?q={orders['a'].reference}")
    assert orders["a"].reference in refs(response)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", "abc"),
        ("-date", "cba"),
        ("total", "acb"),
        ("-total", "bca"),
        ("customer", "abc"),
        ("-customer", "cba"),
        ("reference", "abc"),
        ("-reference", "cba"),
    ],
)
def test_each_sort(staff_client, orders, sort, expected):
    response = staff_client.get(f"/orders/?sort={sort}")
    assert refs(response) == [orders[key].reference for key in expected]


def test_sort_ties_are_broken_by_id(staff_client, store):
    same = timezone.now()
    created = [OrderFactory(store=store, created_at=same, total=Decimal("10")) for _ in range(4)]
    ascending = refs(staff_client.get("/orders/?sort=total"))
    assert ascending == [order.reference for order in created]
    descending = refs(staff_client.get("/orders/?sort=-date"))
    assert descending == [order.reference for order in reversed(created)]


def test_facets_count_each_status_for_the_current_filters(staff_client, orders):
    response = staff_client.get("/orders/counts/?total_min=30")
    facets = response.context["facets"]
    assert facets.payment["paid"] == 1
    assert facets.payment["awaiting_payment"] == 1
    assert facets.fulfillment["awaiting_processing"] == 1
    assert facets.fulfillment["shipped"] == 1
    assert facets.total == 2
    html = response.content.decode()
    assert 'data-facet="fulfillment-awaiting_processing">1<' in html


def test_facets_of_a_status_ignore_its_own_filter(staff_client, orders):
    response = staff_client.get("/orders/?payment_status=awaiting_payment")
    facets = response.context["facets"]
    # "Paid (2)" still shows while looking at unpaid orders; the other facet follows the filter.
    assert facets.payment == {**facets.payment, "paid": 2, "awaiting_payment": 1}
    assert facets.fulfillment["shipped"] == 0
    assert facets.total == 1
    assert response.context["page"].paginator.count == 1


def test_pagination_sizes(staff_client, store):
    for _ in range(30):
        Order.objects.create(store=store, number=_ + 1000, reference=f"R{_}", customer_name="x")
    assert len(refs(staff_client.get("/orders/"))) == 25
    assert len(refs(staff_client.get("/orders/?per_page=50"))) == 30
    assert len(refs(staff_client.get("/orders/?page=2"))) == 5


def test_bad_input_gets_messages_not_errors(staff_client, orders):
    response = staff_client.get(
        "/orders/?payment_status=bogus&date_from=31/02/2026&total_min=abc&page=99&per_page=7"
    )
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "not valid" in text
    assert "Page 99 does not exist" in text
    assert "25, 50 or 100" in text
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "Enter a valid date" in html
    # Nothing applied: every order shows.
    assert len(refs(response)) == 3


def test_active_filters_are_listed_with_a_way_to_remove_each(staff_client, orders):
    response = staff_client.get("/orders/?payment_status=paid&q=hugo")
    chips = response.context["active_filters"]
    assert [(label, value) for label, value, _ in chips] == [
        ("Search", "hugo"),
        ("Payment status", "Paid"),
    ]
    assert chips[0][2] == "payment_status=paid"
    assert chips[1][2] == "q=hugo"


def test_other_store_orders_never_show(staff_client, orders, other_store):
    OrderFactory(store=other_store, customer_name="Intrus")
    response = staff_client.get("/orders/?q=Intrus")
    assert refs(response) == []


def test_queries_do_not_grow_with_page_size(staff_client, store, django_assert_max_num_queries):
    for _ in range(120):
        Order.objects.create(store=store, number=_ + 1, reference=f"R{_}", customer_name="x")
    for per_page in (25, 100):
        with django_assert_max_num_queries(8):
            response = staff_client.get(
                f"/orders/?per_page={per_page}&payment_status=awaiting_payment"
                "&date_from=2020-01-01&q=x@example.fr"
            )
        assert response.status_code == 200
    with django_assert_max_num_queries(8):
        staff_client.get("/orders/?per_page=100")


def test_selection_form_carries_filters_for_select_all(staff_client, orders):
    html = staff_client.get("/orders/?payment_status=paid&q=hugo").content.decode()
    assert 'name="select_all" value="1"' in html
    assert '<input type="hidden" name="payment_status" value="paid">' in html
    assert '<input type="hidden" name="q" value="hugo">' in html
    assert f'name="ids" value="{orders["b"].pk}"' in html


def test_print_and_export_share_the_selection_form(staff_client, orders):
    html = staff_client.get("/orders/?payment_status=paid").content.decode()
    assert 'formaction="/orders/invoices/"' in html
    assert 'formaction="/exports/orders/"' in html
    assert 'href="/exports/orders/?payment_status=paid"' in html
    assert f'href="/orders/{orders["a"].pk}/invoice.pdf"' in html


def test_new_order_is_locked_on_the_free_plan(staff_client, store):
    store.plan = "free"
    store.save()
    html = staff_client.get("/orders/").content.decode()
    assert "Upgrade to Standard" in html
    assert 'href="/orders/new/"' not in html


def test_timeline_in_french(staff_client, store, staff):
    from orders.services import order_set_payment_status

    order = OrderFactory(store=store)
    order_set_payment_status(order=order, status=PaymentStatus.PAID, membership=staff)
    html = staff_client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Statut de paiement passé de « Paiement en attente » à « Commande payée »." in html
