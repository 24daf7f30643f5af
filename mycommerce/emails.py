"""E-mail plumbing of the account core, for every app that writes to customers.

An e-mail is rendered from three templates, `<template>_subject.txt`, `<template>.txt` and
`<template>.html` (which extend `emails/base.txt` and `emails/base.html`: the store's name and
address), in the reader's language; it is recorded as a `SentEmail` row in the caller's
transaction and delivered by a background task after commit. A rolled-back change sends
nothing, and a delivery task run twice sends nothing twice (rows are claimed before sending).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mycommerce.models import SentEmail, Store

# E-mails handed to one delivery task (one SMTP connection).
DELIVERY_CHUNK = 100


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_render(*, store: Store, template: str, context: dict, language: str) -> RenderedEmail:
    """The subject, text and HTML of `template` for `store`, in `language`."""
    full_context = {"store": store, "language": language, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", full_context)
        text = render_to_string(f"{template}.txt", full_context)
        html = render_to_string(f"{template}.html", full_context)
    # One line (templates end with a newline); no-break spaces (French "?") are kept.
    subject = re.sub(r"[ \t\r\n]+", " ", subject).strip()[:255]
    return RenderedEmail(subject=subject, text=text.strip(), html=html)


def store_from_address(store: Store) -> str:
    """The platform's sending address, under the store's sender name, or its name
    ("MaBoutique" <no-reply@…>)."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = (store.email_sender_name or store.name).replace("\\", "").replace('"', "")
    return f'"{name}" <{address}>'


def email_prepare(
    *,
    store: Store,
    to: str,
    template: str,
    context: dict,
    language: str,
    headers: dict[str, str] | None = None,
    kind: str,
) -> SentEmail:
    """The e-mail's row, rendered and not yet saved: pass it to `email_queue` (with others)."""
    rendered = email_render(store=store, template=template, context=context, language=language)
    headers = dict(headers or {})
    if store.email_reply_to:
        headers.setdefault("Reply-To", store.email_reply_to)
    return SentEmail(
        store=store,
        kind=kind,
        to_email=to,
        from_email=store_from_address(store),
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=headers,
        language=language,
    )


def email_queue(*, emails: list[SentEmail]) -> list[SentEmail]:
    """Record prepared e-mails and have the worker deliver them once the transaction commits."""
    if not emails:
        return emails
    saved = SentEmail.objects.bulk_create(emails)
    ids = [email.pk for email in saved]
    for start in range(0, len(ids), DELIVERY_CHUNK):
        chunk = ids[start : start + DELIVERY_CHUNK]
        transaction.on_commit(lambda chunk=chunk: _enqueue_delivery(chunk))
    return saved


def email_send(
    *,
    store: Store,
    to: str,
    template: str,
    context: dict,
    language: str,
    headers: dict[str, str] | None = None,
    kind: str,
) -> SentEmail:
    """Render, record and (after commit) send one e-mail of `store`."""
    email = email_prepare(
        store=store,
        to=to,
        template=template,
        context=context,
        language=language,
        headers=headers,
        kind=kind,
    )
    return email_queue(emails=[email])[0]


def _enqueue_delivery(email_ids: list[int]) -> None:
    from mycommerce.tasks import email_deliver_task

    email_deliver_task.enqueue(email_ids=email_ids)


def _claim(email_ids: Iterable[int]) -> list[SentEmail]:
    """Move the queued e-mails among `email_ids` to "sending"; only the claimer sends them."""
    with transaction.atomic():
        rows = list(
            SentEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(email_ids), status=SentEmail.Status.QUEUED)
            .order_by("pk")
        )
        SentEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=SentEmail.Status.SENDING
        )
    return rows


def email_deliver(*, email_ids: Iterable[int]) -> int:
    """Send the queued e-mails among `email_ids` over one connection; returns how many went.

    At most once: an e-mail claimed by a worker that then dies stays "sending", never resent.
    """
    rows = _claim(email_ids)
    if not rows:
        return 0
    sent, failed = [], []
    with get_connection() as connection:
        for row in rows:
            message = EmailMultiAlternatives(
                subject=row.subject,
                body=row.body_text,
                from_email=row.from_email,
                to=[row.to_email],
                headers=row.headers,
                connection=connection,
            )
            if row.body_html:
                message.attach_alternative(row.body_html, "text/html")
            try:
                message.send()
            except Exception as error:  # noqa: BLE001 - recorded on the row, the others go on
                failed.append((row.pk, f"{error.__class__.__name__}: {error}"))
            else:
                sent.append(row.pk)
    SentEmail.objects.filter(pk__in=sent).update(
        status=SentEmail.Status.SENT, sent_at=timezone.now()
    )
    for pk, error in failed:
        SentEmail.objects.filter(pk=pk).update(status=SentEmail.Status.FAILED, error=error[:2000])
    return len(sent)


def email_erase(*, emails: QuerySet[SentEmail]) -> int:
    """Blank the address and content of `emails` (personal data), keeping that they were sent."""
    return emails.filter(erased_at__isnull=True).update(
        to_email="",
        subject="—",
        body_text="",
        body_html="",
        headers={},
        erased_at=timezone.now(),
    )
