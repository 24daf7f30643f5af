"""VAT per rate on the invoice: mixed rates, a discount and shipping, in both price modes,
against hand-computed figures (orders/totals.py does the sums; the invoice shows them)."""

from decimal import Decimal

import pytest

from invoices.models import Invoice
from orders.models import Order
from orders.parts import DiscountData, LineData, OrderData
from orders.services import order_create, order_set_payment_status
from tests.conftest import client_for
from tests.invoices.helpers import pdf_text

pytestmark = pytest.mark.django_db
D = Decimal


def mixed_order(store, *, prices_include_vat: bool) -> Order:
    data = OrderData(
        customer_name="Camille Martin",
        billing_street="1 rue de Rivoli",
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
    )
    return order_create(store=store, source=Order.Source.STOREFRONT, data=data)


def issued(store, staff, **kwargs) -> Invoice:
    order = order_set_payment_status(
        membership=staff, order=mixed_order(store, **kwargs), status="paid"
    )
    return Invoice.objects.get(order=order)


def test_prices_including_vat(store, staff):
    invoice = issued(store, staff, prices_include_vat=True)
    # Goods 24.00 (20 %) and 10.55 (5.5 %); the 5.00 discount spread 3.47 / 1.53; shipping
    # 6.90 spread pro rata of 20.53 / 9.02: 4.79 / 2.11. Totals 25.32 / 11.13, bases
    # 25.32 / 1.2 = 21.10 and 11.13 / 1.055 = 10.55.
    assert invoice.snapshot["rates"] == [
        {"rate": "20", "base": "21.10", "vat": "4.22", "total": "25.32"},
        {"rate": "5.5", "base": "10.55", "vat": "0.58", "total": "11.13"},
    ]
    assert invoice.total == D("36.45")
    assert invoice.order.total == D("36.45") and invoice.order.tax_total == D("4.80")
    text = pdf_text(
        b"".join(client_for(staff).get(f"/invoices/{invoice.pk}.pdf").streaming_content)
    )
    for wording in (
        "TVA 20 %",
        "TVA 5,5 %",
        "Base HT 20 %",
        "Total HT",
        "31,65 €",
        "Total TTC",
        "36,45 €",
        "4,22 €",
        "0,58 €",
        "Livraison (Colissimo)",
    ):
        assert wording in text, wording


def test_prices_excluding_vat(store, staff):
    invoice = issued(store, staff, prices_include_vat=False)
    # Bases 24.00 − 3.47 + 4.79 = 25.32 and 10.55 − 1.53 + 2.11 = 11.13; VAT 5.06 and 0.61.
    assert invoice.snapshot["rates"] == [
        {"rate": "20", "base": "25.32", "vat": "5.06", "total": "30.38"},
        {"rate": "5.5", "base": "11.13", "vat": "0.61", "total": "11.74"},
    ]
    assert invoice.total == D("42.12") == invoice.order.total
    lines = invoice.snapshot["lines"]
    assert [(line["unit_price_ht"], line["vat_rate"]) for line in lines] == [
        ("12.00", "20"),
        ("10.55", "5.5"),
    ]
    assert invoice.snapshot["shipping"] == [
        {"rate": "20", "amount": "4.79"},
        {"rate": "5.5", "amount": "2.11"},
    ]


def test_a_partial_refund_is_credited_by_rate_pro_rata(store, staff):
    from orders.services import order_refund

    invoice = issued(store, staff, prices_include_vat=True)
    order_refund(membership=staff, order=invoice.order, amount=D("10.00"), reason="")
    note = Invoice.objects.get(corrects=invoice)
    # 10.00 pro rata of 25.32 / 11.13: 6.95 / 3.05; VAT taken out of each share.
    assert note.snapshot["rates"] == [
        {"rate": "20", "base": "5.79", "vat": "1.16", "total": "6.95"},
        {"rate": "5.5", "base": "2.89", "vat": "0.16", "total": "3.05"},
    ]
