from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Sum
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from mycommerce.models import Membership, Store
from orders.editing.forms import OrderFormBundle
from orders.models import Order, OrderLine, OrderTax
from orders.statuses import FulfillmentStatus, PaymentStatus
from reports.periods import DateRange, Granularity
from reports.rules import COUNTED_PAYMENT_STATUSES
from reports.selectors import report_build
from tests.orders.editing.helpers import order_post_data

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_two_stores_with_their_users_and_realistic_orders(capsys):
    call_command("seed_demo", orders=40, stores=2, password="s3cret-demo")
    out = capsys.readouterr().out
    assert "orders/s" in out and "s3cret-demo" in out

    boutique, lyon = Store.objects.get(name="MaBoutique"), Store.objects.get(name="Succursale Lyon")
    assert (boutique.plan, boutique.currency, boutique.language) == ("standard", "EUR", "fr")
    assert lyon.plan == "free"
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "owner": "owner",
        "admin": "admin",
        "staff": "staff",
        "lyon-owner": "owner",
        "lyon-admin": "admin",
        "lyon-staff": "staff",
    }
    assert Client().login(request=HttpRequest(), username="owner", password="s3cret-demo")

    orders = Order.objects.filter(store=boutique)
    assert orders.count() == 40
    assert list(orders.order_by("number").values_list("number", flat=True)) == list(range(1, 41))
    assert set(orders.values_list("payment_status", flat=True)) == set(PaymentStatus.values)
    assert set(orders.values_list("fulfillment_status", flat=True)) == set(FulfillmentStatus.values)
    by_date = list(orders.order_by("created_at").values_list("number", flat=True))
    assert by_date == sorted(by_date)

    line_counts = orders.annotate(n=Count("lines")).values_list("n", flat=True)
    assert min(line_counts) >= 1 and max(line_counts) <= 6
    for order in orders.annotate(lines_sum=Sum("lines__line_total")):
        assert order.lines_sum == order.subtotal
        # Prices include VAT (the demo store's mode), 20 % on every line and on shipping: the
        # VAT is what the total holds above its base (the total ÷ 1.2, rounded once).
        assert order.prices_include_vat and order.charges_vat
        assert order.total == order.subtotal - order.discount_total + order.shipping_total
        base = (order.total / Decimal("1.2")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert order.tax_total == order.total - base
        assert order.refunded_total <= order.total
    for line in OrderLine.objects.all():
        assert line.line_total == line.unit_price * line.quantity
        assert line.vat_rate == Decimal("20")
    assert not OrderTax.objects.exists()  # no order taxed as a whole


def test_the_branch_can_have_a_size_of_its_own():
    """As the benchmarks seed: stores of different sizes, each numbered from 1."""
    call_command("seed_demo", orders=30, stores=2, branch_orders=3, carts=0)
    sizes = dict(Order.objects.values_list("store__name").annotate(n=Count("pk")))
    assert sizes == {"MaBoutique": 30, "Succursale Lyon": 3}
    lyon = Order.objects.filter(store__name="Succursale Lyon")
    assert sorted(lyon.values_list("number", flat=True)) == [1, 2, 3]


def test_seed_demo_if_empty_leaves_an_existing_database_alone(capsys):
    call_command("seed_demo", orders=3)
    call_command("seed_demo", orders=50, if_empty=True)
    assert Order.objects.count() == 3
    assert "nothing to do" in capsys.readouterr().out


def test_every_seeded_order_passes_the_order_form_unchanged():
    """A merchant editing a demo order never meets an error on a field nobody touched."""
    call_command("seed_demo", orders=60)
    orders = Order.objects.prefetch_related("lines", "discounts", "taxes")
    for order in orders:
        bundle = OrderFormBundle(data=order_post_data(order), order=order)
        assert bundle.is_valid(currency=order.currency), (order.reference, bundle.form.errors)
        assert bundle.totals.total == order.total
    emails = set(orders.values_list("customer_email", flat=True))
    assert all(email.isascii() and "@" in email for email in emails)


def test_the_order_form_takes_internationalised_domains_but_plain_local_parts():
    """Storefronts may send either: a domain in any script has an ASCII form (IDNA); an
    accented name before the @ is refused at the field, with a message."""
    call_command("seed_demo", orders=1)
    order = Order.objects.get()
    accepted = OrderFormBundle(
        data=order_post_data(order, customer_email="camille@bücher.example"), order=order
    )
    assert accepted.is_valid(currency="EUR")
    refused = OrderFormBundle(
        data=order_post_data(order, customer_email="chloé@example.fr"), order=order
    )
    assert not refused.is_valid(currency="EUR")
    assert refused.form.errors["customer_email"] == ["Enter a valid email address."]


def test_seed_demo_creates_carts_in_every_state_that_the_run_and_figures_understand(
    capsys, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from carts.figures import cart_figures
    from carts.models import Cart
    from carts.reminders import reminders_run
    from mycommerce.models import SentEmail

    call_command("seed_demo", orders=400, stores=2)
    assert "storefront API key (shown once): mck_" in capsys.readouterr().out
    boutique, lyon = Store.objects.get(name="MaBoutique"), Store.objects.get(name="Succursale Lyon")
    carts = Cart.objects.filter(store=boutique)
    assert carts.count() == 150 and not Cart.objects.filter(store=lyon).exists()
    assert set(carts.values_list("state", flat=True)) == set(Cart.State.values)
    assert set(carts.values_list("ordered_via", flat=True)) >= {"", "checkout", "link", "other"}
    assert {"no_consent", "unsubscribed", "superseded"} <= set(
        carts.values_list("stop_reason", flat=True)
    )
    assert carts.filter(group="holdout").exists() and carts.filter(erased_at__isnull=False).exists()
    for cart in carts.filter(order__isnull=False).select_related("order"):
        assert cart.order.customer_email.lower() == cart.customer_email
        assert cart.created_at < cart.ordered_at == cart.order.created_at
    reminders = SentEmail.objects.filter(store=boutique, kind="cart_reminder", status="sent")
    assert reminders.exclude(body_text="").exists()

    today = timezone.localdate()
    figures = cart_figures(store=boutique, start=today - timedelta(days=60), end=today)
    assert figures.recovered and figures.reminders_sent and figures.links_opened
    assert figures.lift.reminded and figures.lift.held_out

    # On `make run`, the first run sends what is due now, and the next minute nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_run()
    assert first.sent > 0 and len(mail.outbox) == first.sent
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_run().sent == 0


def test_the_seeded_orders_are_in_the_sales_reports(capsys):
    call_command("seed_demo", orders=60, carts=0)
    store = Store.objects.get(name="MaBoutique")
    zone = ZoneInfo(store.timezone)
    first, last = (
        timezone.localdate(moment, zone)
        for moment in Order.objects.aggregate(a=Min("created_at"), b=Max("created_at")).values()
    )
    report = report_build(store=store, period=DateRange(first, last), granularity=Granularity.MONTH)
    counted = Order.objects.filter(payment_status__in=COUNTED_PAYMENT_STATUSES)
    assert report.current.totals.orders == counted.count() > 0
    assert report.current.totals.gross == counted.aggregate(gross=Sum("subtotal"))["gross"]
