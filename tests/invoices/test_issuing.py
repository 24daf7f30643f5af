"""When invoices and credit notes are issued, with what number and for how much."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from invoices.issuing import invoice_issue
from invoices.models import ImmutableDocument, Invoice
from mycommerce.models import Store
from orders.editing.services import order_edit
from orders.models import OrderEvent
from orders.parts import LineData, OrderData, TaxData
from orders.services import (
    order_bulk_set_payment_status,
    order_cancel_and_refund,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import PaymentStatus
from tests.invoices.helpers import place_order

pytestmark = pytest.mark.django_db


def paid_order(store, staff, **kwargs):
    order = place_order(store, **kwargs)
    return order_set_payment_status(membership=staff, order=order, status=PaymentStatus.PAID)


def documents(order):
    return list(Invoice.objects.filter(order=order).order_by("pk"))


def test_paying_an_order_issues_its_invoice_with_the_next_number(store, staff):
    order = paid_order(store, staff)
    [invoice] = documents(order)
    assert invoice.kind == Invoice.Kind.INVOICE
    assert invoice.number.startswith("FA-") and invoice.number.endswith("-000001")
    assert invoice.total == Decimal("60.00")  # 2 × 25.00 + 20 % VAT
    assert invoice.snapshot["rates"] == [
        {"rate": "20", "base": "50.00", "vat": "10.00", "total": "60.00"}
    ]
    event = OrderEvent.objects.get(order=order, type=OrderEvent.Type.DOCUMENT_ISSUED)
    assert event.details["number"] == invoice.number
    second = paid_order(store, staff)
    assert documents(second)[0].number.endswith("-000002")


def test_an_unpaid_order_has_no_invoice(store, staff):
    assert documents(place_order(store)) == []


def test_invoices_issued_when_shipped_if_the_store_says_so(store, staff):
    store.invoice_moment = Store.InvoiceMoment.SHIPPED
    store.save()
    order = paid_order(store, staff)
    assert documents(order) == []
    order_set_fulfillment_status(membership=staff, order=order, status="shipped")
    assert [d.kind for d in documents(order)] == ["invoice"]


def test_by_hand_the_invoice_is_issued_once_from_the_order(store, staff):
    store.invoice_moment = Store.InvoiceMoment.MANUAL
    store.save()
    order = paid_order(store, staff)
    assert documents(order) == []
    invoice_issue(membership=staff, order=order)
    with pytest.raises(ValidationError, match="already has its invoice"):
        invoice_issue(membership=staff, order=order)
    assert len(documents(order)) == 1


def test_a_partial_refund_issues_a_credit_note_referring_to_the_invoice(store, staff):
    order = paid_order(store, staff)
    order_refund(membership=staff, order=order, amount=Decimal("12.00"), reason="Taille")
    invoice, note = documents(order)
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.corrects == invoice
    assert note.total == Decimal("12.00")
    assert note.snapshot["rates"] == [
        {"rate": "20", "base": "10.00", "vat": "2.00", "total": "12.00"}
    ]
    assert note.snapshot["corrects"]["number"] == invoice.number
    assert note.sequence_number == invoice.sequence_number + 1


def test_cancelling_an_invoiced_order_credits_what_is_left_and_never_invoices_again(store, staff):
    order = paid_order(store, staff)
    order_refund(membership=staff, order=order, amount=Decimal("10.00"), reason="")
    order.refresh_from_db()
    order_cancel_and_refund(membership=staff, order=order, amount=Decimal("50.00"), reason="")
    invoice, refund_note, cancel_note = documents(order)
    assert cancel_note.reason == Invoice.Reason.CANCELLATION
    assert refund_note.total + cancel_note.total == invoice.total
    with pytest.raises(ValidationError, match="cancelled order"):
        invoice_issue(membership=staff, order=order)


def test_editing_an_invoiced_order_credits_it_and_issues_a_new_invoice(store, staff):
    order = paid_order(store, staff)
    data = OrderData(
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        billing_street=order.billing_street,
        billing_postcode=order.billing_postcode,
        billing_city=order.billing_city,
        billing_country=order.billing_country,
        lines=[
            LineData(sku="TSH-01", name="T-shirt coton bio", quantity=3, unit_price=Decimal("25"))
        ],
        taxes=[TaxData(name="TVA 20 %", kind="rate", value=Decimal("20"))],
    )
    order_edit(membership=staff, order_pk=order.pk, version=order.version + 0, data=data)
    first, note, second = documents(order)
    assert (note.kind, note.corrects, note.total) == ("credit_note", first, first.total)
    assert (second.kind, second.total) == ("invoice", Decimal("90.00"))
    assert second.snapshot["lines"][0]["quantity"] == 3


def test_an_edit_that_changes_nothing_printed_issues_nothing(store, staff):
    order = paid_order(store, staff)
    before = documents(order)
    data = OrderData(
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        customer_phone="06 12 34 56 78",
        billing_street=order.billing_street,
        billing_postcode=order.billing_postcode,
        billing_city=order.billing_city,
        billing_country=order.billing_country,
        lines=[
            LineData(sku="TSH-01", name="T-shirt coton bio", quantity=2, unit_price=Decimal("25"))
        ],
        taxes=[TaxData(name="TVA 20 %", kind="rate", value=Decimal("20"))],
    )
    result = order_edit(membership=staff, order_pk=order.pk, version=order.version, data=data)
    assert result.changed and documents(order) == before


def test_bulk_marking_paid_invoices_each_order(store, staff):
    orders = [place_order(store) for _ in range(3)]
    order_bulk_set_payment_status(
        membership=staff,
        orders=type(orders[0]).objects.filter(pk__in=[o.pk for o in orders]),
        status=PaymentStatus.PAID,
    )
    numbers = sorted(Invoice.objects.filter(store=store).values_list("sequence_number", flat=True))
    assert numbers == [1, 2, 3]


def test_a_rolled_back_payment_gives_the_invoice_number_back(store, staff):
    order = place_order(store)
    with pytest.raises(RuntimeError), transaction.atomic():
        order_set_payment_status(membership=staff, order=order, status=PaymentStatus.PAID)
        assert Invoice.objects.filter(order=order).exists()
        raise RuntimeError("the request fails after the invoice was issued")
    assert not Invoice.objects.filter(order=order).exists()
    paid = order_set_payment_status(membership=staff, order=order, status=PaymentStatus.PAID)
    assert documents(paid)[0].sequence_number == 1


def test_an_issued_document_cannot_be_changed(store, staff):
    [invoice] = documents(paid_order(store, staff))
    invoice.total = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()


def test_the_timeline_says_which_document_was_issued_in_the_readers_language(store, staff):
    from django.utils import translation

    from orders.events import event_render

    order = paid_order(store, staff)
    order_refund(membership=staff, order=order, amount=Decimal("12.00"), reason="")
    invoice, note = documents(order)
    issued = OrderEvent.objects.filter(order=order, type=OrderEvent.Type.DOCUMENT_ISSUED)
    first, second = issued.order_by("pk")
    with translation.override("fr"):
        assert event_render(first).sentence == f"Facture {invoice.number} émise (60,00\xa0€)."
        assert event_render(second).sentence == (
            f"Avoir {note.number} émis (12,00\xa0€), rectifiant la facture {invoice.number}."
        )
    with translation.override("en"):
        assert event_render(first).sentence == f"Invoice {invoice.number} issued (€60.00)."
