"""In French, a merchant types a name without its accents and finds the order."""

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from tests.browser.support import use_language
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_accent_free_search_finds_an_accented_name(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    store = membership.store
    wanted = OrderFactory(store=store, customer_name="Élodie Lefèvre", shipping_city="Bordeaux")
    other = OrderFactory(store=store, customer_name="Théo Martin", shipping_city="Lyon")

    sign_in(page, live_server, membership.user.username)
    use_language(page, live_server, "fr")
    page.goto(f"{live_server.url}/orders/")
    expect(page.get_by_role("heading", name="Commandes", exact=True)).to_be_visible()

    search = page.get_by_label("Recherche", exact=True)
    search.fill("elodie lefevre")
    search.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(f"tr[data-order='{wanted.pk}']")).to_contain_text("Élodie Lefèvre")
    expect(page.locator(f"tr[data-order='{other.pk}']")).to_have_count(0)
    expect(page.get_by_test_id("result-count")).to_have_text("1 commande")
    # The counts came after the page (a search), the tabs' too: all orders, 2.
    expect(page.locator('[data-counted="view-all"]')).to_have_text("2")

    search = page.get_by_label("Recherche", exact=True)
    search.fill("THEO")
    search.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(f"tr[data-order='{other.pk}']")).to_contain_text("Théo Martin")
    expect(page.locator(f"tr[data-order='{wanted.pk}']")).to_have_count(0)
