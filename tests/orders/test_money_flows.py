"""Changes that move money or end an order: never pre-selected, always confirmed, a paid
order cancelled only with its refund."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderEvent
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(store):
    return OrderFactory(
        store=store,
        payment_status=P.PAID,
        fulfillment_status=F.PROCESSING,
        lines=[("TSH", "T-shirt", 2, Decimal("126.90"))],
    )


def post(client, order, form, confirmed=False, **fields):
    data = {"form": form, f"{form}-version": order.version, **fields}
    if confirmed:
        data["confirmed"] = "1"
    return client.post(f"/orders/{order.pk}/", data)


def test_the_status_forms_preselect_nothing(staff_client, paid):
    html = staff_client.get(f"/orders/{paid.pk}/").content.decode()
    for form in ("payment", "fulfillment"):
        select = html[html.index(f'name="{form}-status"') :]
        select = select[: select.index("</select>")]
        assert '<option value="" selected>' in select
        assert select.count("selected") == 1
    untouched = post(staff_client, paid, "payment", **{"payment-status": ""})
    assert untouched.status_code == 400
    paid.refresh_from_db()
    assert paid.payment_status == P.PAID and paid.version == 1


def test_un_paying_asks_first_naming_the_order_and_amount(staff_client, paid):
    asked = post(staff_client, paid, "payment", **{"payment-status": P.AWAITING_PAYMENT})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm-change"' in html
    assert f"Mark order {paid.reference} (€253.80) as awaiting payment?" in html
    paid.refresh_from_db()
    assert paid.payment_status == P.PAID
    post(staff_client, paid, "payment", confirmed=True, **{"payment-status": P.AWAITING_PAYMENT})
    paid.refresh_from_db()
    assert paid.payment_status == P.AWAITING_PAYMENT


def test_a_paid_order_is_not_cancelled_without_its_refund(staff_client, paid):
    refused = post(staff_client, paid, "payment", confirmed=True, **{"payment-status": P.CANCELLED})
    assert refused.status_code == 400
    paid.refresh_from_db()
    assert paid.payment_status == P.PAID


def test_cancel_and_refund_in_one_confirmed_change(staff_client, paid):
    fields = {"cancel-amount": "200.00", "cancel-reason": "Client absent"}
    asked = post(staff_client, paid, "cancel", **fields)
    assert f"Cancel order {paid.reference} (€253.80) and record a refund of €200.00?" in (
        asked.content.decode()
    )
    assert not paid.refunds.exists()
    done = post(staff_client, paid, "cancel", confirmed=True, **fields)
    assert done.status_code == 302
    paid.refresh_from_db()
    assert paid.refunded_total == Decimal("200.00")
    assert (paid.payment_status, paid.fulfillment_status) == (
        P.PARTIALLY_REFUNDED,
        F.WILL_NOT_DELIVER,
    )
    assert paid.refunds.get().reason == "Client absent"
    event = paid.events.get()
    assert event.type == OrderEvent.Type.CANCELLED
    page = staff_client.get(f"/orders/{paid.pk}/").content.decode()
    assert "Order cancelled with a refund of €200.00" in page


def test_cancelling_a_delivered_order_keeps_its_fulfillment_until_the_return(staff_client, store):
    delivered = OrderFactory(
        store=store,
        payment_status=P.PAID,
        fulfillment_status=F.DELIVERED,
        lines=[("S", "Sac", 1, Decimal("50"))],
    )
    post(staff_client, delivered, "cancel", confirmed=True, **{"cancel-amount": "50"})
    delivered.refresh_from_db()
    assert (delivered.payment_status, delivered.fulfillment_status) == (P.REFUNDED, F.DELIVERED)


def test_a_refused_refund_is_said_at_the_top_and_at_the_field_in_the_store_currency(
    staff_client, paid
):
    staff_client.cookies["django_language"] = "fr"
    refused = post(staff_client, paid, "refund", confirmed=True, **{"refund-amount": "999"})
    html = refused.content.decode()
    assert refused.status_code == 400
    top = html[html.index('data-testid="refused-change"') :]
    assert "Au plus 253,80\xa0€" in top[: top.index("</div>")]
    assert html.count("Au plus 253,80\xa0€") >= 2  # the banner and the field
    assert not Order.objects.get(pk=paid.pk).refunds.exists()


def test_the_refund_amount_starts_empty(staff_client, paid):
    form = staff_client.get(f"/orders/{paid.pk}/").context["refund_form"]
    assert form["amount"].value() in (None, "")
