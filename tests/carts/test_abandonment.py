"""When a cart counts as abandoned: an e-mail, a line, no order, idle for the store's delay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carts.models import Cart, CartEvent
from mycommerce.plans import Plan
from tests.carts.conftest import cart_body
from tests.carts.factories import CartFactory, reminders_on

pytestmark = pytest.mark.django_db


def states(*carts) -> list[str]:
    return [Cart.objects.get(pk=cart.pk).state for cart in carts]


def test_a_cart_is_abandoned_after_two_idle_hours_not_before(store, run):
    fresh = CartFactory(store=store, idle=timedelta(hours=1, minutes=59))
    idle = CartFactory(store=store, idle=timedelta(hours=2, minutes=1))
    assert run().abandoned == 1
    assert states(fresh, idle) == ["active", "abandoned"]
    idle.refresh_from_db()
    # Abandoned when the delay ran out, not when the run noticed.
    assert idle.abandoned_at == idle.updated_at + timedelta(hours=2)
    event = idle.events.get(type=CartEvent.Type.ABANDONED)
    assert event.created_at == idle.abandoned_at


def test_the_store_sets_its_own_delay(store, run):
    reminders_on(store, reminders_enabled=False, abandon_after_minutes=30)
    cart = CartFactory(store=store, idle=timedelta(minutes=31))
    run()
    assert states(cart) == ["abandoned"]


def test_a_cart_without_e_mail_without_lines_or_with_an_order_is_never_abandoned(store, run, api):
    no_email = CartFactory(store=store, customer_email="", idle=timedelta(days=1))
    empty = CartFactory(store=store, lines=[], idle=timedelta(days=1))
    api.put("carts/checked-out-1", cart_body())
    api.post("carts/checked-out-1/checkout")
    Cart.objects.filter(token="checked-out-1").update(updated_at=timezone.now() - timedelta(days=1))
    assert run().abandoned == 0
    assert states(no_email, empty) == ["active", "active"]
    assert Cart.objects.get(token="checked-out-1").state == "ordered"


def test_an_update_brings_an_abandoned_cart_back_and_its_reminders_wait(store, run, api):
    reminders_on(store)
    api.put("carts/cart-0001-abcd", cart_body())
    Cart.objects.update(updated_at=timezone.now() - timedelta(hours=3))
    assert run().sent == 1
    assert api.put("carts/cart-0001-abcd", cart_body(lines=[])).status_code == 200
    assert states(Cart.objects.get()) == ["active"]
    assert run(now=timezone.now() + timedelta(hours=1)).sent == 0
    # Abandoned again later: the sequence goes on with the 2nd reminder, never the 1st again.
    api.put("carts/cart-0001-abcd", cart_body())
    cart = Cart.objects.get()
    later = cart.updated_at + timedelta(hours=2, minutes=1)
    run(now=later)
    assert states(cart) == ["abandoned"]
    assert run(now=later + timedelta(hours=24)).sent == 1
    assert sorted(cart.reminders.values_list("step", flat=True)) == [1, 2]


def test_stores_without_the_plan_get_no_abandonment_but_their_old_carts_are_erased(store, run):
    store.plan = Plan.STARTER
    store.save()
    cart = CartFactory(store=store, idle=timedelta(hours=5))
    old = CartFactory(store=store, idle=timedelta(days=91))
    report = run()
    assert (report.abandoned, report.erased) == (0, 1)
    assert states(cart) == ["active"]
    old.refresh_from_db()
    assert old.erased_at is not None and old.customer_email == ""


def test_the_holdout_draw_is_stable_and_close_to_the_share(store, run):
    reminders_on(store, holdout_percent=20)
    carts = [CartFactory(store=store, idle=timedelta(hours=3)) for _ in range(300)]
    run()
    groups = list(Cart.objects.filter(pk__in=[c.pk for c in carts]).values_list("group", flat=True))
    held_out = groups.count(Cart.Group.HOLDOUT)
    assert 30 <= held_out <= 90  # 20 % of 300, give or take chance
    assert groups.count(Cart.Group.REMINDED) == 300 - held_out


def test_carts_that_may_not_be_reminded_are_not_drawn(store, run):
    reminders_on(store, holdout_percent=50)
    no_consent = CartFactory(store=store, marketing_consent=False, idle=timedelta(hours=3))
    run()
    no_consent.refresh_from_db()
    assert no_consent.group == ""
