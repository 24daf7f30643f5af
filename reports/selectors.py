"""Reads of the sales reports: every sum is made by the database, in at most six queries per
period (sales, refunds, customers, products, and the shares of discounts and of refunds by
product when there are some), from the rules of reports/rules.py."""

from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from mycommerce.models import Store
from reports.buckets import Timeline, timeline_for, unit_annotations, unit_key
from reports.figures import ZERO, Amounts, apportion, to_cents
from reports.periods import Comparison, DateRange, comparison_range
from reports.rules import (
    REFUND_DATE,
    SALES_DATE,
    counted_orders,
    customer_key,
    order_country,
    orders_booked,
    refunds_booked,
)
from reports.sql import Share

GROUPS = ("source", "payment_status", "fulfillment_status", "country")
ORDER_SUMS = {
    "orders": Count("pk"),
    "gross": Sum("subtotal"),
    "discounts": Sum("discount_total"),
    "shipping": Sum("shipping_total"),
    "taxes": Sum("tax_total"),
}


@dataclass
class ProductRow:
    sku: str
    name: str
    quantity: int = 0
    gross: Decimal = ZERO
    discounts: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.gross - self.discounts - self.refunds


@dataclass
class PeriodReport:
    timeline: Timeline
    buckets: list[Amounts]
    totals: Amounts
    new_customers: int = 0
    returning_customers: int = 0
    # Breakdowns: the value of the order's field (the country's code) → its sums.
    breakdowns: dict[str, dict[str, Amounts]] = field(default_factory=dict)
    # Every SKU, most net sales first; then, if any, refunds of orders whose lines are worth
    # nothing (they belong to no product), so that the rows add up to the net sales.
    products: list[ProductRow] = field(default_factory=list)
    unattributed: ProductRow | None = None

    @property
    def customers(self) -> int:
        return self.new_customers + self.returning_customers


@dataclass
class Report:
    store: Store
    comparison: str
    current: PeriodReport
    previous: PeriodReport


def report_build(
    *,
    store: Store,
    period: DateRange,
    granularity: str,
    comparison: str = Comparison.PREVIOUS_PERIOD,
) -> Report:
    """The report of `period` by `granularity`, with the period `comparison` picks."""
    zone = ZoneInfo(store.timezone)
    return Report(
        store=store,
        comparison=comparison,
        current=period_report(store=store, timeline=timeline_for(period, granularity, zone)),
        previous=period_report(
            store=store,
            timeline=timeline_for(comparison_range(period, comparison), granularity, zone),
        ),
    )


def sales_rows(*, store: Store, timeline: Timeline) -> QuerySet:
    """The sums of the orders placed in each unit (local hour or day) of the timeline, by
    source, statuses and country: one pass over the orders gives the timeline and the
    breakdowns."""
    booked = orders_booked(store=store, start=timeline.start, end=timeline.end)
    units = unit_annotations(SALES_DATE, timeline)
    return (
        booked.annotate(**units, country=order_country())
        .values(*units, *GROUPS)
        .annotate(**ORDER_SUMS)
        .order_by()
    )


def refund_rows(*, store: Store, timeline: Timeline) -> QuerySet:
    """The refunds recorded in each unit of the timeline, by their order's source, statuses
    and country."""
    refunded = refunds_booked(store=store, start=timeline.start, end=timeline.end)
    units = unit_annotations(REFUND_DATE, timeline)
    groups = {name: F(f"order__{name}") for name in GROUPS if name != "country"}
    return (
        refunded.annotate(**units, **groups, country=order_country("order__"))
        .values(*units, *GROUPS)
        .annotate(amount=Sum("amount"))
        .order_by()
    )


def period_report(*, store: Store, timeline: Timeline) -> PeriodReport:
    report = PeriodReport(
        timeline=timeline,
        buckets=[Amounts() for _ in timeline.buckets],
        totals=Amounts(),
        breakdowns={name: {} for name in GROUPS},
    )
    position = timeline.positions
    for row in sales_rows(store=store, timeline=timeline):
        report.buckets[position[unit_key(row, timeline)]].add_orders(row)
        report.totals.add_orders(row)
        for name in GROUPS:
            report.breakdowns[name].setdefault(row[name], Amounts()).add_orders(row)
    for row in refund_rows(store=store, timeline=timeline):
        report.buckets[position[unit_key(row, timeline)]].add_refunds(row["amount"])
        report.totals.add_refunds(row["amount"])
        for name in GROUPS:
            report.breakdowns[name].setdefault(row[name], Amounts()).add_refunds(row["amount"])
    report.new_customers, report.returning_customers = _customers(store=store, timeline=timeline)
    report.products, report.unattributed = _products(
        store=store, timeline=timeline, totals=report.totals
    )
    report.totals.items = sum(row.quantity for row in report.products)
    return report


def _customers(*, store: Store, timeline: Timeline) -> tuple[int, int]:
    """(new, returning) customers among those who placed a counted order in the period."""
    per_customer = (
        counted_orders(store=store)
        .exclude(customer_email="")
        .filter(**{f"{SALES_DATE}__lt": timeline.end})
        .values(customer=customer_key())
        .annotate(first=Min(SALES_DATE), last=Max(SALES_DATE))
        .filter(last__gte=timeline.start)
        .order_by()
    )
    counts = per_customer.aggregate(
        everyone=Count("customer"), new=Count("customer", filter=Q(first__gte=timeline.start))
    )
    return counts["new"], counts["everyone"] - counts["new"]


def _products(
    *, store: Store, timeline: Timeline, totals: Amounts
) -> tuple[list[ProductRow], ProductRow | None]:
    """Per SKU: quantity and lines' amounts, with each order's discounts and refunds shared
    among its lines in proportion to their amounts, rounded so that they add up.

    The lines' sums read no order row (the index finds the orders); the shares of discounts
    and of refunds are asked separately, and only when the period has some."""
    booked = orders_booked(store=store, start=timeline.start, end=timeline.end)
    lines = (
        booked.values(sku=F("lines__sku"))
        .annotate(
            name=Max("lines__name"), quantity=Sum("lines__quantity"), gross=Sum("lines__line_total")
        )
        .order_by()
    )
    rows: dict[str, ProductRow] = {}
    for row in lines:
        if row["sku"] is not None:  # None: an order without lines
            rows[row["sku"]] = ProductRow(
                sku=row["sku"],
                name=row["name"],
                quantity=row["quantity"],
                gross=to_cents(row["gross"]),
            )
    discount_shares = _shares(
        booked.filter(discount_total__gt=0), "lines__", "discount_total", "", totals.discounts
    )
    refunded = refunds_booked(store=store, start=timeline.start, end=timeline.end)
    refund_shares = _shares(refunded, "order__lines__", "amount", "order__", totals.refunds)
    for sku, (name, _share) in refund_shares.items():
        # A refund of an order placed before the period: its product may not be in `rows`.
        rows.setdefault(sku, ProductRow(sku=sku, name=name))
    skus = list(rows)
    discounts = [discount_shares.get(sku, (None, ZERO))[1] for sku in skus]
    for sku, amount in zip(skus, apportion(discounts, totals.discounts)):
        rows[sku].discounts = amount
    shared = sum((share for _name, share in refund_shares.values()), ZERO)
    # Refunds of orders whose lines are all worth zero belong to no product.
    leftover = to_cents(totals.refunds - shared)
    unattributed = ProductRow(sku="", name="", refunds=leftover) if leftover else None
    refunds = [refund_shares.get(sku, (None, ZERO))[1] for sku in skus]
    for sku, amount in zip(skus, apportion(refunds, totals.refunds - leftover)):
        rows[sku].refunds = amount
    products = sorted(rows.values(), key=lambda row: (-row.net, -row.quantity, row.sku))
    return products, unattributed


def _shares(queryset, lines: str, amount: str, order: str, total: Decimal) -> dict:
    """SKU → (name, unrounded share of `amount`), each line taking its part of its order's
    subtotal; nothing is asked when `total` is zero."""
    if not total:
        return {}
    rows = (
        queryset.values(sku=F(f"{lines}sku"))
        .annotate(
            name=Max(f"{lines}name"),
            share=Sum(Share(F(amount), F(f"{lines}line_total"), F(f"{order}subtotal"))),
        )
        .order_by()
    )
    return {
        row["sku"]: (row["name"], Decimal(str(row["share"] or 0)))
        for row in rows
        if row["sku"] is not None
    }
