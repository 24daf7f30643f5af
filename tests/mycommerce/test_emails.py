"""The core's e-mail plumbing: rendered with the store's identity, recorded, sent after commit
by the worker, never twice."""

import pytest
from django.core import mail
from django.db import transaction

from mycommerce.emails import email_deliver, email_erase, email_send
from mycommerce.models import SentEmail

pytestmark = pytest.mark.django_db


def send(store, **overrides):
    arguments = {
        "store": store,
        "to": "camille@example.fr",
        "template": "emails/message",
        "context": {"subject": "Votre commande", "paragraphs": ["Bonjour Camille,", "Merci !"]},
        "language": "fr",
        "headers": {"X-Test": "1"},
        "kind": "test",
    }
    return email_send(**{**arguments, **overrides})


def test_an_email_is_recorded_and_sent_by_the_worker_after_commit(
    store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send(store)
        assert mail.outbox == []  # not before the commit

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Votre commande"
    assert message.to == ["camille@example.fr"]
    assert message.from_email == '"MaBoutique" <no-reply@localhost>'
    assert message.extra_headers["X-Test"] == "1"
    # The store's identity is in both parts.
    assert "Bonjour Camille," in message.body and "12 rue de la Paix" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "MaBoutique" in html and "75002 Paris" in html
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.sent_at is not None
    assert email.body_text == message.body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(store):
    with pytest.raises(RuntimeError), transaction.atomic():
        send(store)
        raise RuntimeError("the change failed")
    assert mail.outbox == []
    assert not SentEmail.objects.exists()


def test_delivering_the_same_email_twice_sends_it_once(store):
    email = send(store)  # no commit in this test: the task has not run
    assert email_deliver(email_ids=[email.pk]) == 1
    assert email_deliver(email_ids=[email.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_failed_delivery_is_recorded_and_the_others_still_go(store, settings, monkeypatch):
    first, second = send(store, to="a@example.fr"), send(store, to="b@example.fr")
    original = mail.EmailMultiAlternatives.send

    def flaky(message, *args, **kwargs):
        if message.to == ["a@example.fr"]:
            raise ConnectionRefusedError("SMTP server down")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)
    assert email_deliver(email_ids=[first.pk, second.pk]) == 1
    first.refresh_from_db()
    assert first.status == SentEmail.Status.FAILED and "SMTP server down" in first.error
    assert [message.to for message in mail.outbox] == [["b@example.fr"]]


def test_erasing_keeps_that_it_was_sent_but_not_to_whom_or_what(store):
    email = send(store)
    email_erase(emails=SentEmail.objects.filter(pk=email.pk))
    email.refresh_from_db()
    assert (email.to_email, email.body_text, email.body_html) == ("", "", "")
    assert email.erased_at is not None and email.kind == "test"
