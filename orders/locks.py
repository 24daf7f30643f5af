"""The one lock-and-version helper of every order-changing service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mycommerce.models import Store
from orders.models import Order


class StaleOrderVersion(ValidationError):
    """Someone changed the order since the form was shown; nothing was changed.

    `order` is the order as it is now (locked), so the caller can show it.
    """

    def __init__(self, order: Order):
        self.order = order
        super().__init__(
            _(
                "Someone else changed this order meanwhile (payment: %(payment)s, "
                "fulfillment: %(fulfillment)s). Nothing was changed: the page now shows "
                "their changes; check them and try again."
            )
            % {
                "payment": order.get_payment_status_display(),
                "fulfillment": order.get_fulfillment_status_display(),
            },
            code="stale",
        )


def order_lock(*, store: Store, pk: int, expected_version: int | None = None) -> Order:
    """The order's row, locked until the end of the caller's transaction.

    Order.DoesNotExist for another store's order; StaleOrderVersion when `expected_version` is given
    and someone changed the order since.
    """
    locked = Order.objects.select_for_update().get(pk=pk, store=store)
    if expected_version is not None and locked.version != expected_version:
        raise StaleOrderVersion(locked)
    return locked
