"""The order listener of the customer e-mails (registered from orders/apps.py): a change that
sends an e-mail hands it to the worker once the change is committed."""

from functools import partial

from django.db import transaction

from orders.customer_emails.kinds import email_events_for_change
from orders.customer_emails.selectors import customer_email_settings_for_store
from orders.models import Order, Refund


def _enqueue(order_id: int, kind: str, key: str) -> None:
    from orders.customer_emails.tasks import customer_email_task

    customer_email_task.enqueue(order_id=order_id, kind=kind, key=key)


def customer_emails_on_order_changed(
    *, order: Order, change: str, actor, refund: Refund | None = None
) -> None:
    events = email_events_for_change(order=order, change=change, refund=refund)
    if not events or not order.customer_email:
        return
    # Turned off now: no task at all (the task asks again, when it runs).
    switches = customer_email_settings_for_store(store=order.store)
    for kind, key in events:
        if switches.is_enabled(kind):
            transaction.on_commit(partial(_enqueue, order.pk, str(kind), key))
