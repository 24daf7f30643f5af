"""The registry of CSV columns: a stable key (the contract for scripted clients), a translated
header, the field it reads, and how its value is written."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind:
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATETIME = "datetime"
    PAYMENT_STATUS = "payment_status"
    FULFILLMENT_STATUS = "fulfillment_status"
    SOURCE = "source"


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    field: str
    kind: str = Kind.TEXT
    # Read from the order line rather than the order.
    per_line: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("reference", _("Reference"), "reference"),
    Column("number", _("Number"), "number", Kind.NUMBER),
    Column("date", _("Date"), "created_at", Kind.DATETIME),
    Column("payment_status", _("Payment status"), "payment_status", Kind.PAYMENT_STATUS),
    Column(
        "fulfillment_status",
        _("Fulfillment status"),
        "fulfillment_status",
        Kind.FULFILLMENT_STATUS,
    ),
    Column("customer_name", _("Customer name"), "customer_name"),
    Column("customer_email", _("E-mail"), "customer_email"),
    Column("customer_phone", _("Phone"), "customer_phone"),
    Column("billing_name", _("Billing name"), "billing_name"),
    Column("billing_address", _("Billing address"), "billing_street"),
    Column("billing_postcode", _("Billing postcode"), "billing_postcode"),
    Column("billing_city", _("Billing city"), "billing_city"),
    Column("billing_country", _("Billing country"), "billing_country"),
    Column("shipping_name", _("Shipping name"), "shipping_name"),
    Column("shipping_address", _("Shipping address"), "shipping_street"),
    Column("shipping_postcode", _("Shipping postcode"), "shipping_postcode"),
    Column("shipping_city", _("Shipping city"), "shipping_city"),
    Column("shipping_country", _("Shipping country"), "shipping_country"),
    Column("currency", _("Currency"), "currency"),
    Column("subtotal", _("Subtotal"), "subtotal", Kind.MONEY),
    Column("discount", _("Discount"), "discount_total", Kind.MONEY),
    Column("tax", _("Tax"), "tax_total", Kind.MONEY),
    Column("shipping", _("Shipping"), "shipping_total", Kind.MONEY),
    Column("total", _("Total"), "total", Kind.MONEY),
    Column("refunded", _("Refunded amount"), "refunded_total", Kind.MONEY),
    Column("carrier", _("Carrier"), "carrier"),
    Column("tracking_number", _("Tracking number"), "tracking_number"),
    Column("source", _("Source"), "source", Kind.SOURCE),
    Column("line_sku", _("SKU"), "sku", per_line=True),
    Column("line_name", _("Product name"), "name", per_line=True),
    Column("line_quantity", _("Quantity"), "quantity", Kind.NUMBER, per_line=True),
    Column("line_unit_price", _("Unit price"), "unit_price", Kind.MONEY, per_line=True),
    Column("line_total", _("Line total"), "line_total", Kind.MONEY, per_line=True),
)

COLUMNS_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
COLUMN_KEYS: tuple[str, ...] = tuple(COLUMNS_BY_KEY)


def column_choices() -> list[tuple[str, Promise]]:
    return [(column.key, column.header) for column in COLUMNS]


def columns_for_keys(keys) -> list[Column]:
    """The chosen columns in the registry's order (a stable file layout whatever the tick order)."""
    wanted = set(keys)
    return [column for column in COLUMNS if column.key in wanted]
