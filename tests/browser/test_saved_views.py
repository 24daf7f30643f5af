"""In French, as a merchant would: save the current filters as “À expédier”, see the tab with
its count, then open a customer's history from an order's page."""

import re

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from orders.models import SavedView
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.browser.support import sign_in_as, use_language
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_save_the_filters_as_a_view_then_open_a_customers_history(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    store = membership.store
    to_ship = [
        OrderFactory(
            store=store, payment_status=PaymentStatus.PAID, customer_email="camille@example.fr"
        )
        for _ in range(2)
    ]
    OrderFactory(store=store, customer_email="Camille@Example.fr")  # awaiting payment
    OrderFactory(
        store=store,
        payment_status=PaymentStatus.PAID,
        fulfillment_status=FulfillmentStatus.SHIPPED,
        customer_email="theo@example.fr",
    )
    # The store's own "À expédier" goes first: the merchant makes hers.
    SavedView.objects.filter(store=store, default_key="to_ship").delete()
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, membership.user.username)

    page.goto(f"{live_server.url}/orders/")
    page.get_by_test_id("more-filters").locator("summary").click()
    page.locator("label[for='payment-paid']").click()
    page.locator("label[for='fulfillment-awaiting_processing']").click()
    page.locator("#filter-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("result-count")).to_have_text("2 commandes")

    page.get_by_role("button", name="Enregistrer comme vue").click()
    page.get_by_label("Nom de la vue").fill("À expédier")
    page.get_by_label("Toute la boutique").check()
    page.get_by_role("button", name="Enregistrer la vue").click()
    page.wait_for_load_state()

    expect(page.get_by_role("alert").first).to_contain_text("Vue « À expédier » enregistrée.")
    tabs = page.get_by_role("navigation", name="Vues enregistrées")
    current = tabs.locator("[aria-current=page]")
    expect(current).to_have_text(re.compile(r"À expédier\s+2"))
    expect(tabs.get_by_role("link", name=re.compile("Paiement en attente"))).to_contain_text("1")
    expect(page.get_by_test_id("result-count")).to_have_text("2 commandes")

    # From an order's page, the customer's other orders, then all of them in the list.
    page.get_by_role("link", name=to_ship[0].reference, exact=True).click()
    history = page.get_by_test_id("customer-history")
    expect(history).to_contain_text("Commandes de ce client")
    expect(history.get_by_test_id("history-count")).to_have_text("3")
    expect(history.get_by_test_id("history-orders").get_by_role("link")).to_have_count(2)
    history.get_by_role("link", name="Voir les 3 commandes de ce client dans la liste").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("result-count")).to_have_text("3 commandes")
    expect(page.get_by_test_id("active-filters")).to_contain_text(
        "E-mail du client : camille@example.fr"
    )
