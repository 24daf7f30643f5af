"""The one function that computes an order's totals from its parts.

Prices are tax-exclusive: total = subtotal − discounts + taxes + shipping. Every
amount is quantised to the currency once, where it is computed; sums of quantised
amounts need no further rounding. A total is never negative.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

HUNDRED = Decimal(100)

DISCOUNT_FIXED = "fixed"
DISCOUNT_PERCENT = "percent"
TAX_RATE = "rate"
TAX_AMOUNT = "amount"


@dataclass(frozen=True)
class LinePart:
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class DiscountPart:
    kind: str  # "fixed" or "percent"
    value: Decimal


@dataclass(frozen=True)
class TaxPart:
    kind: str  # "rate" or "amount"
    value: Decimal


@dataclass(frozen=True)
class Totals:
    line_totals: tuple[Decimal, ...]
    subtotal: Decimal
    discount_amounts: tuple[Decimal, ...]
    discount_total: Decimal
    tax_amounts: tuple[Decimal, ...]
    tax_total: Decimal
    shipping_total: Decimal
    total: Decimal
    # What the discounts asked for before being capped at the subtotal.
    requested_discount_total: Decimal

    @property
    def discounts_exceed_subtotal(self) -> bool:
        return self.requested_discount_total > self.subtotal


def currency_quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantise(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(currency_quantum(currency), rounding=ROUND_HALF_UP)


def totals_compute(
    *,
    currency: str,
    lines: list[LinePart],
    discounts: list[DiscountPart] = (),
    taxes: list[TaxPart] = (),
    shipping: Decimal = Decimal(0),
) -> Totals:
    """Subtotal, discount and tax amounts, shipping and total, from their parts."""
    zero = quantise(Decimal(0), currency)
    line_totals = tuple(
        quantise(Decimal(line.quantity) * Decimal(line.unit_price), currency) for line in lines
    )
    subtotal = sum(line_totals, zero)

    requested = tuple(
        quantise(
            subtotal * Decimal(d.value) / HUNDRED if d.kind == DISCOUNT_PERCENT else d.value,
            currency,
        )
        for d in discounts
    )
    # Discounts are capped at what is left of the subtotal, so the total never goes negative.
    discount_amounts = []
    remaining = subtotal
    for amount in requested:
        applied = min(max(amount, zero), remaining)
        discount_amounts.append(applied)
        remaining -= applied
    discount_total = sum(discount_amounts, zero)

    taxable = subtotal - discount_total
    tax_amounts = tuple(
        max(
            zero,
            quantise(
                taxable * Decimal(t.value) / HUNDRED if t.kind == TAX_RATE else t.value, currency
            ),
        )
        for t in taxes
    )
    tax_total = sum(tax_amounts, zero)
    shipping_total = max(zero, quantise(shipping, currency))
    total = taxable + tax_total + shipping_total
    return Totals(
        line_totals=line_totals,
        subtotal=subtotal,
        discount_amounts=tuple(discount_amounts),
        discount_total=discount_total,
        tax_amounts=tax_amounts,
        tax_total=tax_total,
        shipping_total=shipping_total,
        total=total,
        requested_discount_total=sum(requested, zero),
    )
