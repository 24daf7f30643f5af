"""Demo carts for `seed_demo`: every state (active, abandoned at each reminder, held out,
unsubscribed, without consent, ordered, recovered through the link, erased), with realistic
timing over the last weeks, so that /carts/ and its figures show something on `make run`.

Rows are written in bulk, with the same event builders and e-mail rendering as the services;
ordered and recovered carts are linked to seeded orders of the same customer (placed through
`order_create` by the seeding), so order numbers keep following dates.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from carts import events
from carts.models import (
    Cart,
    CartEvent,
    CartLine,
    CartReminder,
    CartSettings,
    Recipient,
    ReminderStep,
)
from carts.recovery import recovery_url, unsubscribe_url
from carts.reminder_email import reminder_email_prepare
from carts.sequence import sequence_for_store
from mycommerce.models import SentEmail, Store
from orders.events import event_from_cart
from orders.models import Order

ABANDON = timedelta(hours=2)
WITH_ORDER = ("recovered", "came_back", "holdout_came_back", "checkout")
# What becomes of a demo cart, and how often.
FATES = [
    ("active", 6),
    ("just_abandoned", 5),
    ("reminded", 30),
    ("holdout", 10),
    ("no_consent", 6),
    ("unsubscribed", 4),
    ("superseded", 3),
    ("recovered", 14),
    ("came_back", 8),
    ("holdout_came_back", 2),
    ("checkout", 10),
    ("erased", 4),
]


@dataclass
class Plan:
    cart: Cart
    lines: list[CartLine]
    fate: str
    steps: int = 0  # reminders sent
    order: Order | None = None


def seed_carts(*, store: Store, rng: random.Random, now: datetime, count: int = 150) -> int:
    """Create `count` demo carts for `store`; returns how many were made."""
    settings, _ = CartSettings.objects.update_or_create(
        store=store, defaults={"reminders_enabled": True, "holdout_percent": 10}
    )
    ReminderStep.objects.update_or_create(
        store=store, step=2, defaults={"delay_hours": 24, "discount_code": "RETOUR10"}
    )
    ReminderStep.objects.filter(store=store, step=2).update(discount_percent=10)
    sequence = sequence_for_store(store=store)
    orders = _recent_orders(store, now, rng)
    plans = []
    with transaction.atomic():
        for index, fate in enumerate(_fates(count, rng)):
            order = orders.pop() if fate in WITH_ORDER and orders else None
            if fate in WITH_ORDER and order is None:
                fate = "reminded"
            plans.append(_plan(store, index, fate, order, rng, now))
        _share_addresses(plans)
        Cart.objects.bulk_create([plan.cart for plan in plans])
        for plan in plans:
            for line in plan.lines:
                line.cart = plan.cart
        CartLine.objects.bulk_create([line for plan in plans for line in plan.lines])
        _write_history(store, sequence, plans, rng, now)
    return len(plans)


def _fates(count: int, rng: random.Random) -> list[str]:
    """The fates in their proportions (not drawn one by one: the figures stay readable)."""
    total = sum(weight for _, weight in FATES)
    fates = [fate for fate, weight in FATES for _ in range(round(count * weight / total))]
    fates = (fates + ["reminded"] * count)[:count]
    rng.shuffle(fates)
    return fates


def _recent_orders(store: Store, now: datetime, rng: random.Random) -> list[Order]:
    """Up to 60 seeded storefront orders spread over the last 60 days."""
    picked, seen = [], set()
    for _ in range(60):
        moment = now - timedelta(days=rng.uniform(1, 60))
        order = (
            Order.objects.filter(store=store, created_at__gte=moment, source="storefront")
            .exclude(customer_email="")
            .order_by("created_at", "pk")
            .prefetch_related("lines")
            .first()
        )
        if order is not None and order.pk not in seen:
            seen.add(order.pk)
            picked.append(order)
    rng.shuffle(picked)
    return picked


def _plan(store, index, fate, order, rng, now) -> Plan:
    if order is not None:
        email, name = order.customer_email.lower(), order.customer_name
        lines = [
            CartLine(
                position=line.position,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
            )
            for line in order.lines.all()
        ]
    else:
        email, name = f"panier.demo{index}@example.fr", f"Client démo {index}"
        lines = [
            CartLine(position=0, sku="TSH-BLC-M", name="T-shirt coton bio blanc (M)", quantity=1)
        ]
        extra = rng.choice(
            [("BOU-BEE-03", "Bougie parfumée", "24.00"), ("CAF-ETH-250", "Café moulu", "12.90")]
        )
        lines.append(CartLine(position=1, sku=extra[0], name=extra[1], quantity=rng.randint(1, 3)))
        for line, price in zip(lines, ("19.90", extra[2])):
            line.unit_price = Decimal(price)
            line.line_total = line.unit_price * line.quantity
    steps = 0
    if fate == "active":
        updated = now - timedelta(minutes=rng.randint(5, 90))
    elif fate == "just_abandoned":
        updated = now - ABANDON - timedelta(minutes=rng.randint(5, 50))
    elif fate == "erased":
        updated = now - timedelta(days=rng.randint(95, 130))
    elif order is not None:
        steps = 0 if fate == "checkout" else rng.choice((1, 1, 2, 3))
        delay = {0: timedelta(0), 1: timedelta(0), 2: timedelta(hours=24), 3: timedelta(hours=72)}
        gap = timedelta(minutes=rng.randint(10, 300))
        updated = order.created_at - gap - (ABANDON + delay[steps] if steps else timedelta(0))
    else:
        updated = now - ABANDON - timedelta(hours=rng.uniform(1, 24 * 40))
    cart = Cart(
        store=store,
        token=f"demo-{store.pk}-{index:05d}",
        customer_name=name,
        customer_email=email,
        marketing_consent=fate != "no_consent",
        language="fr" if rng.random() < 0.85 else "en",
        currency=store.currency,
        line_count=len(lines),
        subtotal=sum((line.line_total for line in lines), Decimal("0.00")),
        created_at=updated - timedelta(minutes=rng.randint(2, 30)),
        updated_at=updated,
    )
    return Plan(cart=cart, lines=lines, fate=fate, steps=steps, order=order)


def _write_history(store, sequence, plans, rng, now) -> None:
    """Abandonment, reminders (their e-mails as the run renders them), links opened, orders."""
    delays = {step.step: timedelta(hours=step.delay_hours) for step in sequence.enabled}
    cart_events, claims, emails, carts = [], [], [], []
    Recipient.objects.bulk_create(
        [Recipient(store=store, email=e) for e in {p.cart.customer_email for p in plans}],
        ignore_conflicts=True,
    )
    recipients = {r.email: r for r in Recipient.objects.filter(store=store)}
    for plan in plans:
        cart = plan.cart
        created = events.event_created(cart=cart)
        created.created_at = cart.created_at
        cart_events.append(created)
        if plan.fate in ("active", "checkout"):
            if plan.fate == "checkout":
                _order(cart, plan.order, Cart.OrderedVia.CHECKOUT, cart_events)
            carts.append(cart)
            continue
        cart.abandoned_at = cart.first_abandoned_at = cart.updated_at + ABANDON
        if cart.abandoned_at > now:
            carts.append(cart)
            continue
        cart.state = Cart.State.ABANDONED
        consenting = plan.fate != "no_consent"
        cart.group = "" if not consenting else Cart.Group.REMINDED
        if plan.fate in ("holdout", "holdout_came_back"):
            cart.group = Cart.Group.HOLDOUT
        abandoned = events.event_abandoned(cart=cart, delay_minutes=120)
        abandoned.created_at = cart.abandoned_at
        cart_events.append(abandoned)
        if plan.fate == "no_consent":
            cart.stop_reason = Cart.StopReason.NO_CONSENT
            cart_events.append(
                _at(
                    events.event_reminder_skipped(cart=cart, step=None, reason=cart.stop_reason),
                    cart.abandoned_at,
                )
            )
        elif cart.group == Cart.Group.REMINDED and plan.fate != "just_abandoned":
            due = [s for s in sorted(delays) if cart.abandoned_at + delays[s] <= now]
            # Every step whose time came was sent, as the run does; ordered carts stop earlier.
            sent = due[: plan.steps] if plan.order is not None else due
            if plan.fate == "unsubscribed":
                sent = due[:1]
            for step in sent:
                moment = cart.abandoned_at + delays[step] + timedelta(minutes=1)
                email = reminder_email_prepare(
                    cart=cart,
                    lines=plan.lines,
                    step=sequence.step(step),
                    store=store,
                    recover_url=recovery_url(cart=cart, step=step),
                    unsubscribe_url=unsubscribe_url(recipient=recipients[cart.customer_email]),
                    link_valid_days=sequence.settings.link_valid_days,
                )
                email.status, email.created_at, email.sent_at = (
                    SentEmail.Status.SENT,
                    moment,
                    moment,
                )
                emails.append(email)
                claims.append(
                    CartReminder(
                        cart=cart,
                        store=store,
                        step=step,
                        email=cart.customer_email,
                        status=CartReminder.Status.SENT,
                        discount_code=sequence.step(step).discount_code,
                        discount_percent=sequence.step(step).discount_percent,
                        created_at=moment,
                    )
                )
                code = sequence.step(step).discount_code
                sent_event = events.event_reminder_sent(cart=cart, step=step, discount_code=code)
                cart_events.append(_at(sent_event, moment))
                cart.last_step = step
        if plan.fate == "unsubscribed" and cart.last_step:
            recipient = recipients[cart.customer_email]
            recipient.unsubscribed_at = cart.abandoned_at + timedelta(hours=1)
            recipient.save(update_fields=["unsubscribed_at"])
            cart.stop_reason = Cart.StopReason.UNSUBSCRIBED
            cart_events.append(_at(events.event_unsubscribed(cart=cart), recipient.unsubscribed_at))
        if plan.fate == "superseded":
            cart.stop_reason = Cart.StopReason.SUPERSEDED
        if plan.fate == "recovered" and cart.last_step:
            cart.recovered_step = cart.last_step
            opened = events.event_link_opened(cart=cart, step=cart.last_step)
            cart_events.append(_at(opened, plan.order.created_at - timedelta(minutes=3)))
            _order(cart, plan.order, Cart.OrderedVia.LINK, cart_events)
            order_event = event_from_cart(
                order=plan.order, actor=None, via="link", step=cart.last_step
            )
            order_event.created_at = plan.order.created_at
            order_event.save()
        elif plan.fate in ("came_back", "holdout_came_back", "recovered"):
            _order(cart, plan.order, Cart.OrderedVia.OTHER, cart_events)
        if plan.fate == "erased":
            cart.customer_name = cart.customer_email = ""
            cart.erased_at = cart.updated_at + timedelta(days=90)
            cart_events.append(_at(events.event_erased(cart=cart, days=90), cart.erased_at))
        carts.append(cart)
    saved = SentEmail.objects.bulk_create(emails)
    for claim, email in zip(claims, saved):
        claim.message = email
    CartReminder.objects.bulk_create(claims)
    Cart.objects.bulk_update(
        carts,
        [
            "state",
            "group",
            "last_step",
            "stop_reason",
            "abandoned_at",
            "first_abandoned_at",
            "order",
            "ordered_via",
            "ordered_at",
            "recovered_step",
            "customer_name",
            "customer_email",
            "erased_at",
        ],
        batch_size=500,
    )
    CartEvent.objects.bulk_create(cart_events, batch_size=1000)
    erased = [plan.cart.pk for plan in plans if plan.fate == "erased"]
    CartLine.objects.filter(cart__in=erased).delete()
    SentEmail.objects.filter(pk__in=[c.message_id for c in claims if c.cart_id in erased]).update(
        to_email="", subject="—", body_text="", body_html="", headers={}, erased_at=now
    )


def _share_addresses(plans: list[Plan]) -> None:
    """A superseded cart is an older cart of a customer who left a newer one since."""
    newer = [p for p in plans if p.fate == "reminded" and p.order is None]
    for plan in plans:
        if plan.fate != "superseded":
            continue
        later = next((p for p in newer if p.cart.updated_at > plan.cart.updated_at), None)
        if later is None:
            plan.fate = "reminded"
            continue
        newer.remove(later)
        plan.cart.customer_email, plan.cart.customer_name = (
            later.cart.customer_email,
            later.cart.customer_name,
        )


def _at(event: CartEvent, moment: datetime) -> CartEvent:
    event.created_at = moment
    return event


def _order(cart: Cart, order: Order, via: str, cart_events: list) -> None:
    cart.order, cart.ordered_via, cart.ordered_at = order, via, order.created_at
    cart.state = Cart.State.RECOVERED if via == Cart.OrderedVia.LINK else Cart.State.ORDERED
    cart_events.append(
        _at(events.event_ordered(cart=cart, via=via, reference=order.reference), order.created_at)
    )
