"""The one place that decides what may be done to an order; views, templates and
services all ask here."""

from orders.models import Order
from orders.statuses import PaymentStatus

READ_ONLY_PAYMENT_STATUSES = frozenset({PaymentStatus.CANCELLED, PaymentStatus.REFUNDED})


def order_is_editable(order: Order) -> bool:
    """Cancelled and refunded orders are read-only."""
    return order.payment_status not in READ_ONLY_PAYMENT_STATUSES
