"""Reads of the sales reports, from the daily summary (reports/models.py, kept by
reports/summary.py from the rules of reports/rules.py): four queries per period (the timeline,
the breakdowns, the customers, the products), each over a few rows per day, never the orders."""

from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Max, Q, Sum

from mycommerce.models import Store
from reports.buckets import Timeline, timeline_for, unit_annotations, unit_key
from reports.figures import ZERO, Amounts, apportion, to_cents
from reports.models import CustomerReturn, ProductDay, SalesDay, SalesHour
from reports.periods import Comparison, DateRange, comparison_range
from reports.summary import GROUPS, SUMS

PERIOD_SUMS = {name: Sum(name) for name in SUMS}


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


def _days(timeline: Timeline) -> dict:
    return {"day__gte": timeline.period.start, "day__lte": timeline.period.end}


def _timeline_rows(*, store: Store, timeline: Timeline):
    """(position in the timeline's buckets, sums) of each summary row of the period."""
    position = timeline.positions
    if timeline.by_hour:
        units = unit_annotations("hour", timeline)
        rows = (
            SalesHour.objects.filter(store=store, hour__gte=timeline.start, hour__lt=timeline.end)
            .annotate(**units)
            .values(*units, *SUMS)
        )
        return ((position[unit_key(row, timeline)], row) for row in rows)
    rows = SalesDay.objects.filter(store=store, dimension="", **_days(timeline)).values(
        "day", *SUMS
    )
    start = timeline.period.start
    return ((position[(row["day"] - start).days], row) for row in rows)


def period_report(*, store: Store, timeline: Timeline) -> PeriodReport:
    report = PeriodReport(
        timeline=timeline,
        buckets=[Amounts() for _ in timeline.buckets],
        totals=Amounts(),
        breakdowns={name: {} for name in GROUPS},
    )
    for position, row in _timeline_rows(store=store, timeline=timeline):
        report.buckets[position].add_row(row)
        report.totals.add_row(row)
    breakdowns = (
        SalesDay.objects.filter(store=store, dimension__in=GROUPS, **_days(timeline))
        .values("dimension", "value")
        .annotate(**PERIOD_SUMS)
        .order_by()
    )
    for row in breakdowns:
        report.breakdowns[row["dimension"]].setdefault(row["value"], Amounts()).add_row(row)
    report.new_customers, report.returning_customers = _customers(store=store, timeline=timeline)
    report.products, report.unattributed = _products(
        store=store, timeline=timeline, totals=report.totals
    )
    report.totals.items = sum(row.quantity for row in report.products)
    return report


def _customers(*, store: Store, timeline: Timeline) -> tuple[int, int]:
    """(new, returning) customers among those who placed a counted order in the period: each
    counted once, on their first day in it (reports/models.py, CustomerReturn)."""
    counts = CustomerReturn.objects.filter(store=store, **_days(timeline)).aggregate(
        new=Sum("customers", filter=Q(previous_day=F("day"))),
        returning=Sum("customers", filter=Q(previous_day__lt=timeline.period.start)),
    )
    return counts["new"] or 0, counts["returning"] or 0


def _products(
    *, store: Store, timeline: Timeline, totals: Amounts
) -> tuple[list[ProductRow], ProductRow | None]:
    """Per SKU: quantity and lines' amounts, with each order's discounts and refunds shared
    among its lines in proportion to their amounts (unrounded in the summary), rounded here
    so that they add up to the period's."""
    found = (
        ProductDay.objects.filter(store=store, **_days(timeline))
        .values("sku")
        .annotate(
            name=Max("name"),
            quantity=Sum("quantity"),
            gross=Sum("gross"),
            discounts=Sum("discounts"),
            refunds=Sum("refunds"),
        )
        .order_by()
    )
    rows: dict[str, ProductRow] = {}
    discount_shares, refund_shares = [], []
    for row in found:
        rows[row["sku"]] = ProductRow(
            sku=row["sku"],
            name=row["name"],
            quantity=row["quantity"],
            gross=to_cents(row["gross"]),
        )
        discount_shares.append(Decimal(str(row["discounts"] or 0)))
        refund_shares.append(Decimal(str(row["refunds"] or 0)))
    skus = list(rows)
    for sku, amount in zip(skus, apportion(discount_shares, totals.discounts)):
        rows[sku].discounts = amount
    # Refunds of orders whose lines are all worth zero belong to no product.
    leftover = to_cents(totals.refunds - sum(refund_shares, ZERO))
    unattributed = ProductRow(sku="", name="", refunds=leftover) if leftover else None
    for sku, amount in zip(skus, apportion(refund_shares, totals.refunds - leftover)):
        rows[sku].refunds = amount
    products = sorted(rows.values(), key=lambda row: (-row.net, -row.quantity, row.sku))
    return products, unattributed
