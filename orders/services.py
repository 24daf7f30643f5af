"""Writes to orders: statuses, refunds and notes. Each change locks the order row, follows
the transitions table of statuses.py, writes an OrderEvent in the same transaction and
bumps the order's version."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mycommerce.models import Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from orders.models import Order, OrderEvent, OrderNote, Refund
from orders.policies import order_is_paid
from orders.statuses import (
    TRACKING_STATUSES,
    PaymentStatus,
    fulfillment_transition_refusal,
    payment_transition_refusal,
)

CENT = Decimal("0.01")
MAX_BULK_ORDERS = 10_000


@dataclass
class BulkResult:
    """What a bulk change did: the references changed, and those skipped with the reason."""

    changed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _ensure_can_work_on_orders(*, user: AbstractBaseUser, store: Store) -> None:
    membership = Membership.objects.filter(user=user, store=store).select_related("store").first()
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)


def _lock(*, order: Order, expected_version: int | None) -> Order:
    """The order's row, locked until the end of the transaction; refused when stale."""
    locked = Order.objects.select_for_update().get(pk=order.pk, store_id=order.store_id)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this order meanwhile (payment: %(payment)s, "
                "fulfillment: %(fulfillment)s). Nothing was changed: check the order and "
                "try again."
            )
            % {
                "payment": locked.get_payment_status_display(),
                "fulfillment": locked.get_fulfillment_status_display(),
            },
            code="stale",
        )
    return locked


def _apply_payment_status(*, locked: Order, status: str, user) -> OrderEvent:
    refusal = payment_transition_refusal(current=locked.payment_status, target=status)
    if refusal:
        raise ValidationError(refusal, code="transition")
    previous = locked.payment_status
    locked.payment_status = status
    locked.version += 1
    locked.save(update_fields=["payment_status", "version", "updated_at"])
    return OrderEvent(
        order=locked,
        type=OrderEvent.Type.PAYMENT_STATUS_CHANGED,
        actor=user,
        details={"from": previous, "to": status},
    )


def _apply_fulfillment_status(
    *, locked: Order, status: str, user, carrier: str, tracking_number: str
) -> OrderEvent:
    refusal = fulfillment_transition_refusal(
        current=locked.fulfillment_status, target=status, payment_status=locked.payment_status
    )
    if refusal:
        raise ValidationError(refusal, code="transition")
    previous = locked.fulfillment_status
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if status in TRACKING_STATUSES:
        # Keep what is known when the form leaves the fields empty.
        carrier = carrier or locked.carrier
        tracking_number = tracking_number or locked.tracking_number
    if previous == status and (carrier, tracking_number) == (
        locked.carrier,
        locked.tracking_number,
    ):
        raise ValidationError(
            _("Nothing to change: the status, carrier and tracking number are the same."),
            code="unchanged",
        )
    details = {"from": previous, "to": status}
    if status in TRACKING_STATUSES:
        locked.carrier, locked.tracking_number = carrier, tracking_number
        details.update(carrier=carrier, tracking_number=tracking_number)
    locked.fulfillment_status = status
    locked.version += 1
    locked.save(
        update_fields=["fulfillment_status", "carrier", "tracking_number", "version", "updated_at"]
    )
    event_type = (
        OrderEvent.Type.TRACKING_CHANGED
        if previous == status
        else OrderEvent.Type.FULFILLMENT_STATUS_CHANGED
    )
    return OrderEvent(order=locked, type=event_type, actor=user, details=details)


def order_set_payment_status(
    *, order: Order, status: str, user: AbstractBaseUser, expected_version: int | None = None
) -> Order:
    _ensure_can_work_on_orders(user=user, store=order.store)
    with transaction.atomic():
        locked = _lock(order=order, expected_version=expected_version)
        _apply_payment_status(locked=locked, status=status, user=user).save()
    return locked


def order_set_fulfillment_status(
    *,
    order: Order,
    status: str,
    user: AbstractBaseUser,
    carrier: str = "",
    tracking_number: str = "",
    expected_version: int | None = None,
) -> Order:
    _ensure_can_work_on_orders(user=user, store=order.store)
    with transaction.atomic():
        locked = _lock(order=order, expected_version=expected_version)
        _apply_fulfillment_status(
            locked=locked,
            status=status,
            user=user,
            carrier=carrier,
            tracking_number=tracking_number,
        ).save()
    return locked


def _bulk_apply(*, store: Store, orders: QuerySet[Order], user, apply) -> BulkResult:
    _ensure_can_work_on_orders(user=user, store=store)
    result = BulkResult()
    with transaction.atomic():
        # Primary-key order: two concurrent bulk changes can never deadlock on each other.
        rows = list(
            orders.filter(store=store).order_by("pk").select_for_update()[: MAX_BULK_ORDERS + 1]
        )
        if len(rows) > MAX_BULK_ORDERS:
            raise ValidationError(
                _("At most %(max)d orders can be changed at once; narrow the filters.")
                % {"max": MAX_BULK_ORDERS},
                code="too_many",
            )
        events = []
        for locked in rows:
            try:
                events.append(apply(locked))
            except ValidationError as error:
                result.skipped.append((locked.reference, " ".join(error.messages)))
            else:
                result.changed.append(locked.reference)
        OrderEvent.objects.bulk_create(events)
    return result


def order_bulk_set_payment_status(
    *, store: Store, orders: QuerySet[Order], status: str, user: AbstractBaseUser
) -> BulkResult:
    """Apply the allowed moves only; report the others, order by order."""
    return _bulk_apply(
        store=store,
        orders=orders,
        user=user,
        apply=lambda locked: _apply_payment_status(locked=locked, status=status, user=user),
    )


def order_bulk_set_fulfillment_status(
    *,
    store: Store,
    orders: QuerySet[Order],
    status: str,
    user: AbstractBaseUser,
    carrier: str = "",
    tracking_number: str = "",
) -> BulkResult:
    return _bulk_apply(
        store=store,
        orders=orders,
        user=user,
        apply=lambda locked: _apply_fulfillment_status(
            locked=locked,
            status=status,
            user=user,
            carrier=carrier,
            tracking_number=tracking_number,
        ),
    )


def order_refund(
    *,
    order: Order,
    amount: Decimal,
    reason: str,
    user: AbstractBaseUser,
    expected_version: int | None = None,
) -> Refund:
    """Record a full or partial refund; the payment status follows the amounts.

    The money itself goes back through the payment provider: this only records it.
    """
    _ensure_can_work_on_orders(user=user, store=order.store)
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("The refund amount must be more than zero."), code="amount"
                )
            }
        )
    with transaction.atomic():
        locked = _lock(order=order, expected_version=expected_version)
        refundable = locked.refundable_amount
        if not order_is_paid(locked):
            raise ValidationError(
                _("Only a paid order can be refunded (this one is “%(status)s”).")
                % {"status": locked.get_payment_status_display()},
                code="not_paid",
            )
        if amount > refundable:
            # What was paid minus what was already refunded.
            raise ValidationError(
                {
                    "amount": ValidationError(
                        _("At most %(max)s can still be refunded.")
                        % {"max": f"{refundable:.2f} {locked.currency}"},
                        code="too_much",
                    )
                }
            )
        previous = locked.payment_status
        locked.refunded_total = (locked.refunded_total + amount).quantize(CENT)
        locked.payment_status = (
            PaymentStatus.REFUNDED
            if locked.refunded_total >= locked.total
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        locked.version += 1
        locked.save(update_fields=["refunded_total", "payment_status", "version", "updated_at"])
        refund = Refund.objects.create(
            order=locked, amount=amount, reason=reason.strip(), created_by=user
        )
        OrderEvent.objects.create(
            order=locked,
            type=OrderEvent.Type.REFUND_RECORDED,
            actor=user,
            details={
                "amount": str(amount),
                "currency": locked.currency,
                "reason": refund.reason,
                "from": previous,
                "to": locked.payment_status,
            },
        )
    return refund


def order_add_note(*, order: Order, text: str, user: AbstractBaseUser) -> OrderNote:
    _ensure_can_work_on_orders(user=user, store=order.store)
    text = text.strip()
    if not text:
        raise ValidationError(_("The note is empty."), code="empty")
    with transaction.atomic():
        locked = _lock(order=order, expected_version=None)
        note = OrderNote.objects.create(order=locked, author=user, text=text)
        OrderEvent.objects.create(
            order=locked, type=OrderEvent.Type.NOTE_ADDED, actor=user, details={"text": text}
        )
    return note
