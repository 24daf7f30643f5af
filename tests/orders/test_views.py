from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from orders.models import OrderEvent
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def order(store):
    return OrderFactory(
        store=store,
        customer_name="Camille Martin",
        payment_status=P.PAID,
        lines=[("TSH-BLC-M", "T-shirt coton bio", 2, Decimal("19.90"))],
    )


def test_detail_shows_lines_totals_addresses_and_allowed_statuses_only(staff_client, order):
    response = staff_client.get(f"/orders/{order.pk}/")
    html = response.content.decode()
    assert "T-shirt coton bio" in html and "TSH-BLC-M" in html
    assert "39.80" in html.replace(",", ".")
    assert "1 rue de Rivoli" in html
    choices = [value for value, _ in response.context["payment_form"].fields["status"].choices]
    # Nothing pre-selected; a paid order is not cancelled from here (cancel and refund is).
    assert choices == ["", P.AWAITING_PAYMENT]
    fulfillment = response.context["fulfillment_form"].fields["status"].choices
    assert F.WILL_NOT_DELIVER not in [value for value, _ in fulfillment]
    assert "payment provider" in html


def test_detail_of_another_store_is_404(staff_client, other_store):
    foreign = OrderFactory(store=other_store)
    assert staff_client.get(f"/orders/{foreign.pk}/").status_code == 404
    response = staff_client.post(
        f"/orders/{foreign.pk}/", {"form": "note", "note-text": "x", "note-version": 1}
    )
    assert response.status_code == 404
    assert not foreign.notes.exists()


def test_detail_query_count_is_bounded(staff_client, order, django_assert_max_num_queries):
    # The session, the order with its parts, the customer's other orders (one query whatever
    # their number) and the e-mails sent (one).
    with django_assert_max_num_queries(13):
        staff_client.get(f"/orders/{order.pk}/")


def test_change_fulfillment_from_the_detail_page(staff_client, order):
    response = staff_client.post(
        f"/orders/{order.pk}/",
        {
            "form": "fulfillment",
            "fulfillment-status": F.SHIPPED,
            "fulfillment-carrier": "Colissimo",
            "fulfillment-tracking_number": "8R42",
            "fulfillment-version": order.version,
        },
        follow=True,
    )
    order.refresh_from_db()
    assert order.fulfillment_status == F.SHIPPED
    html = response.content.decode()
    assert "Fulfillment status changed from “Awaiting processing” to “Shipped”" in html
    assert "8R42" in html


def test_stale_status_form_is_refused_and_changes_nothing(staff_client, order, staff):
    from orders.services import order_set_payment_status

    order_set_payment_status(order=order, status=P.AWAITING_PAYMENT, membership=staff)
    response = staff_client.post(
        f"/orders/{order.pk}/",
        {
            "form": "payment",
            "payment-status": P.CANCELLED,
            "payment-version": 1,
            "confirmed": "1",
        },
    )
    assert response.status_code == 400
    assert "Someone else changed this order" in response.content.decode()
    order.refresh_from_db()
    assert order.payment_status == P.AWAITING_PAYMENT


def test_refund_from_the_detail_page_and_too_large_refund(staff_client, order):
    too_much = staff_client.post(
        f"/orders/{order.pk}/",
        {
            "form": "refund",
            "refund-amount": "50.00",
            "refund-reason": "",
            "refund-version": 1,
            "confirmed": "1",
        },
    )
    assert too_much.status_code == 400
    assert "At most €39.80 can still be refunded." in too_much.content.decode()
    staff_client.post(
        f"/orders/{order.pk}/",
        {
            "form": "refund",
            "refund-amount": "9.80",
            "refund-reason": "Taché",
            "refund-version": 1,
            "confirmed": "1",
        },
    )
    order.refresh_from_db()
    assert order.refunded_total == Decimal("9.80")
    assert order.payment_status == P.PARTIALLY_REFUNDED


def test_malformed_refund_amount(staff_client, order):
    response = staff_client.post(
        f"/orders/{order.pk}/",
        {"form": "refund", "refund-amount": "dix", "refund-version": 1},
    )
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()


def test_add_note_and_see_it_in_timeline(staff_client, order):
    response = staff_client.post(
        f"/orders/{order.pk}/", {"form": "note", "note-text": "Colis fragile"}, follow=True
    )
    html = response.content.decode()
    assert "Note added: Colis fragile" in html
    assert order.notes.get().text == "Colis fragile"


def test_timeline_is_newest_first_and_shows_edit_summaries(staff_client, order):
    OrderEvent.objects.create(order=order, type=OrderEvent.Type.CREATED)
    OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.EDITED,
        details={
            "summary": ["Quantity of T-shirt: 1 → 2"],
            "totals": {"before": "19,90 €", "after": "39,80 €"},
        },
    )
    html = staff_client.get(f"/orders/{order.pk}/").content.decode()
    assert html.index("Quantity of T-shirt: 1 → 2") < html.index("Order placed.")
    assert "19,90 € → 39,80 €" in html


def test_edit_button_locked_on_free_plan(client, order, staff):
    from tests.conftest import client_for

    order.store.plan = "free"
    order.store.save()
    html = client_for(staff).get(f"/orders/{order.pk}/").content.decode()
    assert "Upgrade to Standard" in html


def test_bulk_action_on_selected_ids(staff_client, store):
    unpaid = OrderFactory(store=store)
    refunded = OrderFactory(store=store, payment_status=P.REFUNDED)
    response = staff_client.post(
        "/orders/",
        {
            "action": "set_payment_status",
            "new_payment_status": P.PAID,
            "ids": [unpaid.pk, refunded.pk],
            "next": "/orders/?q=x",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/orders/?q=x"
    messages = texts(response)
    assert "1 order changed." in messages
    assert "1 order skipped:" in messages
    assert f'href="/orders/{refunded.pk}/" class="sku">{refunded.reference}</a>' in messages
    unpaid.refresh_from_db()
    assert unpaid.payment_status == P.PAID


def test_bulk_select_all_matching_uses_the_filters(staff_client, store):
    paid = [OrderFactory(store=store, payment_status=P.PAID) for _ in range(3)]
    unpaid = OrderFactory(store=store)
    staff_client.post(
        "/orders/",
        {
            "action": "set_fulfillment_status",
            "new_fulfillment_status": F.PROCESSING,
            "select_all": "1",
            "payment_status": P.PAID,
        },
    )
    for order in paid:
        order.refresh_from_db()
        assert order.fulfillment_status == F.PROCESSING
    unpaid.refresh_from_db()
    assert unpaid.fulfillment_status == F.AWAITING_PROCESSING


def test_unknown_bulk_action_is_refused(staff_client, store):
    order = OrderFactory(store=store)
    response = staff_client.post("/orders/", {"action": "delete_everything", "ids": [order.pk]})
    assert "“delete_everything” is not an action of this list." in texts(response)
    assert order.events.count() == 0


def test_bulk_action_without_status_or_selection(staff_client, store):
    order = OrderFactory(store=store)
    response = staff_client.post("/orders/", {"action": "set_payment_status", "ids": [order.pk]})
    assert "Choose a status" in texts(response)
    response = staff_client.post(
        "/orders/", {"action": "set_payment_status", "new_payment_status": P.PAID}
    )
    assert "Select at least one order" in texts(response)


def test_bulk_action_ignores_other_store_ids(staff_client, other_store):
    foreign = OrderFactory(store=other_store)
    response = staff_client.post(
        "/orders/",
        {"action": "set_payment_status", "new_payment_status": P.PAID, "ids": [foreign.pk]},
    )
    assert "not found in this store" in texts(response)
    foreign.refresh_from_db()
    assert foreign.payment_status == P.AWAITING_PAYMENT


def test_note_from_a_page_left_open_is_still_added(staff_client, order, staff):
    from orders.services import order_set_payment_status

    order_set_payment_status(order=order, status=P.AWAITING_PAYMENT, membership=staff)
    staff_client.post(
        f"/orders/{order.pk}/", {"form": "note", "note-text": "Rappeler", "note-version": 1}
    )
    assert order.notes.get().text == "Rappeler"


@pytest.mark.parametrize("prices_include_vat", [True, False])
def test_the_vat_of_prices_including_it_is_said_after_the_total_never_added(
    staff_client, store, prices_include_vat
):
    order = OrderFactory(
        store=store,
        prices_include_vat=prices_include_vat,
        subtotal=Decimal("120.00"),
        tax_total=Decimal("20.00"),
        total=Decimal("120.00") if prices_include_vat else Decimal("140.00"),
    )
    html = staff_client.get(f"/orders/{order.pk}/").content.decode()
    total_at = html.index('data-testid="order-total"')
    if prices_include_vat:
        assert ">Including VAT<" in html and ">Taxes<" not in html
        assert html.index('data-testid="included-vat"') > total_at
    else:
        assert ">Taxes<" in html and ">Including VAT<" not in html
        assert html.index(">Taxes<") < total_at
