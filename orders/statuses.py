"""The two independent order statuses, each with its own choices (wording from DESIGN.md)."""

from django.db import models
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
