"""The kinds of customer e-mail, and which change of an order sends which."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders import listeners
from orders.models import Order, Refund
from orders.statuses import FulfillmentStatus


class EmailKind(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation", _("Order confirmation")
    # The fulfillment statuses' own words ("Expédié", "Prêt à l’enlèvement", "Livré").
    SHIPPED = "shipped", pgettext_lazy("fulfillment status", "Shipped")
    READY_FOR_PICKUP = "ready_for_pickup", pgettext_lazy("fulfillment status", "Ready for pickup")
    DELIVERED = "delivered", pgettext_lazy("fulfillment status", "Delivered")
    REFUNDED = "refunded", _("Refunded")


# What SentEmail.kind records for each (the core's rows are shared with the carts' reminders).
SENT_EMAIL_PREFIX = "order_"

FULFILLMENT_KINDS = {
    FulfillmentStatus.SHIPPED: EmailKind.SHIPPED,
    FulfillmentStatus.READY_FOR_PICKUP: EmailKind.READY_FOR_PICKUP,
    FulfillmentStatus.DELIVERED: EmailKind.DELIVERED,
}


def email_events_for_change(
    *, order: Order, change: str, refund: Refund | None
) -> list[tuple[str, str]]:
    """The (kind, key) of the e-mails a change sends. The key tells events of one kind apart
    (a refund's id; empty for a status, reached once per order): an e-mail is sent once per
    (order, kind, key), however often its task runs."""
    if change == listeners.CREATED:
        return [(EmailKind.ORDER_CONFIRMATION, "")]
    if change == listeners.FULFILLMENT_STATUS and order.fulfillment_status in FULFILLMENT_KINDS:
        return [(FULFILLMENT_KINDS[order.fulfillment_status], "")]
    if change in (listeners.REFUND, listeners.CANCEL_AND_REFUND) and refund is not None:
        return [(EmailKind.REFUNDED, str(refund.pk))]
    return []
