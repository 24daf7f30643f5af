"""Switching store from an order page, with the keyboard, in French."""

import re

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from tests.browser.support import sign_in_as, use_language
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_arrow_keys_browse_the_stores_and_a_switch_from_an_order_lands_on_the_list(
    page: Page, live_server
):
    paris = MembershipFactory(role=Role.OWNER, store__name="MaBoutique")
    lyon = MembershipFactory(user=paris.user, role=Role.STAFF, store__name="Succursale Lyon")
    order = OrderFactory(store=paris.store, customer_name="Camille Martin")
    theirs = OrderFactory(store=lyon.store, customer_name="Théo Lefèvre")
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, paris.user.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    switcher = page.get_by_role("button", name=re.compile("^Boutique"))
    expect(switcher).to_contain_text("MaBoutique")

    # Browsing the stores with the arrows changes nothing; Escape leaves the menu.
    switcher.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("button", name="Succursale Lyon")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page).to_have_url(f"{live_server.url}/orders/{order.pk}/")
    expect(switcher).to_contain_text("MaBoutique")

    # Enter on a store switches: the order is not Lyon's, so Lyon's order list opens.
    switcher.focus()
    page.keyboard.press("ArrowDown")
    lyon_item = page.get_by_role("button", name="Succursale Lyon")
    for _ in range(2):
        if lyon_item.evaluate("e => e === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    expect(lyon_item).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(f"{live_server.url}/orders/")
    expect(page.get_by_role("alert").first).to_contain_text(
        "Vous travaillez maintenant dans Succursale Lyon."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Commandes")
    expect(page.locator(f"tr[data-order='{theirs.pk}']")).to_contain_text("Théo Lefèvre")
    expect(page.locator(f"tr[data-order='{order.pk}']")).to_have_count(0)
