"""In French: an order paid gets its invoice, a partial refund its credit note, both download."""

import io
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from invoices.models import Invoice
from mycommerce.roles import Role
from tests.browser.support import sign_in_as, use_language
from tests.factories import MembershipFactory
from tests.invoices.helpers import place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def downloaded_text(page: Page, link) -> str:
    with page.expect_download() as download:
        link.click(modifiers=["Alt"])
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    return (
        " ".join(p.extract_text() for p in reader.pages).replace("\u202f", " ").replace("\xa0", " ")
    )


def test_pay_then_refund_part_and_download_the_invoice_and_its_credit_note(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    order = place_order(membership.store)
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, membership.user.username)

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.locator("#payment-form select").select_option("paid")
    page.locator("#payment-form button[type=submit]").click()
    documents = page.get_by_test_id("documents")
    expect(documents).to_contain_text("Facture FA-")
    invoice = Invoice.objects.get(order=order)
    expect(documents).to_contain_text(f"Facture {invoice.number}")

    page.locator("#refund-form input[name$=amount]").fill("12.00")
    page.locator("#refund-form button[type=submit]").click()
    page.get_by_role("button", name="Oui, confirmer").click()
    note = Invoice.objects.get(order=order, kind=Invoice.Kind.CREDIT_NOTE)
    expect(documents).to_contain_text(f"Avoir {note.number}, rectifiant {invoice.number}")
    assert note.total == Decimal("12.00")

    invoice_text = downloaded_text(
        page, documents.get_by_role("link", name=f"PDF {invoice.number}")
    )
    assert f"Facture n° {invoice.number}" in invoice_text and "Total TTC" in invoice_text
    note_text = downloaded_text(page, documents.get_by_role("link", name=f"PDF {note.number}"))
    assert f"Avoir n° {note.number}" in note_text
    assert f"Rectifie la facture n° {invoice.number}" in note_text
