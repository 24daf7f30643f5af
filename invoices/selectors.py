"""Reads for invoices: issued documents, and the orders of a batch with all a page shows."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from invoices.models import Invoice
from mycommerce.models import Store
from orders.models import Order
from orders.selectors import order_queryset_for_store


def invoice_orders_for_store(*, store: Store, ids: list[int]) -> list[Order]:
    """The orders of this store among `ids`, in the order of `ids`, lines and totals prefetched."""
    orders = (
        order_queryset_for_store(store=store)
        .filter(pk__in=ids)
        .prefetch_related("lines", "discounts", "taxes")
    )
    by_pk = {order.pk: order for order in orders}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def invoice_selection_ids(*, queryset: QuerySet[Order], limit: int) -> list[int]:
    """The ids of a selection, in its deterministic order (the list's sort, then the pk).

    At most `limit` ids are read, so "all matching" on a huge store stays cheap.
    """
    if not queryset.query.order_by:
        queryset = queryset.order_by("-created_at", "-pk")
    return list(queryset.values_list("pk", flat=True)[:limit])


def invoice_documents_for_order(*, order: Order) -> list[Invoice]:
    """The order's issued invoices and credit notes, in the order they were issued."""
    return list(Invoice.objects.filter(order=order).order_by("issued_at", "pk"))


def invoice_documents_for_orders(*, ids: list[int]) -> dict[int, list[Invoice]]:
    """The issued documents of several orders at once, by order id, in issue order."""
    documents: dict[int, list[Invoice]] = {}
    for document in Invoice.objects.filter(order_id__in=ids).order_by("issued_at", "pk"):
        documents.setdefault(document.order_id, []).append(document)
    return documents


def invoice_get_for_store(*, store: Store, pk: int) -> Invoice:
    """One issued document of this store (404 for another store's)."""
    return get_object_or_404(Invoice.objects.select_related("order"), store=store, pk=pk)


def invoice_list_for_store(
    *, store: Store, kind: str = "", start: date | None = None, end: date | None = None
) -> QuerySet[Invoice]:
    """The store's documents, newest first, optionally of one kind and within a period."""
    documents = Invoice.objects.filter(store=store).select_related("order")
    if kind:
        documents = documents.filter(kind=kind)
    if start:
        documents = documents.filter(issued_on__gte=start)
    if end:
        documents = documents.filter(issued_on__lte=end)
    return documents.order_by("-issued_on", "-sequence_number", "-pk")
