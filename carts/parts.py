"""A cart's parts as the storefront submits them (customer, language, currency, lines), and
their rules, each error under the field it is about. Totals are computed, never submitted."""

from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from mycommerce.models import Store
from orders.parts import MAX_LINES
from orders.totals import LinePart, currency_quantum, totals_compute

# The intake's bounds; the API's schema documents the same numbers.
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE = Decimal("1000000")
# With taxes and shipping added at checkout, the order's total stays within its money columns.
MAX_CART_TOTAL = Decimal("100000000")
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


@dataclass(frozen=True)
class CartLineData:
    name: str
    quantity: int
    # Including or excluding VAT as the store's prices are (its price mode).
    unit_price: Decimal
    sku: str = ""
    # Percent, one of the store's rates; on every line or on none.
    vat_rate: Decimal | None = None


@dataclass
class CartData:
    """What the storefront sends about a cart; its total is computed here."""

    lines: list[CartLineData]
    customer_name: str = ""
    customer_email: str = ""
    marketing_consent: bool = False
    language: str = ""
    currency: str = ""


@dataclass
class CheckoutData:
    """What the storefront adds at checkout; the lines and customer are the cart's."""

    paid: bool = False
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
    shipping_total: Decimal = Decimal("0.00")
    # (name, rate in %) of each tax, e.g. ("TVA 20 %", Decimal("20")).
    taxes: list[tuple[str, Decimal]] = field(default_factory=list)


def _vat_rate_errors(*, store: Store, lines: list[CartLineData]) -> dict[str, list[str]]:
    """A VAT rate on every line or on none, each one of the store's rates."""
    rated = [line.vat_rate is not None for line in lines]
    if not any(rated):
        return {}
    if not all(rated):
        return {"lines": [_("Give every line its VAT rate, or none.")]}
    choices = store.vat_rate_choices if store.charges_vat else [Decimal(0)]
    return {
        f"lines[{index}].vat_rate": [
            _("The VAT rate must be one of the store’s: %(rates)s.")
            % {"rates": ", ".join(f"{rate.normalize():f}" for rate in choices)}
        ]
        for index, line in enumerate(lines)
        if line.vat_rate is not None and line.vat_rate not in choices
    }


def cart_data_validate(*, store: Store, data: CartData) -> list[Decimal]:
    """The rules of a cart, each error under the field it is about; the line totals."""
    errors: dict[str, list[str]] = {}
    currency = (data.currency or store.currency).upper()
    if currency not in list_currencies():
        errors["currency"] = [_("“%(code)s” is not a currency code.") % {"code": data.currency}]
    elif currency != store.currency:
        errors["currency"] = [
            _("This store sells in %(currency)s only.") % {"currency": store.currency}
        ]
    if data.language and data.language not in Store.Language.values:
        errors["language"] = [_("Choose the language “fr” or “en”.")]
    if data.customer_email:
        try:
            validate_email(data.customer_email)
        except ValidationError:
            errors["customer.email"] = [_("Enter a valid e-mail address.")]
    if len(data.lines) > MAX_LINES:
        errors["lines"] = [_("A cart can have at most %(max)d lines.") % {"max": MAX_LINES}]
    quantum = currency_quantum(store.currency)
    for index, line in enumerate(data.lines[:MAX_LINES]):
        where = f"lines[{index}]"
        if not line.name.strip():
            errors[f"{where}.name"] = [_("Each line needs a product name.")]
        if not 1 <= line.quantity <= MAX_QUANTITY:
            errors[f"{where}.quantity"] = [
                _("The quantity must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}
            ]
        if not line.unit_price.is_finite() or not 0 <= line.unit_price <= MAX_UNIT_PRICE:
            errors[f"{where}.unit_price"] = [
                _("The unit price must be from 0 to %(max)s.") % {"max": MAX_UNIT_PRICE}
            ]
        elif line.unit_price != line.unit_price.quantize(quantum):
            errors[f"{where}.unit_price"] = [
                _("The unit price has more decimals than %(currency)s allows.")
                % {"currency": store.currency}
            ]
    errors.update(_vat_rate_errors(store=store, lines=data.lines[:MAX_LINES]))
    if errors:
        raise ValidationError(errors)
    totals = totals_compute(
        currency=store.currency,
        lines=[LinePart(quantity=line.quantity, unit_price=line.unit_price) for line in data.lines],
    )
    if totals.subtotal > MAX_CART_TOTAL:
        raise ValidationError(
            {"lines": [_("The cart's total may be at most %(max)s.") % {"max": MAX_CART_TOTAL}]}
        )
    return list(totals.line_totals)
