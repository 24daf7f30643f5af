"""Who hears of a change to an order, inside the transaction that makes it.

orders/ cannot import the apps above it (invoices issues documents when an order is paid,
shipped, refunded, cancelled or edited), so those apps register a listener here, from their
AppConfig.ready(); the order services call `order_changed` after each change, the order row
still locked. A listener that raises rolls the change back with it.
"""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser

from orders.models import Order, Refund

CREATED = "created"
PAYMENT_STATUS = "payment_status"
FULFILLMENT_STATUS = "fulfillment_status"
REFUND = "refund"
CANCEL_AND_REFUND = "cancel_and_refund"
EDIT = "edit"

OrderListener = Callable[..., None]
order_listeners: list[OrderListener] = []


def order_listener_register(listener: OrderListener) -> None:
    """Listen to every order change; registering the same listener twice keeps one."""
    if listener not in order_listeners:
        order_listeners.append(listener)


def order_changed(
    *,
    order: Order,
    change: str,
    actor: AbstractBaseUser | None,
    refund: Refund | None = None,
) -> None:
    """Tell the listeners that `order` (saved, locked) has just had `change`."""
    for listener in order_listeners:
        listener(order=order, change=change, actor=actor, refund=refund)
