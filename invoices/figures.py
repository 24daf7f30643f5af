"""The figures an invoice prints, per line and per VAT rate, read from an order.

The computation itself is orders/totals.py's; this only lays its result out for a document.
With prices typed tax-inclusive, a line's price excluding VAT is shown rounded from its
own (line ÷ (1 + rate)); the legal figures are the per-rate base, VAT and total.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from orders.models import Order, OrderTax
from orders.totals import DiscountPart, LinePart, RateTotal, VatScheme, totals_compute

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DocumentLine:
    sku: str
    name: str
    quantity: int
    unit_price_ht: Decimal
    vat_rate: Decimal
    total_ht: Decimal


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


def _excluding_vat(amount: Decimal, rate: Decimal, order: Order) -> Decimal:
    if not order.prices_include_vat or not order.charges_vat:
        return amount
    return (amount * HUNDRED / (HUNDRED + rate)).quantize(CENT, ROUND_HALF_UP)


def _per_line_figures(order: Order, lines) -> Figures:
    totals = totals_compute(
        currency=order.currency,
        lines=[LinePart(line.quantity, line.unit_price, line.vat_rate) for line in lines],
        discounts=[DiscountPart(d.kind, d.value) for d in order.discounts.all()],
        shipping=order.shipping_total,
        vat=VatScheme(
            prices_include_vat=order.prices_include_vat,
            shipping_rate=order.shipping_vat_rate,
            charges_vat=order.charges_vat,
        ),
    )
    rate_of = (lambda line: line.vat_rate) if order.charges_vat else (lambda line: ZERO)
    labels = ", ".join(d.label for d in order.discounts.all())
    return Figures(
        lines=[
            DocumentLine(
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price_ht=_excluding_vat(line.unit_price, rate_of(line), order),
                vat_rate=rate_of(line),
                total_ht=_excluding_vat(line.line_total, rate_of(line), order),
            )
            for line in lines
        ],
        # Per rate, the discounts and shipping as they reduce and add to its base.
        discounts=[
            (
                f"{labels} ({r.rate.normalize():f} %)" if len(totals.rates) > 1 else labels,
                _excluding_vat(r.discount, r.rate, order),
            )
            for r in totals.rates
            if r.discount
        ],
        shipping=[
            (r.rate, _excluding_vat(r.shipping, r.rate, order)) for r in totals.rates if r.shipping
        ],
        rates=list(totals.rates),
        total_ht=sum((r.base for r in totals.rates), ZERO),
        total_vat=totals.tax_total,
        total_ttc=totals.total,
    )


def order_figures(*, order: Order) -> Figures:
    """The order's lines, discounts, shipping and VAT per rate, excluding VAT."""
    lines = list(order.lines.all())
    if lines and all(line.vat_rate is not None for line in lines):
        return _per_line_figures(order, lines)
    # Taxed as a whole (orders the migration could not give a rate per line).
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
