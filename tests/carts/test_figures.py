"""The period's figures: abandonment, reminders, recovery (link only), influenced revenue (other
orders within 7 days of a reminder) and the lift of reminded over held-out carts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from carts.figures import cart_figures
from carts.models import Cart, CartEvent, CartReminder
from tests.carts.factories import CartFactory
from tests.conftest import client_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def abandoned(store, group=Cart.Group.REMINDED, **kwargs) -> Cart:
    now = timezone.now()
    return CartFactory(
        store=store,
        state=Cart.State.ABANDONED,
        group=group,
        created_at=now - timedelta(hours=5),
        abandoned_at=now - timedelta(hours=3),
        first_abandoned_at=now - timedelta(hours=3),
        **kwargs,
    )


def ordered(cart: Cart, via: str, total: str, email: str = "") -> Cart:
    order = OrderFactory(
        store=cart.store,
        customer_email=email or cart.customer_email,
        lines=[("S", "Sac", 1, Decimal(total))],
    )
    cart.order, cart.ordered_via, cart.ordered_at = order, via, order.created_at
    cart.state = Cart.State.RECOVERED if via == Cart.OrderedVia.LINK else Cart.State.ORDERED
    cart.save()
    return cart


def remind(cart: Cart, step: int = 1, hours_ago: float = 2) -> None:
    CartReminder.objects.create(
        cart=cart,
        store=cart.store,
        step=step,
        email=cart.customer_email,
        status=CartReminder.Status.SENT,
        created_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_the_figures_of_a_period(store):
    today = timezone.localdate()
    CartFactory(store=store)  # active, not abandoned
    CartFactory(store=store, created_at=timezone.now() - timedelta(days=60))  # outside
    recovered = ordered(abandoned(store), Cart.OrderedVia.LINK, "80.00")
    remind(recovered)
    CartEvent.objects.create(cart=recovered, type=CartEvent.Type.LINK_OPENED, details={"step": 1})
    came_back = abandoned(store)
    remind(came_back)
    remind(came_back, step=2, hours_ago=1)
    # Came back by herself at the storefront after the reminders: influenced, not recovered.
    ordered(came_back, Cart.OrderedVia.CHECKOUT, "30.00")
    # An order a week and more after a reminder influenced nothing.
    stale = abandoned(store)
    remind(stale, hours_ago=24 * 8)
    OrderFactory(store=store, customer_email=stale.customer_email.upper())
    abandoned(store)

    figures = cart_figures(store=store, start=today - timedelta(days=29), end=today)
    assert (figures.created, figures.abandoned) == (5, 4)
    assert figures.abandonment_rate == pytest.approx(0.8)
    assert figures.reminders == {1: 3, 2: 1, 3: 0} and figures.reminders_sent == 4
    assert figures.links_opened == 1
    assert (figures.recovered, figures.recovered_revenue) == (1, Decimal("80.00"))
    assert figures.recovery_rate == pytest.approx(0.25)
    assert (figures.influenced, figures.influenced_revenue) == (1, Decimal("30.00"))


def test_the_holdout_lift_compares_orders_after_abandonment(store):
    for i in range(40):
        cart = abandoned(store)
        if i < 12:  # 30 % of reminded carts ordered: 8 through the link, 4 at the storefront
            ordered(cart, Cart.OrderedVia.LINK if i < 8 else Cart.OrderedVia.CHECKOUT, "50")
    for i in range(40):
        cart = abandoned(store, group=Cart.Group.HOLDOUT)
        if i < 4:  # 10 % of held-out carts came back on their own
            ordered(cart, Cart.OrderedVia.CHECKOUT, "50")
    # The period's carts are those created in it: five hours ago, yesterday before 5 a.m.
    created = timezone.localdate(Cart.objects.earliest("created_at").created_at)
    lift = cart_figures(store=store, start=created, end=timezone.localdate()).lift
    assert (lift.reminded, lift.reminded_ordered, lift.held_out, lift.held_out_ordered) == (
        40,
        12,
        40,
        4,
    )
    assert lift.points == pytest.approx(20.0)
    assert 0 < lift.margin < 20 and lift.reliable


def test_a_small_holdout_is_said_to_be_too_small(store, owner):
    abandoned(store)
    abandoned(store, group=Cart.Group.HOLDOUT)
    html = client_for(owner).get("/carts/").content.decode()
    assert "Too few carts in a group to conclude yet" in html


def test_the_page_shows_the_figures_of_the_chosen_dates(store, owner):
    old = CartFactory(store=store, created_at=timezone.now() - timedelta(days=40))
    response = client_for(owner).get("/carts/")
    assert response.context["figures"].created == 0
    day = timezone.localtime(old.created_at).date()
    response = client_for(owner).get(f"/carts/?date_from={day}&date_to={day}")
    figures = response.context["figures"]
    assert (figures.start, figures.end, figures.created) == (day, day, 1)
    assert isinstance(figures.start, date)
