"""Orders placed through the one `order_create`, and the text of PDFs read back."""

import io
from decimal import Decimal

from pypdf import PdfReader

from orders.models import Order
from orders.parts import DiscountData, LineData, OrderData, TaxData
from orders.services import order_create


def place_order(
    store,
    *,
    lines=(("TSH-01", "T-shirt coton bio", 2, "25.00"),),
    vat="20",
    shipping="0",
    discounts=(),
    **fields,
) -> Order:
    data = OrderData(
        customer_name=fields.pop("customer_name", "Camille Martin"),
        customer_email="camille@example.fr",
        billing_street="1 rue de Rivoli",
        billing_postcode="75001",
        billing_city="Paris",
        billing_country="FR",
        shipping_total=Decimal(shipping),
        lines=[
            LineData(sku=sku, name=name, quantity=quantity, unit_price=Decimal(price))
            for sku, name, quantity, price in lines
        ],
        discounts=[
            DiscountData(label=label, kind=kind, value=Decimal(v)) for label, kind, v in discounts
        ],
        taxes=[TaxData(name=f"TVA {vat} %", kind="rate", value=Decimal(vat))] if vat else [],
    )
    order = order_create(store=store, source=Order.Source.STOREFRONT, data=data)
    if fields:
        Order.objects.filter(pk=order.pk).update(**fields)
        order.refresh_from_db()
    return order


def pdf_text(content: bytes) -> str:
    """All pages' text, the narrow and non-breaking spaces Babel uses made plain."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
