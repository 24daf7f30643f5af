import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from orders.statuses import PaymentStatus
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_paid_select_two_and_mark_them_shipped(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    store = membership.store
    paid = [
        OrderFactory(store=store, payment_status=PaymentStatus.PAID, customer_name=f"Payé {i}")
        for i in range(3)
    ]
    unpaid = OrderFactory(store=store, customer_name="Pas payé")

    sign_in(page, live_server, membership.user.username)
    page.get_by_text("More filters").click()
    page.locator("label[for='payment-paid']").click()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    expect(page.locator(f"tr[data-order='{unpaid.pk}']")).to_have_count(0)
    expect(page.get_by_test_id("active-filters")).to_contain_text("Payment status: Paid")

    chosen = paid[:2]
    for order in chosen:
        page.get_by_label(f"Select order {order.reference}").check()
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.get_by_label("New fulfillment status").select_option("shipped")
    page.get_by_label("Carrier").select_option("colissimo")
    page.get_by_label("Tracking number").fill("6A12345678901")
    page.locator("button[value='set_fulfillment_status']").click()

    expect(page.get_by_role("alert").first).to_contain_text("2 orders changed.")
    for order in chosen:
        row = page.locator(f"tr[data-order='{order.pk}']")
        expect(row.get_by_test_id("fulfillment-badge")).to_have_text("Shipped")
    untouched = page.locator(f"tr[data-order='{paid[2].pk}']")
    expect(untouched.get_by_test_id("fulfillment-badge")).to_have_text("Awaiting processing")

    page.get_by_role("link", name=chosen[0].reference, exact=True).click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(
        "Fulfillment status changed from “Awaiting processing” to “Shipped”"
    )
    expect(timeline).to_contain_text("6A12345678901")
    expect(timeline).to_contain_text(membership.user.username)


def test_select_page_checks_every_row(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF)
    orders = [OrderFactory(store=membership.store) for _ in range(3)]
    sign_in(page, live_server, membership.user.username)
    page.get_by_label("Select page").check()
    for order in orders:
        expect(page.get_by_label(f"Select order {order.reference}")).to_be_checked()
    expect(page.locator("#selected-count")).to_have_text("3 selected")
