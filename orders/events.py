"""The order timeline, as Saleor's `order/events.py`: one builder per kind of event, storing
data only (codes, amounts as strings, before/after values), and one renderer that makes the
sentence when a person reads it, in that person's language and the store's currency.

Builders return unsaved events: the caller saves them (or bulk-creates them) in the same
transaction as the change they record.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mycommerce.money import format_money
from orders.customer_emails.kinds import EmailKind
from orders.models import Order, OrderDiscount, OrderEvent, OrderTax
from orders.statuses import FulfillmentStatus, PaymentStatus

Type = OrderEvent.Type


# Builders ------------------------------------------------------------------------------


def _event(order: Order, kind: str, actor: AbstractBaseUser | None, **details) -> OrderEvent:
    return OrderEvent(order=order, type=kind, actor=actor, details=details)


def line_data(*, quantity: int, name: str, sku: str) -> dict:
    return {"quantity": quantity, "name": name, "sku": sku}


def event_created(
    *, order: Order, actor: AbstractBaseUser | None, lines: Iterable[dict], paid: bool
) -> OrderEvent:
    return _event(
        order,
        Type.CREATED,
        actor,
        source=order.source,
        lines=list(lines),
        paid=paid,
        total=str(order.total),
        currency=order.currency,
    )


def event_payment_changed(
    *, order: Order, actor: AbstractBaseUser | None, before: str, after: str
) -> OrderEvent:
    return _event(order, Type.PAYMENT_STATUS_CHANGED, actor, **{"from": before, "to": after})


def event_fulfillment_changed(
    *,
    order: Order,
    actor: AbstractBaseUser | None,
    before: str,
    after: str,
    tracking: dict | None = None,
) -> OrderEvent:
    """A new fulfillment status, or (same status) new tracking details."""
    kind = Type.TRACKING_CHANGED if before == after else Type.FULFILLMENT_STATUS_CHANGED
    return _event(order, kind, actor, **{"from": before, "to": after}, **(tracking or {}))


def event_refunded(
    *, order: Order, actor: AbstractBaseUser | None, amount: Decimal, reason: str, before: str
) -> OrderEvent:
    return _event(
        order,
        Type.REFUND_RECORDED,
        actor,
        amount=str(amount),
        currency=order.currency,
        reason=reason,
        **{"from": before, "to": order.payment_status},
    )


def event_cancelled(
    *,
    order: Order,
    actor: AbstractBaseUser | None,
    amount: Decimal,
    reason: str,
    payment_before: str,
    fulfillment_before: str,
) -> OrderEvent:
    """A paid order cancelled and refunded in one change."""
    return _event(
        order,
        Type.CANCELLED,
        actor,
        amount=str(amount),
        currency=order.currency,
        reason=reason,
        payment={"from": payment_before, "to": order.payment_status},
        fulfillment={"from": fulfillment_before, "to": order.fulfillment_status},
    )


def event_note_added(*, order: Order, actor: AbstractBaseUser | None, text: str) -> OrderEvent:
    return _event(order, Type.NOTE_ADDED, actor, text=text)


def event_edited(
    *,
    order: Order,
    actor: AbstractBaseUser | None,
    changes: list[dict],
    total_before: Decimal,
    difference: Decimal,
) -> OrderEvent:
    """`changes` are the dicts of `change_*` below, in the order the timeline lists them."""
    details = {
        "changes": changes,
        "total_before": str(total_before),
        "total_after": str(order.total),
        "currency": order.currency,
    }
    if difference:
        details["difference"] = str(difference)
    return _event(order, Type.EDITED, actor, **details)


def event_printed(
    *, order_id: int, actor: AbstractBaseUser | None, document: str, job_id: int | None = None
) -> OrderEvent:
    details = {"document": str(document)}
    if job_id is not None:
        details["job"] = job_id
    return OrderEvent(order_id=order_id, type=Type.INVOICE_PRINTED, actor=actor, details=details)


def event_from_cart(
    *, order: Order, actor: AbstractBaseUser | None, via: str, step: int | None = None
) -> OrderEvent:
    """The order came from an abandoned cart (carts/): `via` is "link" (the reminder's
    recovery link, `step` its reminder) or "manual" (a member created it from the cart)."""
    return _event(order, Type.FROM_CART, actor, via=via, step=step)


def event_document_issued(
    *,
    order: Order,
    actor: AbstractBaseUser | None,
    kind: str,
    number: str,
    total: Decimal,
    corrects: str = "",
) -> OrderEvent:
    """An invoice or a credit note issued for the order (`kind`: "invoice", "credit_note");
    a credit note names the invoice it `corrects`."""
    details = {
        "document": str(kind),
        "number": number,
        "total": str(total),
        "currency": order.currency,
    }
    if corrects:
        details["corrects"] = corrects
    return _event(order, Type.DOCUMENT_ISSUED, actor, **details)


def event_email_sent(
    *, order: Order, actor: AbstractBaseUser | None, kind: str, to: str, resent: bool = False
) -> OrderEvent:
    """A customer e-mail (orders/customer_emails/kinds.py) recorded for sending: by the worker
    after the change, or again by a member (`resent`, with the member as `actor`)."""
    return _event(order, Type.EMAIL_SENT, actor, email=str(kind), to=to, resent=resent)


# The changes an edit records.


def change_line_added(**line) -> dict:
    return {"change": "line_added", **line}


def change_line_removed(**line) -> dict:
    return {"change": "line_removed", **line}


def change_line_field(*, line: str, field: str, before, after) -> dict:
    """`field` is one of sku, name, quantity, unit_price (an amount, as a string)."""
    return {"change": "line_field", "line": line, "field": field, "before": before, "after": after}


def change_order_field(*, field: str, before, after) -> dict:
    """An editable field of Order (customer, addresses, shipping method, buyer, delivery
    date: a date is stored as its ISO text)."""
    before, after = ("" if v is None else str(v) for v in (before, after))
    return {"change": "order_field", "field": field, "before": before, "after": after}


def change_shipping_cost(*, before: Decimal, after: Decimal) -> dict:
    return {"change": "shipping_cost", "before": str(before), "after": str(after)}


def change_part(*, part: str, added: bool, label: str, kind: str, value: Decimal) -> dict:
    """A discount or a tax added or removed; `kind` is its OrderDiscount/OrderTax kind."""
    return {
        "change": f"{part}_{'added' if added else 'removed'}",
        "label": label,
        "kind": kind,
        "value": str(value),
    }


# Renderer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEvent:
    sentence: str
    lines: list[str] = field(default_factory=list)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _money(value, currency: str) -> str:
    try:
        return format_money(Decimal(value), currency)
    except (InvalidOperation, ValueError, TypeError):
        return str(value or "")


def _describe_line(line: dict) -> str:
    if line.get("sku"):
        return f"{line.get('quantity')} × {line.get('name')} ({line['sku']})"
    return f"{line.get('quantity')} × {line.get('name')}"


def _describe_part(change: dict, currency: str) -> str:
    """A discount or tax as the timeline shows it: "Fidélité (10 %)", "Port (4,90 €)"."""
    percent = change.get("kind") in (OrderDiscount.Kind.PERCENT, OrderTax.Kind.RATE)
    if percent:
        try:
            amount = f"{Decimal(change.get('value')).normalize():f} %"
        except (InvalidOperation, ValueError, TypeError):
            amount = f"{change.get('value')} %"
    else:
        amount = _money(change.get("value"), currency)
    return f"{change.get('label')} ({amount})"


def _order_field_label(name: str) -> str:
    try:
        return capfirst(Order._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed: show its code
        return name


LINE_FIELD_SENTENCES = {
    "sku": lambda: _("SKU of %(line)s: %(before)s → %(after)s"),
    "name": lambda: _("Name of %(line)s: %(before)s → %(after)s"),
    "quantity": lambda: _("Quantity of %(line)s: %(before)s → %(after)s"),
    "unit_price": lambda: _("Unit price of %(line)s: %(before)s → %(after)s"),
}


def render_change(change: dict, currency: str) -> str:
    kind = change.get("change")
    before, after = change.get("before"), change.get("after")
    if kind == "line_added":
        return _("Line added: %(line)s") % {"line": _describe_line(change)}
    if kind == "line_removed":
        return _("Line removed: %(line)s") % {"line": _describe_line(change)}
    if kind == "line_field" and change.get("field") in LINE_FIELD_SENTENCES:
        if change["field"] == "unit_price":
            before, after = _money(before, currency), _money(after, currency)
        return LINE_FIELD_SENTENCES[change["field"]]() % {
            "line": change.get("line"),
            "before": before if before not in (None, "") else "—",
            "after": after if after not in (None, "") else "—",
        }
    if kind == "order_field":
        return _("%(field)s: %(before)s → %(after)s") % {
            "field": _order_field_label(change.get("field", "")),
            "before": before or "—",
            "after": after or "—",
        }
    if kind == "shipping_cost":
        return _("Shipping cost: %(before)s → %(after)s") % {
            "before": _money(before, currency),
            "after": _money(after, currency),
        }
    described = _describe_part(change, currency)
    sentences = {
        "discount_added": lambda: _("Discount added: %s"),
        "discount_removed": lambda: _("Discount removed: %s"),
        "tax_added": lambda: _("Tax added: %s"),
        "tax_removed": lambda: _("Tax removed: %s"),
    }
    if kind in sentences:
        return sentences[kind]() % described
    return str(kind)


def _render_created(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    if "summary" in details:  # written before typed events: kept as it was written
        return RenderedEvent(_("Order placed."), _legacy_lines(details))
    lines = []
    source = details.get("source")
    if source and source != Order.Source.STOREFRONT:
        lines.append(
            _("Manual order, source: %(source)s") % {"source": _label(Order.Source, source)}
        )
    lines += [
        _("Line added: %(line)s") % {"line": _describe_line(line)}
        for line in details.get("lines", [])
    ]
    if details.get("paid"):
        lines.append(_("Recorded as paid"))
    return RenderedEvent(_("Order placed."), lines)


def _render_edited(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    if "changes" not in details:
        # Written before typed events: sentences and formatted totals as they were stored.
        totals = details.get("totals") or {}
        return RenderedEvent(
            _edited_sentence(totals.get("before"), totals.get("after")), _legacy_lines(details)
        )
    before = _money(details.get("total_before"), currency)
    after = _money(details.get("total_after"), currency)
    lines = [render_change(change, currency) for change in details["changes"]]
    return RenderedEvent(_edited_sentence(before, after), lines)


def _edited_sentence(before: str | None, after: str | None) -> str:
    if before and after and before != after:
        return _("Order edited; total %(before)s → %(after)s.") % {"before": before, "after": after}
    return _("Order edited.")


def _legacy_lines(details: dict) -> list[str]:
    summary = details.get("summary") or []
    return [summary] if isinstance(summary, str) else [str(line) for line in summary]


def _render_payment(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    return RenderedEvent(
        _("Payment status changed from “%(from)s” to “%(to)s”.")
        % {
            "from": _label(PaymentStatus, details.get("from")),
            "to": _label(PaymentStatus, details.get("to")),
        }
    )


def _render_fulfillment(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    if event.type == Type.TRACKING_CHANGED:
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
    return RenderedEvent(sentence)


def _render_refund(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    sentence = _("Refund of %(amount)s recorded; payment status is now “%(to)s”.") % {
        "amount": _money(details.get("amount", "0"), currency),
        "to": _label(PaymentStatus, details.get("to")),
    }
    if details.get("reason"):
        sentence += " " + _("Reason: %(reason)s") % {"reason": details["reason"]}
    return RenderedEvent(sentence)


def _render_cancelled(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    payment = details.get("payment") or {}
    fulfillment = details.get("fulfillment") or {}
    sentence = _(
        "Order cancelled with a refund of %(amount)s; payment “%(payment)s”, "
        "fulfillment “%(fulfillment)s”."
    ) % {
        "amount": _money(details.get("amount", "0"), currency),
        "payment": _label(PaymentStatus, payment.get("to")),
        "fulfillment": _label(FulfillmentStatus, fulfillment.get("to")),
    }
    if details.get("reason"):
        sentence += " " + _("Reason: %(reason)s") % {"reason": details["reason"]}
    return RenderedEvent(sentence)


def _render_note(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    return RenderedEvent(_("Note added: %(text)s") % {"text": details.get("text", "")})


def _render_printed(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    sentences = {
        "packing_slips": lambda: _("Packing slip printed."),
        "both": lambda: _("Invoice and packing slip printed."),
    }
    return RenderedEvent(sentences.get(details.get("document"), lambda: _("Invoice printed."))())


def _render_from_cart(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    if details.get("via") == "link":
        return RenderedEvent(
            _("Recovered abandoned cart: placed through the link of reminder %(step)s.")
            % {"step": details.get("step") or "?"}
        )
    return RenderedEvent(_("Created from an abandoned cart."))


def _render_document(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    names = {
        "number": details.get("number", ""),
        "total": _money(details.get("total", "0"), currency),
        "corrects": details.get("corrects", ""),
    }
    if details.get("document") == "credit_note":
        return RenderedEvent(
            _("Credit note %(number)s issued (%(total)s), correcting invoice %(corrects)s.") % names
        )
    return RenderedEvent(_("Invoice %(number)s issued (%(total)s).") % names)


def _render_email(details: dict, currency: str, event: OrderEvent) -> RenderedEvent:
    if not details.get("email"):
        return RenderedEvent(_("E-mail sent."))
    names = {"kind": _label(EmailKind, details["email"]), "to": details.get("to") or "—"}
    if details.get("resent"):
        return RenderedEvent(_("E-mail “%(kind)s” sent again to %(to)s.") % names)
    return RenderedEvent(_("E-mail “%(kind)s” sent to %(to)s.") % names)


RENDERERS = {
    Type.CREATED: _render_created,
    Type.PAYMENT_STATUS_CHANGED: _render_payment,
    Type.FULFILLMENT_STATUS_CHANGED: _render_fulfillment,
    Type.TRACKING_CHANGED: _render_fulfillment,
    Type.REFUND_RECORDED: _render_refund,
    Type.CANCELLED: _render_cancelled,
    Type.NOTE_ADDED: _render_note,
    Type.EDITED: _render_edited,
    Type.INVOICE_PRINTED: _render_printed,
    Type.EMAIL_SENT: _render_email,
    Type.FROM_CART: _render_from_cart,
    Type.DOCUMENT_ISSUED: _render_document,
}


def event_render(event: OrderEvent) -> RenderedEvent:
    """The event as its reader reads it: call it in the reader's language."""
    details = event.details if isinstance(event.details, dict) else {}
    currency = details.get("currency") or event.order.currency
    renderer = RENDERERS.get(event.type)
    if renderer is None:
        return RenderedEvent(str(event.get_type_display()))
    return renderer(details, currency, event)
