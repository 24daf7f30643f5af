"""Carriers: each one's number format and tracking page, the check in single and bulk
changes with its override, and the link on the order page, packing slip, export and API."""

import pytest
from django.core.exceptions import ValidationError

from carts.api.endpoints import order_out
from invoices.pages import packing_slip_page
from orders.actions import BULK_ACTIONS
from orders.carriers import CARRIERS, tracking_number_refusal, tracking_url
from orders.models import Order
from orders.services import order_bulk_set_fulfillment_status, order_set_fulfillment_status
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.conftest import client_for
from tests.factories import OrderFactory

# For each carrier: a number in its format, one that is not, and its tracking page.
EXAMPLES = {
    "colissimo": (
        ["6A12345678901", "8R 1234 5678 901", "cb123456789fr"],
        ["6A1234", "CB123456789DE", "1Z999AA10123456784"],
        "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
    ),
    "chronopost": (
        ["XY123456789FR", "EE123456789GB"],
        ["6A12345678901", "XY12345678FR"],
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=XY123456789FR",
    ),
    "mondial_relay": (
        ["12345678", "1234567890", "123456789012"],
        ["1234567", "123456789", "AB123456"],
        "https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition=12345678&codePostal=75002",
    ),
    "lettre_suivie": (
        ["1K36275770836"],
        ["1K3627577083", "CB123456789FR"],
        "https://www.laposte.fr/outils/suivre-vos-envois?code=1K36275770836",
    ),
    "dpd": (
        ["09981234567890"],
        ["0998123456789", "6A12345678901"],
        "https://trace.dpd.fr/fr/trace/09981234567890",
    ),
    "gls": (
        ["12345678901", "123456789012", "ZF3K9X1B"],
        ["1234567", "1234567890123"],
        "https://gls-group.com/FR/fr/suivi-colis?match=12345678901",
    ),
    "ups": (
        ["1Z999AA10123456784", "1z 999 aa1 0123 4567 84"],
        ["1Z999AA1012345678", "2Z999AA10123456784"],
        "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    ),
    "dhl": (
        ["1234567890", "JJD000390007654321001"],
        ["123456789", "ABC1234567"],
        "https://www.dhl.com/fr-fr/home/tracking.html?tracking-id=1234567890&submit=1",
    ),
    "fedex": (
        ["123456789012", "123456789012345"],
        ["12345678901", "1Z999AA10123456784"],
        "https://www.fedex.com/fedextrack/?trknbr=123456789012",
    ),
}


def test_every_carrier_but_other_has_an_example():
    assert set(EXAMPLES) == {carrier.code for carrier in CARRIERS} - {"other"}


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_each_carriers_format_and_tracking_page(code):
    good, bad, url = EXAMPLES[code]
    for number in good:
        assert tracking_number_refusal(code=code, number=number) is None, number
    for number in bad:
        refusal = tracking_number_refusal(code=code, number=number)
        assert refusal and number in refusal and "Use this number anyway" in refusal, number
    assert (
        tracking_url(code=code, name="", number=good[0], postcode="75002", other_template="") == url
    )


def test_other_carrier_uses_the_stores_template_and_takes_any_number():
    assert tracking_number_refusal(code="other", number="anything 12") is None
    template = "https://suivi.example.fr/colis/{number}"
    assert (
        tracking_url(code="other", name="Coursier", number="ab 12", other_template=template)
        == "https://suivi.example.fr/colis/AB12"
    )
    assert tracking_url(code="other", name="Coursier", number="AB12", other_template="") == ""
    # Not https, or without the number: never linked.
    for bad in ("http://suivi.example.fr/{number}", "https://suivi.example.fr/"):
        assert tracking_url(code="other", name="X", number="AB12", other_template=bad) == ""


def test_an_order_from_before_the_list_links_by_its_carriers_name():
    assert tracking_url(code="", name="colissimo ", number="6A12345678901").startswith(
        "https://www.laposte.fr/"
    )
    assert tracking_url(code="", name="Transports Martin", number="6A12345678901") == ""


@pytest.fixture
def paid(store):
    return OrderFactory(store=store, payment_status=P.PAID, shipping_postcode="75002")


def test_a_number_out_of_format_is_refused_then_kept_on_override(staff, paid):
    with pytest.raises(ValidationError) as refused:
        order_set_fulfillment_status(
            membership=staff,
            order=paid,
            status=F.SHIPPED,
            carrier_code="colissimo",
            tracking_number="1Z999AA10123456784",
        )
    assert "tracking_number" in refused.value.message_dict
    paid.refresh_from_db()
    assert paid.fulfillment_status == F.AWAITING_PROCESSING  # nothing was half-saved
    order_set_fulfillment_status(
        membership=staff,
        order=paid,
        status=F.SHIPPED,
        carrier_code="colissimo",
        tracking_number="1Z999AA10123456784",
        accept_tracking_number=True,
    )
    paid.refresh_from_db()
    assert paid.fulfillment_status == F.SHIPPED
    assert (paid.carrier_code, paid.carrier) == ("colissimo", "Colissimo")


def test_an_unknown_carrier_code_is_refused(staff, paid):
    with pytest.raises(ValidationError) as refused:
        order_set_fulfillment_status(
            membership=staff, order=paid, status=F.SHIPPED, carrier_code="pigeon"
        )
    assert "carrier_code" in refused.value.message_dict


def test_the_order_page_form_says_why_and_offers_the_override(staff, paid):
    client = client_for(staff)
    data = {
        "form": "fulfillment",
        "fulfillment-version": paid.version,
        "fulfillment-status": F.SHIPPED,
        "fulfillment-carrier_code": "ups",
        "fulfillment-tracking_number": "6A12345678901",
    }
    response = client.post(f"/orders/{paid.pk}/", data)
    assert response.status_code == 400
    assert "does not look like a UPS tracking number" in response.content.decode()
    response = client.post(
        f"/orders/{paid.pk}/", {**data, "fulfillment-accept_tracking_number": "on"}
    )
    assert response.status_code == 302
    page = client.get(f"/orders/{paid.pk}/").content.decode()
    assert 'href="https://www.ups.com/track?tracknum=6A12345678901"' in page
    assert 'target="_blank" rel="noopener noreferrer"' in page


def test_bulk_checks_the_number_once_and_changes_nothing_when_refused(staff, store):
    orders = [OrderFactory(store=store, payment_status=P.PAID) for _ in range(2)]
    queryset = Order.objects.filter(pk__in=[o.pk for o in orders])
    with pytest.raises(ValidationError):
        order_bulk_set_fulfillment_status(
            membership=staff,
            orders=queryset,
            status=F.SHIPPED,
            carrier_code="dpd",
            tracking_number="6A12345678901",
        )
    assert not queryset.filter(fulfillment_status=F.SHIPPED).exists()
    result = BULK_ACTIONS["set_fulfillment_status"].run(
        membership=staff,
        orders=queryset,
        data={
            "new_fulfillment_status": F.SHIPPED,
            "carrier_code": "dpd",
            "tracking_number": "6A12345678901",
            "accept_tracking_number": True,
        },
    )
    assert len(result.changed) == 2
    assert set(queryset.values_list("carrier", "tracking_number")) == {("DPD", "6A12345678901")}


def test_bulk_refusal_is_shown_on_the_list(staff, store):
    order = OrderFactory(store=store, payment_status=P.PAID)
    client = client_for(staff)
    response = client.post(
        "/orders/",
        {
            "action": "set_fulfillment_status",
            "ids": [order.pk],
            "new_fulfillment_status": F.SHIPPED,
            "carrier_code": "colissimo",
            "tracking_number": "12",
        },
        follow=True,
    )
    assert "does not look like a Colissimo tracking number" in response.content.decode()
    order.refresh_from_db()
    assert order.fulfillment_status == F.AWAITING_PROCESSING


def test_the_tracking_link_in_the_export_and_the_api(staff, store, paid):
    order_set_fulfillment_status(
        membership=staff,
        order=paid,
        status=F.SHIPPED,
        carrier_code="mondial_relay",
        tracking_number="12345678",
    )
    client = client_for(staff)
    response = client.post(
        "/exports/orders/",
        {"separator": "comma", "columns": ["reference", "carrier", "tracking_url"]},
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Mondial Relay" in body
    assert "numeroExpedition=12345678&codePostal=75002" in body

    paid.refresh_from_db()
    out = order_out(paid)
    assert out["carrier_code"] == "mondial_relay"
    assert out["tracking_url"].startswith("https://www.mondialrelay.fr/")


def test_the_packing_slip_prints_the_tracking_page(staff, store, paid):
    order_set_fulfillment_status(
        membership=staff,
        order=paid,
        status=F.SHIPPED,
        carrier_code="colissimo",
        tracking_number="6A12345678901",
    )
    paid.refresh_from_db()
    page = packing_slip_page(order=paid, store=store)
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901" in page["delivered"]
