"""The customer's side of a reminder: the signed recovery link (it expires after the store's
number of days), the order placed from it, and the one-click unsubscribe. Nothing here needs
a sign-in, and a link only ever shows its own cart."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from carts.events import event_link_opened, event_reminder_skipped, event_unsubscribed
from carts.models import Cart, CartEvent, CartReminder, Recipient
from carts.sequence import cart_settings_for_store
from carts.services import cart_mark_ordered, cart_order_data, recovered_discount
from mycommerce.models import Store
from orders.events import event_from_cart
from orders.models import Order
from orders.services import order_create

RECOVER_SALT = "carts.recover"
UNSUBSCRIBE_SALT = "carts.unsubscribe"


def recovery_token(*, cart: Cart, step: int) -> str:
    return signing.dumps({"c": cart.pk, "s": step}, salt=RECOVER_SALT)


def recovery_url(*, cart: Cart, step: int) -> str:
    return settings.SITE_URL + reverse("carts:recover", args=[recovery_token(cart=cart, step=step)])


def unsubscribe_token(*, recipient: Recipient) -> str:
    return signing.dumps({"r": recipient.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, recipient: Recipient) -> str:
    return settings.SITE_URL + reverse(
        "carts:unsubscribe", args=[unsubscribe_token(recipient=recipient)]
    )


@dataclass(frozen=True)
class RecoveryLink:
    """What a recovery link leads to. `problem` is "invalid", "expired", "closed" or ""."""

    problem: str
    cart: Cart | None = None
    step: int | None = None

    @property
    def usable(self) -> bool:
        return not self.problem


def recovery_link_check(*, token: str) -> RecoveryLink:
    """A tampered link is "invalid"; one older than the store's days is "expired"; a cart that
    was ordered or erased since is "closed" (its own order, if through this link, is kept)."""
    try:
        data = signing.loads(token, salt=RECOVER_SALT)
        cart = Cart.objects.select_related("store", "order").get(pk=int(data["c"]))
        step = int(data["s"])
    except (signing.BadSignature, Cart.DoesNotExist, KeyError, TypeError, ValueError):
        return RecoveryLink("invalid")
    days = cart_settings_for_store(store=cart.store).link_valid_days
    try:
        signing.loads(token, salt=RECOVER_SALT, max_age=timedelta(days=days))
    except signing.SignatureExpired:
        return RecoveryLink("expired", cart, step)
    if not cart.is_open:
        return RecoveryLink("closed", cart, step)
    return RecoveryLink("", cart, step)


def recovery_link_open(*, token: str) -> RecoveryLink:
    """Check the link and, the first time, record in the cart's timeline that it was opened."""
    link = recovery_link_check(token=token)
    if link.usable:
        opened = CartEvent.objects.filter(
            cart=link.cart, type=CartEvent.Type.LINK_OPENED, details__step=link.step
        )
        if not opened.exists():
            event_link_opened(cart=link.cart, step=link.step).save()
    return link


def cart_recover(*, token: str, customer_name: str) -> tuple[RecoveryLink, Order | None]:
    """The customer confirms the order from the link: one order, through `order_create`,
    linked to the cart, which becomes recovered. A second confirmation places nothing."""
    link = recovery_link_check(token=token)
    if not link.usable:
        return link, None
    with transaction.atomic():
        cart = Cart.objects.select_for_update().select_related("store").get(pk=link.cart.pk)
        if not cart.is_open or not cart.line_count:
            return RecoveryLink("closed", cart, link.step), None
        claim = CartReminder.objects.filter(cart=cart, step=link.step).first()
        discount = (
            recovered_discount(code=claim.discount_code, percent=claim.discount_percent)
            if claim
            else None
        )
        order = order_create(
            store=cart.store,
            source=Order.Source.STOREFRONT,
            data=cart_order_data(cart, customer_name=customer_name.strip(), discount=discount),
            language=cart.language,
        )
        event_from_cart(order=order, actor=None, via=Cart.OrderedVia.LINK, step=link.step).save()
        cart_mark_ordered(cart=cart, order=order, via=Cart.OrderedVia.LINK, step=link.step)
    return RecoveryLink("", cart, link.step), order


def recipient_for_token(*, token: str) -> Recipient | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return Recipient.objects.select_related("store").get(pk=int(data["r"]))
    except (signing.BadSignature, Recipient.DoesNotExist, KeyError, TypeError, ValueError):
        return None


def recipient_unsubscribe(*, token: str) -> Recipient | None:
    """Put the address on the store's suppression list and stop its carts' reminders.
    Idempotent: a second click (or a mail client's one-click POST) changes nothing more."""
    recipient = recipient_for_token(token=token)
    if recipient is None:
        return None
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.unsubscribed_at is not None:
            return recipient
        recipient.unsubscribed_at = timezone.now()
        recipient.save(update_fields=["unsubscribed_at"])
        carts = list(
            open_carts(store=recipient.store)
            .filter(customer_email=recipient.email)
            .select_for_update()
        )
        events = []
        for cart in carts:
            events.append(event_unsubscribed(cart=cart))
            if not cart.stop_reason:
                cart.stop_reason = Cart.StopReason.UNSUBSCRIBED
                events.append(event_reminder_skipped(cart=cart, step=None, reason=cart.stop_reason))
        Cart.objects.filter(pk__in=[cart.pk for cart in carts if cart.stop_reason]).update(
            stop_reason=Cart.StopReason.UNSUBSCRIBED
        )
        CartEvent.objects.bulk_create(events)
    return recipient


def open_carts(*, store: Store):
    """Carts of `store` that may still be ordered: no order, personal data kept."""
    return Cart.objects.filter(
        store=store,
        state__in=(Cart.State.ACTIVE, Cart.State.ABANDONED),
        order__isnull=True,
        erased_at__isnull=True,
    )
