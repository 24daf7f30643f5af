"""A cart's timeline, as orders/events.py: one builder per kind of event, storing codes and
numbers only (never a customer's name or address, so erasing a cart leaves nothing behind in
its timeline), and one renderer that makes the sentence in the reader's language.

Builders return unsaved events: the caller saves them in the transaction of the change.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carts.models import Cart, CartEvent, CartReminder
from mycommerce.money import format_money
from orders.events import RenderedEvent

Type = CartEvent.Type


def _event(cart: Cart, kind: str, actor: AbstractBaseUser | None = None, **details) -> CartEvent:
    return CartEvent(cart=cart, type=kind, actor=actor, details=details)


def event_created(*, cart: Cart) -> CartEvent:
    return _event(
        cart,
        Type.CREATED,
        lines=cart.line_count,
        total=str(cart.subtotal),
        currency=cart.currency,
        consent=cart.marketing_consent,
    )


def event_updated(*, cart: Cart, lines_before: int, total_before: Decimal) -> CartEvent:
    return _event(
        cart,
        Type.UPDATED,
        lines_before=lines_before,
        lines=cart.line_count,
        total_before=str(total_before),
        total=str(cart.subtotal),
        currency=cart.currency,
        consent=cart.marketing_consent,
    )


def event_abandoned(*, cart: Cart, delay_minutes: int) -> CartEvent:
    return _event(cart, Type.ABANDONED, delay_minutes=delay_minutes, group=cart.group)


def event_reminder_sent(
    *, cart: Cart, step: int, discount_code: str, actor: AbstractBaseUser | None = None
) -> CartEvent:
    return _event(cart, Type.REMINDER_SENT, actor, step=step, discount_code=discount_code)


def event_reminder_skipped(*, cart: Cart, step: int | None, reason: str) -> CartEvent:
    """`reason` is a CartReminder.SkipReason (one step) or a Cart.StopReason (the rest)."""
    return _event(cart, Type.REMINDER_SKIPPED, step=step, reason=reason)


def event_link_opened(*, cart: Cart, step: int) -> CartEvent:
    return _event(cart, Type.LINK_OPENED, step=step)


def event_ordered(
    *, cart: Cart, via: str, reference: str, actor: AbstractBaseUser | None = None
) -> CartEvent:
    kind = Type.RECOVERED if via == Cart.OrderedVia.LINK else Type.ORDERED
    return _event(cart, kind, actor, via=via, reference=reference, step=cart.recovered_step)


def event_unsubscribed(*, cart: Cart) -> CartEvent:
    return _event(cart, Type.UNSUBSCRIBED)


def event_erased(*, cart: Cart, days: int) -> CartEvent:
    return _event(cart, Type.ERASED, days=days)


# Renderer ------------------------------------------------------------------------------


def _money(value, currency: str) -> str:
    try:
        return format_money(Decimal(value), currency)
    except (InvalidOperation, ValueError, TypeError):
        return str(value or "")


def _lines(count) -> str:
    count = count if isinstance(count, int) else 0
    return ngettext("%(count)d line", "%(count)d lines", count) % {"count": count}


def _consent(details: dict) -> list[str]:
    if details.get("consent"):
        return [_("Marketing consent given")]
    return [_("No marketing consent")]


def _render_created(details: dict) -> RenderedEvent:
    return RenderedEvent(
        _("Cart created: %(lines)s, %(total)s.")
        % {
            "lines": _lines(details.get("lines")),
            "total": _money(details.get("total"), details.get("currency", "EUR")),
        },
        _consent(details),
    )


def _render_updated(details: dict) -> RenderedEvent:
    currency = details.get("currency", "EUR")
    return RenderedEvent(
        _("Cart updated: %(lines)s, %(total)s (before: %(lines_before)s, %(total_before)s).")
        % {
            "lines": _lines(details.get("lines")),
            "total": _money(details.get("total"), currency),
            "lines_before": _lines(details.get("lines_before")),
            "total_before": _money(details.get("total_before"), currency),
        },
        _consent(details),
    )


def _render_abandoned(details: dict) -> RenderedEvent:
    minutes = details.get("delay_minutes") or 0
    sentence = ngettext(
        "Cart abandoned: no activity for %(count)d minute.",
        "Cart abandoned: no activity for %(count)d minutes.",
        minutes,
    ) % {"count": minutes}
    lines = []
    if details.get("group") == Cart.Group.HOLDOUT:
        lines.append(_("Drawn into the holdout: it gets no reminder, to measure their effect."))
    return RenderedEvent(sentence, lines)


def _render_reminder_sent(details: dict) -> RenderedEvent:
    lines = []
    if details.get("discount_code"):
        lines.append(_("Discount code: %(code)s") % {"code": details["discount_code"]})
    return RenderedEvent(_("Reminder %(step)s sent.") % {"step": details.get("step", "?")}, lines)


SKIP_REASONS = {**dict(CartReminder.SkipReason.choices), **dict(Cart.StopReason.choices)}


def _render_reminder_skipped(details: dict) -> RenderedEvent:
    reason = str(SKIP_REASONS.get(details.get("reason"), details.get("reason") or ""))
    if details.get("reason") in Cart.StopReason.values:
        sentence = _("Reminders stopped.")
    else:
        sentence = _("Reminder %(step)s not sent.") % {"step": details.get("step", "?")}
    return RenderedEvent(sentence, [reason] if reason else [])


def _render_link_opened(details: dict) -> RenderedEvent:
    return RenderedEvent(
        _("The customer opened the link of reminder %(step)s.") % {"step": details.get("step")}
    )


def _render_ordered(details: dict) -> RenderedEvent:
    via = details.get("via")
    reference = details.get("reference", "")
    sentences = {
        Cart.OrderedVia.LINK: lambda: _(
            "Recovered: order %(reference)s placed through the link of reminder %(step)s."
        ),
        Cart.OrderedVia.CHECKOUT: lambda: _("Ordered at the storefront: order %(reference)s."),
        Cart.OrderedVia.MANUAL: lambda: _("Manual order %(reference)s created from this cart."),
    }
    sentence = sentences.get(
        via, lambda: _("The customer ordered with the same e-mail: order %(reference)s.")
    )()
    return RenderedEvent(sentence % {"reference": reference, "step": details.get("step") or "?"})


def _render_unsubscribed(details: dict) -> RenderedEvent:
    return RenderedEvent(_("The customer unsubscribed from reminders."))


def _render_erased(details: dict) -> RenderedEvent:
    return RenderedEvent(
        _("Personal data erased (carts are kept %(days)s days).") % {"days": details.get("days")}
    )


RENDERERS = {
    Type.CREATED: _render_created,
    Type.UPDATED: _render_updated,
    Type.ABANDONED: _render_abandoned,
    Type.REMINDER_SENT: _render_reminder_sent,
    Type.REMINDER_SKIPPED: _render_reminder_skipped,
    Type.LINK_OPENED: _render_link_opened,
    Type.RECOVERED: _render_ordered,
    Type.ORDERED: _render_ordered,
    Type.UNSUBSCRIBED: _render_unsubscribed,
    Type.ERASED: _render_erased,
}


def cart_event_render(event: CartEvent) -> RenderedEvent:
    """The event as its reader reads it: call it in the reader's language."""
    details = event.details if isinstance(event.details, dict) else {}
    renderer = RENDERERS.get(event.type)
    if renderer is None:
        return RenderedEvent(str(event.get_type_display()))
    return renderer(details)
