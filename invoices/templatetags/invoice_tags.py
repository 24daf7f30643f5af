"""What the order page shows of its billing documents (templates/orders/order_detail.html)."""

from django import template

from invoices.models import Invoice
from invoices.selectors import invoice_documents_for_order
from orders.statuses import PaymentStatus

register = template.Library()


@register.simple_tag
def order_documents(order) -> dict:
    """The order's issued documents, and whether an invoice can be issued by hand now."""
    documents = invoice_documents_for_order(order=order)
    # As invoice_issue_refusal decides, from the one query above.
    issuable = order.payment_status != PaymentStatus.CANCELLED and not any(
        d.kind == Invoice.Kind.INVOICE or d.reason == Invoice.Reason.CANCELLATION for d in documents
    )
    return {"documents": documents, "issuable": issuable}
