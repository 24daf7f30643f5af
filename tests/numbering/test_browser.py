"""The live preview of the next reference, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_follows_typing_and_saving_changes_the_next_order(page: Page, live_server):
    admin = MembershipFactory(role=Role.ADMIN, store__name="MaBoutique")
    OrderFactory(store=admin.store)
    sign_in(page, live_server, admin.user.username)
    page.get_by_role("link", name="Order numbering").click()
    page.wait_for_load_state()
    preview = page.locator("#numbering-preview")
    expect(preview).to_have_text("2")

    page.get_by_label("Next order number").fill("1006")
    page.get_by_label("Prefix").fill("MaBoutique-")
    page.get_by_label("Suffix").fill("-2019")
    expect(preview).to_have_text("MaBoutique-1006-2019")

    page.get_by_label("Next order number").fill("1")
    expect(page.locator("#numbering-preview-error")).to_contain_text("Enter 2 or more")

    page.get_by_label("Next order number").fill("1006")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("MaBoutique-1006-2019")
    expect(page.locator("table")).to_contain_text(admin.user.username)
    assert OrderFactory(store=admin.store).reference == "MaBoutique-1006-2019"
