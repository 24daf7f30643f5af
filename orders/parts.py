"""An order's parts as a form or a storefront submits them (lines, customer, addresses,
discounts, taxes, shipping), their rules, and how they are written. Totals are never part
of what is submitted: they are computed here, on the server."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mycommerce.legal import clean_siren, clean_vat_number
from mycommerce.money import format_money
from orders.models import Order, OrderDiscount, OrderLine, OrderTax
from orders.search import order_search_text_for
from orders.totals import (
    QUANTITY_MAX,
    DiscountPart,
    LinePart,
    TaxPart,
    Totals,
    VatScheme,
    totals_check_bounds,
    totals_check_inputs,
    totals_compute,
)

MAX_LINES = 500

# Order fields the form edits, in the order the timeline lists their changes.
EDITABLE_FIELDS = (
    "customer_name",
    "customer_email",
    "customer_phone",
    "billing_name",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "billing_country",
    "shipping_name",
    "shipping_street",
    "shipping_postcode",
    "shipping_city",
    "shipping_country",
    "shipping_method",
    "buyer_company",
    "buyer_siren",
    "buyer_vat_number",
    "delivery_date",
    "operation_category",
)


@dataclass(frozen=True)
class LineData:
    name: str
    quantity: int
    unit_price: Decimal
    sku: str = ""
    line_id: int | None = None
    # Percent; None on every line: the order's taxes apply (orders/totals.py).
    vat_rate: Decimal | None = None


@dataclass(frozen=True)
class DiscountData:
    label: str
    kind: str
    value: Decimal


@dataclass(frozen=True)
class TaxData:
    name: str
    kind: str
    value: Decimal


@dataclass
class OrderData:
    """Everything an order form submits; totals are not part of it: they are computed."""

    customer_name: str
    lines: list[LineData]
    customer_email: str = ""
    customer_phone: str = ""
    billing_name: str = ""
    billing_street: str = ""
    billing_postcode: str = ""
    billing_city: str = ""
    billing_country: str = ""
    shipping_name: str = ""
    shipping_street: str = ""
    shipping_postcode: str = ""
    shipping_city: str = ""
    shipping_country: str = ""
    shipping_method: str = ""
    buyer_company: str = ""
    buyer_siren: str = ""
    buyer_vat_number: str = ""
    delivery_date: date | None = None
    operation_category: str = Order.OperationCategory.GOODS
    shipping_total: Decimal = Decimal("0.00")
    # How VAT per line is charged (the store's settings when the order was placed).
    prices_include_vat: bool = False
    charges_vat: bool = True
    shipping_vat_rate: Decimal | None = None
    discounts: list[DiscountData] = field(default_factory=list)
    taxes: list[TaxData] = field(default_factory=list)


def order_totals_for_data(*, currency: str, data: OrderData) -> Totals:
    return totals_compute(
        currency=currency,
        lines=[
            LinePart(quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate)
            for line in data.lines
        ],
        discounts=[DiscountPart(kind=d.kind, value=d.value) for d in data.discounts],
        taxes=[TaxPart(kind=t.kind, value=t.value) for t in data.taxes],
        shipping=data.shipping_total,
        vat=VatScheme(
            prices_include_vat=data.prices_include_vat,
            shipping_rate=data.shipping_vat_rate,
            charges_vat=data.charges_vat,
        ),
    )


def _vat_rules(data: OrderData) -> None:
    """A rate on every line or on none; never both rates and order taxes; a checked buyer."""
    rated = [line.vat_rate is not None for line in data.lines]
    if any(rated) and not all(rated):
        raise ValidationError(_("Give every line its VAT rate."), code="vat_rate")
    if any(rated) and data.taxes:
        raise ValidationError(
            _("With a VAT rate on each line, the order has no taxes of its own: remove them."),
            code="vat_and_taxes",
        )
    if any(not 0 <= line.vat_rate < 100 for line in data.lines if line.vat_rate is not None):
        raise ValidationError(_("A VAT rate is between 0 and 99.99 %."), code="vat_rate")
    # The same checks as the form's fields: a storefront's too.
    clean_siren(data.buyer_siren)
    clean_vat_number(data.buyer_vat_number)


def order_parts_validate(*, currency: str, data: OrderData) -> Totals:
    """The rules of an order's parts, and its totals when they hold."""
    if not data.lines:
        raise ValidationError(_("An order needs at least one line."), code="no_line")
    if len(data.lines) > MAX_LINES:
        raise ValidationError(
            _("An order can have at most %(max)d lines.") % {"max": MAX_LINES}, code="too_many"
        )
    totals_check_inputs(
        currency=currency,
        unit_prices=[line.unit_price for line in data.lines],
        discount_values=[d.value for d in data.discounts],
        tax_values=[t.value for t in data.taxes],
        shipping=data.shipping_total,
    )
    for line in data.lines:
        if not 1 <= line.quantity <= QUANTITY_MAX:
            raise ValidationError(_("Quantities must be positive whole numbers."), code="quantity")
        if line.unit_price < 0:
            raise ValidationError(_("Prices cannot be negative."), code="price")
    if data.shipping_total < 0:
        raise ValidationError(_("Shipping cannot be negative."), code="shipping")
    _vat_rules(data)
    totals = order_totals_for_data(currency=currency, data=data)
    totals_check_bounds(totals=totals, currency=currency)
    if totals.discounts_exceed_subtotal:
        raise ValidationError(
            _("The discounts (%(discounts)s) are larger than the subtotal (%(subtotal)s).")
            % {
                "discounts": format_money(totals.requested_discount_total, currency),
                "subtotal": format_money(totals.subtotal, currency),
            },
            code="discount_too_large",
        )
    return totals


def order_apply_fields(*, order: Order, data: OrderData, totals: Totals) -> None:
    """Set the submitted fields, the computed totals and the search text on `order` (not
    saved; its reference is set)."""
    for name in EDITABLE_FIELDS:
        setattr(order, name, getattr(data, name))
    order.search_text = order_search_text_for(order, [(line.sku, line.name) for line in data.lines])
    order.prices_include_vat = data.prices_include_vat
    order.charges_vat = data.charges_vat
    order.shipping_vat_rate = data.shipping_vat_rate
    order.subtotal = totals.subtotal
    order.discount_total = totals.discount_total
    order.tax_total = totals.tax_total
    order.shipping_total = totals.shipping_total
    order.total = totals.total


def order_write_parts(*, order: Order, data: OrderData, totals: Totals) -> None:
    """Replace the lines, discounts and taxes of `order` (inside the caller's transaction)."""
    order.lines.all().delete()
    order.discounts.all().delete()
    order.taxes.all().delete()
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line_total,
            vat_rate=line.vat_rate,
        )
        for position, (line, line_total) in enumerate(zip(data.lines, totals.line_totals))
    )
    OrderDiscount.objects.bulk_create(
        OrderDiscount(order=order, label=d.label, kind=d.kind, value=d.value, amount=amount)
        for d, amount in zip(data.discounts, totals.discount_amounts)
    )
    OrderTax.objects.bulk_create(
        OrderTax(order=order, name=t.name, kind=t.kind, value=t.value, amount=amount)
        for t, amount in zip(data.taxes, totals.tax_amounts)
    )
