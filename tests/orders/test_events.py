"""The timeline stores data and speaks the reader's language."""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from orders.editing.services import order_edit
from orders.events import event_render
from orders.models import OrderEvent
from orders.parts import EDITABLE_FIELDS, DiscountData, LineData, OrderData
from orders.services import (
    order_add_note,
    order_create,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.conftest import client_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _a_day_of_work(staff) -> list[OrderEvent]:
    """Every kind of change a member makes, in whatever language is active."""
    # No invoice: two runs would get two numbers (tests/invoices renders those events).
    staff.store.invoice_moment = "manual"
    staff.store.save()
    data = OrderData(
        customer_name="Chloé Lefèvre",
        lines=[LineData(sku="TAS-01", name="Tasse", quantity=1, unit_price=D("10"))],
    )
    order = order_create(store=staff.store, membership=staff, source="phone", data=data)
    line = order.lines.get()
    edited = OrderData(
        **{name: getattr(order, name) for name in EDITABLE_FIELDS},
        lines=[LineData(line_id=line.pk, sku="TAS-01", name="Tasse", quantity=2, unit_price=D(10))],
        discounts=[DiscountData(label="Fidélité", kind="percent", value=D("10"))],
    )
    order_edit(membership=staff, order_pk=order.pk, version=order.version, data=edited)
    order_set_payment_status(membership=staff, order=order, status=PaymentStatus.PAID)
    order_set_fulfillment_status(
        membership=staff,
        order=order,
        status=FulfillmentStatus.SHIPPED,
        carrier="Colissimo",
        tracking_number="8R1",
    )
    order_refund(membership=staff, order=order, amount=D("5"), reason="Abîmé")
    order_add_note(membership=staff, order=order, text="Rappeler")
    return list(order.events.order_by("pk"))


def _stored(events) -> list:
    return [(event.type, json.dumps(event.details, sort_keys=True)) for event in events]


def test_no_event_stores_a_sentence_whatever_the_writer_language(staff):
    with translation.override("fr"):
        french = _a_day_of_work(staff)
    with translation.override("en"):
        english = _a_day_of_work(staff)
    assert len(french) == 6
    # The same work stores the same data: nothing of the writer's language is kept.
    assert _stored(french) == _stored(english)
    assert all("summary" not in event.details for event in french)


def test_written_in_french_read_in_english_and_the_reverse(staff):
    with translation.override("fr"):
        events = _a_day_of_work(staff)
    with translation.override("en"):
        english = [event_render(event) for event in events]
    with translation.override("fr"):
        french = [event_render(event) for event in events]
    created, edited, paid, shipped, refunded, note = english
    assert created.lines == ["Manual order, source: Phone", "Line added: 1 × Tasse (TAS-01)"]
    assert edited.sentence == "Order edited; total €10.00 → €18.00."
    assert edited.lines == ["Quantity of TAS-01: 1 → 2", "Discount added: Fidélité (10 %)"]
    assert paid.sentence == "Payment status changed from “Awaiting payment” to “Paid”."
    assert "Carrier: Colissimo, tracking number: 8R1." in shipped.sentence
    assert refunded.sentence.startswith("Refund of €5.00 recorded")
    assert note.sentence == "Note added: Rappeler"
    assert french[1].sentence == "Commande modifiée ; total 10,00\xa0€ → 18,00\xa0€."
    assert french[1].lines[0] == "Quantité de TAS-01 : 1 → 2"
    assert "Commande payée" in french[2].sentence
    assert french[4].sentence.startswith("Remboursement de 5,00")


def test_events_written_before_typed_events_still_render(staff_client, store):
    order = OrderFactory(store=store)
    OrderEvent.objects.create(
        order=order,
        type=OrderEvent.Type.EDITED,
        details={
            "summary": ["Quantité de T-shirt : 1 → 2"],
            "totals": {"before": "19,90 €", "after": "39,80 €"},
        },
    )
    html = staff_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Order edited; total 19,90 € → 39,80 €." in html
    assert "Quantité de T-shirt : 1 → 2" in html


def test_the_detail_page_reads_the_timeline_in_the_reader_language(staff, store):
    with translation.override("en"):
        events = _a_day_of_work(staff)
    client = client_for(staff)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/orders/{events[0].order_id}/").content.decode()
    assert "Quantité de TAS-01 : 1 → 2" in html
    assert "Remise ajoutée" in html and "Quantity of" not in html
