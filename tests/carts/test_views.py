"""The back-office pages: list and filters, detail and timeline, send now, manual order,
settings, preview, API keys; locked on plans without the feature, refused on the server."""

from datetime import timedelta

import pytest
from django.core import mail

from carts.models import Cart, CartReminder, CartSettings, ReminderStep
from carts.sequence import sequence_for_store
from mycommerce.plans import Plan
from orders.models import Order, OrderEvent
from tests.carts.factories import CartFactory, reminders_on
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

IDLE = timedelta(hours=3)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_filters_by_state_and_shows_only_this_store(store, other_store, staff_client, run):
    reminders_on(store)
    abandoned = CartFactory(store=store, customer_name="Camille Martin", idle=IDLE)
    active = CartFactory(store=store, customer_name="Léa Petit")
    CartFactory(store=other_store, customer_name="Théo Lefèvre", idle=IDLE)
    run()
    html = staff_client.get("/carts/").content.decode()
    assert "Camille Martin" in html and "Léa Petit" in html and "Théo" not in html
    page = staff_client.get("/carts/?state=abandoned")
    assert [cart.pk for cart in page.context["carts"]] == [abandoned.pk]
    assert staff_client.get("/carts/?state=active").context["carts"][0] == active
    assert staff_client.get("/carts/?state=bogus").status_code == 200


def test_the_detail_shows_lines_reminders_and_timeline(store, staff_client, run):
    reminders_on(store)
    cart = CartFactory(store=store, idle=IDLE)
    run()
    response = staff_client.get(f"/carts/{cart.pk}/")
    html = response.content.decode()
    assert "T-shirt coton bio blanc (M)" in html and "€54.30" in html
    sentences = [rendered.sentence for _event, rendered in response.context["detail"].timeline]
    assert sentences[0] == "Reminder 1 sent."
    assert sentences[1].startswith("Cart abandoned: no activity for 120 minutes.")
    reminder = CartReminder.objects.get(cart=cart)
    email_page = staff_client.get(f"/carts/{cart.pk}/emails/{reminder.message_id}/")
    assert "List-Unsubscribe" in email_page.content.decode()


def test_another_store_s_cart_is_a_404(other_store, staff_client):
    theirs = CartFactory(store=other_store)
    assert staff_client.get(f"/carts/{theirs.pk}/").status_code == 404
    assert staff_client.post(f"/carts/{theirs.pk}/", {"action": "order"}).status_code == 404


def test_send_reminder_now_single_and_bulk(
    store, staff_client, run, django_capture_on_commit_callbacks
):
    reminders_on(store, holdout_percent=0)
    first, second = CartFactory(store=store, idle=IDLE), CartFactory(store=store, idle=IDLE)
    run()
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/carts/{first.pk}/", {"action": "remind"}, follow=True)
    assert messages_of(response) == ["1 reminder sent."]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/carts/", {"ids": [first.pk, second.pk]}, follow=True)
    assert messages_of(response) == ["2 reminders sent."]  # the first's 3rd, the second's 2nd
    assert len(mail.outbox) == 5
    sent = CartReminder.objects.filter(status="sent")
    assert sorted(sent.filter(cart=first).values_list("step", flat=True)) == [1, 2, 3]
    assert sorted(sent.filter(cart=second).values_list("step", flat=True)) == [1, 2]
    response = staff_client.post("/carts/", {"ids": [first.pk]}, follow=True)
    assert "Every reminder of the sequence was already handled." in messages_of(response)[0]
    assert len(mail.outbox) == 5


def test_send_now_refuses_what_the_rules_refuse(
    store, staff_client, django_capture_on_commit_callbacks
):
    reminders_on(store)
    no_consent = CartFactory(
        store=store, marketing_consent=False, state=Cart.State.ABANDONED, idle=IDLE
    )
    no_consent.abandoned_at = no_consent.updated_at
    no_consent.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/carts/", {"ids": [no_consent.pk]}, follow=True)
    assert any("No marketing consent" in m for m in messages_of(response))
    assert mail.outbox == []
    response = staff_client.post("/carts/", {"ids": ["x"]}, follow=True)
    assert messages_of(response) == ["Some selected ids are not valid; nothing was sent."]


def test_a_manual_order_from_a_cart(store, staff, staff_client):
    cart = CartFactory(store=store, customer_name="Camille Martin", idle=IDLE)
    response = staff_client.post(f"/carts/{cart.pk}/", {"action": "order"})
    order = Order.objects.get(store=store)
    assert response["Location"] == f"/orders/{order.pk}/"
    assert (order.source, order.customer_name) == ("manual", "Camille Martin")
    assert order.total == cart.subtotal
    assert order.events.filter(type=OrderEvent.Type.FROM_CART, actor=staff.user).exists()
    cart.refresh_from_db()
    assert (cart.state, cart.ordered_via, cart.order_id) == ("ordered", "manual", order.pk)
    # A second click makes no second order.
    staff_client.post(f"/carts/{cart.pk}/", {"action": "order"})
    assert Order.objects.count() == 1


def test_the_settings_save_the_sequence(store, admin_client_):
    data = {
        "reminders_enabled": "on",
        "abandon_after_minutes": "60",
        "link_valid_days": "10",
        "erase_after_days": "120",
        "holdout_percent": "10",
        "step1-delay_hours": "1",
        "step1-discount_code": "",
        "step2-enabled": "on",
        "step2-delay_hours": "24",
        "step2-discount_code": "RETOUR5",
        "step2-discount_percent": "5",
        "step3-delay_hours": "72",
        "step3-subject_fr": "Dernière chance, {customer_name}",
    }
    response = admin_client_.post("/carts/settings/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sequence = sequence_for_store(store=store)
    assert sequence.settings.reminders_enabled and sequence.settings.holdout_percent == 10
    assert [step.step for step in sequence.enabled] == [1, 2]  # the 3rd unticked: off
    assert sequence.step(2).discount_code == "RETOUR5"
    assert sequence.step(3).subject_fr == "Dernière chance, {customer_name}"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"step2-delay_hours": "0"}, "delay_hours", "must come later than reminder 1"),
        ({"step1-subject_fr": "Bonjour {prenom}"}, "subject_fr", "Unknown placeholder: {prenom}"),
        ({"step1-discount_percent": "10"}, "discount_code", "Give the code the e-mail shows."),
        ({"holdout_percent": "80"}, "holdout_percent", "less than or equal to 50"),
        ({"abandon_after_minutes": "5"}, "abandon_after_minutes", "greater than or equal to 15"),
    ],
)
def test_bad_settings_are_refused_next_to_their_field(store, admin_client_, change, field, message):
    data = {
        "abandon_after_minutes": "120",
        "link_valid_days": "7",
        "erase_after_days": "90",
        "holdout_percent": "0",
        "step1-delay_hours": "0",
        "step2-enabled": "on",
        "step2-delay_hours": "24",
        "step3-enabled": "on",
        "step3-delay_hours": "72",
        **change,
    }
    response = admin_client_.post("/carts/settings/", data)
    assert response.status_code == 400
    forms = [response.context["form"], *response.context["step_forms"]]
    errors = [error for form in forms for error in form.errors.get(field, [])]
    assert any(message in error for error in errors), [form.errors for form in forms]
    assert not CartSettings.objects.exists() and not ReminderStep.objects.exists()


def test_staff_may_not_change_the_settings(staff_client):
    assert staff_client.get("/carts/settings/").status_code == 403
    assert staff_client.post("/carts/settings/", {}).status_code == 403


def test_the_preview_renders_each_step_in_each_language(store, staff_client):
    response = staff_client.get("/carts/settings/preview/1/?language=fr")
    assert response.context["email"].subject == "Vous avez oublié quelque chose\u00a0?"
    response = staff_client.get("/carts/settings/preview/3/?language=en")
    assert response.context["email"].subject == "Last reminder about your cart"
    assert "Camille Martin" in response.context["email"].text


def test_api_keys_are_created_by_the_owner_shown_once_and_revoked(
    store, owner_client, admin_client_
):
    response = owner_client.post("/carts/keys/", {"name": "Boutique en ligne"})
    raw = response.context["new_key"]["raw"]
    assert raw in response.content.decode()
    page = owner_client.get("/carts/keys/").content.decode()
    assert raw not in page and "Boutique en ligne" in page
    key = response.context["new_key"]["key"]
    owner_client.post(f"/carts/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert admin_client_.get("/carts/keys/").status_code == 403
    assert admin_client_.post("/carts/keys/", {"name": "x"}).status_code == 403


@pytest.mark.parametrize("plan", [Plan.FREE, Plan.STARTER])
def test_free_and_starter_see_it_locked_and_the_server_refuses_it(store, owner_client, plan):
    cart = CartFactory(store=store, idle=IDLE)
    store.plan = plan
    store.save()
    page = owner_client.get("/carts/")
    assert page.status_code == 200
    assert 'data-testid="plan-locked"' in page.content.decode()
    assert "Standard" in page.content.decode()
    assert owner_client.get(f"/carts/{cart.pk}/").status_code == 403
    assert owner_client.post("/carts/", {"ids": [cart.pk]}).status_code == 403
    assert owner_client.post(f"/carts/{cart.pk}/", {"action": "order"}).status_code == 403
    assert owner_client.post("/carts/settings/", {"reminders_enabled": "on"}).status_code == 403
    assert owner_client.post("/carts/keys/", {"name": "x"}).status_code == 403
    assert not Order.objects.exists() and not CartSettings.objects.exists()


def test_the_sidebar_links_to_the_carts(staff_client):
    html = staff_client.get("/orders/").content.decode()
    assert 'href="/carts/"' in html


def test_a_member_of_another_store_role_cannot_send(store):
    outsider = MembershipFactory(role="staff")
    cart = CartFactory(store=store, idle=IDLE)
    response = client_for(outsider).post("/carts/", {"ids": [cart.pk]}, follow=True)
    assert any("not found in this store" in m for m in messages_of(response))
