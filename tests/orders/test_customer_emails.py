"""The customer's e-mails: each one's content in French and English as the outbox receives it,
the store's switches, exactly once under a retried task, "send again", the settings page and
its preview, and the scoping of all of it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from mycommerce.plans import Plan
from mycommerce.roles import Role
from orders.customer_emails.listeners import customer_emails_on_order_changed
from orders.customer_emails.models import CustomerEmailSettings, OrderEmail
from orders.customer_emails.services import customer_email_send
from orders.customer_emails.tasks import customer_email_task
from orders.events import event_render
from orders.listeners import FULFILLMENT_STATUS
from orders.models import Order, OrderEvent
from orders.parts import LineData, OrderData
from orders.services import (
    order_cancel_and_refund,
    order_create,
    order_refund,
    order_set_fulfillment_status,
)
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change and what it hands the worker on commit (tasks run inline in tests)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = change(*args, **kwargs)
        return result

    return run


def storefront_order(store, email="camille@example.fr"):
    data = OrderData(
        customer_name="Camille Martin",
        customer_email=email,
        lines=[
            LineData(name="Tasse en céramique", quantity=2, unit_price=Decimal("10.00")),
            LineData(name="Thé vert", quantity=1, unit_price=Decimal("4.50")),
        ],
    )
    return order_create(store=store, source=Order.Source.STOREFRONT, data=data)


def only_message():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    return message, message.body, message.alternatives[0][0]


def timeline(order) -> list[str]:
    events = OrderEvent.objects.filter(order=order, type=OrderEvent.Type.EMAIL_SENT)
    return [event_render(event).sentence for event in events.order_by("pk")]


def test_storefront_order_confirmation_in_french(store, commit):
    order = commit(storefront_order, store)
    message, text, html = only_message()
    assert message.to == ["camille@example.fr"]
    assert message.subject == f"Votre commande {order.reference} est confirmée"
    assert message.from_email == '"MaBoutique" <no-reply@localhost>'
    for body in (text, html):
        assert "Bonjour Camille Martin," in body
        assert "24,50\xa0€" in body
        assert "2 × Tasse en céramique" in body
        assert "MaBoutique" in body  # the store's identity
    with translation.override("fr"):
        assert timeline(order) == [
            "E-mail « Confirmation de commande » envoyé à camille@example.fr."
        ]


def test_order_confirmation_in_english_for_an_english_store(store, commit):
    store.language = "en"
    store.save()
    order = commit(storefront_order, store)
    message, text, html = only_message()
    assert message.subject == f"Your order {order.reference} is confirmed"
    for body in (text, html):
        assert "Hello Camille Martin," in body and "€24.50" in body


def test_the_orders_own_language_wins_over_the_stores(store, commit):
    data = OrderData(
        customer_name="Sam",
        customer_email="sam@example.com",
        lines=[LineData(name="Tea", quantity=1, unit_price=Decimal("4.50"))],
    )
    order = commit(
        order_create, store=store, source=Order.Source.STOREFRONT, data=data, language="en"
    )
    message, _text, _html = only_message()
    assert (
        order.language == "en" and message.subject == f"Your order {order.reference} is confirmed"
    )


def test_a_phone_order_is_confirmed_too(store, staff, commit):
    store.plan = Plan.STANDARD
    store.save()
    data = OrderData(
        customer_name="Théo",
        customer_email="theo@example.fr",
        lines=[LineData(name="Tasse", quantity=1, unit_price=Decimal("9.00"))],
    )
    commit(order_create, store=store, source="phone", membership=staff, data=data)
    message, _text, _html = only_message()
    assert message.to == ["theo@example.fr"] and "confirmée" in message.subject


@pytest.fixture
def paid(store):
    return OrderFactory(store=store, payment_status=P.PAID, customer_name="Camille Martin")


@pytest.mark.parametrize(
    ("language", "subject", "sentence", "link_label"),
    [
        ("fr", "Votre commande {ref} a été expédiée", "est en route avec Colissimo", "Suivre"),
        ("en", "Your order {ref} has been shipped", "is on its way with Colissimo", "Track"),
    ],
)
def test_shipped_names_the_carrier_and_links_the_tracking_page(
    store, staff, paid, commit, language, subject, sentence, link_label
):
    store.language = language
    store.save()
    commit(
        order_set_fulfillment_status,
        membership=staff,
        order=paid,
        status=F.SHIPPED,
        carrier_code="colissimo",
        tracking_number="6A12345678901",
    )
    message, text, html = only_message()
    assert message.subject == subject.format(ref=paid.reference)
    url = "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"
    for body in (text, html):
        assert sentence in body and "6A12345678901" in body and url in body
        assert link_label in body
    assert f'href="{url}"' in html


def test_shipped_timeline_entry_in_french(staff, paid, commit):
    commit(
        order_set_fulfillment_status,
        membership=staff,
        order=paid,
        status=F.SHIPPED,
        carrier_code="colissimo",
        tracking_number="6A12345678901",
    )
    with translation.override("fr"):
        assert timeline(paid) == [f"E-mail « Expédié » envoyé à {paid.customer_email}."]


@pytest.mark.parametrize(
    ("language", "subject", "hours_label"),
    [
        ("fr", "Votre commande {ref} est prête à être retirée", "Horaires d’ouverture"),
        ("en", "Your order {ref} is ready for pickup", "Opening hours"),
    ],
)
def test_ready_for_pickup_gives_the_stores_address_and_hours(
    store, staff, paid, commit, language, subject, hours_label
):
    store.language = language
    store.pickup_address = "Boutique MaBoutique\n12 rue de la Paix\n75002 Paris"
    store.pickup_hours = "Du mardi au samedi, 10 h – 19 h"
    store.save()
    commit(order_set_fulfillment_status, membership=staff, order=paid, status=F.READY_FOR_PICKUP)
    message, text, html = only_message()
    assert message.subject == subject.format(ref=paid.reference)
    for body in (text, html):
        assert "12 rue de la Paix" in body and "Du mardi au samedi, 10 h – 19 h" in body
        assert hours_label in body


@pytest.mark.parametrize(
    ("language", "subject"),
    [("fr", "Votre commande {ref} a été livrée"), ("en", "Your order {ref} has been delivered")],
)
def test_delivered(store, staff, paid, commit, language, subject):
    store.language = language
    store.save()
    commit(order_set_fulfillment_status, membership=staff, order=paid, status=F.DELIVERED)
    message, _text, _html = only_message()
    assert message.subject == subject.format(ref=paid.reference)


@pytest.mark.parametrize(
    ("language", "amount", "sentence"),
    [("fr", "5,50\xa0€", "Nous vous avons remboursé"), ("en", "€5.50", "We have refunded")],
)
def test_refunded_gives_the_amount_in_the_stores_currency(
    store, staff, paid, commit, language, amount, sentence
):
    store.language = language
    store.save()
    commit(order_refund, membership=staff, order=paid, amount=Decimal("5.50"), reason="Geste")
    message, text, html = only_message()
    for body in (text, html):
        assert sentence in body and amount in body


def test_each_refund_is_its_own_email_and_cancel_and_refund_sends_one(staff, store, commit):
    paid = OrderFactory(store=store, payment_status=P.PAID)
    commit(order_refund, membership=staff, order=paid, amount=Decimal("1.00"), reason="")
    commit(order_refund, membership=staff, order=paid, amount=Decimal("2.00"), reason="")
    other = OrderFactory(store=store, payment_status=P.PAID)
    commit(order_cancel_and_refund, membership=staff, order=other, amount=other.total, reason="")
    assert len(mail.outbox) == 3
    assert "1,00\xa0€" in mail.outbox[0].body and "2,00\xa0€" in mail.outbox[1].body


def test_an_email_turned_off_is_not_sent(store, staff, paid, commit):
    CustomerEmailSettings.objects.create(store=store, shipped=False)
    commit(order_set_fulfillment_status, membership=staff, order=paid, status=F.SHIPPED)
    assert mail.outbox == []
    # Turned off after the change was queued: the worker asks again.
    CustomerEmailSettings.objects.filter(store=store).update(shipped=True, delivered=False)
    assert customer_email_send(order_id=paid.pk, kind="delivered") is None
    assert mail.outbox == [] and not OrderEmail.objects.exists()


def test_an_order_without_an_address_sends_nothing(store, commit):
    commit(storefront_order, store, email="")
    assert mail.outbox == []


def test_a_retried_task_sends_the_email_once(
    store, staff, paid, commit, django_capture_on_commit_callbacks
):
    order_set_fulfillment_status(  # no commit here: the task is run by hand below
        membership=staff,
        order=paid,
        status=F.SHIPPED,
        carrier_code="colissimo",
        tracking_number="6A12345678901",
    )
    with django_capture_on_commit_callbacks(execute=True):
        customer_email_task.enqueue(order_id=paid.pk, kind="shipped", key="")
        customer_email_task.enqueue(order_id=paid.pk, kind="shipped", key="")
    assert len(mail.outbox) == 1
    assert OrderEmail.objects.filter(order=paid).count() == 1
    assert len(timeline(paid)) == 1


def test_updating_the_tracking_does_not_send_shipped_again(store, staff, paid, commit):
    shipped = {"membership": staff, "order": paid, "status": F.SHIPPED, "carrier_code": "ups"}
    commit(order_set_fulfillment_status, **shipped, tracking_number="1Z999AA10123456784")
    commit(order_set_fulfillment_status, **shipped, tracking_number="1Z999AA10123456785")
    assert len(mail.outbox) == 1


def test_a_member_sends_an_email_again(
    store, staff, paid, commit, django_capture_on_commit_callbacks
):
    commit(order_set_fulfillment_status, membership=staff, order=paid, status=F.DELIVERED)
    client = client_for(staff)
    page = client.get(f"/orders/{paid.pk}/").content.decode()
    assert 'data-testid="resend-delivered"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/orders/{paid.pk}/emails/resend/", {"kind": "delivered"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2 and mail.outbox[0].subject == mail.outbox[1].subject
    with translation.override("fr"):
        assert timeline(paid)[-1] == f"E-mail « Livré » renvoyé à {paid.customer_email}."
    event = OrderEvent.objects.filter(type=OrderEvent.Type.EMAIL_SENT).latest("pk")
    assert event.actor == staff.user


def test_an_email_never_sent_cannot_be_sent_again(
    staff, paid, commit, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orders/{paid.pk}/emails/resend/", {"kind": "shipped"}, follow=True
        )
    assert "it cannot be sent again" in response.content.decode()
    assert mail.outbox == []


def test_another_stores_order_cannot_be_resent(staff, other_store, commit):
    foreign = OrderFactory(store=other_store, payment_status=P.PAID)
    colleague = MembershipFactory(store=other_store, role=Role.STAFF)
    commit(order_set_fulfillment_status, membership=colleague, order=foreign, status=F.DELIVERED)
    mail.outbox.clear()
    client = client_for(staff)
    assert (
        client.post(f"/orders/{foreign.pk}/emails/resend/", {"kind": "delivered"}).status_code
        == 404
    )
    assert client.get(f"/orders/{foreign.pk}/emails/resend/").status_code in (404, 405)
    assert mail.outbox == []


def test_the_settings_page_turns_emails_off_and_sets_the_sender(
    store, admin_member, staff, paid, commit
):
    client = client_for(admin_member)
    page = client.get("/settings/emails/").content.decode()
    assert "Order confirmation" in page and "/settings/emails/shipped/preview/" in page
    response = client.post(
        "/settings/emails/",
        {
            "order_confirmation": "on",
            "delivered": "on",
            "email_sender_name": "La Boutique de Camille",
            "email_reply_to": "contact@maboutique.fr",
            "pickup_address": "12 rue de la Paix",
            "pickup_hours": "10 h – 19 h",
            "tracking_url_template": "https://suivi.example.fr/{number}",
        },
    )
    assert response.status_code == 302
    switches = CustomerEmailSettings.objects.get(store=store)
    assert (switches.order_confirmation, switches.shipped, switches.delivered) == (
        True,
        False,
        True,
    )
    commit(order_set_fulfillment_status, membership=staff, order=paid, status=F.SHIPPED)
    assert mail.outbox == []
    commit(order_set_fulfillment_status, membership=staff, order=paid, status=F.DELIVERED)
    message, _text, _html = only_message()
    assert message.from_email == '"La Boutique de Camille" <no-reply@localhost>'
    assert message.extra_headers["Reply-To"] == "contact@maboutique.fr"


def test_the_settings_page_refuses_a_bad_tracking_template_and_staff(admin_member, staff):
    response = client_for(admin_member).post(
        "/settings/emails/", {"tracking_url_template": "http://suivi.example.fr/"}
    )
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert client_for(staff).get("/settings/emails/").status_code == 403


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("fr", "Votre commande 1001 a été expédiée"),
        ("en", "Your order 1001 has been shipped"),
    ],
)
def test_the_preview_shows_an_example_in_each_language(admin_member, language, subject):
    response = client_for(admin_member).get(
        f"/settings/emails/shipped/preview/?language={language}"
    )
    page = response.content.decode()
    assert subject in page and "6A12345678901" in page
    assert client_for(admin_member).get("/settings/emails/nope/preview/").status_code == 404


def test_the_listener_reads_nothing_inside_the_change(store, paid, django_assert_num_queries):
    """A bulk change holds its row locks: the e-mails cost it no query (the task reads)."""
    paid.fulfillment_status = F.SHIPPED
    with django_assert_num_queries(0):
        customer_emails_on_order_changed(order=paid, change=FULFILLMENT_STATUS, actor=None)
