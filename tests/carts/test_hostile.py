"""Hostile values in every parameter and field of the carts' pages and API: never a 5xx, and
nothing written when the request is refused."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client

from carts.models import ApiKey, Cart, CartReminder, CartSettings
from orders.models import Order
from tests.carts.conftest import cart_body
from tests.carts.factories import CartFactory, reminders_on

pytestmark = pytest.mark.django_db

HOSTILE = {
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "digit-nul": "1\x00",
    "100kB-digits": "9" * 100_000,
    "1e999": "1e999",
    "NaN": "NaN",
    "minus-zero": "-0",
    "far-future-day": "9999-12-31",
    "first-day": "0001-01-01",
    "2**64": str(2**64),
    "empty": "",
    "format-string": "%(count)d %s {0}",
}
VALUES = [pytest.param(value, id=name) for name, value in HOSTILE.items()]

SETTINGS_POST = {
    "abandon_after_minutes": "120",
    "link_valid_days": "7",
    "erase_after_days": "90",
    "holdout_percent": "0",
    "step1-delay_hours": "0",
    "step2-enabled": "on",
    "step2-delay_hours": "24",
    "step3-enabled": "on",
    "step3-delay_hours": "72",
}


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", ["q", "state", "group", "date_from", "date_to", "page"])
def test_the_list_takes_any_parameter(owner_client, store, name, value):
    CartFactory(store=store)
    response = owner_client.get("/carts/", {name: value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", VALUES)
def test_send_now_takes_any_id(owner_client, store, value):
    reminders_on(store)
    CartFactory(store=store, idle=timedelta(hours=3))
    response = owner_client.post("/carts/", {"ids": [value]})
    assert response.status_code == 302
    assert mail.outbox == [] and not CartReminder.objects.exists()


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", [*SETTINGS_POST, "step1-subject_fr", "step2-message_en"])
def test_the_settings_take_any_field(owner_client, name, value):
    response = owner_client.post("/carts/settings/", {**SETTINGS_POST, name: value})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not CartSettings.objects.exists()


@pytest.mark.parametrize("value", VALUES)
def test_a_key_name_or_a_recovery_name_takes_anything(owner_client, store, value):
    response = owner_client.post("/carts/keys/", {"name": value})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert not ApiKey.objects.exists()
    cart = CartFactory(store=store)
    from carts.recovery import recovery_token

    path = f"/carts/recover/{recovery_token(cart=cart, step=1)}/"
    assert Client().post(path, {"customer_name": value}).status_code in (302, 400)
    assert Client().get(f"/carts/recover/{value}x/").status_code in (404, 200)
    assert Client().post(f"/carts/unsubscribe/{value}x/").status_code == 404


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    "place", ["token", "customer.name", "customer.email", "currency", "sku", "name", "key"]
)
def test_the_api_takes_any_value_anywhere(api, store, place, value):
    body = cart_body()
    token = "cart-0001-abcd"
    if place == "token":
        token = value or "x"
    elif place.startswith("customer."):
        body["customer"][place.split(".")[1]] = value
    elif place in ("sku", "name"):
        body["lines"][0][place] = value
    elif place == "currency":
        body["currency"] = value
    response = api.put(f"carts/{token}", body)
    assert response.status_code < 500
    checkout = api.post(
        f"carts/{token}/checkout", {}, headers={"Idempotency-Key": value} if place == "key" else {}
    )
    assert checkout.status_code < 500
    if response.status_code >= 400:
        assert not Cart.objects.exists() and not Order.objects.exists()
    assert api.get(f"orders/{quote(value)}").status_code in (404, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/carts/99999999999999999999/",
        "/carts/1/emails/99999999999999999999/",
        "/carts/settings/preview/99999999999999999999/",
    ],
)
def test_ids_beyond_64_bits_in_a_path_are_not_found(owner_client, path):
    assert owner_client.get(path).status_code in (302, 404)
    assert owner_client.post("/carts/keys/99999999999999999999/revoke/").status_code == 404
