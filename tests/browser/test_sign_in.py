import re

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from tests.factories import PASSWORD, MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The next step may need the page's scripts: wait for the list to load, not just commit.
    page.wait_for_load_state()


def test_sign_in_switch_to_french_and_see_the_orders(page: Page, live_server):
    membership = MembershipFactory(role=Role.OWNER, store__name="MaBoutique")
    order = OrderFactory(store=membership.store, customer_name="Camille Martin")

    sign_in(page, live_server, membership.user.username)
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()

    page.get_by_role("button", name=re.compile("^Language")).click()
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Commandes")).to_be_visible()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_contain_text(
        "Commandes"
    )
    row = page.locator(f"tr[data-order='{order.pk}']")
    expect(row).to_contain_text("Camille Martin")
    expect(row).to_contain_text("Paiement en attente")
