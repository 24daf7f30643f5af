"""Keeps the daily summary (reports/models.py) equal to the orders.

A write recomputes, inside its transaction, the whole local days it touches (the order's date
and the dates of its refunds) from the orders, through the rules of reports/rules.py: no delta
to get wrong, whatever the change, at the cost of one day's orders per write. A store's
summary writes are serialised by locking its row. `summary_rebuild` recomputes a whole store
(`manage.py reports_rebuild`, the demo seeder, a change of time zone)."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from mycommerce.models import Store
from orders.listeners import PAYMENT_STATUS, order_batch
from orders.models import Order, Refund
from reports.buckets import Timeline, timeline_for, unit_annotations
from reports.figures import to_cents
from reports.models import CustomerDay, CustomerReturn, ProductDay, SalesDay, SalesHour
from reports.periods import DateRange, Granularity
from reports.rules import (
    COUNTED_PAYMENT_STATUSES,
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
SUMS = ("orders", "gross", "discounts", "refunds", "shipping", "taxes")
ORDER_SUMS = {
    "orders": Count("pk"),
    "gross": Sum("subtotal"),
    "discounts": Sum("discount_total"),
    "shipping": Sum("shipping_total"),
    "taxes": Sum("tax_total"),
}
SHARE = Decimal("0.00000001")
BATCH = 5000


def _share(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(SHARE)


def order_rows(*, store: Store, timeline: Timeline, groups=GROUPS):
    """The sums of the orders placed in each unit (local hour or day) of the timeline, by
    `groups` (fields of the order, and "country")."""
    units = unit_annotations(SALES_DATE, timeline)
    booked = orders_booked(store=store, start=timeline.start, end=timeline.end)
    return (
        booked.annotate(**units, country=order_country())
        .values(*units, *groups)
        .annotate(**ORDER_SUMS)
        .order_by()
    )


def refund_rows(*, store: Store, timeline: Timeline, groups=GROUPS):
    """The refunds recorded in each unit of the timeline, by their order's `groups`."""
    units = unit_annotations(REFUND_DATE, timeline)
    fields = {name: F(f"order__{name}") for name in groups if name != "country"}
    refunded = refunds_booked(store=store, start=timeline.start, end=timeline.end)
    return (
        refunded.annotate(**units, **fields, country=order_country("order__"))
        .values(*units, *groups)
        .annotate(refunds=Sum("amount"))
        .order_by()
    )


@dataclass
class _Sums:
    orders: int = 0
    gross: Decimal = Decimal(0)
    discounts: Decimal = Decimal(0)
    refunds: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    taxes: Decimal = Decimal(0)

    def add(self, row: dict) -> None:
        self.orders += row.get("orders", 0)
        for name in SUMS[1:]:
            setattr(self, name, getattr(self, name) + to_cents(row.get(name)))


def _day(timeline: Timeline, row: dict) -> date:
    return timeline.period.start + timedelta(days=row["unit"])


def _hour(timeline: Timeline, row: dict) -> datetime:
    """The UTC instant a local hour (its index from the period's start, and its offset)
    starts at."""
    wall = datetime.combine(timeline.period.start, time(0)) + timedelta(hours=row["unit"])
    return (wall - timedelta(seconds=row["unit_offset"])).replace(tzinfo=UTC)


def _sales(store: Store, days: Timeline, hours: Timeline) -> None:
    by_day: dict[tuple, _Sums] = {}
    for rows in (order_rows(store=store, timeline=days), refund_rows(store=store, timeline=days)):
        for row in rows:
            day = _day(days, row)
            for dimension, value in (("", ""), *((name, row[name]) for name in GROUPS)):
                by_day.setdefault((day, dimension, value or ""), _Sums()).add(row)
    by_hour: dict[datetime, _Sums] = {}
    for rows in (
        order_rows(store=store, timeline=hours, groups=()),
        refund_rows(store=store, timeline=hours, groups=()),
    ):
        for row in rows:
            by_hour.setdefault(_hour(hours, row), _Sums()).add(row)
    SalesDay.objects.filter(
        store=store, day__gte=days.period.start, day__lte=days.period.end
    ).delete()
    SalesDay.objects.bulk_create(
        (
            SalesDay(store=store, day=day, dimension=dimension, value=value, **sums.__dict__)
            for (day, dimension, value), sums in by_day.items()
        ),
        batch_size=BATCH,
    )
    SalesHour.objects.filter(store=store, hour__gte=hours.start, hour__lt=hours.end).delete()
    SalesHour.objects.bulk_create(
        (SalesHour(store=store, hour=hour, **sums.__dict__) for hour, sums in by_hour.items()),
        batch_size=BATCH,
    )


def _products(store: Store, days: Timeline) -> None:
    units = unit_annotations(SALES_DATE, days)
    booked = orders_booked(store=store, start=days.start, end=days.end).annotate(**units)
    refunded = refunds_booked(store=store, start=days.start, end=days.end).annotate(
        **unit_annotations(REFUND_DATE, days)
    )
    rows: dict[tuple, ProductDay] = {}

    def row(found: dict) -> ProductDay | None:
        if found["sku"] is None:  # an order without lines
            return None
        key = (_day(days, found), found["sku"])
        product = rows.setdefault(key, ProductDay(store=store, day=key[0], sku=key[1]))
        product.name = max(product.name, found["name"] or "")
        return product

    lines = booked.values("unit", sku=F("lines__sku")).annotate(
        name=Max("lines__name"), quantity=Sum("lines__quantity"), gross=Sum("lines__line_total")
    )
    for found in lines.order_by():
        if product := row(found):
            product.quantity, product.gross = found["quantity"], to_cents(found["gross"])
    discounts = (
        booked.filter(discount_total__gt=0)
        .values("unit", sku=F("lines__sku"))
        .annotate(
            name=Max("lines__name"),
            share=Sum(Share(F("discount_total"), F("lines__line_total"), F("subtotal"))),
        )
    )
    for found in discounts.order_by():
        if product := row(found):
            product.discounts = _share(found["share"])
    refunds = refunded.values("unit", sku=F("order__lines__sku")).annotate(
        name=Max("order__lines__name"),
        share=Sum(Share(F("amount"), F("order__lines__line_total"), F("order__subtotal"))),
    )
    for found in refunds.order_by():
        if product := row(found):
            product.refunds = _share(found["share"])
    ProductDay.objects.filter(
        store=store, day__gte=days.period.start, day__lte=days.period.end
    ).delete()
    ProductDay.objects.bulk_create(rows.values(), batch_size=BATCH)


def _chain(days) -> list[tuple[date, date]]:
    """(day, previous day) of a customer's days; the first one's previous day is itself."""
    ordered = sorted(days)
    return [(day, ordered[i - 1] if i else day) for i, day in enumerate(ordered)]


def _customers(store: Store, days: Timeline, whole: bool) -> None:
    """The customers' days in the period from the orders; the chains of the customers whose
    days changed are redone, and the returns they count moved accordingly."""
    units = unit_annotations(SALES_DATE, days)
    found = {
        (row["customer"], _day(days, row))
        for row in counted_orders(store=store)
        .filter(**{f"{SALES_DATE}__gte": days.start, f"{SALES_DATE}__lt": days.end})
        .exclude(customer_email="")
        .annotate(**units)
        .values("unit", customer=customer_key())
        .distinct()
        .order_by()
    }
    in_period = {"store": store, "day__gte": days.period.start, "day__lte": days.period.end}
    stored = (
        set()
        if whole
        else set(CustomerDay.objects.filter(**in_period).values_list("customer", "day"))
    )
    changed = {customer for customer, _day_ in found ^ stored}
    if not changed:
        return
    old: dict[str, set] = {customer: set() for customer in changed}
    returns: Counter = Counter()
    if not whole:
        for row in CustomerDay.objects.filter(store=store, customer__in=changed).values():
            old[row["customer"]].add(row["day"])
            returns[(row["day"], row["previous_day"])] -= 1
        CustomerDay.objects.filter(store=store, customer__in=changed).delete()
    new: dict[str, set] = {
        customer: {day for day in days_ if not days.period.start <= day <= days.period.end}
        for customer, days_ in old.items()
    }
    for customer, day in found:
        if customer in changed:
            new[customer].add(day)
    made = []
    for customer, days_ in new.items():
        for day, previous in _chain(days_):
            made.append(CustomerDay(store=store, customer=customer, day=day, previous_day=previous))
            returns[(day, previous)] += 1
    CustomerDay.objects.bulk_create(made, batch_size=BATCH)
    _returns_apply(store, returns, whole)


def _returns_apply(store: Store, returns: Counter, whole: bool) -> None:
    if whole:
        CustomerReturn.objects.bulk_create(
            (
                CustomerReturn(store=store, day=day, previous_day=previous, customers=count)
                for (day, previous), count in returns.items()
                if count
            ),
            batch_size=BATCH,
        )
        return
    for (day, previous), count in returns.items():
        if not count:
            continue
        rows = CustomerReturn.objects.filter(store=store, day=day, previous_day=previous)
        if not rows.update(customers=F("customers") + count):
            CustomerReturn.objects.create(
                store=store, day=day, previous_day=previous, customers=count
            )
    CustomerReturn.objects.filter(
        store=store, day__in={day for day, _previous in returns}, customers__lte=0
    ).delete()


def _recompute(store: Store, period: DateRange, *, whole: bool = False) -> None:
    zone = ZoneInfo(store.timezone)
    days = timeline_for(period, Granularity.DAY, zone)
    _sales(store, days, timeline_for(period, Granularity.HOUR, zone))
    _products(store, days)
    _customers(store, days, whole)


def _lock(store: Store) -> None:
    # One summary writer per store at a time: two writes of the same day cannot interleave.
    list(Store.objects.select_for_update().filter(pk=store.pk).values_list("pk"))


def _runs(days: set[date]) -> list[DateRange]:
    """Consecutive days as ranges."""
    runs: list[DateRange] = []
    for day in sorted(days):
        if runs and runs[-1].end + timedelta(days=1) == day:
            runs[-1] = DateRange(runs[-1].start, day)
        else:
            runs.append(DateRange(day, day))
    return runs


def summary_recompute_days(*, store: Store, days: set[date]) -> None:
    """Recompute the store's summary of these local days from its orders."""
    with transaction.atomic():
        _lock(store)
        for period in _runs(days):
            _recompute(store, period)


def order_days(*, order: Order) -> set[date]:
    """The local days an order's figures are booked on: its own, and its refunds'."""
    zone = ZoneInfo(order.store.timezone)
    instants = [
        order.created_at,
        *Refund.objects.filter(order=order).values_list("created_at", flat=True),
    ]
    return {timezone.localdate(instant, zone) for instant in instants}


def summary_on_order_changed(*, order: Order, change: str, actor, refund=None) -> None:
    """The order listener (orders/listeners.py): in the transaction of the change; in a bulk
    action, the days of all its orders are recomputed once, at its end. Only a change of
    payment status makes an order counted or not: any other change of an order that is not
    counted changes no figure."""
    if change != PAYMENT_STATUS and order.payment_status not in COUNTED_PAYMENT_STATUSES:
        return
    days = order_days(order=order)
    batch = order_batch()
    if batch is None:
        summary_recompute_days(store=order.store, days=days)
    else:
        pending = batch.setdefault(__name__, {})
        pending.setdefault(order.store_id, (order.store, set()))[1].update(days)


def summary_on_batch_end(*, batch: dict) -> None:
    for store, days in batch.get(__name__, {}).values():
        summary_recompute_days(store=store, days=days)


def summary_on_store_changed(*, store: Store, fields: set[str]) -> None:
    """The store listener (mycommerce/listeners.py): a new time zone, new local days."""
    if "timezone" in fields:
        summary_rebuild(store=store)


def summary_rebuild(*, store: Store) -> None:
    """Recompute the store's whole summary from its orders."""
    with transaction.atomic():
        _lock(store)
        for model in (SalesDay, SalesHour, ProductDay, CustomerDay, CustomerReturn):
            model.objects.filter(store=store).delete()
        zone = ZoneInfo(store.timezone)
        orders = counted_orders(store=store).aggregate(first=Min(SALES_DATE), last=Max(SALES_DATE))
        refunds = Refund.objects.filter(order__store=store).aggregate(
            first=Min(REFUND_DATE), last=Max(REFUND_DATE)
        )
        instants = [value for value in (*orders.values(), *refunds.values()) if value]
        if instants:
            first, last = (
                timezone.localdate(moment, zone) for moment in (min(instants), max(instants))
            )
            _recompute(store, DateRange(first, last), whole=True)
