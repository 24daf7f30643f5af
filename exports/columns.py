"""The registry of export columns: a stable key (the contract for scripted clients), a translated
header, the group the picker shows it in, where its value is read and how it is written.

`source` says where a value comes from: a field of the order, of the order line, or one of the
order's related rows (events, refunds, notes, discounts, taxes), which the selector reads once
per batch of orders, never once per order.
"""

from dataclasses import dataclass

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Kind:
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"  # a rate such as 20 or 5.5 (the header says "%")
    DATETIME = "datetime"
    DATE = "date"
    PAYMENT_STATUS = "payment_status"
    FULFILLMENT_STATUS = "fulfillment_status"
    SOURCE = "source"
    # Not in the registry: cells the database wrote already, joined (exports/database_cells.py).
    CELLS = "cells"


class Source:
    ORDER = "order"
    LINE = "line"
    EVENTS = "events"
    REFUNDS = "refunds"
    NOTES = "notes"
    DISCOUNTS = "discounts"
    TAXES = "taxes"
    TRACKING = "tracking"
    VAT_RATES = "vat_rates"
    INVOICES = "invoices"


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise


# The picker's groups, in its order.
GROUPS: tuple[Group, ...] = (
    Group("order", pgettext_lazy("export column group", "Order")),
    Group("customer", pgettext_lazy("export column group", "Customer")),
    Group("addresses", pgettext_lazy("export column group", "Addresses")),
    Group("payment", pgettext_lazy("export column group", "Payment")),
    Group("shipping", pgettext_lazy("export column group", "Shipping")),
    Group("lines", pgettext_lazy("export column group", "Lines")),
    Group("taxes", pgettext_lazy("export column group", "Taxes")),
    Group("invoices", pgettext_lazy("export column group", "Invoices")),
)


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    field: str
    kind: str = Kind.TEXT
    group: str = "order"
    source: str = Source.ORDER

    @property
    def per_line(self) -> bool:
        """Read from the order line rather than the order."""
        return self.source == Source.LINE


# An order's taxes fill these numbered slots (name, rate, amount) in their order; further
# taxes are in the "Tax" total only. Twenty taxes may be entered, but an order rarely has more
# than its VAT rates.
TAX_SLOTS = 3


def _slot_header(text: str, slot: int) -> Promise:
    return lazy(lambda: gettext(text) % {"slot": slot}, str)()


def _tax_columns() -> tuple[Column, ...]:
    # The literals are marked with gettext_noop for makemessages; _slot_header translates them.
    name, rate, amount = (
        gettext_noop("Tax %(slot)d name"),
        gettext_noop("Tax %(slot)d rate (%%)"),
        gettext_noop("Tax %(slot)d amount"),
    )
    columns: list[Column] = []
    for slot in range(1, TAX_SLOTS + 1):
        taxes = {"group": "taxes", "source": Source.TAXES}
        columns += [
            Column(f"tax_{slot}_name", _slot_header(name, slot), f"{slot}.name", **taxes),
            Column(
                f"tax_{slot}_rate", _slot_header(rate, slot), f"{slot}.rate", Kind.PERCENT, **taxes
            ),
            Column(
                f"tax_{slot}_amount",
                _slot_header(amount, slot),
                f"{slot}.amount",
                Kind.MONEY,
                **taxes,
            ),
        ]
    return tuple(columns)


# An order's VAT rates, the highest first, fill these slots (rate, excluding VAT, VAT,
# including VAT): French VAT has four rates, an order rarely more than two.
VAT_SLOTS = 3


def _vat_columns() -> tuple[Column, ...]:
    rate, base, vat, total = (
        gettext_noop("VAT rate %(slot)d (%%)"),
        gettext_noop("Excl. VAT at rate %(slot)d"),
        gettext_noop("VAT at rate %(slot)d"),
        gettext_noop("Incl. VAT at rate %(slot)d"),
    )
    taxes = {"group": "taxes", "source": Source.VAT_RATES}
    columns: list[Column] = [
        Column("total_excl_vat", _("Total excl. VAT"), "total_excl_vat", Kind.MONEY, **taxes)
    ]
    for slot in range(1, VAT_SLOTS + 1):
        columns += [
            Column(
                f"vat_{slot}_rate", _slot_header(rate, slot), f"{slot}.rate", Kind.PERCENT, **taxes
            ),
            *(
                Column(
                    f"vat_{slot}_{part}",
                    _slot_header(text, slot),
                    f"{slot}.{part}",
                    Kind.MONEY,
                    **taxes,
                )
                for part, text in (("base", base), ("vat", vat), ("total", total))
            ),
        ]
    return tuple(columns)


COLUMNS: tuple[Column, ...] = (
    # Order
    Column("reference", _("Reference"), "reference"),
    Column("number", _("Number"), "number", Kind.NUMBER),
    Column("date", _("Date"), "created_at", Kind.DATETIME),
    Column("day", _("Order day"), "created_at", Kind.DATE),
    Column("payment_status", _("Payment status"), "payment_status", Kind.PAYMENT_STATUS),
    Column(
        "fulfillment_status",
        _("Fulfillment status"),
        "fulfillment_status",
        Kind.FULFILLMENT_STATUS,
    ),
    Column("source", _("Source"), "source", Kind.SOURCE),
    Column("notes", _("Staff notes"), "texts", source=Source.NOTES),
    Column("cancelled_at", _("Cancelled on"), "cancelled_at", Kind.DATETIME, source=Source.EVENTS),
    Column("updated_at", _("Last updated"), "updated_at", Kind.DATETIME),
    # Customer
    Column("customer_name", _("Customer name"), "customer_name", group="customer"),
    Column("customer_email", _("E-mail"), "customer_email", group="customer"),
    Column("customer_phone", _("Phone"), "customer_phone", group="customer"),
    # Addresses
    Column("billing_name", _("Billing name"), "billing_name", group="addresses"),
    Column("billing_address", _("Billing address"), "billing_street", group="addresses"),
    Column("billing_postcode", _("Billing postcode"), "billing_postcode", group="addresses"),
    Column("billing_city", _("Billing city"), "billing_city", group="addresses"),
    Column("billing_country", _("Billing country"), "billing_country", group="addresses"),
    Column("shipping_name", _("Shipping name"), "shipping_name", group="addresses"),
    Column("shipping_address", _("Shipping address"), "shipping_street", group="addresses"),
    Column("shipping_postcode", _("Shipping postcode"), "shipping_postcode", group="addresses"),
    Column("shipping_city", _("Shipping city"), "shipping_city", group="addresses"),
    Column("shipping_country", _("Shipping country"), "shipping_country", group="addresses"),
    # Payment
    Column("currency", _("Currency"), "currency", group="payment"),
    Column("subtotal", _("Subtotal"), "subtotal", Kind.MONEY, group="payment"),
    Column("discount", _("Discount"), "discount_total", Kind.MONEY, group="payment"),
    Column(
        "discount_codes",
        _("Discount codes"),
        "labels",
        group="payment",
        source=Source.DISCOUNTS,
    ),
    Column("tax", _("Tax"), "tax_total", Kind.MONEY, group="payment"),
    Column("total", _("Total"), "total", Kind.MONEY, group="payment"),
    Column("payment_method", _("Payment method"), "payment_method", group="payment"),
    Column(
        "paid_at",
        _("Paid on"),
        "paid_at",
        Kind.DATETIME,
        group="payment",
        source=Source.EVENTS,
    ),
    Column("refunded", _("Refunded amount"), "refunded_total", Kind.MONEY, group="payment"),
    Column(
        "refund_date",
        _("Refund date"),
        "date",
        Kind.DATE,
        group="payment",
        source=Source.REFUNDS,
    ),
    Column("refund_reason", _("Refund reason"), "reasons", group="payment", source=Source.REFUNDS),
    # Shipping
    Column("shipping_method", _("Shipping method"), "shipping_method", group="shipping"),
    Column("shipping", _("Shipping"), "shipping_total", Kind.MONEY, group="shipping"),
    Column("carrier", _("Carrier"), "carrier", group="shipping"),
    Column("tracking_number", _("Tracking number"), "tracking_number", group="shipping"),
    Column("tracking_url", _("Tracking link"), "url", group="shipping", source=Source.TRACKING),
    Column(
        "shipped_at",
        _("Shipped on"),
        "shipped_at",
        Kind.DATETIME,
        group="shipping",
        source=Source.EVENTS,
    ),
    # Lines
    Column("line_sku", _("SKU"), "sku", group="lines", source=Source.LINE),
    Column("line_name", _("Product name"), "name", group="lines", source=Source.LINE),
    Column(
        "line_quantity", _("Quantity"), "quantity", Kind.NUMBER, group="lines", source=Source.LINE
    ),
    Column(
        "line_unit_price",
        _("Unit price"),
        "unit_price",
        Kind.MONEY,
        group="lines",
        source=Source.LINE,
    ),
    Column(
        "line_total", _("Line total"), "line_total", Kind.MONEY, group="lines", source=Source.LINE
    ),
    # Taxes
    *_tax_columns(),
    *_vat_columns(),
    # Invoices
    Column(
        "invoice_numbers",
        _("Invoice numbers"),
        "invoices",
        group="invoices",
        source=Source.INVOICES,
    ),
    Column(
        "credit_note_numbers",
        _("Credit note numbers"),
        "credit_notes",
        group="invoices",
        source=Source.INVOICES,
    ),
    Column("buyer_company", _("Buyer company"), "buyer_company", group="invoices"),
    Column("buyer_vat_number", _("Buyer VAT number"), "buyer_vat_number", group="invoices"),
    Column("buyer_siren", _("Buyer SIREN"), "buyer_siren", group="invoices"),
)

COLUMNS_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
COLUMN_KEYS: tuple[str, ...] = tuple(COLUMNS_BY_KEY)


def column_choices() -> list[tuple[str, Promise]]:
    return [(column.key, column.header) for column in COLUMNS]


def column_groups() -> list[tuple[Group, list[Column]]]:
    """The picker's groups with their columns; a group without columns yet is left out."""
    grouped = [(group, [c for c in COLUMNS if c.group == group.key]) for group in GROUPS]
    return [(group, columns) for group, columns in grouped if columns]


def columns_for_keys(keys) -> list[Column]:
    """The chosen columns in the registry's order (a stable file layout whatever the tick order)."""
    wanted = set(keys)
    return [column for column in COLUMNS if column.key in wanted]
