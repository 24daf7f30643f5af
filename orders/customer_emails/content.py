"""What each customer e-mail says, in the customer's language, with the store's identity (the
core's templates) and its currency (mycommerce/money.py). One template set for the five kinds,
`emails/order_message`: the sentences are made here, the blocks (lines, tracking, pickup) there.
"""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from mycommerce.models import Store
from mycommerce.money import format_money
from orders.customer_emails.kinds import EmailKind
from orders.models import Order, OrderLine

TEMPLATE = "emails/order_message"


def customer_language(order: Order, store: Store) -> str:
    """The order's language (its storefront cart's), else the store's."""
    language = order.language or store.language
    return language if language in Store.Language.values else Store.Language.FRENCH


def _greeting(order: Order) -> str:
    if order.customer_name:
        return _("Hello %(name)s,") % {"name": order.customer_name}
    return _("Hello,")


def _paragraphs(kind: str, order: Order, store: Store, refund_amount: Decimal | None) -> tuple:
    names = {
        "reference": order.reference,
        "store": store.name,
        "total": format_money(order.total, order.currency),
        "carrier": order.carrier or _("the carrier"),
    }
    if kind == EmailKind.ORDER_CONFIRMATION:
        subject = _("Your order %(reference)s is confirmed") % names
        body = [
            _("Thank you for your order %(reference)s of %(total)s.") % names,
            _("We will write again when it is on its way."),
        ]
    elif kind == EmailKind.SHIPPED:
        subject = _("Your order %(reference)s has been shipped") % names
        body = [_("Your order %(reference)s is on its way with %(carrier)s.") % names]
    elif kind == EmailKind.READY_FOR_PICKUP:
        subject = _("Your order %(reference)s is ready for pickup") % names
        body = [_("Your order %(reference)s is ready: you can collect it from us.") % names]
    elif kind == EmailKind.DELIVERED:
        subject = _("Your order %(reference)s has been delivered") % names
        body = [
            _("Your order %(reference)s has been delivered. We hope you enjoy it.") % names,
        ]
    else:
        amount = format_money(refund_amount or Decimal("0.00"), order.currency)
        subject = _("Refund for your order %(reference)s") % names
        body = [
            _("We have refunded %(amount)s for your order %(reference)s.")
            % {**names, "amount": amount},
            _("Depending on your bank, it may take a few days to appear on your account."),
        ]
    return subject, [_greeting(order), *body]


def customer_email_context(
    *,
    kind: str,
    order: Order,
    lines: list[OrderLine],
    store: Store,
    language: str,
    refund_amount: Decimal | None = None,
) -> dict:
    """The context of `emails/order_message` for one e-mail (a saved order, or the settings'
    example, which is not saved)."""
    with translation.override(language):
        subject, paragraphs = _paragraphs(kind, order, store, refund_amount)
        shipped = kind in (EmailKind.SHIPPED, EmailKind.DELIVERED)
        return {
            "subject": subject,
            "paragraphs": paragraphs,
            "order": order,
            "lines": lines if kind == EmailKind.ORDER_CONFIRMATION else [],
            "total": format_money(order.total, order.currency),
            "tracking_number": order.tracking_number if shipped else "",
            "carrier": order.carrier if shipped else "",
            "tracking_url": order.tracking_url if shipped else "",
            "pickup_address": store.pickup_address if kind == EmailKind.READY_FOR_PICKUP else "",
            "pickup_hours": store.pickup_hours if kind == EmailKind.READY_FOR_PICKUP else "",
            "signature": _("The %(store)s team") % {"store": store.name},
        }
