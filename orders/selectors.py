"""Reads of orders. Everything starts from the one scoped queryset: the orders of a store."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    Prefetch,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mycommerce.models import Store
from mycommerce.parsing import parse_id, parse_positive_int
from orders.filters import FILTER_RANGES, OrderFilterSet
from orders.models import Order, OrderEvent, OrderNote, OrderStatusCount, Refund
from orders.statuses import FulfillmentStatus, PaymentStatus
from orders.totals import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


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
# Past this many matching orders, filters other than the statuses count no further: the page
# says "more than 1,000 orders" instead of counting the store's orders on every view.
FACET_CAP = 1000
COUNT_MAX = 2**31  # a page number past any store: counted to the end, within a LIMIT


@dataclass
class OrderFacets:
    """How many orders of the current filters are in each status.

    Each kind of facet ignores its own status filter (so "Paid (12)" still shows while
    looking at unpaid orders) but honours every other filter. With the statuses alone they
    come from the maintained counts (OrderStatusCount); with other filters they are counted
    up to a cap: past it, `exact` is False, `total` is the number counted (more match) and
    the statuses' counts are None (not known).
    """

    payment: dict[str, int | None]
    fulfillment: dict[str, int | None]
    total: int
    exact: bool = True

    @property
    def more_than(self) -> int | None:
        """When not exact, the number the page can say is passed ("more than 1,000")."""
        return None if self.exact else self.total - 1


def order_status_counts(*, store: Store) -> dict[tuple[str, str], int]:
    """The store's orders per (payment, fulfillment) pair, as the triggers keep them."""
    return {
        (payment, fulfillment): count
        for payment, fulfillment, count in OrderStatusCount.objects.filter(
            store=store, order_count__gt=0
        ).values_list("payment_status", "fulfillment_status", "order_count")
    }


def facets_from_pairs(pairs: dict[tuple[str, str], int], chosen: dict) -> OrderFacets:
    wanted_payment = set(chosen.get("payment_status") or PaymentStatus.values)
    wanted_fulfillment = set(chosen.get("fulfillment_status") or FulfillmentStatus.values)
    payment: dict[str, int | None] = dict.fromkeys(PaymentStatus.values, 0)
    fulfillment: dict[str, int | None] = dict.fromkeys(FulfillmentStatus.values, 0)
    total = 0
    for (payment_status, fulfillment_status), count in pairs.items():
        if fulfillment_status in wanted_fulfillment:
            payment[payment_status] = (payment.get(payment_status) or 0) + count
        if payment_status in wanted_payment:
            fulfillment[fulfillment_status] = (fulfillment.get(fulfillment_status) or 0) + count
        if payment_status in wanted_payment and fulfillment_status in wanted_fulfillment:
            total += count
    return OrderFacets(payment=payment, fulfillment=fulfillment, total=total)


def filters_beyond_statuses(filterset) -> bool:
    for name, value in filterset.form.cleaned_data.items():
        if name in STATUS_FILTERS or name == "sort":
            continue
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            return True
    return False


def _pairs_of_first(queryset: QuerySet[Order], limit: int) -> dict[tuple[str, str], int]:
    """The (payment, fulfillment) pairs of the first `limit` orders of `queryset`, counted by
    the database (a few dozen rows come back, not the orders)."""
    first = queryset.values_list("payment_status", "fulfillment_status")[:limit]
    try:
        sql, params = first.query.get_compiler(using=first.db).as_sql()
    except EmptyResultSet:
        return {}
    with connections[first.db].cursor() as cursor:
        cursor.execute(
            "SELECT payment_status, fulfillment_status, COUNT(*) "
            f"FROM ({sql}) AS first_orders GROUP BY payment_status, fulfillment_status",
            params,
        )
        return {(payment, fulfillment): count for payment, fulfillment, count in cursor}


def order_facets(*, filterset, at_least: int = 0) -> OrderFacets:
    """The facets and the number of orders of a valid `filterset` with filters beyond the
    statuses (on the statuses alone they are the maintained counts), in one or two queries
    that never read more than max(FACET_CAP, at_least) + 1 orders (`at_least`: the rows
    the shown page needs, so that its existence is known)."""
    chosen = filterset.form.cleaned_data
    limit = max(FACET_CAP, at_least) + 1
    sample = _pairs_of_first(
        filterset.queryset_for_counting(without=STATUS_FILTERS, in_list_order=True), limit
    )
    if sum(sample.values()) < limit:
        return facets_from_pairs(sample, chosen)
    if any(chosen.get(name) for name in STATUS_FILTERS):
        total = filterset.queryset_for_counting()[:limit].count()
    else:
        total = limit
    unknown = {
        "payment": dict.fromkeys(PaymentStatus.values),
        "fulfillment": dict.fromkeys(FulfillmentStatus.values),
    }
    return OrderFacets(**unknown, total=total, exact=total < limit)


@dataclass
class OrderListPage:
    filterset: object  # as typed, with its errors
    applied: object  # the valid part of it, which the page shows
    page: Page
    # None while not counted: the page came without its counts, which `order_list_page`
    # with `counted=True` gives (the list's counts request).
    facets: OrderFacets | None
    per_page: int
    problems: list[str]
    # The store's maintained counts per status pair, when the page read them (the saved
    # views' tabs count from them too).
    status_pairs: dict[tuple[str, str], int] | None = None


def _without_invalid_filters(data, errors):
    """`data` without the filters in error; a range loses both bounds."""
    data = data.copy()
    names = set(errors)
    for start, end in FILTER_RANGES:
        if start in names or end in names:
            names |= {start, end}
    for name in names:
        data.pop(name, None)
    return data


def _page_uncounted(queryset: QuerySet[Order], number: int, per_page: int) -> Page | None:
    """Page `number` without counting the matching orders: its rows and one more (so the
    next page is known to exist), in one query. None when the page is past the end."""
    bottom = (number - 1) * per_page
    rows = list(queryset[bottom : bottom + per_page + 1])
    if not rows and number > 1:
        return None
    paginator = Paginator(queryset, per_page)
    # What is known: the orders up to this page, and one more if there is a next page.
    paginator.count = bottom + len(rows)
    return Page(rows[:per_page], number, paginator)


def order_list_page(*, store: Store, data, counted: bool = False) -> OrderListPage:
    """The list's page of orders for the GET parameters `data`, in a constant number of
    queries.

    With the statuses alone the counts are the maintained ones, on the page. With other
    filters (dates, totals, search) counting holds a page that can do without it: unless
    `counted`, the page comes with its rows only (facets None) and the browser asks for
    the counts in a second request (`counted=True`), which also gives the pagination.
    """
    problems: list[str] = []
    shown = OrderFilterSet(data, queryset=order_queryset_for_store(store=store))
    filterset = shown
    if not shown.is_valid():
        problems.append(_("Some filters are not valid (see below); they were not applied."))
        # The valid filters still apply; the invalid ones are reported at their field.
        data = _without_invalid_filters(data, shown.errors)
        filterset = OrderFilterSet(data, queryset=shown.queryset)

    raw_per_page = data.get("per_page") or ""
    per_page = parse_positive_int(raw_per_page, maximum=max(PAGE_SIZES))
    if per_page not in PAGE_SIZES:
        if raw_per_page:
            problems.append(_("Choose 25, 50 or 100 orders per page."))
        per_page = PAGE_SIZES[0]
    raw_page = data.get("page") or "1"
    page_number = parse_positive_int(raw_page)
    if page_number is None:
        problems.append(_("“%(page)s” is not a page number.") % {"page": raw_page[:20]})
        page_number = 1

    status_pairs = None
    if filterset.is_valid():
        queryset = filterset.qs
        beyond_statuses = filters_beyond_statuses(filterset)
        if not counted and beyond_statuses:
            page = _page_uncounted(queryset, min(page_number, COUNT_MAX), per_page)
            if page is not None:
                return OrderListPage(shown, filterset, page, None, per_page, problems)
        if beyond_statuses:
            # Counted at least up to the row after the page asked for.
            facets = order_facets(
                filterset=filterset, at_least=min(page_number * per_page, COUNT_MAX)
            )
        else:
            status_pairs = order_status_counts(store=store)
            facets = facets_from_pairs(status_pairs, filterset.form.cleaned_data)
    else:
        queryset = shown.queryset.order_by("-created_at", "-pk")
        status_pairs = order_status_counts(store=store)
        facets = facets_from_pairs(status_pairs, {})
    paginator = Paginator(queryset, per_page)
    # The facets already counted the matching orders: no second COUNT over the table.
    paginator.count = facets.total
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        problems.append(
            _("Page %(page)s does not exist; here is page %(last)s.")
            % {"page": raw_page[:20], "last": paginator.num_pages}
        )
        page = paginator.page(paginator.num_pages)
    return OrderListPage(shown, filterset, page, facets, per_page, problems, status_pairs)


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


# The other orders the order page lists (the customer's whole history is a filter away).
HISTORY_SHOWN = 10
HISTORY_FIELDS = (
    "pk",
    "reference",
    "created_at",
    "total",
    "currency",
    "payment_status",
    "fulfillment_status",
)
SPENT_STATUSES = (
    PaymentStatus.PAID,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


@dataclass
class CustomerHistory:
    """A customer's orders in a store, by e-mail (whatever its case): how many (this one
    included), what they spent (paid, less refunds), per currency, since when, and the
    latest others."""

    email: str
    count: int
    spent: list[tuple[object, str]]  # (amount, currency)
    first_at: object
    others: list[Order]


def customer_history_for_order(*, store: Store, order: Order) -> CustomerHistory | None:
    """The history of the customer of `order`, along the (store, lower(e-mail)) index, in one
    query whatever its size (the figures are window aggregates over all of the customer's
    orders, next to the latest ones); a second one only if they paid in several currencies.
    None for an order without an e-mail."""
    if not order.customer_email:
        return None
    orders = order_queryset_for_store(store=store).filter(
        Exact(Lower("customer_email"), order.customer_email.lower())
    )
    spent = Case(
        When(payment_status__in=SPENT_STATUSES, then=F("total") - F("refunded_total")),
        default=Value(Decimal("0")),
        output_field=DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES),
    )
    latest = list(
        orders.annotate(
            history_count=Window(Count("pk")),
            history_spent=Window(Sum(spent)),
            history_first=Window(Min("created_at")),
            history_currency_low=Window(Min("currency")),
            history_currency_high=Window(Max("currency")),
        )
        .order_by("-created_at", "-pk")
        .only(*HISTORY_FIELDS)[: HISTORY_SHOWN + 1]
    )
    if not latest:  # the order's e-mail changed meanwhile
        return None
    figures = latest[0]
    if figures.history_currency_low == figures.history_currency_high:
        spent_per_currency = [(figures.history_spent, figures.history_currency_low)]
    else:
        spent_per_currency = list(
            orders.order_by("currency")
            .values("currency")
            .annotate(spent=Sum(spent))
            .values_list("spent", "currency")
        )
    return CustomerHistory(
        email=order.customer_email,
        count=figures.history_count,
        spent=[(amount, currency) for amount, currency in spent_per_currency if amount],
        first_at=figures.history_first,
        others=[other for other in latest if other.pk != order.pk][:HISTORY_SHOWN],
    )
