"""Countries are chosen by their translated name in the order form and shown by name on the
order page; the order keeps the same 2-letter codes."""

from decimal import Decimal

import pytest

from tests.factories import OrderFactory
from tests.orders.editing.helpers import order_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(store):
    return OrderFactory(store=store, lines=[("TAS-01", "Tasse", 1, Decimal("10.00"))])


def test_the_form_offers_countries_by_their_french_name(staff_client, order):
    html = staff_client.get(f"/orders/{order.pk}/edit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    select = html[html.index('name="billing_country"') :]
    select = select[: select.index("</select>")]
    assert '<option value="FR" selected>France</option>' in select
    assert '<option value="DE">Allemagne</option>' in select
    assert "Choisir un pays…" in select
    assert "Pays (2 lettres)" not in html


def test_a_chosen_country_is_stored_as_its_code_and_shown_by_name(staff_client, order):
    response = staff_client.post(
        f"/orders/{order.pk}/edit/",
        order_post_data(order, billing_country="DE", shipping_country="be"),
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.billing_country, order.shipping_country) == ("DE", "BE")
    html = staff_client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Allemagne</address>" in html and "Belgique</address>" in html


def test_an_unknown_country_is_refused_and_an_old_code_is_kept(staff_client, store):
    old = OrderFactory(store=store, billing_country="XK", shipping_country="ZZ")
    refused = staff_client.post(
        f"/orders/{old.pk}/edit/", order_post_data(old, billing_country="QQ")
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    # A code the list does not know, stored earlier, stays selectable and is shown as it is.
    kept = staff_client.post(
        f"/orders/{old.pk}/edit/", order_post_data(old, customer_name="Nouveau")
    )
    assert kept.status_code == 302
    old.refresh_from_db()
    assert old.shipping_country == "ZZ" and old.customer_name == "Nouveau"
    assert "ZZ</address>" in staff_client.get(f"/orders/{old.pk}/").content.decode()
