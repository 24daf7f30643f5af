from django_tasks import task

from orders.customer_emails.services import customer_email_send


@task()
def customer_email_task(order_id: int, kind: str, key: str = "") -> int | None:
    """Send one e-mail event of an order; run again, it sends nothing (services.py)."""
    email = customer_email_send(order_id=order_id, kind=kind, key=key)
    return email.pk if email else None
