"""The order list's bulk actions: an explicit whitelist, each a plain function with a
label and a permission (as Django admin's actions). Anything else is refused.

Printing invoices and exporting are other pages (orders:invoice_batch, exports:orders):
the list's selection form posts to them directly.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mycommerce.roles import Permission
from orders.services import (
    BulkResult,
    order_bulk_set_fulfillment_status,
    order_bulk_set_payment_status,
)


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: Promise
    permission: str
    required_fields: tuple[str, ...]
    run: Callable[..., BulkResult]


def set_payment_status(*, store, orders, user, data) -> BulkResult:
    return order_bulk_set_payment_status(
        store=store, orders=orders, status=data["new_payment_status"], user=user
    )


def set_fulfillment_status(*, store, orders, user, data) -> BulkResult:
    return order_bulk_set_fulfillment_status(
        store=store,
        orders=orders,
        status=data["new_fulfillment_status"],
        user=user,
        carrier=data.get("carrier", ""),
        tracking_number=data.get("tracking_number", ""),
    )


BULK_ACTIONS: dict[str, BulkAction] = {
    action.name: action
    for action in (
        BulkAction(
            name="set_payment_status",
            label=_("Set payment status"),
            permission=Permission.MANAGE_ORDERS,
            required_fields=("new_payment_status",),
            run=set_payment_status,
        ),
        BulkAction(
            name="set_fulfillment_status",
            label=_("Set fulfillment status"),
            permission=Permission.MANAGE_ORDERS,
            required_fields=("new_fulfillment_status",),
            run=set_fulfillment_status,
        ),
    )
}
