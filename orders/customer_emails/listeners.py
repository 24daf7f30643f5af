"""The order listener of the customer e-mails (registered from orders/apps.py): a change that
sends an e-mail hands it to the worker once the change is committed."""

from functools import partial

from django.db import transaction

from orders.customer_emails.kinds import email_events_for_change
from orders.models import Order, Refund


def _enqueue(order_id: int, kind: str, key: str) -> None:
    from orders.customer_emails.tasks import customer_email_task

    customer_email_task.enqueue(order_id=order_id, kind=kind, key=key)


def customer_emails_on_order_changed(
    *, order: Order, change: str, actor, refund: Refund | None = None
) -> None:
    """No query here, inside the change's transaction (a bulk change holds its row locks):
    the task reads the store's switches when it runs."""
    if not order.customer_email:
        return
    for kind, key in email_events_for_change(order=order, change=change, refund=refund):
        transaction.on_commit(partial(_enqueue, order.pk, str(kind), key))
