"""axe-core (static/vendor/axe-core) on every main page, in French and in English: no
violation of any impact. And the keyboard's way to the results: a skip link first."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mycommerce.plans import Plan
from mycommerce.roles import Role
from tests.browser.support import sign_in_as, use_language
from tests.factories import MembershipFactory, OrderFactory
from tests.main_pages import main_pages_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[str]:
    """Every rule axe runs by default (WCAG A and AA, best practices), on the whole page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_main_page_has_no_axe_violation(page: Page, live_server, language):
    pages = main_pages_data()
    use_language(page, live_server, language)
    page.goto(f"{live_server.url}/accounts/login/")
    found = {"login": axe_violations(page)}
    sign_in_as(page, live_server, pages.owner.user.username)
    for name, path in pages.paths().items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        found[name] = axe_violations(page)
    assert {name: violations for name, violations in found.items() if violations} == {}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_locked_and_refused_pages_have_no_axe_violation(page: Page, live_server, language):
    """A Free store's locked features (banner and disabled buttons), a staff refusal."""
    free = MembershipFactory(role=Role.OWNER, store__plan=Plan.FREE, store__name="Lyon")
    order = OrderFactory(store=free.store)
    staff = MembershipFactory(role=Role.STAFF)
    use_language(page, live_server, language)
    found = {}
    sign_in_as(page, live_server, free.user.username)
    for path in ("/orders/", f"/orders/{order.pk}/", "/settings/numbering/"):
        page.goto(f"{live_server.url}{path}")
        found[path] = axe_violations(page)
    page.context.clear_cookies()
    use_language(page, live_server, language)
    sign_in_as(page, live_server, staff.user.username)
    page.goto(f"{live_server.url}/settings/numbering/")
    expect(page.get_by_test_id("role-refused")).to_be_visible()
    found["refusal"] = axe_violations(page)
    assert {path: violations for path, violations in found.items() if violations} == {}


def test_the_first_tab_reaches_skip_to_orders_then_the_results(page: Page, live_server):
    pages = main_pages_data()
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, pages.owner.user.username)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller aux commandes")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    # From there the first order's box is 7 Tabs away ("select all", "select page", the four
    # sort headers), where it took 56 from the top of the page.
    first_box = page.locator("tr[data-order]").first.locator("input.row-select")
    presses = 0
    while presses < 7 and not first_box.evaluate("e => e === document.activeElement"):
        page.keyboard.press("Tab")
        presses += 1
    expect(first_box).to_be_focused()
