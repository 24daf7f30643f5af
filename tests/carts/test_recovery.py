"""From the reminder's link to an order: a public page of that one cart, an order placed
through order_create, the cart recovered. Bad links show a clear page and nothing of a cart."""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from carts.models import Cart, CartEvent, ReminderStep
from carts.recovery import recovery_token
from orders.models import Order, OrderEvent
from tests.carts.factories import CartFactory, reminders_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminded(store, run):
    """A cart whose 1st reminder (10 % with RETOUR10) is in the outbox, and its link path."""
    reminders_on(store)
    ReminderStep.objects.create(
        store=store, step=1, delay_hours=0, discount_code="RETOUR10", discount_percent=10
    )
    cart = CartFactory(store=store, customer_name="Camille Martin", idle=timedelta(hours=3))
    CartFactory(store=store, customer_name="Théo Lefèvre", lines=[("X", "Parapluie", 1, "30")])
    run()
    link = re.search(r"http://127\.0\.0\.1:8000(/carts/recover/\S+/)", mail.outbox[0].body)
    return cart, link.group(1)


def csrf_post(client: Client, path: str, data: dict):
    """POST as the page's form does, with the CSRF token the page set."""
    client.get(path)
    return client.post(path, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_the_link_shows_that_cart_only_without_signing_in(reminded):
    cart, path = reminded
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "MaBoutique" in html and "Camille Martin" in html
    assert "T-shirt coton bio blanc (M)" in html and "54,30" in html
    assert "Théo" not in html and "Parapluie" not in html
    client.get(path)
    assert cart.events.filter(type=CartEvent.Type.LINK_OPENED).count() == 1


def test_confirming_places_one_order_through_order_create_and_recovers_the_cart(store, reminded):
    cart, path = reminded
    client = Client(enforce_csrf_checks=True)
    response = csrf_post(client, path, {"customer_name": "Camille Martin"})
    assert response.status_code == 302
    order = Order.objects.get(store=store)
    assert (order.source, order.payment_status) == ("storefront", "awaiting_payment")
    assert order.number == 1
    assert order.customer_email == cart.customer_email
    assert list(order.lines.values_list("sku", "quantity")) == [("TSH-BLC-M", 2), ("TAS-CER-01", 1)]
    # The reminder's 10 % came with the link.
    assert order.discount_total == Decimal("5.43") and order.total == Decimal("48.87")
    assert order.events.filter(type=OrderEvent.Type.FROM_CART, details__via="link").exists()
    cart.refresh_from_db()
    assert (cart.state, cart.ordered_via, cart.order_id, cart.recovered_step) == (
        "recovered",
        "link",
        order.pk,
        1,
    )
    thanks = client.get(path).content.decode()
    assert order.reference in thanks and "T-shirt" not in thanks

    again = csrf_post(client, path, {"customer_name": "Camille Martin"})
    assert again.status_code == 200 and Order.objects.count() == 1


def test_the_confirmation_keeps_csrf(reminded):
    _cart, path = reminded
    client = Client(enforce_csrf_checks=True)
    assert client.post(path, {"customer_name": "Camille"}).status_code == 403
    assert not Order.objects.exists()


def test_a_name_is_required_next_to_its_field(reminded):
    _cart, path = reminded
    response = csrf_post(Client(enforce_csrf_checks=True), path, {"customer_name": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()  # the customer's language
    assert not Order.objects.exists()


def test_a_tampered_link_shows_a_clear_page_and_nothing_of_any_cart(reminded):
    _cart, path = reminded
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for bad in (tampered, "/carts/recover/not-a-token/"):
        page = Client().get(bad)
        assert page.status_code == 404
        html = page.content.decode()
        assert "This link is not valid" in html
        assert "Camille" not in html and "T-shirt" not in html and "MaBoutique" not in html


def test_an_expired_link_shows_a_clear_page(store, monkeypatch):
    reminders_on(store, link_valid_days=3)
    cart = CartFactory(store=store)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 4 * 86400)
    token = recovery_token(cart=cart, step=1)
    monkeypatch.setattr(time, "time", real_time)
    page = Client().get(f"/carts/recover/{token}/")
    assert page.status_code == 410
    html = page.content.decode()
    assert "Ce lien a expiré" in html and "T-shirt" not in html
    assert Client().post(f"/carts/recover/{token}/", {"customer_name": "X"}).status_code == 410
    assert not Order.objects.exists()


def test_a_link_to_a_cart_ordered_meanwhile_places_nothing(store, reminded, api):
    cart, path = reminded
    Cart.objects.filter(pk=cart.pk).update(state=Cart.State.ORDERED)
    page = Client().get(path)
    assert "Ce panier ne peut plus être commandé" in page.content.decode()
    assert "T-shirt" not in page.content.decode()
