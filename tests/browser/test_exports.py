import csv
import io
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from orders.statuses import PaymentStatus
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_paid_orders_with_semicolon_and_four_columns(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="Shop", store__language="en")
    store = membership.store
    paid = OrderFactory(
        store=store,
        customer_name="Zoé Dupré; fils",
        payment_status=PaymentStatus.PAID,
        lines=[("TSH-1", "T-shirt", 2, Decimal("19.90"))],
    )
    OrderFactory(store=store, customer_name="Not Paid Yet")

    sign_in(page, live_server, membership.user.username)
    # What the list's "Export all" link opens with the "Paid" filter on.
    page.goto(f"{live_server.url}/exports/orders/?payment_status=paid")
    expect(page.get_by_test_id("export-summary")).to_contain_text("1 order matches")
    page.get_by_label("Semicolon ( ; )").check()
    page.get_by_label("One row per order (lines summarised)").check()
    page.get_by_role("button", name="Untick all columns").click()
    for label in ("Reference", "Payment status", "Customer name", "Total"):
        page.get_by_label(label, exact=True).check()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the CSV file").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()

    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == [
        ["Reference", "Payment status", "Customer name", "Total"],
        [paid.reference, "Paid", "Zoé Dupré; fils", "39.80"],
    ]


def choose_and_download(page: Page, labels: tuple[str, ...]) -> list[list[str]]:
    page.wait_for_load_state()  # "Untick all columns" is the page script's
    page.get_by_label("Semicolon ( ; )").check()
    page.get_by_label("One row per order (lines summarised)").check()
    page.get_by_role("button", name="Untick all columns").click()
    for label in labels:
        page.get_by_label(label, exact=True).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the CSV file").click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_from_the_list_filter_paid_then_export_all(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="Shop", store__language="en")
    paid = OrderFactory(
        store=membership.store, customer_name="Paid Customer", payment_status=PaymentStatus.PAID
    )
    OrderFactory(store=membership.store, customer_name="Waiting Customer")

    sign_in(page, live_server, membership.user.username)
    page.goto(f"{live_server.url}/orders/")
    page.get_by_text("More filters").click()
    page.locator("label[for=payment-paid]").click()
    page.get_by_role("button", name="Filter", exact=True).click()
    page.get_by_test_id("export-all").click()
    expect(page.get_by_test_id("export-summary")).to_contain_text("1 order matches")

    rows = choose_and_download(page, ("Reference", "Payment status", "Customer name", "Total"))
    assert rows == [
        ["Reference", "Payment status", "Customer name", "Total"],
        [paid.reference, "Paid", "Paid Customer", "20.00"],
    ]


def test_from_the_list_export_the_ticked_order(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="Shop", store__language="en")
    OrderFactory(store=membership.store, customer_name="Not Ticked")
    ticked = OrderFactory(store=membership.store, customer_name="Ticked Customer")

    sign_in(page, live_server, membership.user.username)
    page.goto(f"{live_server.url}/orders/")
    page.get_by_label(f"Select order {ticked.reference}").check()
    page.get_by_role("button", name="Export", exact=True).click()
    expect(page.get_by_test_id("export-summary")).to_contain_text("1 selected order")

    rows = choose_and_download(page, ("Reference", "Customer name"))
    assert rows == [["Reference", "Customer name"], [ticked.reference, "Ticked Customer"]]
