"""The one function that computes an order's totals from its parts.

Two ways, chosen by the parts:
- VAT per line (French VAT, `VatScheme`): every line has its rate; prices are typed
  tax-inclusive (TTC) or tax-exclusive (HT) as the store chose. Discounts are spread over
  the rates of the lines they reduce, pro rata of their amounts; shipping follows the goods,
  spread pro rata of the rates' discounted amounts (unless the order has a shipping rate of
  its own). Then, per rate, ONE rounding to the cent (half up), as the accountant expects:
  HT: VAT = base × rate, total = base + VAT; TTC: base = total ÷ (1 + rate), VAT = total −
  base, so the total is exactly what the customer was shown. Under art. 293 B no VAT at all.
  Spreads give each share its cents by the largest remainder, so the shares add up exactly.
- order-level taxes (orders from before per-line rates, and parts that send none): prices
  are tax-exclusive, total = subtotal − discounts + taxes + shipping.
Every amount is quantised to the currency once, where it is computed; sums of quantised
amounts need no further rounding. A total is never negative. Every amount must fit the
money columns (MONEY_MAX): `totals_check_bounds` refuses an order that would not.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

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
    # Percent; None: the order's taxes apply (order-level taxes).
    vat_rate: Decimal | None = None


@dataclass(frozen=True)
class VatScheme:
    """How an order with a VAT rate per line is charged."""

    prices_include_vat: bool = False
    # None: shipping follows the goods; orders migrated from order-level taxes keep 0.
    shipping_rate: Decimal | None = None
    charges_vat: bool = True


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    base: Decimal  # excluding VAT
    vat: Decimal
    total: Decimal  # including VAT
    discount: Decimal = Decimal(0)  # the share of the discounts, as the prices were typed
    shipping: Decimal = Decimal(0)  # the share of the shipping, as the prices were typed


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
    # VAT per line: per rate, the highest rate first; empty with order-level taxes.
    rates: tuple[RateTotal, ...] = ()
    prices_include_vat: bool = False

    @property
    def discounts_exceed_subtotal(self) -> bool:
        return self.requested_discount_total > self.subtotal


def currency_quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantise(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(currency_quantum(currency), rounding=ROUND_HALF_UP)


def totals_spread(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """`amount` shared pro rata of `weights`, each share in whole cents, the cents left
    given to the largest remainders: the shares add up to `amount` and none passes its
    weight's share of it rounded up."""
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if not whole:
        return [amount] + [quantise(Decimal(0), currency)] * (len(weights) - 1)
    quantum = currency_quantum(currency)
    raw = [amount * weight / whole for weight in weights]
    shares = [value.quantize(quantum, rounding=ROUND_FLOOR) for value in raw]
    left = int((amount - sum(shares, Decimal(0))) / quantum)
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for index in by_remainder[:left]:
        shares[index] += quantum
    return shares


def _rate_totals(
    *, currency: str, amounts: dict[Decimal, tuple[Decimal, Decimal, Decimal]], vat: VatScheme
) -> tuple[RateTotal, ...]:
    """Per rate, from (amount as typed, discount share, shipping share): one rounding each."""
    result = []
    for rate in sorted(amounts, reverse=True):
        amount, discount, shipping = amounts[rate]
        if not vat.charges_vat:
            base, tax = amount, quantise(Decimal(0), currency)
        elif vat.prices_include_vat:
            base = quantise(amount * HUNDRED / (HUNDRED + rate), currency)
            tax = amount - base
        else:
            base, tax = amount, quantise(amount * rate / HUNDRED, currency)
        result.append(RateTotal(rate, base, tax, base + tax, discount, shipping))
    return tuple(result)


def _per_line_totals(
    *, currency: str, line_totals, lines, discount_total, shipping_total, vat: VatScheme
) -> tuple[RateTotal, ...]:
    zero = quantise(Decimal(0), currency)
    goods: dict[Decimal, Decimal] = {}
    for line, amount in zip(lines, line_totals):
        rate = Decimal(line.vat_rate) if vat.charges_vat else Decimal(0)
        goods[rate] = goods.get(rate, zero) + amount
    rates = sorted(goods, reverse=True)
    discount = dict(zip(rates, totals_spread(discount_total, [goods[r] for r in rates], currency)))
    net = {r: goods[r] - discount[r] for r in rates}
    shipping = {r: zero for r in rates}
    if vat.shipping_rate is not None:
        rate = Decimal(vat.shipping_rate) if vat.charges_vat else Decimal(0)
        shipping[rate] = shipping.get(rate, zero) + shipping_total
    else:
        # Pro rata of the discounted goods; if the discounts took everything, of the goods.
        weights = [net[r] for r in rates] if any(net.values()) else [goods[r] for r in rates]
        shipping.update(zip(rates, totals_spread(shipping_total, weights, currency)))
    amounts = {
        r: (net.get(r, zero) + shipping[r], discount.get(r, zero), shipping[r])
        for r in shipping
        if r in goods or shipping[r]
    }
    return _rate_totals(currency=currency, amounts=amounts, vat=vat)


def totals_compute(
    *,
    currency: str,
    lines: list[LinePart],
    discounts: list[DiscountPart] = (),
    taxes: list[TaxPart] = (),
    shipping: Decimal = Decimal(0),
    vat: VatScheme | None = None,
) -> Totals:
    """Subtotal, discount and tax amounts, shipping and total, from their parts: VAT per
    line when `vat` is given and every line has its rate, else the order-level `taxes`."""
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
    shipping_total = max(zero, quantise(shipping, currency))
    if vat is not None and lines and all(line.vat_rate is not None for line in lines):
        rates = _per_line_totals(
            currency=currency,
            line_totals=line_totals,
            lines=lines,
            discount_total=discount_total,
            shipping_total=shipping_total,
            vat=vat,
        )
        return Totals(
            line_totals=line_totals,
            subtotal=subtotal,
            discount_amounts=tuple(discount_amounts),
            discount_total=discount_total,
            tax_amounts=tuple(zero for _ in taxes),
            tax_total=sum((r.vat for r in rates), zero),
            shipping_total=shipping_total,
            total=sum((r.total for r in rates), zero),
            requested_discount_total=sum(requested, zero),
            rates=rates,
            prices_include_vat=vat.prices_include_vat,
        )
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
