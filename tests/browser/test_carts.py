import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from carts.models import Cart
from carts.reminders import reminders_run
from mycommerce.roles import Role
from orders.models import Order
from tests.browser.test_sign_in import sign_in
from tests.carts.factories import CartFactory, reminders_on
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_reminder_s_link_to_a_recovered_cart_and_its_order(
    page: Page, live_server, settings
):
    settings.SITE_URL = live_server.url
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    store = membership.store
    OrderFactory(store=store, customer_name="Commande plus ancienne")
    reminders_on(store)
    cart = CartFactory(
        store=store, customer_name="Camille Martin", language="fr", idle=timedelta(hours=3)
    )
    reminders_run()  # committed: the worker's task has sent the e-mail
    (message,) = mail.outbox
    link = re.search(r"(http://\S+/carts/recover/\S+/)", message.body).group(1)

    page.goto(link)
    expect(page.get_by_test_id("recovery-total")).to_have_text("54,30\u00a0€")
    expect(page.get_by_label("Votre nom")).to_have_value("Camille Martin")
    page.get_by_role("button", name="Confirmer ma commande").click()
    expect(page.get_by_test_id("link-problem")).to_contain_text("Merci")
    order = Order.objects.get(store=store, customer_name="Camille Martin")
    expect(page.get_by_test_id("link-problem")).to_contain_text(order.reference)

    sign_in(page, live_server, membership.user.username)
    first_row = page.locator("tbody tr").first
    expect(first_row).to_have_attribute("data-order", str(order.pk))
    expect(first_row).to_contain_text("Camille Martin")

    page.get_by_role("link", name="Abandoned carts").click()
    row = page.locator(f"tr[data-cart='{cart.pk}']")
    expect(row.get_by_test_id("cart-state")).to_have_text("Recovered")
    expect(row).to_contain_text(order.reference)
    expect(page.get_by_test_id("figures").locator("[data-figure='recovered']")).to_have_text("1")
    assert Cart.objects.get(pk=cart.pk).ordered_via == Cart.OrderedVia.LINK
