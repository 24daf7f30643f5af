"""Editing an order and taking a phone order, in a real browser."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from orders.models import Order, OrderEvent
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_an_order_then_take_a_phone_order(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    order = OrderFactory(
        store=membership.store,
        customer_name="Camille Martin",
        lines=[("TAS-01", "Tasse", 1, Decimal("10.00"))],
    )
    sign_in(page, live_server, membership.user.username)

    page.goto(f"{live_server.url}/orders/{order.pk}/edit/")
    expect(page.get_by_role("heading", name=f"Edit order {order.reference}")).to_be_visible()

    page.get_by_role("button", name="Add a line").click()
    page.locator("input[name='lines-1-sku']").fill("BOL-02")
    page.locator("input[name='lines-1-name']").fill("Bol")
    page.locator("input[name='lines-1-quantity']").fill("2")
    page.locator("input[name='lines-1-unit_price']").fill("5.00")
    page.locator("input[name='lines-0-quantity']").fill("3")

    page.get_by_role("button", name="Add a discount").click()
    page.locator("input[name='discounts-0-label']").fill("Fidélité")
    page.locator("select[name='discounts-0-kind']").select_option("percent")
    page.locator("input[name='discounts-0-value']").fill("10")

    # The server recomputes the totals as the form changes: (30 + 10) − 10 %.
    expect(page.get_by_test_id("total")).to_have_text("€36.00")
    order.refresh_from_db()
    assert order.total == Decimal("10.00")  # a preview saves nothing
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(f"{live_server.url}/orders/{order.pk}/")
    expect(page.get_by_role("alert").filter(has_text="New total: €36.00")).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Quantity of TAS-01: 1 → 3")
    expect(timeline).to_contain_text("Line added: 2 × Bol (BOL-02)")
    expect(timeline).to_contain_text("Discount added: Fidélité (10 %)")
    event = OrderEvent.objects.get(order=order, type=OrderEvent.Type.EDITED)
    assert (event.details["total_before"], event.details["total_after"]) == ("10.00", "36.00")

    page.goto(f"{live_server.url}/orders/")
    page.get_by_role("link", name="New order").click()
    page.wait_for_load_state()
    page.get_by_label("Order taken by").select_option("phone")
    page.get_by_label("Customer name").fill("Léa Petit")
    page.get_by_label("Customer e-mail").fill("lea@example.fr")
    page.locator("input[name='lines-0-sku']").fill("TAS-01")
    page.locator("input[name='lines-0-name']").fill("Tasse")
    page.locator("input[name='lines-0-quantity']").fill("2")
    page.locator("input[name='lines-0-unit_price']").fill("10")
    page.get_by_label("Same as billing address").check()
    page.get_by_role("button", name="Create order").click()

    created = Order.objects.get(store=membership.store, customer_name="Léa Petit")
    assert created.source == Order.Source.PHONE and created.number == order.number + 1
    expect(
        page.get_by_role("alert").filter(has_text=f"Order {created.reference} created")
    ).to_be_visible()

    page.goto(f"{live_server.url}/orders/")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Léa Petit")
    expect(first_row).to_contain_text("€20.00")
