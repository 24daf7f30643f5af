"""Every figure of a report, to the cent, on hand-built orders of March 2026 (Paris)."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from orders.models import Order, Refund
from orders.statuses import FulfillmentStatus, PaymentStatus
from reports.figures import Amounts, apportion
from reports.periods import Comparison, DateRange, Granularity
from reports.selectors import report_build
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MARCH = DateRange(date(2026, 3, 1), date(2026, 3, 31))
D = Decimal


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def order(store, when, lines, *, status=PaymentStatus.PAID, **fields):
    subtotal = sum((D(q) * D(p) for _, _, q, p in lines), D("0.00"))
    total = (
        subtotal
        - fields.get("discount_total", D(0))
        + fields.get("tax_total", D(0))
        + fields.get("shipping_total", D(0))
    )
    return OrderFactory(
        store=store, created_at=when, lines=lines, payment_status=status, total=total, **fields
    )


def refund(order_, amount, when):
    Refund.objects.create(order=order_, amount=D(amount), created_at=when)
    order_.refunded_total += D(amount)
    order_.payment_status = (
        PaymentStatus.REFUNDED
        if order_.refunded_total >= order_.total
        else PaymentStatus.PARTIALLY_REFUNDED
    )
    order_.save()


@pytest.fixture
def march(store):
    """Three counted orders in March, a cancelled and an unpaid one, a January order refunded
    in March, one order in March 2025 and one in February 2026."""
    a = order(
        store,
        paris(2026, 3, 2, 10, 0),
        [("MUG", "Tasse", 2, "12.50"), ("TEA", "Thé", 1, "5.00")],
        discount_total=D("3.00"),
        tax_total=D("5.40"),
        shipping_total=D("4.90"),
        customer_email="camille@example.fr",
        fulfillment_status=FulfillmentStatus.SHIPPED,
    )
    b = order(
        store,
        paris(2026, 3, 10, 15, 0),
        [("MUG", "Tasse", 1, "12.50")],
        tax_total=D("2.50"),
        customer_email="Camille@Example.fr",
        source=Order.Source.PHONE,
        shipping_country="BE",
    )
    refund(b, "5.00", paris(2026, 3, 12, 9, 0))
    order(
        store,
        paris(2026, 3, 15, 12, 0),
        [("MUG", "Tasse", 8, "12.50")],
        status=PaymentStatus.CANCELLED,
        customer_email="gone@example.fr",
    )
    order(
        store,
        paris(2026, 3, 20, 12, 0),
        [("TEA", "Thé", 9, "5.00")],
        status=PaymentStatus.AWAITING_PAYMENT,
        customer_email="later@example.fr",
    )
    january = order(
        store,
        paris(2026, 1, 15, 12, 0),
        [("TEA", "Thé", 6, "5.00")],
        customer_email="old@example.fr",
    )
    refund(january, "10.00", paris(2026, 3, 5, 18, 0))
    order(
        store,
        paris(2026, 3, 25, 8, 0),
        [("TEA", "Thé", 4, "5.00")],
        tax_total=D("4.00"),
        shipping_total=D("4.90"),
        customer_email="old@example.fr",
        fulfillment_status=FulfillmentStatus.DELIVERED,
    )
    order(store, paris(2025, 3, 10, 12, 0), [("MUG", "Tasse", 1, "12.50")], tax_total=D("2.50"))
    order(store, paris(2026, 2, 10, 12, 0), [("MUG", "Tasse", 1, "10.00")])
    return {"a": a, "b": b, "january": january}


def test_every_figure_of_march_to_the_cent(store, march):
    report = report_build(store=store, period=MARCH, granularity=Granularity.DAY)
    totals = report.current.totals
    assert totals.orders == 3  # the cancelled and the unpaid orders are left out
    assert totals.gross == D("62.50")
    assert totals.discounts == D("3.00")
    # B's 5.00 and, on its own date, 10.00 of the January order.
    assert totals.refunds == D("15.00")
    assert totals.net == D("44.50")
    assert totals.shipping == D("9.80")
    assert totals.taxes == D("11.90")
    assert totals.total == D("66.20")
    assert totals.average_order_value == D("19.83")
    assert totals.items == 8
    assert totals.items_per_order == D("2.67")
    assert totals.refund_rate == D("0.1847")  # 15.00 / 81.20
    # Camille (two spellings of one address) is new; "old" first ordered in January.
    assert report.current.new_customers == 1
    assert report.current.returning_customers == 1


def test_products_share_discounts_and_refunds_and_add_up(store, march):
    current = report_build(store=store, period=MARCH, granularity=Granularity.DAY).current
    by_sku = {row.sku: row for row in current.products}
    mug, tea = by_sku["MUG"], by_sku["TEA"]
    assert (mug.quantity, mug.gross, mug.discounts, mug.refunds) == (
        3,
        D("37.50"),
        D("2.50"),
        D("5.00"),
    )
    assert (tea.quantity, tea.gross, tea.discounts, tea.refunds) == (
        5,
        D("25.00"),
        D("0.50"),
        D("10.00"),
    )
    assert [row.sku for row in current.products] == ["MUG", "TEA"]  # by net sales
    assert (mug.net, tea.net) == (D("30.00"), D("14.50"))
    assert current.unattributed is None
    # Reconciliation: the products' net sales plus shipping and taxes are the total sales.
    products_net = sum(row.net for row in current.products)
    assert products_net + current.totals.shipping + current.totals.taxes == current.totals.total


def test_breakdowns_add_up_to_the_net_sales(store, march):
    current = report_build(store=store, period=MARCH, granularity=Granularity.DAY).current
    sources = current.breakdowns["source"]
    assert (sources["storefront"].orders, sources["storefront"].net) == (2, D("37.00"))
    assert (sources["phone"].orders, sources["phone"].net) == (1, D("7.50"))
    countries = current.breakdowns["country"]
    assert (countries["FR"].net, countries["BE"].net) == (D("37.00"), D("7.50"))
    payment = current.breakdowns["payment_status"]
    assert payment["paid"].net == D("47.00")
    # B's 7.50 and the January order's March refund.
    assert payment["partially_refunded"].net == D("-2.50")
    fulfillment = current.breakdowns["fulfillment_status"]
    assert fulfillment["shipped"].orders == 1 and fulfillment["delivered"].orders == 1
    for breakdown in current.breakdowns.values():
        assert sum(amounts.net for amounts in breakdown.values()) == current.totals.net
        assert sum(amounts.orders for amounts in breakdown.values()) == current.totals.orders


def test_days_add_up_to_the_period(store, march):
    current = report_build(store=store, period=MARCH, granularity=Granularity.DAY).current
    assert len(current.buckets) == 31
    assert current.buckets[1].gross == D("30.00")  # 2 March
    assert current.buckets[4].refunds == D("10.00")  # 5 March, the January order's refund
    assert current.buckets[11].refunds == D("5.00")  # 12 March
    # Every figure of the days adds up to the period's (items are counted for the period).
    days = sum(current.buckets, start=Amounts())
    assert replace(days, items=current.totals.items) == current.totals


def test_a_refund_lowers_its_own_month_and_never_the_order_s_month(store, march):
    january = DateRange(date(2026, 1, 1), date(2026, 1, 31))
    before = report_build(store=store, period=january, granularity=Granularity.DAY).current
    refund(march["january"], "7.00", paris(2026, 4, 2, 10, 0))
    after = report_build(store=store, period=january, granularity=Granularity.DAY).current
    assert before.totals == after.totals
    assert after.totals.net == D("30.00")
    april = DateRange(date(2026, 4, 1), date(2026, 4, 30))
    assert report_build(
        store=store, period=april, granularity=Granularity.DAY
    ).current.totals.refunds == D("7.00")


def test_compared_with_the_same_period_last_year(store, march):
    report = report_build(
        store=store, period=MARCH, granularity=Granularity.DAY, comparison=Comparison.PREVIOUS_YEAR
    )
    previous = report.previous
    assert previous.timeline.period == DateRange(date(2025, 3, 1), date(2025, 3, 31))
    assert (previous.totals.orders, previous.totals.net, previous.totals.taxes) == (
        1,
        D("12.50"),
        D("2.50"),
    )


def test_compared_with_the_previous_period_of_the_same_length(store, march):
    report = report_build(
        store=store,
        period=MARCH,
        granularity=Granularity.DAY,
        comparison=Comparison.PREVIOUS_PERIOD,
    )
    previous = report.previous
    assert previous.timeline.period == DateRange(date(2026, 1, 29), date(2026, 2, 28))
    # The February order only: the January one (15 January) is before the period.
    assert (previous.totals.orders, previous.totals.net) == (1, D("10.00"))
    assert previous.new_customers == 1


def test_an_empty_period(store, march):
    empty = DateRange(date(2024, 6, 1), date(2024, 6, 30))
    current = report_build(store=store, period=empty, granularity=Granularity.WEEK).current
    assert current.totals.orders == 0 and current.totals.net == D("0.00")
    assert current.totals.average_order_value is None
    assert current.totals.items_per_order is None
    assert current.totals.refund_rate is None
    assert current.products == [] and current.customers == 0
    assert len(current.buckets) == 5  # 1-2, 3-9, 10-16, 17-23, 24-30 June


def test_refund_of_an_order_whose_lines_are_worth_nothing_is_kept_apart(store):
    free = order(
        store, paris(2026, 3, 3, 10, 0), [("GIFT", "Cadeau", 1, "0.00")], shipping_total=D("6.00")
    )
    refund(free, "6.00", paris(2026, 3, 4, 10, 0))
    current = report_build(store=store, period=MARCH, granularity=Granularity.DAY).current
    assert current.unattributed is not None and current.unattributed.refunds == D("6.00")
    products_net = sum(row.net for row in current.products) + current.unattributed.net
    assert products_net + current.totals.shipping + current.totals.taxes == current.totals.total


def test_apportion_rounds_shares_so_they_add_up():
    # 10.00 shared in three equal parts.
    assert apportion([D("3.333333"), D("3.333333"), D("3.333333")], D("10.00")) == [
        D("3.34"),
        D("3.33"),
        D("3.33"),
    ]
    assert sum(apportion([D("0.005"), D("0.005")], D("0.01"))) == D("0.01")
