"""The pages on a tablet and a phone, in French: nothing scrolls sideways, the sidebar is an
off-canvas menu, the list keeps what matters, the status forms come before the timeline."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import sign_in_as, use_language
from tests.browser.test_accessibility import axe_violations
from tests.main_pages import main_pages_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


def scroll_width(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def inside_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.fixture
def pages(page: Page, live_server):
    data = main_pages_data()
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, data.owner.user.username)
    return data


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["768x1024", "390x844"])
def test_list_detail_and_edit_do_not_scroll_sideways(page: Page, live_server, pages, viewport):
    page.set_viewport_size(viewport)
    for path in ("/orders/", f"/orders/{pages.order.pk}/", f"/orders/{pages.order.pk}/edit/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        assert scroll_width(page) <= viewport["width"], path
        assert axe_violations(page) == [], path

    page.goto(f"{live_server.url}/orders/")
    row = page.locator(f"tr[data-order='{pages.order.pk}']")
    for shown in (
        row.get_by_role("link", name=pages.order.reference, exact=True),
        row.get_by_text("Camille Martin"),
        row.get_by_text("59,16"),
        row.get_by_text("Partiellement remboursé").filter(visible=True),
        row.get_by_text("Expédié").filter(visible=True),
    ):
        expect(shown).to_be_visible()
        assert inside_viewport(page, shown)

    page.goto(f"{live_server.url}/orders/{pages.order.pk}/")
    statuses = page.get_by_role("heading", name="Statuts").bounding_box()
    timeline = page.get_by_role("heading", name="Historique").bounding_box()
    assert statuses["y"] < timeline["y"]
    sku = page.locator("code.sku", has_text="TSH-BLC-M")
    assert sku.bounding_box()["height"] < 2 * float(
        sku.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || e.offsetHeight")
    )

    page.goto(f"{live_server.url}/orders/{pages.order.pk}/edit/")
    back = page.get_by_role("link", name="Retour à la commande")
    expect(back).to_be_visible()
    assert inside_viewport(page, back)


def test_below_lg_the_sidebar_is_an_off_canvas_menu(page: Page, live_server, pages):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/orders/")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation).to_be_hidden()
    heading = page.get_by_role("heading", name="Commandes", level=1).bounding_box()
    assert heading["x"] < 40  # the page has the whole width

    # The bulk actions fold until a row is selected: the first orders show on the first screen.
    bulk = page.get_by_label("Nouveau statut de paiement")
    expect(bulk).to_be_hidden()
    first = page.locator("tr[data-order]").first
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= PHONE["height"]
    first.locator("input.row-select").check()
    expect(bulk).to_be_visible()

    page.get_by_role("button", name="Menu").click()
    expect(navigation).to_be_visible()
    expect(page.get_by_role("dialog", name="Menu")).to_be_visible()
    assert axe_violations(page) == []
    navigation.get_by_role("link", name="Abonnement").click()
    expect(page).to_have_url(f"{live_server.url}/settings/plan/")
    expect(navigation).to_be_hidden()


def test_on_a_laptop_the_first_orders_show_under_folded_filters(page: Page, live_server, pages):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/orders/")
    # It started at y = 650, under the whole filter form; now both orders show in full.
    rows = page.locator("tr[data-order]")
    # (Above them: the saved views' tabs, one line, and the bulk bar, one line a little taller
    # since the tracking number has its override checkbox under it.)
    assert rows.first.bounding_box()["y"] < 540
    assert rows.last.bounding_box()["y"] + rows.last.bounding_box()["height"] <= 800
    expect(page.get_by_label("Du", exact=True)).to_be_hidden()
    page.get_by_text("Plus de filtres").click()
    expect(page.get_by_label("Du", exact=True)).to_be_visible()
    expect(page.get_by_test_id("payment-facets")).to_be_visible()
