"""Reads for invoices: the orders of a batch with everything a page shows, in one go."""

from django.db.models import QuerySet

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
