"""What the order page shows of its billing documents (templates/orders/order_detail.html)."""

from django import template

from invoices.issuing import invoice_issue_refusal
from invoices.selectors import invoice_documents_for_order

register = template.Library()


@register.simple_tag
def order_documents(order) -> dict:
    """The order's issued documents, and whether an invoice can be issued by hand now."""
    return {
        "documents": invoice_documents_for_order(order=order),
        "issuable": invoice_issue_refusal(order) is None,
    }
