"""The reminder sequence: the periodic run (`manage.py send_cart_reminders`) and "send
reminder now". Exactly once, and once per address:

- the addresses of a batch are locked (their Recipient rows, skipping those another run holds
  on PostgreSQL; SQLite runs one writer at a time), then their open carts;
- only an address's latest cart is reminded (older ones are superseded), and a step already
  sent to the address within the sequence's window is not sent again for another cart;
- each (cart, step) is claimed by a CartReminder row behind a unique constraint, in the same
  transaction as the e-mail's row: a claim already taken rolls the batch back, e-mail and all;
- the e-mails leave after commit, through the worker (mycommerce/emails.py).

Nothing goes to an address that unsubscribed, that ordered since the cart began (any path),
or that neither consented nor is an existing customer (soft opt-in).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carts.events import event_reminder_sent, event_reminder_skipped
from carts.lifecycle import (
    carts_close_ordered,
    carts_erase_old,
    carts_mark_abandoned,
    carts_update_grouped,
    group_by_address,
    orders_of_addresses,
)
from carts.models import Cart, CartEvent, CartLine, CartReminder, Recipient, ReminderStep
from carts.recovery import open_carts, recovery_url, unsubscribe_url
from carts.reminder_email import reminder_email_prepare
from carts.sequence import Sequence, sequence_for_store
from carts.services import cart_mark_ordered
from mycommerce.emails import email_queue
from mycommerce.models import Membership, Store
from mycommerce.plans import PLAN_ORDER, Feature, plan_has_feature
from mycommerce.roles import Permission, ensure_member_may

BATCH = 500


@dataclass
class RunReport:
    ordered: int = 0
    abandoned: int = 0
    sent: int = 0
    skipped: int = 0
    erased: int = 0
    conflicts: int = 0
    # For "send reminder now": cart id → why nothing was sent (translated).
    refused: dict[int, str] = field(default_factory=dict)

    def add(self, other: "RunReport") -> None:
        for name in ("ordered", "abandoned", "sent", "skipped", "erased", "conflicts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.refused.update(other.refused)


def stores_with_reminders():
    plans = [plan for plan in PLAN_ORDER if plan_has_feature(plan, Feature.ABANDONED_CARTS)]
    return Store.objects.filter(plan__in=plans).order_by("pk")


def stores_with_carts():
    """Stores with the feature, and any other store that still keeps carts' personal data."""
    keeping = Cart.objects.filter(erased_at__isnull=True).values("store")
    return Store.objects.filter(
        Q(pk__in=stores_with_reminders().values("pk")) | Q(pk__in=keeping)
    ).order_by("pk")


def reminders_run(
    *, now: datetime | None = None, store: Store | None = None, batch_size: int = BATCH
) -> RunReport:
    """One pass over every store with the feature (or `store`)."""
    now = now or timezone.now()
    report = RunReport()
    with_feature = set(stores_with_reminders().values_list("pk", flat=True))
    for current in [store] if store else stores_with_carts():
        sequence = sequence_for_store(store=current)
        if current.pk in with_feature:
            report.ordered += carts_close_ordered(store=current, batch_size=batch_size)
            report.abandoned += carts_mark_abandoned(
                sequence=sequence, now=now, batch_size=batch_size
            )
            if sequence.settings.reminders_enabled:
                report.add(reminders_send_due(sequence=sequence, now=now, batch_size=batch_size))
        # Erasing old personal data does not depend on the plan: a store that moved to a
        # smaller plan keeps its carts only as long as any other store.
        report.erased += carts_erase_old(sequence=sequence, now=now, batch_size=batch_size)
    return report


def due_carts(*, sequence: Sequence, now: datetime):
    """Abandoned carts with at least one enabled step whose time has come."""
    due = Q()
    for step in sequence.enabled:
        due |= Q(last_step__lt=step.step, abandoned_at__lte=now - timedelta(hours=step.delay_hours))
    return (
        open_carts(store=sequence.store)
        .filter(state=Cart.State.ABANDONED, stop_reason="")
        .exclude(group=Cart.Group.HOLDOUT)
        .filter(due)
    )


def reminders_send_due(*, sequence: Sequence, now: datetime, batch_size: int = BATCH) -> RunReport:
    report = RunReport()
    candidates = due_carts(sequence=sequence, now=now)
    last = 0
    while True:
        batch = list(
            candidates.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "customer_email")[:batch_size]
        )
        if not batch:
            return report
        last = batch[-1][0]
        emails = sorted({email for _, email in batch})
        report.add(_remind_addresses(sequence=sequence, emails=emails, now=now))


class _Writes:
    """What one batch decided, written in bulk at the end of its transaction."""

    def __init__(self, sequence: Sequence, now: datetime, actor=None):
        self.sequence, self.now, self.actor = sequence, now, actor
        self.claims: list[CartReminder] = []
        self.sends: list[tuple[Cart, ReminderStep, Recipient, CartReminder]] = []
        self.events: list[CartEvent] = []
        self.carts: dict[int, Cart] = {}
        self.report = RunReport()

    def stop(self, cart: Cart, reason: str) -> None:
        cart.stop_reason = reason
        self.carts[cart.pk] = cart
        self.events.append(event_reminder_skipped(cart=cart, step=None, reason=reason))
        self.report.skipped += 1

    def skip(self, cart: Cart, step: int, reason: str) -> None:
        self.claims.append(self._claim(cart, step, CartReminder.Status.SKIPPED, skip_reason=reason))
        cart.last_step = max(cart.last_step, step)
        self.carts[cart.pk] = cart
        self.events.append(event_reminder_skipped(cart=cart, step=step, reason=reason))
        self.report.skipped += 1

    def send(self, cart: Cart, step: ReminderStep, recipient: Recipient) -> None:
        claim = self._claim(
            cart,
            step.step,
            CartReminder.Status.SENT,
            discount_code=step.discount_code,
            discount_percent=step.discount_percent,
        )
        self.claims.append(claim)
        self.sends.append((cart, step, recipient, claim))
        cart.last_step = step.step
        self.carts[cart.pk] = cart
        event = event_reminder_sent(
            cart=cart, step=step.step, discount_code=step.discount_code, actor=self.actor
        )
        self.events.append(event)
        self.report.sent += 1

    def _claim(self, cart: Cart, step: int, status: str, **extra) -> CartReminder:
        return CartReminder(
            cart=cart,
            store=self.sequence.store,
            step=step,
            email=cart.customer_email,
            status=status,
            created_at=self.now,
            **extra,
        )

    def flush(self) -> None:
        lines: dict[int, list[CartLine]] = {}
        for line in CartLine.objects.filter(cart__in=[send[0].pk for send in self.sends]):
            lines.setdefault(line.cart_id, []).append(line)
        emails = [
            reminder_email_prepare(
                cart=cart,
                lines=lines.get(cart.pk, []),
                step=step,
                store=self.sequence.store,
                recover_url=recovery_url(cart=cart, step=step.step),
                unsubscribe_url=unsubscribe_url(recipient=recipient),
                link_valid_days=self.sequence.settings.link_valid_days,
            )
            for cart, step, recipient, _claim in self.sends
        ]
        for (_cart, _step, _recipient, claim), email in zip(self.sends, email_queue(emails=emails)):
            claim.message = email
        # The unique (cart, step) constraint: a claim already taken raises here, and the
        # whole batch (its e-mails too, which leave only on commit) is rolled back.
        CartReminder.objects.bulk_create(self.claims)
        carts_update_grouped(list(self.carts.values()), ["last_step", "stop_reason"])
        CartEvent.objects.bulk_create(self.events)


def _decide(
    writes: _Writes,
    *,
    recipient: Recipient,
    carts: list[Cart],
    orders: list,
    recent: set[tuple[str, int]],
    target: Cart | None = None,
) -> str:
    """Decide for one address; returns why `target` (or the latest cart) got nothing ("" if
    it got its reminder)."""
    sequence, now = writes.sequence, writes.now
    open_ones = []
    for cart in carts:
        later = next((order for order in orders if order.created_at >= cart.created_at), None)
        if later is not None:
            cart_mark_ordered(cart=cart, order=later, via=Cart.OrderedVia.OTHER)
            writes.report.ordered += 1
        else:
            open_ones.append(cart)
    if target is not None and target.pk not in {cart.pk for cart in open_ones}:
        return _("The customer has ordered since.")
    if not open_ones:
        return ""
    latest = max(open_ones, key=lambda cart: (cart.updated_at, cart.pk))
    for cart in open_ones:
        if cart is not latest and cart.state == Cart.State.ABANDONED and not cart.stop_reason:
            writes.stop(cart, Cart.StopReason.SUPERSEDED)
    cart = target or latest
    if cart is not latest:
        return str(Cart.StopReason.SUPERSEDED.label)
    if cart.state != Cart.State.ABANDONED:
        return _("The cart is not abandoned.")
    if cart.group == Cart.Group.HOLDOUT:
        return _("The cart is in the holdout: it gets no reminder.")
    if cart.stop_reason:
        return str(cart.get_stop_reason_display())
    if recipient.unsubscribed_at:
        writes.stop(cart, Cart.StopReason.UNSUBSCRIBED)
        return str(Cart.StopReason.UNSUBSCRIBED.label)
    customer = any(order.created_at < cart.created_at for order in orders)
    if not (cart.marketing_consent or customer):
        writes.stop(cart, Cart.StopReason.NO_CONSENT)
        return str(Cart.StopReason.NO_CONSENT.label)
    if target is not None:
        step = sequence.next_now(cart)
        if step is None:
            return _("Every reminder of the sequence was already handled.")
    else:
        due = sequence.due(cart, now)
        for late in due.late:
            writes.skip(cart, late, CartReminder.SkipReason.LATE)
        step = due.step
        if step is None:
            return ""
    if (cart.customer_email, step.step) in recent:
        writes.skip(cart, step.step, CartReminder.SkipReason.SAME_ADDRESS)
        return str(CartReminder.SkipReason.SAME_ADDRESS.label)
    writes.send(cart, step, recipient)
    return ""


def _remind_addresses(
    *,
    sequence: Sequence,
    emails: list[str],
    now: datetime,
    targets: dict[str, Cart] | None = None,
    actor=None,
) -> RunReport:
    """One transaction over these addresses. With `targets` (send now), wait for the locks
    and decide for those carts; otherwise skip addresses another run holds."""
    store = sequence.store
    Recipient.objects.bulk_create(
        [Recipient(store=store, email=email) for email in emails], ignore_conflicts=True
    )
    writes = _Writes(sequence, now, actor=actor)
    try:
        with transaction.atomic():
            locking = Recipient.objects.select_for_update(skip_locked=targets is None)
            recipients = {
                recipient.email: recipient
                for recipient in locking.filter(store=store, email__in=emails).order_by("email")
            }
            carts = list(
                open_carts(store=store)
                .filter(customer_email__in=list(recipients))
                .select_for_update()
                .order_by("pk")
            )
            orders: dict[str, list] = {}
            for order in orders_of_addresses(store=store, emails=recipients):
                orders.setdefault(order.email_lower, []).append(order)
            recent = set(
                CartReminder.objects.filter(
                    store=store,
                    email__in=list(recipients),
                    status=CartReminder.Status.SENT,
                    created_at__gte=now - sequence.address_window,
                ).values_list("email", "step")
            )
            refused = {}
            for email, address_carts in group_by_address(carts).items():
                target = (targets or {}).get(email)
                if targets is not None and target is None:
                    continue
                if target is not None:
                    target = next((c for c in address_carts if c.pk == target.pk), target)
                reason = _decide(
                    writes,
                    recipient=recipients[email],
                    carts=address_carts,
                    orders=orders.get(email, []),
                    recent=recent,
                    target=target,
                )
                if target is not None and reason:
                    refused[target.pk] = reason
            for email, target in (targets or {}).items():
                if email not in recipients or not any(c.pk == target.pk for c in carts):
                    refused.setdefault(target.pk, _("The cart can no longer be reminded."))
            writes.flush()
            writes.report.refused = refused
    except IntegrityError:
        # A claim was taken meanwhile: nothing of this batch was written; it comes back.
        return RunReport(conflicts=1)
    return writes.report


def reminder_send_now(*, membership: Membership, cart_ids: list[int]) -> RunReport:
    """Send each chosen abandoned cart its next reminder now, whatever the delays; the rules
    on consent, unsubscribes, orders and one e-mail per address still hold."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ABANDONED_CARTS)
    sequence = sequence_for_store(store=membership.store)
    carts = list(Cart.objects.filter(store=membership.store, pk__in=cart_ids).order_by("pk"))
    report = RunReport()
    targets: dict[str, Cart] = {}
    for cart in carts:
        if not cart.customer_email or not cart.is_open:
            report.refused[cart.pk] = _("The cart can no longer be reminded.")
        elif cart.customer_email in targets:
            report.refused[cart.pk] = str(Cart.StopReason.SUPERSEDED.label)
        else:
            targets[cart.customer_email] = cart
    if targets:
        report.add(
            _remind_addresses(
                sequence=sequence,
                emails=sorted(targets),
                now=timezone.now(),
                targets=targets,
                actor=membership.user,
            )
        )
    return report
