"""The one function that computes an order's totals from its parts.

Prices are tax-exclusive: total = subtotal − discounts + taxes + shipping. Every
amount is quantised to the currency once, where it is computed; sums of quantised
amounts need no further rounding. A total is never negative. Every amount must fit
the money columns (MONEY_MAX): `totals_check_bounds` refuses an order that would not.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mycommerce.money import format_money

HUNDRED = Decimal(100)

# The money columns (orders.models.money_field): 14 digits, 2 of them after the point.
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
MONEY_MAX = Decimal("999999999999.99")
# A tax's value column: 14 digits, 3 of them after the point.
TAX_VALUE_MAX = Decimal("99999999999.999")
# The quantity column (a PositiveIntegerField: 32 bits on PostgreSQL).
QUANTITY_MAX = 2_147_483_647

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


class AmountTooLarge(ValidationError):
    """An amount of the order is past MONEY_MAX. `part` says which one ("line", "subtotal",
    "discount", "tax", "shipping", "total"), `index` which line, discount or tax."""

    def __init__(self, message: str, *, part: str, index: int | None = None):
        super().__init__(message, code="amount_too_large")
        self.part = part
        self.index = index


PART_MESSAGES = {
    "subtotal": gettext_lazy("The subtotal would be %(amount)s: an order cannot exceed %(max)s."),
    "discount": gettext_lazy("A discount would be %(amount)s: an order cannot exceed %(max)s."),
    "tax": gettext_lazy("A tax would be %(amount)s: an order cannot exceed %(max)s."),
    "shipping": gettext_lazy("The shipping would be %(amount)s: an order cannot exceed %(max)s."),
    "total": gettext_lazy("The total would be %(amount)s: an order cannot exceed %(max)s."),
}


def totals_check_inputs(
    *,
    currency: str,
    unit_prices: list[Decimal],
    discount_values: list[Decimal],
    tax_values: list[Decimal],
    shipping: Decimal,
) -> None:
    """Refuse a typed amount that is not a number its column holds, before anything is
    computed from it (1e999 cannot even be quantised)."""
    typed = [
        *(("line", i, value, MONEY_MAX) for i, value in enumerate(unit_prices)),
        *(("discount", i, value, MONEY_MAX) for i, value in enumerate(discount_values)),
        *(("tax", i, value, TAX_VALUE_MAX) for i, value in enumerate(tax_values)),
        ("shipping", None, shipping, MONEY_MAX),
    ]
    for part, index, value, maximum in typed:
        if not Decimal(value).is_finite() or abs(value) > maximum:
            raise AmountTooLarge(
                _("An amount of this order is larger than %(max)s.")
                % {"max": format_money(maximum, currency)},
                part=part,
                index=index,
            )


def totals_check_bounds(*, totals: Totals, currency: str) -> None:
    """Refuse totals that the money columns cannot hold (PostgreSQL would fail the insert,
    SQLite would store a value it cannot read back), naming the first amount too large."""
    limit = format_money(MONEY_MAX, currency)
    for index, amount in enumerate(totals.line_totals):
        if abs(amount) > MONEY_MAX:
            raise AmountTooLarge(
                _(
                    "Line %(position)d would come to %(amount)s: an order cannot exceed "
                    "%(max)s. Lower its quantity or its price."
                )
                % {"position": index + 1, "amount": format_money(amount, currency), "max": limit},
                part="line",
                index=index,
            )
    amounts = [
        ("subtotal", None, totals.subtotal),
        *(("discount", i, amount) for i, amount in enumerate(totals.discount_amounts)),
        *(("tax", i, amount) for i, amount in enumerate(totals.tax_amounts)),
        ("shipping", None, totals.shipping_total),
        ("total", None, totals.total),
    ]
    for part, index, amount in amounts:
        if abs(amount) > MONEY_MAX:
            raise AmountTooLarge(
                PART_MESSAGES[part] % {"amount": format_money(amount, currency), "max": limit},
                part=part,
                index=index,
            )
