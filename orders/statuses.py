"""The two independent order statuses, each with its own choices (wording from DESIGN.md)."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy


class PaymentStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("payment status", "Awaiting payment")
    PAID = "paid", pgettext_lazy("payment status", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("payment status", "Cancelled")
    REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", pgettext_lazy("payment status", "Partially refunded")


class FulfillmentStatus(models.TextChoices):
    AWAITING_PROCESSING = (
        "awaiting_processing",
        pgettext_lazy("fulfillment status", "Awaiting processing"),
    )
    PROCESSING = "processing", pgettext_lazy("fulfillment status", "Processing")
    READY_FOR_PICKUP = "ready_for_pickup", pgettext_lazy("fulfillment status", "Ready for pickup")
    SHIPPED = "shipped", pgettext_lazy("fulfillment status", "Shipped")
    DELIVERED = "delivered", pgettext_lazy("fulfillment status", "Delivered")
    WILL_NOT_DELIVER = "will_not_deliver", pgettext_lazy("fulfillment status", "Will not deliver")
    RETURNED = "returned", pgettext_lazy("fulfillment status", "Returned")


# Each status's label: read per row of the list, where Django's get_FOO_display would rebuild
# the field's choices as a dict at each call.
PAYMENT_LABELS = dict(PaymentStatus.choices)
FULFILLMENT_LABELS = dict(FulfillmentStatus.choices)

# Bootstrap colour of each status badge.
PAYMENT_BADGE = {
    PaymentStatus.AWAITING_PAYMENT: "warning",
    PaymentStatus.PAID: "success",
    PaymentStatus.CANCELLED: "secondary",
    PaymentStatus.REFUNDED: "danger",
    PaymentStatus.PARTIALLY_REFUNDED: "info",
}
FULFILLMENT_BADGE = {
    FulfillmentStatus.AWAITING_PROCESSING: "warning",
    FulfillmentStatus.PROCESSING: "primary",
    FulfillmentStatus.READY_FOR_PICKUP: "info",
    FulfillmentStatus.SHIPPED: "primary",
    FulfillmentStatus.DELIVERED: "success",
    FulfillmentStatus.WILL_NOT_DELIVER: "secondary",
    FulfillmentStatus.RETURNED: "danger",
}


# The one table of allowed status changes. The status forms, the bulk actions and the
# services all read it; "refunded" and "partially refunded" are reached only by a refund,
# and a paid order is cancelled only by "cancel and refund", which records the refund.
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.AWAITING_PAYMENT: frozenset({PaymentStatus.PAID, PaymentStatus.CANCELLED}),
    PaymentStatus.PAID: frozenset({PaymentStatus.AWAITING_PAYMENT}),
    PaymentStatus.CANCELLED: frozenset({PaymentStatus.AWAITING_PAYMENT}),
    PaymentStatus.PARTIALLY_REFUNDED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
}
FULFILLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    FulfillmentStatus.AWAITING_PROCESSING: frozenset(
        {
            FulfillmentStatus.PROCESSING,
            FulfillmentStatus.READY_FOR_PICKUP,
            FulfillmentStatus.SHIPPED,
            FulfillmentStatus.DELIVERED,
            FulfillmentStatus.WILL_NOT_DELIVER,
        }
    ),
    FulfillmentStatus.PROCESSING: frozenset(
        {
            FulfillmentStatus.AWAITING_PROCESSING,
            FulfillmentStatus.READY_FOR_PICKUP,
            FulfillmentStatus.SHIPPED,
            FulfillmentStatus.DELIVERED,
            FulfillmentStatus.WILL_NOT_DELIVER,
        }
    ),
    FulfillmentStatus.READY_FOR_PICKUP: frozenset(
        {
            FulfillmentStatus.PROCESSING,
            FulfillmentStatus.DELIVERED,
            FulfillmentStatus.WILL_NOT_DELIVER,
        }
    ),
    FulfillmentStatus.SHIPPED: frozenset({FulfillmentStatus.DELIVERED, FulfillmentStatus.RETURNED}),
    FulfillmentStatus.DELIVERED: frozenset({FulfillmentStatus.RETURNED}),
    FulfillmentStatus.RETURNED: frozenset(
        {FulfillmentStatus.PROCESSING, FulfillmentStatus.WILL_NOT_DELIVER}
    ),
    FulfillmentStatus.WILL_NOT_DELIVER: frozenset({FulfillmentStatus.AWAITING_PROCESSING}),
}
# "Will not deliver" is for cancelled or refunded orders only (DESIGN.md); a paid order
# cancelled with a partial refund (a fee kept) is one of them.
WILL_NOT_DELIVER_PAYMENT_STATUSES = frozenset(
    {PaymentStatus.CANCELLED, PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED}
)
# Not sent yet: cancelling the order means it will not be delivered.
NOT_SENT_STATUSES = frozenset(
    {
        FulfillmentStatus.AWAITING_PROCESSING,
        FulfillmentStatus.PROCESSING,
        FulfillmentStatus.READY_FOR_PICKUP,
    }
)
# These fulfillment statuses carry a carrier and a tracking number.
TRACKING_STATUSES = frozenset({FulfillmentStatus.SHIPPED, FulfillmentStatus.DELIVERED})


def payment_transition_refusal(*, current: str, target: str) -> str | None:
    """Why the payment status cannot go from `current` to `target` (None: it can)."""
    if target not in PaymentStatus.values:
        return _("“%(status)s” is not a payment status.") % {"status": target}
    if target in (PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED):
        return _("Record a refund to mark an order as refunded.")
    if target == current:
        return _("The payment status is already “%(status)s”.") % {
            "status": PaymentStatus(target).label
        }
    if target == PaymentStatus.CANCELLED and current == PaymentStatus.PAID:
        return _("A paid order is cancelled with “Cancel and refund”, which records the refund.")
    if target not in PAYMENT_TRANSITIONS.get(current, ()):
        return _("The payment status cannot go from “%(from)s” to “%(to)s”.") % {
            "from": PaymentStatus(current).label,
            "to": PaymentStatus(target).label,
        }
    return None


def fulfillment_transition_refusal(*, current: str, target: str, payment_status: str) -> str | None:
    """Why the fulfillment status cannot go from `current` to `target` (None: it can).

    Staying on Shipped or Delivered is allowed: it updates the carrier and tracking number.
    """
    if target not in FulfillmentStatus.values:
        return _("“%(status)s” is not a fulfillment status.") % {"status": target}
    if target == current:
        if target in TRACKING_STATUSES:
            return None
        return _("The fulfillment status is already “%(status)s”.") % {
            "status": FulfillmentStatus(target).label
        }
    if target not in FULFILLMENT_TRANSITIONS.get(current, ()):
        return _("The fulfillment status cannot go from “%(from)s” to “%(to)s”.") % {
            "from": FulfillmentStatus(current).label,
            "to": FulfillmentStatus(target).label,
        }
    if (
        target == FulfillmentStatus.WILL_NOT_DELIVER
        and payment_status not in WILL_NOT_DELIVER_PAYMENT_STATUSES
    ):
        return _("“Will not deliver” is only for cancelled or refunded orders.")
    return None


def payment_next_statuses(*, current: str) -> list[str]:
    """The payment statuses a person may choose next, in the order of the choices."""
    return [
        value
        for value in PaymentStatus.values
        if payment_transition_refusal(current=current, target=value) is None
    ]


def fulfillment_next_statuses(*, current: str, payment_status: str) -> list[str]:
    return [
        value
        for value in FulfillmentStatus.values
        if fulfillment_transition_refusal(
            current=current, target=value, payment_status=payment_status
        )
        is None
    ]
