"""The PDFs read back: the legal wording and mentions, credit notes, pro formas, PDF/A."""

import io
from datetime import date
from decimal import Decimal

import pikepdf
import pytest

from invoices.models import Invoice
from mycommerce.models import Store
from orders.editing.services import order_edit
from orders.parts import LineData, OrderData, TaxData
from orders.services import order_refund, order_set_fulfillment_status, order_set_payment_status
from tests.conftest import client_for
from tests.factories import MembershipFactory, StoreFactory
from tests.invoices.helpers import pdf_text, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(store):
    store.legal_name = "MaBoutique SAS"
    store.legal_form = "SAS"
    store.share_capital = Decimal("10000")
    store.siren, store.siret, store.rcs_city = "732829320", "73282932000074", "Paris"
    store.payment_terms = "Paiement à 30 jours fin de mois"
    store.late_payment_rate = Decimal("12")
    store.save()
    return store


def business_order(store, staff, **kwargs):
    order = place_order(
        store,
        buyer_company="Atelier Dupont SARL",
        buyer_siren="123456782",
        buyer_vat_number="FR11123456782",
        delivery_date=date(2026, 11, 28),
        shipping_method="Colissimo",
        **kwargs,
    )
    return order_set_payment_status(membership=staff, order=order, status="paid")


def document_text(client, document: Invoice) -> str:
    response = client.get(f"/invoices/{document.pk}.pdf")
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content))


def test_an_invoice_to_a_business_buyer_carries_every_legal_mention(company, staff):
    order = business_order(company, staff)
    invoice = Invoice.objects.get(order=order)
    text = document_text(client_for(staff), invoice)

    for wording in (
        f"Facture n° {invoice.number}",
        "Date d’émission",
        "Prix unitaire HT",
        "Taux TVA",
        "Total HT",
        "TVA 20 %",
        "Total TTC",
        # The seller (article 242 nonies A of the CGI, L441-9 of the Code de commerce).
        "MaBoutique SAS",
        "SAS au capital de 10 000,00 €",
        "RCS Paris 732829320",
        "SIRET : 73282932000074",
        "N° de TVA : FR44732829320",
        "12 rue de la Paix",
        # The buyer.
        "Atelier Dupont SARL",
        "SIREN : 123456782",
        "N° de TVA : FR11123456782",
        # The sale.
        "Date de livraison ou de prestation : 28 novembre 2026",
        "Opération : Livraison de biens",
        f"Commande : {order.reference}",
        # Payment, penalties, the €40 indemnity, no discount for early payment.
        "Conditions de paiement : Paiement à 30 jours fin de mois",
        "pénalités au taux annuel de 12 %",
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40,00 €",
        "Pas d’escompte pour paiement anticipé.",
    ):
        assert wording in text, wording
    assert "50,00 €" in text and "10,00 €" in text and "60,00 €" in text
    assert "Pro forma" not in text


def test_a_consumer_gets_no_business_penalty_mentions(company, staff):
    order = order_set_payment_status(membership=staff, order=place_order(company), status="paid")
    text = document_text(client_for(staff), Invoice.objects.get(order=order))
    assert "Conditions de paiement" in text
    assert "40,00 €" not in text and "pénalités" not in text


def test_a_store_under_the_vat_threshold_prints_article_293_b(store, staff):
    store.vat_regime = Store.VatRegime.FRANCHISE
    store.save()
    order = order_set_payment_status(
        membership=staff, order=place_order(store, vat=None), status="paid"
    )
    text = document_text(client_for(staff), Invoice.objects.get(order=order))
    assert "TVA non applicable, art. 293 B du CGI." in text
    assert "TVA 20 %" not in text and "Taux TVA" not in text
    assert "Net à payer" in text and "50,00 €" in text


def test_a_credit_note_refers_to_its_invoice(company, staff):
    order = business_order(company, staff)
    order_refund(membership=staff, order=order, amount=Decimal("12.00"), reason="Taille")
    invoice, note = Invoice.objects.filter(order=order).order_by("pk")
    text = document_text(client_for(staff), note)
    assert f"Avoir n° {note.number}" in text
    assert f"Rectifie la facture n° {invoice.number} du " in text
    assert "Total TTC de l’avoir" in text and "12,00 €" in text
    assert "TVA 20 %" in text and "2,00 €" in text and "10,00 €" in text


def test_an_invoice_reads_the_same_after_the_order_and_the_store_change(company, staff):
    order = business_order(company, staff)
    invoice = Invoice.objects.get(order=order)
    client = client_for(staff)
    before = document_text(client, invoice)

    edited = OrderData(
        customer_name="Quelqu'un d'autre",
        billing_street="9 avenue Foch",
        lines=[LineData(sku="X", name="Autre chose", quantity=5, unit_price=Decimal("3"))],
        taxes=[TaxData(name="TVA 20 %", kind="rate", value=Decimal("20"))],
    )
    order.refresh_from_db()
    order_edit(membership=staff, order_pk=order.pk, version=order.version, data=edited)
    order.refresh_from_db()
    order_refund(membership=staff, order=order, amount=Decimal("1.00"), reason="")
    company.name = company.legal_name = "Nouveau Nom SAS"
    company.legal_address = "1 place Neuve\n69001 Lyon"
    company.payment_terms = "Comptant"
    company.save()

    assert document_text(client, invoice) == before
    assert Invoice.objects.filter(order=order).count() == 4  # + credit, new invoice, credit


def test_the_pdfs_are_pdf_a_3b_and_tagged(store, staff):
    order = order_set_payment_status(membership=staff, order=place_order(store), status="paid")
    response = client_for(staff).get(f"/invoices/{Invoice.objects.get(order=order).pk}.pdf")
    with pikepdf.open(io.BytesIO(b"".join(response.streaming_content))) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "B"
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        assert "/OutputIntents" in pdf.Root


def test_the_order_pdf_prints_its_invoice_and_credit_notes(store, staff):
    order = order_set_payment_status(membership=staff, order=place_order(store), status="paid")
    order_refund(membership=staff, order=order, amount=Decimal("6.00"), reason="")
    response = client_for(staff).get(f"/orders/{order.pk}/invoice.pdf")
    text = pdf_text(b"".join(response.streaming_content))
    invoice, note = Invoice.objects.filter(order=order).order_by("pk")
    assert f"Facture n° {invoice.number}" in text and f"Avoir n° {note.number}" in text
    assert f"{invoice.number}_{note.number}.pdf" in response["Content-Disposition"]


def test_a_packing_slip_names_the_carrier_tracking_number_and_phone(store, staff):
    order = place_order(store, customer_phone="06 12 34 56 78")
    order = order_set_payment_status(membership=staff, order=order, status="paid")
    order_set_fulfillment_status(
        membership=staff, order=order, status="shipped", carrier="Colissimo", tracking_number="8R1"
    )
    response = client_for(staff).get(f"/orders/{order.pk}/packing-slip.pdf")
    text = pdf_text(b"".join(response.streaming_content))
    assert "Bon de livraison" in text
    assert "Transporteur : Colissimo" in text and "Numéro de suivi : 8R1" in text
    assert "06 12 34 56 78" in text and "€" not in text


def test_a_long_description_is_broken_and_keeps_its_row(store, staff):
    name = "Coffret découverte " + "thé vert jasmin et oolong de Taïwan, " * 4 + "fin"
    order = place_order(
        store, lines=(("LONG-1", name, 1, "10.00"), ("NEXT-2", "Tasse", 2, "5.00")), vat="20"
    )
    order = order_set_payment_status(membership=staff, order=order, status="paid")
    text = document_text(client_for(staff), Invoice.objects.get(order=order))
    assert "fin" in text and "Tasse" in text and "20,00 €" in text


def test_another_stores_document_is_not_found(store, staff):
    other = StoreFactory(name="Autre")
    theirs = MembershipFactory(store=other)
    order = order_set_payment_status(membership=theirs, order=place_order(other), status="paid")
    document = Invoice.objects.get(order=order)
    assert client_for(staff).get(f"/invoices/{document.pk}.pdf").status_code == 404
