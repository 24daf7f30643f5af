"""Who hears of a change to an order, inside the transaction that makes it.

orders/ cannot import the apps above it (invoices issues documents when an order is paid,
shipped, refunded, cancelled or edited), so those apps register a listener here, from their
AppConfig.ready(); the order services call `order_changed` after each change, the order row
still locked. A listener that raises rolls the change back with it.

A bulk action runs its changes in `order_changes_batch()`: a listener may then note what to
do in `order_batch()` and do it once for all, when its batch listener is called at the end
(still in the transaction).
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
BatchListener = Callable[..., None]
order_batch_listeners: list[BatchListener] = []
_state = threading.local()


def order_listener_register(listener: OrderListener) -> None:
    """Listen to every order change; registering the same listener twice keeps one."""
    if listener not in order_listeners:
        order_listeners.append(listener)


def order_batch_listener_register(listener: BatchListener) -> None:
    """Called with `batch=` (the dict of `order_batch()`) when a batch of changes ends."""
    if listener not in order_batch_listeners:
        order_batch_listeners.append(listener)


@contextmanager
def order_changes_batch() -> Iterator[None]:
    """Group the changes of a bulk action (inside its transaction); nested ones join it."""
    if order_batch() is not None:
        yield
        return
    _state.batch = batch = {}
    try:
        yield
        for listener in order_batch_listeners:
            listener(batch=batch)
    finally:
        _state.batch = None


def order_batch() -> dict | None:
    """The notes of the batch under way (a listener's own key), or None outside one."""
    return getattr(_state, "batch", None)


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
