"""The one place that decides what may be done to an order; views, templates and
services all ask here."""

from orders.models import Order
from orders.statuses import PaymentStatus

READ_ONLY_PAYMENT_STATUSES = frozenset({PaymentStatus.CANCELLED, PaymentStatus.REFUNDED})
# Money was received (and not all of it given back): refundable, and edits leave a difference.
PAID_PAYMENT_STATUSES = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED})


def order_is_editable(order: Order) -> bool:
    """Cancelled and refunded orders are read-only."""
    return order.payment_status not in READ_ONLY_PAYMENT_STATUSES


def order_is_paid(order: Order) -> bool:
    return order.payment_status in PAID_PAYMENT_STATUSES
