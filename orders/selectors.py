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


MAX_SELECTED_IDS = 10_000


def order_selection_for_store(*, store: Store, data) -> tuple[QuerySet[Order], list[str]]:
    """The orders a bulk action (status change, invoices, export) applies to.

    `data` is the POST of the list's selection form: either `select_all=1` with the
    list's filter parameters (never a giant list of ids), or `ids` repeated. Ids of
    another store, or that are not numbers, are left out and reported. Rows come in
    a deterministic order (the list's sort, then the primary key).
    Returns (queryset, problems) where problems are translated messages.
    """
    from django.utils.translation import gettext as _

    from orders.filters import OrderFilterSet

    base = order_queryset_for_store(store=store)
    problems: list[str] = []
    if data.get("select_all") in ("1", "true", "on"):
        filterset = OrderFilterSet(data, queryset=base)
        if not filterset.is_valid():
            problems.append(_("The filters are not valid; nothing was selected."))
            return base.none(), problems
        return filterset.qs, problems
    raw_ids = data.getlist("ids") if hasattr(data, "getlist") else list(data.get("ids", []))
    ids = {int(value) for value in raw_ids if str(value).isdigit()}
    if len(raw_ids) != len(ids) and any(not str(v).isdigit() for v in raw_ids):
        problems.append(_("Some selected ids were not valid and were ignored."))
    if len(ids) > MAX_SELECTED_IDS:
        problems.append(_("Too many orders selected at once; use “select all matching” instead."))
        return base.none(), problems
    queryset = base.filter(pk__in=ids).order_by("-created_at", "-pk")
    found = set(queryset.values_list("pk", flat=True)) if ids else set()
    if ids - found:
        problems.append(
            _("%(count)d selected orders were not found in this store and were ignored.")
            % {"count": len(ids - found)}
        )
    return queryset, problems
