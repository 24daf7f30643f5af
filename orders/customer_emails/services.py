"""Writes of the customer e-mails: the worker's send (once per event), a member's resend, and
the store's settings. Each e-mail is recorded by the core (mycommerce/emails.py) and listed in
the order's timeline, in the same transaction."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mycommerce.emails import email_send
from mycommerce.models import Membership, SentEmail, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_can, ensure_member_may
from orders.customer_emails.content import TEMPLATE, customer_email_context, customer_language
from orders.customer_emails.kinds import SENT_EMAIL_PREFIX, EmailKind
from orders.customer_emails.models import CustomerEmailSettings, OrderEmail
from orders.customer_emails.selectors import customer_email_settings_for_store
from orders.events import event_email_sent
from orders.locks import order_lock
from orders.models import Order, Refund

# The store's fields the customer e-mails' settings page changes.
STORE_EMAIL_FIELDS = (
    "email_sender_name",
    "email_reply_to",
    "pickup_address",
    "pickup_hours",
    "tracking_url_template",
)


def _refund_amount(*, order: Order, kind: str, key: str) -> Decimal | None:
    if kind != EmailKind.REFUNDED:
        return None
    refunds = Refund.objects.filter(order=order)
    refund = refunds.filter(pk=int(key)).first() if key.isdigit() else refunds.first()
    return refund.amount if refund else None


def _send(*, order: Order, kind: str, key: str, actor=None, resent: bool = False) -> SentEmail:
    """Render, record and (after commit) deliver one e-mail of `order`, with its timeline
    entry; the order is locked by the caller."""
    store = order.store
    language = customer_language(order, store)
    context = customer_email_context(
        kind=kind,
        order=order,
        lines=list(order.lines.all()),
        store=store,
        language=language,
        refund_amount=_refund_amount(order=order, kind=kind, key=key),
    )
    email = email_send(
        store=store,
        to=order.customer_email,
        template=TEMPLATE,
        context=context,
        language=language,
        kind=f"{SENT_EMAIL_PREFIX}{kind}",
    )
    event_email_sent(
        order=order, actor=actor, kind=kind, to=order.customer_email, resent=resent
    ).save()
    return email


def customer_email_send(*, order_id: int, kind: str, key: str = "") -> SentEmail | None:
    """The worker's send of one e-mail event: nothing when the store turned the e-mail off,
    the order has no address, or the event's e-mail was already sent (a retried task)."""
    if kind not in EmailKind.values:
        return None
    try:
        with transaction.atomic():
            # The order's row only (PostgreSQL would lock its store's with the join).
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("store")
                .filter(pk=order_id)
                .first()
            )
            if order is None or not order.customer_email:
                return None
            if not customer_email_settings_for_store(store=order.store).is_enabled(kind):
                return None
            if OrderEmail.objects.filter(order=order, kind=kind, key=key).exists():
                return None
            email = _send(order=order, kind=kind, key=key)
            OrderEmail.objects.create(order=order, kind=kind, key=key, message=email)
    except IntegrityError:  # another worker claimed the same event meanwhile: it sends it
        return None
    return email


def customer_email_resend(*, membership: Membership, order: Order, kind: str) -> SentEmail:
    """Send an e-mail the customer already got once more (a refund's: the latest refund)."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk)
        if not locked.customer_email:
            raise ValidationError(_("This order has no customer e-mail address."), code="no_email")
        if kind not in EmailKind.values or not locked.customer_emails.filter(kind=kind).exists():
            raise ValidationError(
                _("This e-mail was never sent for this order, so it cannot be sent again."),
                code="never_sent",
            )
        return _send(order=locked, kind=kind, key="", actor=membership.user, resent=True)


def customer_email_settings_update(*, membership: Membership, data: dict) -> Store:
    """Turn each customer e-mail on or off; the sender name, reply-to, pickup address and
    hours, and the "Other" carrier's tracking page (admins and owners)."""
    ensure_member_can(membership, Permission.MANAGE_SETTINGS)
    store = membership.store
    with transaction.atomic():
        switches, _created = CustomerEmailSettings.objects.get_or_create(store=store)
        for kind in EmailKind.values:
            if kind in data:
                setattr(switches, kind, bool(data[kind]))
        switches.save()
        for field in STORE_EMAIL_FIELDS:
            if field in data:
                setattr(store, field, (data[field] or "").strip())
        store.full_clean()
        store.save(update_fields=[f for f in STORE_EMAIL_FIELDS if f in data])
    return store
