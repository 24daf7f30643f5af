"""Orders land on the store's day and hour, on both sides of midnight and of both 2026
daylight-saving changes in Paris (29 March, 25 October)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from orders.models import Refund
from orders.statuses import PaymentStatus
from reports.buckets import timeline_for, zone_segments
from reports.figures import Amounts
from reports.periods import DateRange, Granularity
from reports.selectors import report_build
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args, fold=0) -> datetime:
    return datetime(*args, tzinfo=PARIS, fold=fold)


def paid(store, when, price="10.00"):
    return OrderFactory(
        store=store,
        created_at=when,
        payment_status=PaymentStatus.PAID,
        lines=[("SKU", "Article", 1, Decimal(price))],
    )


def orders_by_day(store, period) -> dict[date, int]:
    current = report_build(store=store, period=period, granularity=Granularity.DAY).current
    return {
        bucket.first_day: amounts.orders
        for bucket, amounts in zip(current.timeline.buckets, current.buckets)
        if amounts.orders
    }


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 10),  # an ordinary day in winter: both are 10 March in UTC
        date(2026, 3, 28),  # the night clocks go forward (29 March, 02:00 → 03:00)
        date(2026, 3, 29),
        date(2026, 10, 24),  # the night clocks go back (25 October, 03:00 → 02:00)
        date(2026, 10, 25),
        date(2026, 7, 14),  # summer time
    ],
)
def test_half_past_eleven_and_half_past_midnight_fall_on_two_days(store, day):
    paid(store, paris(day.year, day.month, day.day, 23, 30), "10.00")
    next_day = day + timedelta(days=1)
    paid(store, paris(next_day.year, next_day.month, next_day.day, 0, 30), "20.00")
    period = DateRange(day - timedelta(days=1), next_day + timedelta(days=1))
    assert orders_by_day(store, period) == {day: 1, next_day: 1}
    current = report_build(store=store, period=period, granularity=Granularity.DAY).current
    assert [amounts.gross for amounts in current.buckets] == [
        Decimal("0.00"),
        Decimal("10.00"),
        Decimal("20.00"),
        Decimal("0.00"),
    ]


def test_a_refund_at_half_past_midnight_is_booked_on_its_own_day(store):
    order = paid(store, paris(2026, 3, 27, 12, 0), "30.00")
    Refund.objects.create(order=order, amount=Decimal("4.00"), created_at=paris(2026, 3, 29, 0, 30))
    Refund.objects.create(
        order=order, amount=Decimal("6.00"), created_at=paris(2026, 3, 29, 23, 30)
    )
    Refund.objects.create(order=order, amount=Decimal("1.00"), created_at=paris(2026, 3, 30, 0, 30))
    period = DateRange(date(2026, 3, 28), date(2026, 3, 30))
    current = report_build(store=store, period=period, granularity=Granularity.DAY).current
    assert [amounts.refunds for amounts in current.buckets] == [
        Decimal("0.00"),
        Decimal("10.00"),
        Decimal("1.00"),
    ]


def test_the_spring_forward_day_has_23_hours_and_no_2_am(store):
    paid(store, paris(2026, 3, 29, 1, 30))  # 00:30 UTC
    paid(store, paris(2026, 3, 29, 3, 30))  # 01:30 UTC: one real hour later
    day = DateRange(date(2026, 3, 29), date(2026, 3, 29))
    current = report_build(store=store, period=day, granularity=Granularity.HOUR).current
    hours = [bucket.hour.hour for bucket in current.timeline.buckets]
    assert len(hours) == 23 and 2 not in hours
    counted = {
        bucket.hour.hour: amounts.orders
        for bucket, amounts in zip(current.timeline.buckets, current.buckets)
        if amounts.orders
    }
    assert counted == {1: 1, 3: 1}


def test_the_fall_back_day_has_25_hours_and_2_am_twice(store):
    paid(store, paris(2026, 10, 25, 2, 30, fold=0))  # 00:30 UTC, summer time
    paid(store, paris(2026, 10, 25, 2, 30, fold=1))  # 01:30 UTC, winter time
    paid(store, paris(2026, 10, 25, 23, 30))
    day = DateRange(date(2026, 10, 25), date(2026, 10, 25))
    current = report_build(store=store, period=day, granularity=Granularity.HOUR).current
    buckets = current.timeline.buckets
    assert len(buckets) == 25
    two_am = [(b, a) for b, a in zip(buckets, current.buckets) if b.hour.hour == 2]
    assert [(b.utc_offset, b.repeated, a.orders) for b, a in two_am] == [
        (7200, True, 1),
        (3600, True, 1),
    ]
    assert current.buckets[-1].orders == 1  # 23:00
    assert current.totals.orders == 3


def test_weeks_and_months_across_the_changes_add_up_to_the_days(store):
    for when in (
        paris(2026, 3, 29, 0, 30),
        paris(2026, 3, 29, 23, 30),
        paris(2026, 10, 25, 2, 30, fold=1),
        paris(2026, 10, 31, 23, 30),
        paris(2026, 11, 1, 0, 30),
    ):
        paid(store, when)
    year = DateRange(date(2026, 1, 1), date(2026, 12, 31))
    by_week = report_build(store=store, period=year, granularity=Granularity.WEEK).current
    by_month = report_build(store=store, period=year, granularity=Granularity.MONTH).current
    by_day = report_build(store=store, period=year, granularity=Granularity.DAY).current
    months = [amounts.orders for amounts in by_month.buckets]
    assert months == [0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 1, 0]
    week = {b.first_day: a.orders for b, a in zip(by_week.timeline.buckets, by_week.buckets)}
    # Sunday 29 March, both orders, ends the ISO week of Monday 23 March.
    assert week[date(2026, 3, 23)] == 2 and week[date(2026, 3, 30)] == 0
    assert week[date(2026, 10, 19)] == 1
    # Saturday 31 October 23:30 and Sunday 1 November 00:30: one week, two months.
    assert week[date(2026, 10, 26)] == 2
    assert by_week.totals == by_month.totals == by_day.totals
    days = sum(by_day.buckets, start=Amounts())
    assert replace(days, items=by_day.totals.items) == by_day.totals


def test_zone_segments_cut_at_the_changes_to_the_second():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2027, 1, 1, tzinfo=UTC)
    segments = zone_segments(PARIS, start, end)
    assert [(s.start, s.offset) for s in segments] == [
        (start, 3600),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 7200),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 3600),
    ]
    assert segments[-1].end == end


def test_a_zone_without_daylight_saving_is_one_segment():
    timeline = timeline_for(
        DateRange(date(2026, 1, 1), date(2026, 12, 31)), Granularity.DAY, ZoneInfo("Asia/Tokyo")
    )
    assert [s.offset for s in timeline.segments] == [9 * 3600]
    assert len(timeline.buckets) == 365
