"""What the periodic run does to carts besides reminding: it closes carts whose customer
ordered by any path, marks idle carts abandoned (drawing the holdout), and erases old carts'
personal data. Each batch locks its rows, skipping rows another run holds (PostgreSQL), and
re-checks them under the lock, so two runs never do the same thing twice."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Lower

from carts.events import event_abandoned, event_erased
from carts.models import Cart, CartEvent, CartLine, CartReminder, Recipient
from carts.recovery import open_carts
from carts.sequence import Sequence
from carts.services import cart_mark_ordered
from mycommerce.emails import email_erase
from mycommerce.models import SentEmail, Store
from orders.models import Order


def orders_of_addresses(*, store: Store, emails) -> QuerySet[Order]:
    """The store's orders placed with these (lower-cased) addresses, oldest first."""
    return (
        Order.objects.annotate(email_lower=Lower("customer_email"))
        .filter(store=store, email_lower__in=list(emails))
        .order_by("created_at", "pk")
    )


def first_orders(*, store: Store, emails) -> dict[str, datetime]:
    """When each address first ordered: an address with an order before its cart is an
    existing customer (soft opt-in)."""
    rows = (
        orders_of_addresses(store=store, emails=emails)
        .order_by()
        .values("email_lower")
        .annotate(first=Min("created_at"))
    )
    return {row["email_lower"]: row["first"] for row in rows}


def suppressed_addresses(*, store: Store, emails) -> set[str]:
    return set(
        Recipient.objects.filter(
            store=store, email__in=list(emails), unsubscribed_at__isnull=False
        ).values_list("email", flat=True)
    )


def _batches(queryset: QuerySet, size: int):
    """Primary keys of `queryset`, `size` at a time, read ahead of each batch's lock."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        last = ids[-1]
        yield ids


def carts_close_ordered(*, store: Store, batch_size: int) -> int:
    """Open carts whose customer placed an order (any path, same e-mail) since the cart began."""
    later = (
        Order.objects.annotate(email_lower=Lower("customer_email"))
        .filter(store=store, email_lower=OuterRef("customer_email"))
        .filter(created_at__gte=OuterRef("created_at"))
    )
    candidates = open_carts(store=store).exclude(customer_email="").filter(Exists(later))
    closed = 0
    for ids in _batches(candidates, batch_size):
        with transaction.atomic():
            for cart in candidates.filter(pk__in=ids).select_for_update(skip_locked=True):
                order = (
                    orders_of_addresses(store=store, emails=[cart.customer_email])
                    .filter(created_at__gte=cart.created_at)
                    .first()
                )
                cart_mark_ordered(cart=cart, order=order, via=Cart.OrderedVia.OTHER)
                closed += 1
    return closed


def carts_mark_abandoned(*, sequence: Sequence, now: datetime, batch_size: int) -> int:
    """Carts with an e-mail and a line, no order, idle for the store's delay, become
    abandoned at the moment the delay ran out; eligible ones are drawn into a group."""
    delay = sequence.abandon_delay
    idle = (
        open_carts(store=sequence.store)
        .filter(state=Cart.State.ACTIVE, line_count__gt=0, updated_at__lte=now - delay)
        .exclude(customer_email="")
    )
    count = 0
    for ids in _batches(idle, batch_size):
        with transaction.atomic():
            carts = list(idle.filter(pk__in=ids).select_for_update(skip_locked=True))
            emails = {cart.customer_email for cart in carts}
            customers = first_orders(store=sequence.store, emails=emails)
            suppressed = suppressed_addresses(store=sequence.store, emails=emails)
            events = []
            for cart in carts:
                cart.state = Cart.State.ABANDONED
                cart.abandoned_at = cart.updated_at + delay
                cart.first_abandoned_at = cart.first_abandoned_at or cart.abandoned_at
                first = customers.get(cart.customer_email)
                customer = first is not None and first < cart.created_at
                eligible = (cart.marketing_consent or customer) and (
                    cart.customer_email not in suppressed
                )
                if not cart.group and eligible and sequence.settings.reminders_enabled:
                    cart.group = sequence.group_for(cart)
                event = event_abandoned(cart=cart, delay_minutes=delay // timedelta(minutes=1))
                event.created_at = cart.abandoned_at
                events.append(event)
            abandoned_at = F("updated_at") + delay
            carts_update_grouped(
                carts,
                ["group"],
                state=Cart.State.ABANDONED,
                abandoned_at=abandoned_at,
                first_abandoned_at=Coalesce("first_abandoned_at", abandoned_at),
            )
            CartEvent.objects.bulk_create(events)
            count += len(carts)
    return count


def carts_erase_old(*, sequence: Sequence, now: datetime, batch_size: int) -> int:
    """Erase the name, address and lines of carts idle for the store's days, and the content
    of their reminders; what the figures need (state, total, dates, order) stays."""
    days = sequence.settings.erase_after_days
    old = Cart.objects.filter(
        store=sequence.store, erased_at__isnull=True, updated_at__lt=now - timedelta(days=days)
    )
    count = 0
    for ids in _batches(old, batch_size):
        with transaction.atomic():
            carts = list(old.filter(pk__in=ids).select_for_update(skip_locked=True))
            locked = [cart.pk for cart in carts]
            CartLine.objects.filter(cart__in=locked).delete()
            reminders = CartReminder.objects.filter(cart__in=locked)
            email_erase(
                emails=SentEmail.objects.filter(
                    pk__in=reminders.exclude(message=None).values("message")
                )
            )
            reminders.update(email="")
            Cart.objects.filter(pk__in=locked).update(
                customer_name="", customer_email="", erased_at=now
            )
            CartEvent.objects.bulk_create(event_erased(cart=cart, days=days) for cart in carts)
            count += len(carts)
    if count:
        _forget_addresses(store=sequence.store)
    return count


def _forget_addresses(*, store: Store) -> int:
    """Addresses left by erased carts go, except the unsubscribed: the suppression list stays."""
    kept = Cart.objects.filter(store=store, erased_at__isnull=True).values("customer_email")
    deleted, _ = (
        Recipient.objects.filter(store=store, unsubscribed_at__isnull=True)
        .exclude(email__in=kept)
        .delete()
    )
    return deleted


def carts_update_grouped(carts: list[Cart], fields: list[str], **same) -> None:
    """Write `fields` of `carts` with one UPDATE per distinct combination of their values
    (and `same` for all); bulk_update's one CASE per row is slow on large batches."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for cart in carts:
        groups[tuple(getattr(cart, name) for name in fields)].append(cart.pk)
    for values, pks in groups.items():
        Cart.objects.filter(pk__in=pks).update(**dict(zip(fields, values)), **same)


def group_by_address(carts) -> dict[str, list[Cart]]:
    grouped = defaultdict(list)
    for cart in carts:
        grouped[cart.customer_email].append(cart)
    return grouped
