import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mycommerce.roles import Role
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_three_orders_print_invoices_and_get_three_pages(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    orders = [OrderFactory(store=membership.store) for _ in range(5)]
    chosen = orders[1:4]

    sign_in(page, live_server, membership.user.username)
    for order in chosen:
        page.locator(f"input[name=ids][value='{order.pk}']").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print", exact=True).click()

    reader = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert len(reader.pages) == 3
    texts = [p.extract_text() for p in reader.pages]
    for text, order in zip(texts, reversed(chosen)):
        assert order.reference in text


def test_a_large_batch_shows_a_progress_bar_then_a_download(page: Page, live_server):
    membership = MembershipFactory(role=Role.STAFF, store__name="MaBoutique")
    for _ in range(21):
        OrderFactory(store=membership.store)

    sign_in(page, live_server, membership.user.username)
    page.locator("#select-all-matching").check()
    page.get_by_role("button", name="Print", exact=True).click()

    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("[data-job-count]")).to_have_text("21 / 21")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    reader = PdfReader(download_info.value.path())
    assert len(reader.pages) == 21
