"""One reminder e-mail: the store's words for the step (or the default), the cart's lines and
total, the discount, the signed recovery link and the one-click unsubscribe (RFC 8058), in the
customer's language. Rendered by the core's e-mail plumbing (mycommerce/emails.py)."""

from django.utils import translation

from carts.models import Cart, ReminderStep
from carts.wording import fill_placeholders, step_words
from mycommerce.emails import email_prepare
from mycommerce.models import SentEmail, Store

KIND = "cart_reminder"
TEMPLATE = "emails/cart_reminder"


def customer_language(cart: Cart, store: Store) -> str:
    return cart.language if cart.language in Store.Language.values else store.language


def reminder_context(
    *,
    cart: Cart,
    lines: list,
    step: ReminderStep,
    store: Store,
    language: str,
    recover_url: str,
    unsubscribe_url: str,
    link_valid_days: int,
) -> dict:
    subject, message = step_words(step, language=language)
    with translation.override(language):
        names = {"customer_name": cart.customer_name, "store_name": store.name}
        subject = fill_placeholders(subject, **names)
        message = fill_placeholders(message, **names)
    return {
        "subject": subject,
        "paragraphs": [part.strip() for part in message.split("\n\n") if part.strip()],
        "lines": lines,
        "total": cart.subtotal,
        "currency": cart.currency,
        "discount_code": step.discount_code,
        "discount_percent": step.discount_percent,
        "recover_url": recover_url,
        "unsubscribe_url": unsubscribe_url,
        "link_valid_days": link_valid_days,
        "step": step.step,
    }


def reminder_email_prepare(
    *,
    cart: Cart,
    lines: list,
    step: ReminderStep,
    store: Store,
    recover_url: str,
    unsubscribe_url: str,
    link_valid_days: int,
) -> SentEmail:
    """The reminder's SentEmail row, not saved (the run queues many at once)."""
    language = customer_language(cart, store)
    context = reminder_context(
        cart=cart,
        lines=lines,
        step=step,
        store=store,
        language=language,
        recover_url=recover_url,
        unsubscribe_url=unsubscribe_url,
        link_valid_days=link_valid_days,
    )
    return email_prepare(
        store=store,
        to=cart.customer_email,
        template=TEMPLATE,
        context=context,
        language=language,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        kind=KIND,
    )
