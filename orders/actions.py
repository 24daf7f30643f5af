"""The order list's bulk actions: an explicit whitelist, each a plain function with a
label, a permission and the fields it reads (as Django admin's actions). The registry also
draws the list's bulk menu. Anything else is refused.

Printing invoices and exporting are other pages (invoices:batch, exports:orders):
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
    # Fields of BulkActionForm the action shows in its group of the menu, and those it needs.
    fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    run: Callable[..., BulkResult]


def set_payment_status(*, membership, orders, data) -> BulkResult:
    return order_bulk_set_payment_status(
        membership=membership, orders=orders, status=data["new_payment_status"]
    )


def set_fulfillment_status(*, membership, orders, data) -> BulkResult:
    return order_bulk_set_fulfillment_status(
        membership=membership,
        orders=orders,
        status=data["new_fulfillment_status"],
        carrier=data.get("carrier", ""),
        tracking_number=data.get("tracking_number", ""),
        carrier_code=data.get("carrier_code", ""),
        accept_tracking_number=bool(data.get("accept_tracking_number")),
    )


def bulk_actions_registry(*actions: BulkAction) -> dict[str, BulkAction]:
    return {action.name: action for action in actions}


BULK_ACTIONS: dict[str, BulkAction] = bulk_actions_registry(
    BulkAction(
        name="set_payment_status",
        label=_("Set payment status"),
        permission=Permission.MANAGE_ORDERS,
        fields=("new_payment_status",),
        required_fields=("new_payment_status",),
        run=set_payment_status,
    ),
    BulkAction(
        name="set_fulfillment_status",
        label=_("Set fulfillment status"),
        permission=Permission.MANAGE_ORDERS,
        fields=(
            "new_fulfillment_status",
            "carrier_code",
            "tracking_number",
            "accept_tracking_number",
        ),
        required_fields=("new_fulfillment_status",),
        run=set_fulfillment_status,
    ),
)
