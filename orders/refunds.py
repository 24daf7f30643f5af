"""Refunds: record one (full or partial), or cancel a paid order with its refund, in one
change. The payment status follows the amounts; the money itself goes back through the
payment provider. Part of the order services (orders/services.py re-exports them)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mycommerce.models import Membership
from mycommerce.money import format_money
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from orders.events import event_cancelled, event_refunded
from orders.listeners import CANCEL_AND_REFUND, REFUND, order_changed
from orders.locks import order_lock
from orders.models import Order, Refund
from orders.policies import order_is_paid
from orders.statuses import NOT_SENT_STATUSES, FulfillmentStatus, PaymentStatus

CENT = Decimal("0.01")


def _ensure_may_work_on_orders(membership: Membership) -> None:
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDERS)


def _record_refund(
    *, locked: Order, amount: Decimal, reason: str, membership: Membership
) -> Refund:
    """Check and record a refund on a locked order; the payment status follows the amounts."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("The refund amount must be more than zero."), code="amount"
                )
            }
        )
    if not order_is_paid(locked):
        raise ValidationError(
            _("Only a paid order can be refunded (this one is “%(status)s”).")
            % {"status": locked.get_payment_status_display()},
            code="not_paid",
        )
    refundable = locked.refundable_amount
    if amount > refundable:
        # What was paid minus what was already refunded.
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("At most %(max)s can still be refunded.")
                    % {"max": format_money(refundable, locked.currency)},
                    code="too_much",
                )
            }
        )
    locked.refunded_total = (locked.refunded_total + amount).quantize(CENT)
    locked.payment_status = (
        PaymentStatus.REFUNDED
        if locked.refunded_total >= locked.total
        else PaymentStatus.PARTIALLY_REFUNDED
    )
    return Refund.objects.create(
        order=locked, amount=amount, reason=reason.strip(), created_by=membership.user
    )


def order_refund(
    *,
    membership: Membership,
    order: Order,
    amount: Decimal,
    reason: str,
    expected_version: int | None = None,
) -> Refund:
    """Record a full or partial refund; the payment status follows the amounts.

    The money itself goes back through the payment provider: this only records it.
    """
    _ensure_may_work_on_orders(membership)
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk, expected_version=expected_version)
        previous = locked.payment_status
        refund = _record_refund(locked=locked, amount=amount, reason=reason, membership=membership)
        locked.version += 1
        locked.save(update_fields=["refunded_total", "payment_status", "version", "updated_at"])
        event_refunded(
            order=locked,
            actor=membership.user,
            amount=refund.amount,
            reason=refund.reason,
            before=previous,
        ).save()
        order_changed(order=locked, change=REFUND, actor=membership.user, refund=refund)
    return refund


def order_cancel_and_refund(
    *,
    membership: Membership,
    order: Order,
    amount: Decimal,
    reason: str,
    expected_version: int | None = None,
) -> Refund:
    """Cancel a paid order in one change: record the refund (full or partial) and, when
    nothing was sent yet, mark it "will not deliver". A sent order keeps its fulfillment
    status until its return is recorded."""
    _ensure_may_work_on_orders(membership)
    with transaction.atomic():
        locked = order_lock(store=membership.store, pk=order.pk, expected_version=expected_version)
        payment_before, fulfillment_before = locked.payment_status, locked.fulfillment_status
        refund = _record_refund(locked=locked, amount=amount, reason=reason, membership=membership)
        if locked.fulfillment_status in NOT_SENT_STATUSES:
            locked.fulfillment_status = FulfillmentStatus.WILL_NOT_DELIVER
        locked.version += 1
        locked.save(
            update_fields=[
                "refunded_total",
                "payment_status",
                "fulfillment_status",
                "version",
                "updated_at",
            ]
        )
        event_cancelled(
            order=locked,
            actor=membership.user,
            amount=refund.amount,
            reason=refund.reason,
            payment_before=payment_before,
            fulfillment_before=fulfillment_before,
        ).save()
        order_changed(order=locked, change=CANCEL_AND_REFUND, actor=membership.user, refund=refund)
    return refund
