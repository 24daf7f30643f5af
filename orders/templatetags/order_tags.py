"""Template helpers of the order pages: list query strings and the timeline's sentences."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from mycommerce.money import format_money
from orders.models import OrderEvent
from orders.statuses import FulfillmentStatus, PaymentStatus

register = template.Library()


@register.filter
def getlist(query, name: str) -> list[str]:
    return query.getlist(name)


@register.filter
def elided_pages(paginator, number: int):
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _amount(details: dict) -> str:
    try:
        return format_money(Decimal(details.get("amount", "0")), details.get("currency", "EUR"))
    except (InvalidOperation, ValueError, TypeError):
        return str(details.get("amount", ""))


@register.filter
def event_sentence(event: OrderEvent) -> str:
    """One readable sentence for a timeline entry (its details give the specifics)."""
    details = event.details if isinstance(event.details, dict) else {}
    kind = event.type
    if kind == OrderEvent.Type.CREATED:
        return _("Order placed.")
    if kind == OrderEvent.Type.PAYMENT_STATUS_CHANGED:
        return _("Payment status changed from “%(from)s” to “%(to)s”.") % {
            "from": _label(PaymentStatus, details.get("from")),
            "to": _label(PaymentStatus, details.get("to")),
        }
    if kind in (OrderEvent.Type.FULFILLMENT_STATUS_CHANGED, OrderEvent.Type.TRACKING_CHANGED):
        if kind == OrderEvent.Type.TRACKING_CHANGED:
            sentence = _("Tracking updated.")
        else:
            sentence = _("Fulfillment status changed from “%(from)s” to “%(to)s”.") % {
                "from": _label(FulfillmentStatus, details.get("from")),
                "to": _label(FulfillmentStatus, details.get("to")),
            }
        if details.get("tracking_number") or details.get("carrier"):
            sentence += " " + _("Carrier: %(carrier)s, tracking number: %(tracking)s.") % {
                "carrier": details.get("carrier") or "—",
                "tracking": details.get("tracking_number") or "—",
            }
        return sentence
    if kind == OrderEvent.Type.REFUND_RECORDED:
        sentence = _("Refund of %(amount)s recorded; payment status is now “%(to)s”.") % {
            "amount": _amount(details),
            "to": _label(PaymentStatus, details.get("to")),
        }
        if details.get("reason"):
            sentence += " " + _("Reason: %(reason)s") % {"reason": details["reason"]}
        return sentence
    if kind == OrderEvent.Type.NOTE_ADDED:
        return _("Note added: %(text)s") % {"text": details.get("text", "")}
    if kind == OrderEvent.Type.EDITED:
        totals = details.get("totals") or {}
        if totals.get("before") and totals.get("after") and totals["before"] != totals["after"]:
            return _("Order edited; total %(before)s → %(after)s.") % totals
        return _("Order edited.")
    if kind == OrderEvent.Type.INVOICE_PRINTED:
        return _("Invoice printed.")
    if kind == OrderEvent.Type.EMAIL_SENT:
        return _("E-mail sent.")
    return event.get_type_display()


@register.filter
def event_summary(event: OrderEvent) -> list[str]:
    """The human-readable lines other features put in details["summary"] (edits...)."""
    details = event.details if isinstance(event.details, dict) else {}
    summary = details.get("summary") or []
    if isinstance(summary, str):
        return [summary]
    return [str(line) for line in summary]
