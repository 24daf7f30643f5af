"""The export's tracking link column: each shipped order's carrier page, made from the order's
own fields (the carrier's code or, before the list, its name typed in full; the number; the
postcode for the carriers that ask for it; the store's template for "other")."""

import pytest

from tests.exports.test_views import content_of, export, parse, row_of
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_each_order_links_to_its_carriers_page(staff_client, store):
    store.tracking_url_template = "https://suivi.example.fr/colis/{number}"
    store.save()
    shipped = {
        "colissimo": OrderFactory(
            store=store, carrier_code="colissimo", carrier="Colissimo", tracking_number="6a123"
        ),
        "mondial relay": OrderFactory(
            store=store,
            carrier_code="mondial_relay",
            carrier="Mondial Relay",
            tracking_number="12345678",
            shipping_postcode=" 13001 ",
        ),
        "by name": OrderFactory(store=store, carrier="colissimo ", tracking_number="6A456"),
        "other": OrderFactory(
            store=store, carrier_code="other", carrier="Coursier", tracking_number="ab 12"
        ),
        "unknown": OrderFactory(store=store, carrier="Transports Martin", tracking_number="X1"),
        "no number": OrderFactory(store=store, carrier_code="colissimo", carrier="Colissimo"),
    }
    rows = parse(content_of(export(staff_client, columns=["reference", "tracking_url"])))
    links = {name: row_of(rows, order)["Tracking link"] for name, order in shipped.items()}
    assert links == {
        "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123",
        "mondial relay": "https://www.mondialrelay.fr/suivi-de-colis/"
        "?numeroExpedition=12345678&codePostal=13001",
        "by name": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A456",
        "other": "https://suivi.example.fr/colis/AB12",
        "unknown": "",
        "no number": "",
    }


def test_a_store_without_a_template_exports_no_link_for_other(staff_client, store):
    order = OrderFactory(
        store=store, carrier_code="other", carrier="Coursier", tracking_number="AB12"
    )
    rows = parse(content_of(export(staff_client, columns=["reference", "tracking_url"])))
    assert row_of(rows, order)["Tracking link"] == ""
