"""Reads of saved views: the views a member sees, and their orders counted for the tabs."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from mycommerce.models import Store
from orders import selectors as order_selectors
from orders.filters import OrderFilterSet
from orders.models import OrderStatusCount, SavedView
from orders.saved_views import VIEW_PARAMETERS, saved_view_label, saved_view_params
from orders.selectors import (
    facets_from_pairs,
    filters_beyond_statuses,
    order_queryset_for_store,
)


def saved_views_for_member(*, membership) -> QuerySet[SavedView]:
    """The views a member sees: the store's shared views and the member's own, in their
    order. Another member's personal views are never among them."""
    return SavedView.objects.filter(store_id=membership.store_id).filter(
        Q(owner__isnull=True) | Q(owner_id=membership.user_id)
    )


def saved_view_get_for_member(*, membership, pk: int) -> SavedView:
    """One view the member sees; another store's, or another member's personal one, is a 404."""
    return get_object_or_404(saved_views_for_member(membership=membership), pk=pk)


@dataclass(frozen=True)
class ViewCount:
    """The orders of a saved view: `count` is None when the view's filters are no longer
    valid; past FACET_CAP, `exact` is False and `count` is FACET_CAP ("1,000+")."""

    count: int | None
    exact: bool = True


def saved_view_query(params: dict[str, list[str]]) -> QueryDict:
    """The query string of a view's parameters, as the list reads it."""
    query = QueryDict(mutable=True)
    for name, values in params.items():
        if name in VIEW_PARAMETERS and isinstance(values, list):
            query.setlist(name, [str(value) for value in values])
    return query


def saved_view_counts(
    *, store: Store, views, pairs: dict[tuple[str, str], int] | None = None
) -> tuple[int, dict[int, ViewCount]]:
    """How many orders the store has and how many each view shows, in ONE query at most.

    Views on the statuses alone are read from the maintained counts (OrderStatusCount: no
    order is read), or from `pairs` when the list already read them (then views on the
    statuses alone cost no query at all); each other view is counted up to FACET_CAP + 1
    orders, as the facets are; all of them in one UNION ALL. (A view with a search term looks
    its term up first, as the list does.)
    """
    base = order_queryset_for_store(store=store)
    counts: dict[int, ViewCount] = {}
    on_statuses: dict[int, dict] = {}
    parts, params = [], []
    if pairs is None:
        maintained = OrderStatusCount.objects.filter(store=store, order_count__gt=0).values_list(
            "payment_status", "fulfillment_status", "order_count"
        )
        sql, pair_params = maintained.query.get_compiler(using=maintained.db).as_sql()
        parts.append(
            f"SELECT 0, payment_status, fulfillment_status, order_count FROM ({sql}) AS pairs"
        )
        params.extend(pair_params)
    cap = order_selectors.FACET_CAP  # read when counting (the tests lower it)
    limit = cap + 1
    for view in views:
        filterset = OrderFilterSet(saved_view_query(view.params), queryset=base)
        if not filterset.is_valid():
            counts[view.pk] = ViewCount(None)
            continue
        if not filters_beyond_statuses(filterset):
            on_statuses[view.pk] = filterset.form.cleaned_data
            continue
        first = filterset.queryset_for_counting(in_list_order=True).values_list("pk")[:limit]
        try:
            view_sql, view_params = first.query.get_compiler(using=first.db).as_sql()
        except EmptyResultSet:
            counts[view.pk] = ViewCount(0)
            continue
        # The primary key is the database's own integer: written in the SQL, not a parameter.
        parts.append(f"SELECT {int(view.pk)}, '', '', COUNT(*) FROM ({view_sql}) AS view_count")
        params.extend(view_params)
    store_pairs: dict[tuple[str, str], int] = dict(pairs or {})
    if parts:
        with connections[base.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for view_pk, payment, fulfillment, count in cursor:
                if view_pk == 0:
                    store_pairs[(payment, fulfillment)] = count
                else:
                    counts[view_pk] = ViewCount(min(count, cap), exact=count < limit)
    for view_pk, chosen in on_statuses.items():
        counts[view_pk] = ViewCount(facets_from_pairs(store_pairs, chosen).total)
    return sum(store_pairs.values()), counts


@dataclass(frozen=True)
class ViewTab:
    """A saved view as a tab above the list."""

    pk: int
    label: str
    query: str
    count: int | None
    exact: bool
    personal: bool
    active: bool


def saved_view_tabs(*, membership, data, pairs: dict | None = None, counted: bool = True) -> dict:
    """The member's saved views as tabs for the list's query `data`, with their counts (one
    query for all of them, none for views on the statuses when the list read the store's
    `pairs`; not `counted`, for a page whose counts come with its counts request), and
    whether the list shows one of them, or all orders."""
    views = list(saved_views_for_member(membership=membership))
    current = saved_view_params(data)
    filtered = any(name not in ("sort", "per_page") for name in current)
    if not views:
        return {"tabs": [], "all_orders_active": not filtered}
    total, counts = (
        saved_view_counts(store=membership.store, views=views, pairs=pairs)
        if counted
        else (None, {view.pk: ViewCount(None) for view in views})
    )
    tabs = [
        ViewTab(
            pk=view.pk,
            label=saved_view_label(view),
            query=saved_view_query(view.params).urlencode(),
            count=counts[view.pk].count,
            exact=counts[view.pk].exact,
            personal=view.owner_id is not None,
            active=view.params == current,
        )
        for view in views
    ]
    return {
        "tabs": tabs,
        "all_orders_total": total,
        "all_orders_active": not filtered and not any(tab.active for tab in tabs),
    }
