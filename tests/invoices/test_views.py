"""The Factures page, the order page's documents, issuing by hand, the batch."""

from datetime import date
from decimal import Decimal

import pytest

from invoices.models import Invoice
from mycommerce.models import Store
from orders.services import order_refund, order_set_payment_status
from tests.conftest import client_for
from tests.factories import MembershipFactory, StoreFactory
from tests.invoices.helpers import pdf_text, place_order

pytestmark = pytest.mark.django_db


def paid(store, staff):
    return order_set_payment_status(membership=staff, order=place_order(store), status="paid")


def test_the_invoices_page_lists_invoices_and_credit_notes_with_their_order(store, staff):
    order = paid(store, staff)
    order_refund(membership=staff, order=order, amount=Decimal("5.00"), reason="")
    invoice, note = Invoice.objects.filter(order=order).order_by("pk")
    client = client_for(staff)
    html = client.get("/invoices/").content.decode()
    assert invoice.number in html and note.number in html
    assert f'href="/orders/{order.pk}/"' in html
    assert f'href="/invoices/{invoice.pk}.pdf"' in html
    only_notes = client.get("/invoices/", {"kind": "credit_note"}).content.decode()
    assert note.number in only_notes and f"/invoices/{invoice.pk}.pdf" not in only_notes


def test_the_invoices_page_filters_by_period(store, staff):
    order = paid(store, staff)
    invoice = Invoice.objects.get(order=order)
    client = client_for(staff)
    day = invoice.issued_on.isoformat()
    assert invoice.number in client.get("/invoices/", {"start": day, "end": day}).content.decode()
    later = client.get("/invoices/", {"start": "2099-01-01"}).content.decode()
    assert invoice.number not in later and 'data-testid="no-documents"' in later
    refused = client.get("/invoices/", {"start": "2026-02-01", "end": "2026-01-01"})
    assert "The end of the period comes before its start." in refused.content.decode()


def test_the_invoices_page_shows_nothing_of_another_store(store, staff):
    other = StoreFactory(name="Autre")
    paid(other, MembershipFactory(store=other))
    html = client_for(staff).get("/invoices/").content.decode()
    assert 'data-testid="no-documents"' in html


def test_the_order_page_shows_its_documents(store, staff):
    order = paid(store, staff)
    invoice = Invoice.objects.get(order=order)
    client = client_for(staff)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f"Facture {invoice.number}" in html
    assert f"/invoices/{invoice.pk}.pdf" in html
    assert "Émettre la facture" not in html


def test_an_invoice_is_issued_by_hand_from_the_order_page(store, staff):
    store.invoice_moment = Store.InvoiceMoment.MANUAL
    store.save()
    order = paid(store, staff)
    client = client_for(staff)
    assert "Issue the invoice now" in client.get(f"/orders/{order.pk}/").content.decode()
    response = client.post(f"/orders/{order.pk}/invoices/issue/", follow=True)
    invoice = Invoice.objects.get(order=order)
    assert f"Invoice {invoice.number} issued." in response.content.decode()
    again = client.post(f"/orders/{order.pk}/invoices/issue/", follow=True)
    assert "This order already has its invoice." in again.content.decode()
    assert Invoice.objects.filter(order=order).count() == 1


def test_the_batch_prints_issued_documents_and_pro_formas_where_none(store, staff):
    invoiced = paid(store, staff)
    order_refund(membership=staff, order=invoiced, amount=Decimal("5.00"), reason="")
    unpaid = place_order(store)
    response = client_for(staff).post("/orders/invoices/", {"ids": [invoiced.pk, unpaid.pk]})
    text = pdf_text(b"".join(response.streaming_content))
    invoice, note = Invoice.objects.filter(order=invoiced).order_by("pk")
    assert f"Facture n° {invoice.number}" in text and f"Avoir n° {note.number}" in text
    assert text.count("ce document n’est pas une facture") == 1
    assert invoice.issued_on <= date.today()
