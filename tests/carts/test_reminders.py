"""The reminder sequence: each (cart, step) once, one e-mail per address and step, nothing
after an order, only with consent or to existing customers, unsubscribe honoured."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from carts.models import Cart, CartReminder, Recipient, ReminderStep
from carts.sequence import reminder_steps_for_store
from mycommerce.models import SentEmail
from tests.carts.factories import CartFactory, reminders_on
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def sequence(store):
    return reminders_on(store)


def later(hours: float):
    return timezone.now() + timedelta(hours=hours)


def steps_sent(cart) -> list[int]:
    return sorted(
        cart.reminders.filter(status=CartReminder.Status.SENT).values_list("step", flat=True)
    )


def unsubscribe_link(message) -> str:
    return re.search(r"<(http[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)


def test_the_three_reminders_go_at_their_times_each_once(store, sequence, run):
    cart = CartFactory(store=store, idle=3 * HOUR)
    assert run().sent == 1
    assert run().sent == 0  # the next minute's run
    assert run(now=later(22)).sent == 0  # 2nd: 24 h after abandonment (1 h ago)
    assert run(now=later(23.5)).sent == 1
    assert run(now=later(71.5)).sent == 1
    assert run(now=later(200)).sent == 0
    assert steps_sent(cart) == [1, 2, 3]
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {cart.customer_email}
    assert SentEmail.objects.filter(status=SentEmail.Status.SENT).count() == 3


def test_the_second_and_third_can_be_turned_off(store, sequence, run):
    ReminderStep.objects.bulk_create(
        [
            ReminderStep(store=store, step=1, delay_hours=0),
            ReminderStep(store=store, step=2, delay_hours=24, enabled=False),
            ReminderStep(store=store, step=3, delay_hours=72),
        ]
    )
    cart = CartFactory(store=store, idle=3 * HOUR)
    run()
    assert run(now=later(30)).sent == 0
    assert run(now=later(71.5)).sent == 1
    assert steps_sent(cart) == [1, 3]


def test_reminders_switched_off_send_nothing(store, run):
    reminders_on(store, reminders_enabled=False)
    CartFactory(store=store, idle=3 * HOUR)
    assert run().sent == 0 and mail.outbox == []


def test_nothing_is_sent_once_the_customer_ordered_by_any_path(store, sequence, run):
    cart = CartFactory(store=store, customer_email="camille@example.fr", idle=3 * HOUR)
    run()
    # An order by phone, typed with another case: the same customer.
    order = OrderFactory(store=store, customer_email="Camille@Example.FR", source="phone")
    report = run(now=later(23.5))
    assert report.sent == 0 and report.ordered == 1
    cart.refresh_from_db()
    assert (cart.state, cart.ordered_via, cart.order_id) == ("ordered", "other", order.pk)
    assert len(mail.outbox) == 1
    assert cart.events.filter(type="ordered", details__via="other").exists()


def test_an_earlier_order_does_not_stop_a_cart_but_makes_a_customer(store, sequence, run):
    OrderFactory(
        store=store,
        customer_email="fidele@example.fr",
        created_at=timezone.now() - timedelta(days=30),
    )
    no_consent = CartFactory(
        store=store, customer_email="fidele@example.fr", marketing_consent=False, idle=3 * HOUR
    )
    assert run().sent == 1  # soft opt-in: an existing customer of the store
    assert steps_sent(no_consent) == [1]


def test_no_consent_and_not_a_customer_gets_nothing(store, sequence, run):
    cart = CartFactory(store=store, marketing_consent=False, idle=3 * HOUR)
    report = run()
    assert (report.sent, len(mail.outbox)) == (0, 0)
    cart.refresh_from_db()
    assert cart.stop_reason == Cart.StopReason.NO_CONSENT
    assert run(now=later(30)).sent == 0


def test_consent_given_later_lets_the_next_abandonment_be_reminded(store, sequence, run, api):
    from tests.carts.conftest import cart_body

    no_consent = cart_body(customer={"email": "lea@example.fr", "marketing_consent": False})
    api.put("carts/cart-0001-abcd", no_consent)
    Cart.objects.update(updated_at=timezone.now() - 3 * HOUR)
    assert run().sent == 0
    consenting = {"email": "lea@example.fr", "marketing_consent": True}
    api.put("carts/cart-0001-abcd", cart_body(customer=consenting))
    cart = Cart.objects.get()
    assert cart.marketing_consent and cart.stop_reason == ""
    assert run(now=later(2.5)).sent == 1


def test_one_e_mail_per_address_the_latest_cart_shown(store, sequence, run):
    older = CartFactory(
        store=store,
        customer_email="camille@example.fr",
        lines=[("OLD-1", "Vieux bonnet", 1, "10.00")],
        idle=5 * HOUR,
    )
    latest = CartFactory(
        store=store,
        customer_email="camille@example.fr",
        lines=[("NEW-1", "Écharpe en laine", 1, "39.00")],
        idle=3 * HOUR,
    )
    assert run().sent == 1
    (message,) = mail.outbox
    assert "Écharpe en laine" in message.body and "Vieux bonnet" not in message.body
    older.refresh_from_db()
    assert older.stop_reason == Cart.StopReason.SUPERSEDED
    assert steps_sent(latest) == [1] and steps_sent(older) == []
    run(now=later(23.5))
    assert steps_sent(latest) == [1, 2] and len(mail.outbox) == 2


def test_a_newer_cart_of_an_address_already_reminded_skips_that_step(store, sequence, run):
    first = CartFactory(store=store, customer_email="camille@example.fr", idle=3 * HOUR)
    run()
    second = CartFactory(store=store, customer_email="camille@example.fr")
    run(now=later(2.5))  # the second cart is abandoned now; the first is superseded
    assert steps_sent(second) == [] and len(mail.outbox) == 1
    skipped = second.reminders.get(step=1)
    assert skipped.skip_reason == CartReminder.SkipReason.SAME_ADDRESS
    run(now=later(26.5))  # 24 h after the second cart's abandonment: its 2nd reminder
    assert steps_sent(second) == [2] and steps_sent(first) == [1]
    assert len(mail.outbox) == 2


def test_the_e_mail_carries_one_click_unsubscribe_headers_and_link(store, sequence, run):
    CartFactory(store=store, idle=3 * HOUR)
    run()
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = unsubscribe_link(message)
    assert link.startswith("http://127.0.0.1:8000/carts/unsubscribe/")
    assert link in message.body and link in message.alternatives[0][0]


def test_one_click_unsubscribe_feeds_the_suppression_list(store, sequence, run):
    cart = CartFactory(store=store, customer_email="camille@example.fr", idle=3 * HOUR)
    run()
    path = unsubscribe_link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200  # a link checker's GET changes nothing
    assert not Recipient.objects.filter(unsubscribed_at__isnull=False).exists()
    # RFC 8058: the mail client POSTs this body, without any CSRF token or cookie.
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Recipient.objects.get(email="camille@example.fr").unsubscribed_at is not None
    assert run(now=later(23.5)).sent == 0
    # Every later cart of that address is suppressed too.
    CartFactory(store=store, customer_email="camille@example.fr")
    assert run(now=later(30)).sent == 0
    assert len(mail.outbox) == 1
    cart.refresh_from_db()
    assert cart.stop_reason == Cart.StopReason.UNSUBSCRIBED
    assert client.get("/carts/unsubscribe/forged-token/").status_code == 404


def test_the_french_e_mail_in_the_outbox(store, sequence, run):
    CartFactory(store=store, customer_name="Camille Martin", language="fr", idle=3 * HOUR)
    run()
    message = mail.outbox[0]
    assert message.subject == "Vous avez oublié quelque chose\u00a0?"
    assert message.from_email == '"MaBoutique" <no-reply@localhost>'
    text = message.body
    assert "Bonjour Camille Martin," in text
    assert "Votre panier\u00a0:" in text
    assert "- 2 × T-shirt coton bio blanc (M) (TSH-BLC-M) — 39,80\u00a0€" in text
    assert "Total\u00a0: 54,30\u00a0€" in text
    assert "Finaliser ma commande\u00a0:" in text and "/carts/recover/" in text
    assert "Ce lien est valable 7\u00a0jours." in text
    assert "Pour ne plus recevoir de relances\u00a0: http" in text
    assert "12 rue de la Paix" in text  # the store's address
    html = message.alternatives[0][0]
    assert "Finaliser ma commande" in html and "54,30\u00a0€" in html and 'lang="fr"' in html


def test_an_english_customer_gets_english_words(store, sequence, run):
    CartFactory(store=store, customer_name="Jane", language="en", idle=3 * HOUR)
    run()
    assert mail.outbox[0].subject == "Did you forget something?"
    assert "Hello Jane," in mail.outbox[0].body and "£" not in mail.outbox[0].body


def test_the_merchant_s_words_and_discount(store, sequence, run):
    ReminderStep.objects.create(
        store=store,
        step=1,
        delay_hours=0,
        discount_code="RETOUR10",
        discount_percent=Decimal("10"),
        subject_fr="{customer_name}, votre panier chez {store_name}",
        message_fr="Coucou {customer_name} !",
    )
    CartFactory(store=store, customer_name="Léa", idle=3 * HOUR)
    run()
    message = mail.outbox[0]
    assert message.subject == "Léa, votre panier chez MaBoutique"
    assert "Coucou Léa !" in message.body
    discount = "Avec le code RETOUR10, profitez de 10\u00a0% de remise sur cette commande."
    assert discount in message.body


def test_steps_long_past_are_skipped_not_sent_all_at_once(store, run):
    CartFactory(store=store, idle=timedelta(days=5))
    reminders_on(store)  # switched on after the cart was left
    report = run()
    assert report.sent == 0 and report.skipped == 3
    cart = Cart.objects.get()
    assert set(cart.reminders.values_list("skip_reason", flat=True)) == {"late"}


def test_a_missed_step_is_skipped_and_the_due_one_sent(store, run):
    CartFactory(store=store, idle=timedelta(hours=30))
    reminders_on(store)
    assert run().sent == 1
    cart = Cart.objects.get()
    assert dict(cart.reminders.values_list("step", "status")) == {1: "skipped", 2: "sent"}


def test_held_out_carts_get_no_reminder(store, run):
    reminders_on(store, holdout_percent=50)
    carts = [CartFactory(store=store, idle=3 * HOUR) for _ in range(40)]
    report = run()
    held_out = Cart.objects.filter(group=Cart.Group.HOLDOUT)
    assert 0 < held_out.count() < 40
    assert report.sent == 40 - held_out.count()
    assert not CartReminder.objects.filter(cart__in=held_out).exists()
    reminded = {message.to[0] for message in mail.outbox}
    assert reminded.isdisjoint(held_out.values_list("customer_email", flat=True))
    assert len(reminded) == len(carts) - held_out.count()


def test_old_carts_personal_data_is_erased_and_the_suppression_list_kept(store, sequence, run):
    old = CartFactory(store=store, customer_email="ancien@example.fr", idle=timedelta(days=89))
    stopped = CartFactory(store=store, customer_email="stop@example.fr", idle=timedelta(days=89))
    recent = CartFactory(store=store, customer_email="recent@example.fr", idle=3 * HOUR)
    run(now=later(-24 * 88))  # back then, both old carts got their 1st reminder
    Recipient.objects.filter(email="stop@example.fr").update(unsubscribed_at=timezone.now())
    assert run().erased == 0
    report = run(now=later(24 * 2))  # 91 days after the old carts' last activity
    assert report.erased == 2
    old.refresh_from_db()
    assert (old.customer_name, old.customer_email, old.lines.count()) == ("", "", 0)
    assert old.erased_at is not None and old.subtotal == Decimal("54.30")
    email = old.reminders.get(step=1).message
    assert (email.to_email, email.body_text, email.body_html) == ("", "", "")
    assert all("ancien" not in json.dumps(event.details) for event in old.events.all())
    # The address goes with its carts, unless it unsubscribed: that stays respected.
    assert not Recipient.objects.filter(email="ancien@example.fr").exists()
    assert Recipient.objects.filter(email="stop@example.fr").exists()
    assert stopped.lines.count() == 0 and recent.lines.count() == 2


def test_the_command_reports_what_it_did(
    store, sequence, capsys, django_capture_on_commit_callbacks
):
    CartFactory(store=store, idle=3 * HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_cart_reminders")
    out = capsys.readouterr().out
    assert "1 abandoned" in out and "1 reminders sent" in out
    call_command("send_cart_reminders")
    assert capsys.readouterr().out == ""  # a quiet minute prints nothing


def test_the_defaults_are_the_issue_s_sequence(store):
    steps = reminder_steps_for_store(store=store)
    assert [(s.step, s.delay_hours, s.enabled) for s in steps] == [
        (1, 0, True),
        (2, 24, True),
        (3, 72, True),
    ]
