"""Reads of the rows related to a batch of exported orders: their timeline's dates, refunds,
notes, discounts, taxes, VAT per rate and invoice numbers, each in one query (the VAT per
rate in four) per batch, never one per order; and the tracking links, made from the order's
own fields read with its row."""

from collections.abc import Callable
from types import SimpleNamespace

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import BooleanField, Max, Q, QuerySet
from django.db.models.expressions import RawSQL

from exports.columns import TAX_SLOTS, VAT_SLOTS, Source
from invoices.figures import order_figures
from invoices.models import Invoice
from mycommerce.models import Store
from orders.carriers import tracking_url_fill, tracking_url_template
from orders.models import Order, OrderDiscount, OrderEvent, OrderLine, OrderNote, OrderTax, Refund
from orders.statuses import FulfillmentStatus, PaymentStatus


def raw_rows(queryset: QuerySet) -> list[tuple]:
    """Run the ORM's own SQL (scoping and filters included) and take the database's values as
    they are: the exporter formats them itself, so Django's per-value converters (Decimal and
    datetime parsing on SQLite) would be paid for nothing."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a condition that matches nothing, such as an empty IN ()
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def of_orders(model, ids: list[int]) -> RawSQL:
    """`order_id IN (…)` for a batch of ids (for `Order` itself, its primary key), bound by the
    database driver: Django's own `__in` prepares each of the thousands of values in Python,
    for integers read from the database. On PostgreSQL one array, `= ANY(…)`: planning a list
    of 5,000 constants took longer than reading the lines."""
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    field = model._meta.pk if model is Order else model._meta.get_field("order")
    column = f"{quote(model._meta.db_table)}.{quote(field.column)}"
    if connection.vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s)", (list(ids),), output_field=BooleanField())
    marks = ", ".join(["%s"] * len(ids))
    return RawSQL(f"{column} IN ({marks})", tuple(ids), output_field=BooleanField())


# The related values each source gives, in this order (Column.field names these).
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    Source.EVENTS: ("paid_at", "shipped_at", "cancelled_at"),
    Source.REFUNDS: ("date", "reasons"),
    Source.NOTES: ("texts",),
    Source.DISCOUNTS: ("labels",),
    Source.TRACKING: ("url",),
    Source.TAXES: tuple(
        f"{slot}.{part}" for slot in range(1, TAX_SLOTS + 1) for part in ("name", "rate", "amount")
    ),
    Source.VAT_RATES: (
        "total_excl_vat",
        *(
            f"{slot}.{part}"
            for slot in range(1, VAT_SLOTS + 1)
            for part in ("rate", "base", "vat", "total")
        ),
    ),
    Source.INVOICES: ("invoices", "credit_notes"),
}
LIST_SEPARATOR = " | "
Event = OrderEvent.Type


def _event_dates(ids: list[int]) -> dict[int, tuple]:
    """When each order was last marked paid, shipped (or delivered without being marked
    shipped) and cancelled, from its timeline: one grouped query."""

    def last(condition: Q) -> Max:
        return Max("created_at", filter=condition)

    moved_to = {
        status: Q(type=Event.FULFILLMENT_STATUS_CHANGED, details__to=status)
        for status in (FulfillmentStatus.SHIPPED, FulfillmentStatus.DELIVERED)
    }
    rows = raw_rows(
        OrderEvent.objects.filter(of_orders(OrderEvent, ids))
        .order_by()
        .values("order_id")
        .annotate(
            paid=last(
                Q(type=Event.PAYMENT_STATUS_CHANGED, details__to=PaymentStatus.PAID)
                | Q(type=Event.CREATED, details__paid=True)
            ),
            shipped=last(moved_to[FulfillmentStatus.SHIPPED]),
            delivered=last(moved_to[FulfillmentStatus.DELIVERED]),
            cancelled=last(
                Q(type=Event.CANCELLED)
                | Q(type=Event.PAYMENT_STATUS_CHANGED, details__to=PaymentStatus.CANCELLED)
            ),
        )
        .values_list("order_id", "paid", "shipped", "delivered", "cancelled")
    )
    return {
        pk: (paid, shipped or delivered, cancelled)
        for pk, paid, shipped, delivered, cancelled in rows
    }


def _grouped(rows: list[tuple]) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = {}
    for pk, *values in rows:
        grouped.setdefault(pk, []).append(values)
    return grouped


def _refunds(ids: list[int]) -> dict[int, tuple]:
    """The day of the last refund, and every refund's reason, oldest first."""
    rows = raw_rows(
        Refund.objects.filter(of_orders(Refund, ids))
        .order_by("order_id", "created_at", "pk")
        .values_list("order_id", "created_at", "reason")
    )
    return {
        pk: (refunds[-1][0], LIST_SEPARATOR.join(reason for _, reason in refunds if reason))
        for pk, refunds in _grouped(rows).items()
    }


def _joined(model, field: str) -> Callable[[list[int]], dict[int, tuple]]:
    def read(ids: list[int]) -> dict[int, tuple]:
        rows = raw_rows(
            model.objects.filter(of_orders(model, ids))
            .order_by("order_id", "created_at" if model is OrderNote else "pk", "pk")
            .values_list("order_id", field)
        )
        return {
            pk: (LIST_SEPARATOR.join(value for (value,) in values),)
            for pk, values in _grouped(rows).items()
        }

    return read


def _taxes(ids: list[int]) -> dict[int, tuple]:
    """Each order's first TAX_SLOTS taxes as (name, rate, amount); a fixed amount has no rate."""
    rows = raw_rows(
        OrderTax.objects.filter(of_orders(OrderTax, ids))
        .order_by("order_id", "pk")
        .values_list("order_id", "name", "kind", "value", "amount")
    )
    empty = (None, None, None) * TAX_SLOTS
    taxes = {}
    for pk, values in _grouped(rows).items():
        slots: tuple = ()
        for name, kind, value, amount in values[:TAX_SLOTS]:
            slots += (name, value if kind == OrderTax.Kind.RATE else None, amount)
        taxes[pk] = slots + empty[len(slots) :]
    return taxes


def _tracking_urls(rows: list[tuple]) -> dict[int, tuple]:
    """Each tracked order's carrier page (orders/carriers.py): each carrier's address looked
    up once a batch, the stores' "Other" templates in one query (a batch is one store's)."""
    others = dict(
        Store.objects.filter(pk__in={row[0] for row in rows if row[3]}).values_list(
            "pk", "tracking_url_template"
        )
    )
    templates: dict[tuple, str] = {}
    urls = {}
    for store_id, code, name, number, postcode, pk in rows:
        if not number:
            continue
        key = (store_id, code, name)
        template = templates.get(key)
        if template is None:
            template = templates[key] = tracking_url_template(
                code=code, name=name, other_template=others.get(store_id, "")
            )
        url = tracking_url_fill(template, number=number, postcode=postcode)
        if url:
            urls[pk] = (url,)
    return urls


class _Rows(list):
    """Related rows as invoices' order_figures reads a prefetched relation (`.all()`)."""

    def all(self) -> list:
        return self


ORDER_FIGURE_FIELDS = (
    "currency",
    "subtotal",
    "discount_total",
    "tax_total",
    "shipping_total",
    "total",
    "prices_include_vat",
    "charges_vat",
    "shipping_vat_rate",
)
RELATED_FIGURE_FIELDS = {
    "lines": (OrderLine, ("sku", "name", "quantity", "unit_price", "line_total", "vat_rate")),
    "discounts": (OrderDiscount, ("label", "kind", "value", "amount")),
    "taxes": (OrderTax, ("kind", "value")),
}


def _vat_rates(ids: list[int]) -> dict[int, tuple]:
    """Each order's total excluding VAT, then its first VAT_SLOTS rates, the highest first, as
    (rate, excluding VAT, VAT, including VAT): the figures its invoice prints, computed by
    invoices' own order_figures from the values alone (model instances and Django's
    prefetching cost ten times the computation)."""
    related = {}
    for name, (model, fields) in RELATED_FIGURE_FIELDS.items():
        rows = model.objects.filter(of_orders(model, ids)).order_by("order_id", "pk")
        grouped: dict[int, _Rows] = {}
        for pk, *values in rows.values_list("order_id", *fields):
            grouped.setdefault(pk, _Rows()).append(SimpleNamespace(**dict(zip(fields, values))))
        related[name] = grouped
    empty = (None, None, None, None) * VAT_SLOTS
    rates = {}
    orders = (
        Order.objects.filter(of_orders(Order, ids))
        .order_by()
        .values_list("pk", *ORDER_FIGURE_FIELDS)
    )
    for pk, *values in orders:
        order = SimpleNamespace(
            **dict(zip(ORDER_FIGURE_FIELDS, values)),
            **{name: grouped.get(pk, _Rows()) for name, grouped in related.items()},
        )
        figures = order_figures(order=order)
        slots: tuple = ()
        for rate in figures.rates[:VAT_SLOTS]:
            slots += (rate.rate, rate.base, rate.vat, rate.total)
        rates[pk] = (figures.total_ht, *slots, *empty[len(slots) :])
    return rates


def _invoice_numbers(ids: list[int]) -> dict[int, tuple]:
    """The numbers of each order's invoices, then of its credit notes, in the order issued."""
    rows = raw_rows(
        Invoice.objects.filter(of_orders(Invoice, ids))
        .order_by("order_id", "issued_at", "pk")
        .values_list("order_id", "kind", "number")
    )
    numbers = {}
    for pk, documents in _grouped(rows).items():
        numbers[pk] = tuple(
            LIST_SEPARATOR.join(number for kind, number in documents if kind == wanted)
            for wanted in (Invoice.Kind.INVOICE, Invoice.Kind.CREDIT_NOTE)
        )
    return numbers


# The other sources' readers, one query (or a few) per batch of order ids.
SOURCE_READERS: dict[str, Callable[[list[int]], dict[int, tuple]]] = {
    Source.EVENTS: _event_dates,
    Source.REFUNDS: _refunds,
    Source.NOTES: _joined(OrderNote, "text"),
    Source.DISCOUNTS: _joined(OrderDiscount, "label"),
    Source.TAXES: _taxes,
    Source.VAT_RATES: _vat_rates,
    Source.INVOICES: _invoice_numbers,
}
# The sources made from the order's own fields, read with its row (no query of their own):
# each reader gets, per order, these fields then the pk.
ROW_SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    Source.TRACKING: (
        "store_id",
        "carrier_code",
        "carrier",
        "tracking_number",
        "shipping_postcode",
    ),
}
ROW_SOURCE_READERS: dict[str, Callable[[list[tuple]], dict[int, tuple]]] = {
    Source.TRACKING: _tracking_urls,
}
