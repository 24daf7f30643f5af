"""The one place that decides what may be done to an order; views, templates and
services all ask here."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mycommerce.models import Membership
from mycommerce.money import format_money
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may
from orders.models import Order
from orders.statuses import FulfillmentStatus, PaymentStatus

READ_ONLY_PAYMENT_STATUSES = frozenset({PaymentStatus.CANCELLED, PaymentStatus.REFUNDED})
# Money was received (and not all of it given back): refundable, and edits leave a difference.
PAID_PAYMENT_STATUSES = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED})


def order_is_editable(order: Order) -> bool:
    """Cancelled and refunded orders are read-only."""
    return order.payment_status not in READ_ONLY_PAYMENT_STATUSES


def order_is_paid(order: Order) -> bool:
    return order.payment_status in PAID_PAYMENT_STATUSES


# Who may place an order from each source: an order a member takes by phone or e-mail
# needs the order-editing feature; a storefront order (no member) needs none.
MANUAL_SOURCES = (Order.Source.PHONE, Order.Source.EMAIL, Order.Source.MANUAL)


def order_ensure_may_create(*, source: str, membership: Membership | None) -> None:
    """Refuse an order creation that the source, the role or the plan does not allow."""
    if source in MANUAL_SOURCES and membership is not None:
        ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ORDER_EDITING)
    elif source != Order.Source.STOREFRONT or membership is not None:
        raise ValidationError(
            {"source": ValidationError(_("Choose where the order came from."), code="source")}
        )


def order_change_confirmation(*, order: Order, form: str, data: dict) -> str | None:
    """The question a person answers before a change that moves money or ends an order
    (None: the change needs no confirmation). It names the order and the amount."""
    names = {
        "reference": order.reference,
        "total": format_money(order.total, order.currency),
        "amount": format_money(data.get("amount") or 0, order.currency),
    }
    status = data.get("status")
    if form == "cancel":
        return (
            _("Cancel order %(reference)s (%(total)s) and record a refund of %(amount)s?") % names
        )
    if form == "refund":
        return _("Record a refund of %(amount)s on order %(reference)s (%(total)s)?") % names
    if form == "payment" and status == PaymentStatus.CANCELLED:
        return _("Cancel order %(reference)s (%(total)s)?") % names
    if form == "payment" and status == PaymentStatus.AWAITING_PAYMENT and order_is_paid(order):
        return (
            _(
                "Mark order %(reference)s (%(total)s) as awaiting payment? Its payment will no "
                "longer count as received."
            )
            % names
        )
    if form == "fulfillment" and status == FulfillmentStatus.WILL_NOT_DELIVER:
        return _("Mark order %(reference)s (%(total)s) as “Will not deliver”?") % names
    if form == "fulfillment" and status == FulfillmentStatus.RETURNED:
        return _("Mark order %(reference)s (%(total)s) as returned?") % names
    return None
