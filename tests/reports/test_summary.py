"""The daily summary that the reports read stays equal to its recomputation from the orders
after every kind of write the services make (run on SQLite and on PostgreSQL)."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carts.parts import CheckoutData
from carts.services import cart_checkout
from mycommerce.plans import Plan
from mycommerce.services import store_update_settings
from orders.editing.services import order_edit
from orders.models import Order, Refund
from orders.parts import EDITABLE_FIELDS, DiscountData, LineData, OrderData
from orders.services import (
    order_bulk_set_fulfillment_status,
    order_bulk_set_payment_status,
    order_cancel_and_refund,
    order_create,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus, PaymentStatus
from reports.models import CustomerDay, CustomerReturn, ProductDay, SalesDay, SalesHour
from reports.periods import DateRange, Granularity
from reports.selectors import report_build
from reports.summary import summary_rebuild
from tests.carts.factories import CartFactory

pytestmark = [pytest.mark.django_db, pytest.mark.summary_as_is]

PARIS = ZoneInfo("Europe/Paris")
D = Decimal
MODELS = (SalesDay, SalesHour, ProductDay, CustomerDay, CustomerReturn)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@contextmanager
def at(moment: datetime):
    """Orders and refunds written now are dated `moment` (a field caches its default)."""
    with (
        mock.patch.object(Order._meta.get_field("created_at"), "_get_default", lambda: moment),
        mock.patch.object(Refund._meta.get_field("created_at"), "_get_default", lambda: moment),
    ):
        yield


def summary(store) -> dict:
    def value(row: dict, name: str):
        found = row[name]
        # SQLite sums decimals as floats: compare shares to far below a cent.
        return round(D(str(found)), 6) if isinstance(found, (D, float)) else found

    rows = {}
    for model in MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        found = model.objects.filter(store=store).values(*names)
        rows[model.__name__] = sorted(tuple(value(row, name) for name in names) for row in found)
    return rows


def assert_kept(store) -> None:
    kept = summary(store)
    summary_rebuild(store=store)
    assert kept == summary(store)
    assert kept["SalesDay"], "nothing was booked"


def data(*, email="camille@example.fr", lines=None, **fields) -> OrderData:
    return OrderData(
        customer_name="Camille Martin",
        customer_email=email,
        shipping_country=fields.pop("country", "FR"),
        lines=lines or [LineData(sku="MUG", name="Tasse", quantity=2, unit_price=D("12.50"))],
        **fields,
    )


@pytest.fixture
def shop(store):
    store.plan = Plan.STANDARD
    store.save()
    return store


@pytest.fixture
def member(shop, staff):
    staff.refresh_from_db()
    return staff


def test_every_write_keeps_the_summary_equal_to_its_recomputation(shop, member):
    with at(paris(2026, 3, 28, 23, 30)):
        first = order_create(store=shop, source=Order.Source.STOREFRONT, data=data(), paid=True)
    assert_kept(shop)
    # The night clocks go forward, by phone, awaiting payment, then paid.
    with at(paris(2026, 3, 29, 2, 30)):
        phone = order_create(
            store=shop,
            source=Order.Source.PHONE,
            membership=member,
            data=data(email="Old@Example.fr", country="BE"),
        )
    assert_kept(shop)
    order_set_payment_status(membership=member, order=phone, status=PaymentStatus.PAID)
    assert_kept(shop)
    # An edit: another customer, quantity, a second product and a discount.
    first.refresh_from_db()
    order_edit(
        membership=member,
        order_pk=first.pk,
        version=first.version,
        data=OrderData(
            **{name: getattr(first, name) for name in EDITABLE_FIELDS}
            | {"customer_email": "chloe@example.fr"},
            lines=[
                LineData(
                    line_id=first.lines.get().pk,
                    sku="MUG",
                    name="Tasse",
                    quantity=3,
                    unit_price=D("12.50"),
                ),
                LineData(sku="TEA", name="Thé", quantity=1, unit_price=D("5.00")),
            ],
            discounts=[DiscountData(label="Fidélité", kind="percent", value=D("10"))],
        ),
    )
    assert_kept(shop)
    # A refund days later, booked on its own date.
    with at(paris(2026, 4, 2, 9, 0)):
        order_refund(membership=member, order=first, amount=D("7.25"), reason="Abîmée")
    assert_kept(shop)
    order_set_fulfillment_status(
        membership=member, order=first, status=FulfillmentStatus.SHIPPED, carrier="La Poste"
    )
    assert_kept(shop)
    with at(paris(2026, 4, 2, 23, 45)):
        more = [
            order_create(store=shop, source=Order.Source.STOREFRONT, data=data(email=email))
            for email in ("old@example.fr", "new@example.fr", "")
        ]
    assert_kept(shop)
    pks = [order.pk for order in more]
    order_bulk_set_payment_status(
        membership=member, orders=Order.objects.filter(pk__in=pks), status=PaymentStatus.PAID
    )
    assert_kept(shop)
    order_bulk_set_fulfillment_status(
        membership=member,
        orders=Order.objects.filter(pk__in=pks),
        status=FulfillmentStatus.PROCESSING,
    )
    assert_kept(shop)
    # Back to awaiting payment: out of every figure again; then cancelled.
    order_set_payment_status(
        membership=member, order=more[0], status=PaymentStatus.AWAITING_PAYMENT
    )
    assert_kept(shop)
    order_set_payment_status(membership=member, order=more[0], status=PaymentStatus.CANCELLED)
    assert_kept(shop)
    with at(paris(2026, 4, 5, 0, 30)):
        order_cancel_and_refund(
            membership=member, order=more[1], amount=more[1].total, reason="Annulée"
        )
    assert_kept(shop)
    with at(paris(2026, 4, 5, 12, 0)):
        cart_checkout(store=shop, token=CartFactory(store=shop).token, data=CheckoutData(paid=True))
    assert_kept(shop)


def test_the_report_reads_what_the_writes_booked(shop, member):
    """No rebuild: the figures come from the summary the services kept."""
    with at(paris(2026, 3, 2, 10, 0)):
        order = order_create(store=shop, source=Order.Source.STOREFRONT, data=data(), paid=True)
    with at(paris(2026, 3, 9, 0, 15)):
        order_refund(membership=member, order=order, amount=D("5.00"), reason="Abîmée")
    with at(paris(2026, 3, 10, 10, 0)):
        again = order_create(store=shop, source=Order.Source.PHONE, membership=member, data=data())
    order_set_payment_status(membership=member, order=again, status=PaymentStatus.PAID)
    report = report_build(
        store=shop,
        period=DateRange(paris(2026, 3, 1).date(), paris(2026, 3, 31).date()),
        granularity=Granularity.WEEK,
    )
    totals = report.current.totals
    assert (totals.orders, totals.gross, totals.refunds, totals.net) == (
        2,
        D("50.00"),
        D("5.00"),
        D("45.00"),
    )
    # Sunday 1 March alone, then the weeks of 2 and 9 March: the refund of the first order
    # lowers the week it was recorded in, next to the second order.
    assert [bucket.net for bucket in report.current.buckets[:3]] == [
        D("0.00"),
        D("25.00"),
        D("20.00"),
    ]
    assert (report.current.new_customers, report.current.returning_customers) == (1, 0)
    assert report.current.breakdowns["source"]["phone"].gross == D("25.00")


def test_reports_rebuild_recomputes_from_the_orders(shop, member):
    with at(paris(2026, 3, 2, 10, 0)):
        order_create(store=shop, source=Order.Source.STOREFRONT, data=data(), paid=True)
    kept = summary(shop)
    SalesDay.objects.all().delete()
    call_command("reports_rebuild", "--store", str(shop.pk), stdout=mock.Mock())
    assert summary(shop) == kept
    SalesDay.objects.all().delete()
    call_command("reports_rebuild", stdout=mock.Mock())
    assert summary(shop) == kept


def test_a_new_time_zone_moves_the_orders_to_their_new_local_days(shop, member, admin_member):
    # 23:30 on 2 March in Paris is 07:30 on 3 March in Tokyo.
    with at(paris(2026, 3, 2, 23, 30)):
        order_create(store=shop, source=Order.Source.STOREFRONT, data=data(), paid=True)
    march_3 = DateRange(date(2026, 3, 3), date(2026, 3, 3))

    def orders_on_march_3() -> int:
        shop.refresh_from_db()
        return report_build(
            store=shop, period=march_3, granularity=Granularity.HOUR
        ).current.totals.orders

    assert orders_on_march_3() == 0
    store_update_settings(membership=admin_member, data={"timezone": "Asia/Tokyo"})
    assert orders_on_march_3() == 1
    assert_kept(shop)


def test_a_bulk_change_recomputes_each_day_once(shop, member):
    with at(paris(2026, 3, 2, 10, 0)):
        orders = [
            order_create(store=shop, source=Order.Source.STOREFRONT, data=data()) for _ in range(12)
        ]
    with CaptureQueriesContext(connection) as queries:
        result = order_bulk_set_payment_status(
            membership=member,
            orders=Order.objects.filter(pk__in=[order.pk for order in orders]),
            status=PaymentStatus.PAID,
        )
    assert len(result.changed) == 12
    redone = [q for q in queries.captured_queries if 'DELETE FROM "reports_salesday"' in q["sql"]]
    assert len(redone) == 1
    assert_kept(shop)
    assert SalesDay.objects.get(store=shop, dimension="", day=date(2026, 3, 2)).orders == 12
