"""Reads of the customer e-mails: the store's switches, an order's e-mails."""

from mycommerce.models import Store
from orders.customer_emails.kinds import EmailKind
from orders.customer_emails.models import CustomerEmailSettings, OrderEmail
from orders.models import Order


def customer_email_settings_for_store(*, store: Store) -> CustomerEmailSettings:
    """The store's switches; all on (not saved) for a store that never changed them."""
    found = CustomerEmailSettings.objects.filter(store=store).first()
    return found or CustomerEmailSettings(store=store)


def order_emails_sent(*, order: Order) -> list[tuple[str, str]]:
    """The kinds of e-mail this order's customer got, once each, as (kind, label): what a
    member may send again."""
    kinds = set(OrderEmail.objects.filter(order=order).values_list("kind", flat=True))
    return [(value, label) for value, label in EmailKind.choices if value in kinds]
