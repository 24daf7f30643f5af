"""Reads of orders. Everything starts from the one scoped queryset: the orders of a store."""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mycommerce.models import Store
from mycommerce.parsing import parse_id, parse_positive_int
from orders.filters import OrderFilterSet
from orders.models import Order, OrderEvent, OrderNote, Refund
from orders.statuses import FulfillmentStatus, PaymentStatus


def order_queryset_for_store(*, store: Store) -> QuerySet[Order]:
    """The orders of this store: what the list, detail, invoices, exports and reports start from."""
    return Order.objects.filter(store=store)


def order_get_for_store(*, store: Store, pk: int) -> Order:
    """One order of this store; another store's order is a 404."""
    return get_object_or_404(order_queryset_for_store(store=store), pk=pk)


MAX_SELECTED_IDS = 10_000
SELECT_ALL_VALUES = ("1", "true", "on")


def order_selection_ids(data) -> tuple[set[int], bool]:
    """The ids of a selection form's `ids` (repeated), and whether some were not valid ids
    (not ASCII digits, zero, or past 64 bits)."""
    raw_ids = data.getlist("ids") if hasattr(data, "getlist") else list(data.get("ids", []))
    parsed = [parse_id(value) for value in raw_ids]
    return {pk for pk in parsed if pk is not None}, None in parsed


def order_selection_for_store(*, store: Store, data) -> tuple[QuerySet[Order], list[str]]:
    """The orders a bulk action (status change, invoices, export) applies to.

    `data` is the POST of the list's selection form: either `select_all=1` with the
    list's filter parameters (never a giant list of ids), or `ids` repeated. Ids of
    another store, or that are not numbers, are left out and reported. Rows come in
    a deterministic order (the list's sort, then the primary key).
    Returns (queryset, problems) where problems are translated messages.
    """
    base = order_queryset_for_store(store=store)
    problems: list[str] = []
    if data.get("select_all") in SELECT_ALL_VALUES:
        filterset = OrderFilterSet(data, queryset=base)
        if not filterset.is_valid():
            problems.append(_("The filters are not valid; nothing was selected."))
            return base.none(), problems
        return filterset.qs, problems
    ids, invalid = order_selection_ids(data)
    if invalid:
        problems.append(_("Some selected ids were not valid and were ignored."))
    if len(ids) > MAX_SELECTED_IDS:
        problems.append(_("Too many orders selected at once; use “select all matching” instead."))
        return base.none(), problems
    if not ids:
        # An empty IN () is no SQL at all: an empty queryset, not one that fails when run.
        return base.none(), problems
    queryset = base.filter(pk__in=ids).order_by("-created_at", "-pk")
    found = set(queryset.values_list("pk", flat=True))
    if ids - found:
        problems.append(
            _("%(count)d selected orders were not found in this store and were ignored.")
            % {"count": len(ids - found)}
        )
    return queryset, problems


PAGE_SIZES = (25, 50, 100)
STATUS_FILTERS = ("payment_status", "fulfillment_status")


@dataclass
class OrderFacets:
    """How many orders of the current filters are in each status.

    Each kind of facet ignores its own status filter (so "Paid (12)" still shows while
    looking at unpaid orders) but honours every other filter.
    """

    payment: dict[str, int]
    fulfillment: dict[str, int]
    total: int


def order_facets(*, store: Store, data, filterset) -> OrderFacets:
    """One GROUP BY over the (payment, fulfillment) pairs gives both facets and the total."""
    without_statuses = data.copy()
    for name in STATUS_FILTERS:
        without_statuses.pop(name, None)
    base = OrderFilterSet(without_statuses, queryset=order_queryset_for_store(store=store))
    queryset = base.qs if base.is_valid() else base.queryset
    pairs = (
        queryset.order_by()
        .values_list("payment_status", "fulfillment_status")
        .annotate(count=Count("pk"))
    )
    chosen = filterset.form.cleaned_data if filterset.is_valid() else {}
    wanted_payment = set(chosen.get("payment_status") or PaymentStatus.values)
    wanted_fulfillment = set(chosen.get("fulfillment_status") or FulfillmentStatus.values)
    payment = dict.fromkeys(PaymentStatus.values, 0)
    fulfillment = dict.fromkeys(FulfillmentStatus.values, 0)
    total = 0
    for payment_status, fulfillment_status, count in pairs:
        if fulfillment_status in wanted_fulfillment:
            payment[payment_status] = payment.get(payment_status, 0) + count
        if payment_status in wanted_payment:
            fulfillment[fulfillment_status] = fulfillment.get(fulfillment_status, 0) + count
        if payment_status in wanted_payment and fulfillment_status in wanted_fulfillment:
            total += count
    return OrderFacets(payment=payment, fulfillment=fulfillment, total=total)


@dataclass
class OrderListPage:
    filterset: object  # as typed, with its errors
    applied: object  # the valid part of it, which the page shows
    page: Page
    facets: OrderFacets
    per_page: int
    problems: list[str]


def order_list_page(*, store: Store, data) -> OrderListPage:
    """The list's page of orders for the GET parameters `data`, in a constant number of
    queries: the facets (which also give the count: no separate COUNT) and the rows."""
    problems: list[str] = []
    shown = OrderFilterSet(data, queryset=order_queryset_for_store(store=store))
    filterset = shown
    if not shown.is_valid():
        problems.append(_("Some filters are not valid (see below); they were not applied."))
        # The valid filters still apply; the invalid ones are reported at their field.
        data = data.copy()
        for name in shown.errors:
            data.pop(name, None)
        filterset = OrderFilterSet(data, queryset=shown.queryset)
    queryset = (
        filterset.qs if filterset.is_valid() else shown.queryset.order_by("-created_at", "-pk")
    )
    facets = order_facets(store=store, data=data, filterset=filterset)

    raw_per_page = data.get("per_page") or ""
    per_page = parse_positive_int(raw_per_page, maximum=max(PAGE_SIZES))
    if per_page not in PAGE_SIZES:
        if raw_per_page:
            problems.append(_("Choose 25, 50 or 100 orders per page."))
        per_page = PAGE_SIZES[0]
    paginator = Paginator(queryset, per_page)
    # The facets already counted the matching orders: no second COUNT over the table.
    paginator.count = facets.total
    raw_page = data.get("page") or "1"
    try:
        page_number = parse_positive_int(raw_page)
        if page_number is None:
            raise PageNotAnInteger
        page = paginator.page(page_number)
    except PageNotAnInteger:
        problems.append(_("“%(page)s” is not a page number.") % {"page": raw_page[:20]})
        page = paginator.page(1)
    except EmptyPage:
        problems.append(
            _("Page %(page)s does not exist; here is page %(last)s.")
            % {"page": raw_page[:20], "last": paginator.num_pages}
        )
        page = paginator.page(paginator.num_pages)
    return OrderListPage(
        filterset=shown,
        applied=filterset,
        page=page,
        facets=facets,
        per_page=per_page,
        problems=problems,
    )


def order_detail_for_store(*, store: Store, pk: int) -> Order:
    """One order with everything its page shows, in a fixed number of queries."""
    queryset = order_queryset_for_store(store=store).prefetch_related(
        "lines",
        "discounts",
        "taxes",
        Prefetch("refunds", queryset=Refund.objects.select_related("created_by")),
        Prefetch("notes", queryset=OrderNote.objects.select_related("author")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
    )
    return get_object_or_404(queryset, pk=pk)
