"""The figures an invoice prints, per line and per VAT rate, read from an order.

The computation itself is orders/totals.py's; this only lays its result out for a document.
"""

from dataclasses import dataclass
from decimal import Decimal

from orders.models import Order, OrderTax

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DocumentLine:
    sku: str
    name: str
    quantity: int
    unit_price_ht: Decimal
    vat_rate: Decimal
    total_ht: Decimal


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    base: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class Figures:
    lines: list[DocumentLine]
    discounts: list[tuple[str, Decimal]]
    shipping: list[tuple[Decimal, Decimal]]  # (rate, amount excluding VAT)
    rates: list[RateTotal]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal


def _order_rate(order: Order) -> Decimal:
    rates = [tax.value for tax in order.taxes.all() if tax.kind == OrderTax.Kind.RATE]
    return Decimal(rates[0]) if len(rates) == 1 else ZERO


def order_figures(*, order: Order) -> Figures:
    """The order's lines, discounts, shipping and VAT per rate, excluding VAT."""
    rate = _order_rate(order)
    lines = [
        DocumentLine(
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price_ht=line.unit_price,
            vat_rate=rate,
            total_ht=line.line_total,
        )
        for line in order.lines.all()
    ]
    goods = order.subtotal - order.discount_total
    rates = {rate: RateTotal(rate, goods, order.tax_total, goods + order.tax_total)}
    if order.shipping_total:
        # Orders of before per-line rates: shipping was not taxed.
        previous = rates.get(ZERO, RateTotal(ZERO, ZERO, ZERO, ZERO))
        rates[ZERO] = RateTotal(
            ZERO,
            previous.base + order.shipping_total,
            previous.vat,
            previous.total + order.shipping_total,
        )
    ordered = sorted(rates.values(), key=lambda r: r.rate, reverse=True)
    return Figures(
        lines=lines,
        discounts=[(d.label, d.amount) for d in order.discounts.all()],
        shipping=[(ZERO, order.shipping_total)] if order.shipping_total else [],
        rates=ordered,
        total_ht=sum((r.base for r in ordered), ZERO),
        total_vat=sum((r.vat for r in ordered), ZERO),
        total_ttc=order.total,
    )
