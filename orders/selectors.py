"""Reads of orders. Everything starts from the one scoped queryset: the orders of a store."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from mycommerce.models import Store
from orders.models import Order


def order_queryset_for_store(*, store: Store) -> QuerySet[Order]:
    """The orders of this store: what the list, detail, invoices, exports and reports start from."""
    return Order.objects.filter(store=store)


def order_get_for_store(*, store: Store, pk: int) -> Order:
    """One order of this store; another store's order is a 404."""
    return get_object_or_404(order_queryset_for_store(store=store), pk=pk)
