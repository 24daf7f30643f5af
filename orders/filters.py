"""The order list's filters: a FilterSet with declared fields only (the query string never
reaches the ORM unchecked). The CSV export and the invoice batches reuse it."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db.models import QuerySet, Subquery, Sum
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.parsing import parse_id
from orders.models import Order, OrderStatusCount
from orders.search import search_conditions, search_query_parse
from orders.statuses import FulfillmentStatus, PaymentStatus
from orders.totals import MONEY_DECIMAL_PLACES, MONEY_MAX

# Days a filter accepts: far enough for any order, near enough that a day's bounds in any
# time zone stay within what Python and both databases handle (9999-12-31 + 1 day does not).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
DAY_MESSAGE = _("Enter a date between 1900 and 2999.")
AMOUNT_MESSAGES = {
    "min_value": _("Enter an amount of zero or more."),
    "max_value": _("Enter an amount of at most %(limit_value)s."),
}


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_filter(label, method) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        method=method,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(FIRST_DAY, message=DAY_MESSAGE),
            MaxValueValidator(LAST_DAY, message=DAY_MESSAGE),
        ],
    )


def _total_filter(label, lookup_expr) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        label=label,
        field_name="total",
        lookup_expr=lookup_expr,
        min_value=0,
        max_value=MONEY_MAX,
        decimal_places=MONEY_DECIMAL_PLACES,
        error_messages=AMOUNT_MESSAGES,
    )


# (from, to) filters that make a range: an impossible one is refused at its "to" field, and
# neither bound applies.
FILTER_RANGES = (("date_from", "date_to"), ("total_min", "total_max"))


class OrderFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                ValidationError(
                    _(
                        "The end date (%(end)s) is before the start date (%(start)s): "
                        "no order can match."
                    )
                    % {"start": formats.date_format(start), "end": formats.date_format(end)},
                    code="date_range",
                ),
            )
        low, high = cleaned.get("total_min"), cleaned.get("total_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "total_max",
                ValidationError(
                    _(
                        "The highest total (%(high)s) is below the lowest (%(low)s): "
                        "no order can match."
                    )
                    % {"low": formats.number_format(low), "high": formats.number_format(high)},
                    code="total_range",
                ),
            )
        return cleaned


def _is_email_address(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class EmailFilter(django_filters.CharFilter):
    field_class = forms.EmailField


class OrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    # All the orders of one customer (the order page links here): the whole address, in any
    # case, through the (store, lower(e-mail)) index.
    email = EmailFilter(label=_("Customer e-mail"), method="filter_email", max_length=254)
    payment_status = django_filters.MultipleChoiceFilter(
        label=_("Payment status"),
        choices=PaymentStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    fulfillment_status = django_filters.MultipleChoiceFilter(
        label=_("Fulfillment status"),
        choices=FulfillmentStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    date_from = _day_filter(_("From"), "filter_date_from")
    date_to = _day_filter(_("To"), "filter_date_to")
    total_min = _total_filter(_("Total from"), "gte")
    total_max = _total_filter(_("Total to"), "lte")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("created_at", "date"),
            ("number", "reference"),
            ("customer_name", "customer"),
            ("total", "total"),
        ),
        # Both directions in words of their own (django-filter's "%s (descending)" is made
        # once, in English, when the class is defined): ascending by field, descending by
        # "-" and the parameter.
        field_labels={
            "created_at": _("Date (oldest first)"),
            "-date": _("Date (newest first)"),
            "number": _("Reference (lowest first)"),
            "-reference": _("Reference (highest first)"),
            "customer_name": _("Customer (A to Z)"),
            "-customer": _("Customer (Z to A)"),
            "total": _("Total (lowest first)"),
            "-total": _("Total (highest first)"),
        },
    )

    class Meta:
        model = Order
        fields: list[str] = []
        form = OrderFilterForm

    # Days are turned into datetime bounds in the current time zone, so that the
    # (store, created_at) indexes serve the range (a __date lookup would not).
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=start_of_day(value + timedelta(days=1)))

    def filter_email(self, queryset, name, value):
        return queryset.filter(Exact(Lower("customer_email"), value.strip().lower()))

    def filter_search(self, queryset, name, value):
        """Case- and accent-insensitive, any part of the reference, customer, e-mail, phone,
        SKUs, product names, postcodes and cities (orders/search.py); a whole e-mail address
        is matched exactly through its index, a number also as the order's number."""
        value = value.strip()
        if not value:
            return queryset
        if "@" in value and _is_email_address(value):
            # Never a reference: prefixes and suffixes have no "@" (numbering/validators.py).
            return queryset.filter(Exact(Lower("customer_email"), value.lower()))
        query = search_query_parse(value)
        if query is None:
            return queryset.none()
        # Kept: the facets filter the same orders again, for counting.
        conditions = self.__dict__.setdefault("_search_conditions", {})
        if value not in conditions:
            number = parse_id(value)
            # A number is also the order of that number, found by its unique index.
            also = (
                list(self.queryset.filter(number=number).values_list("pk", flat=True))
                if number is not None
                else []
            )
            conditions[value] = search_conditions(
                query, store_orders=self._store_orders, also=also, using=queryset.db
            )
        found = conditions[value]
        if getattr(self, "_counting", False):
            condition = found.counting
            self._count_in_list_order = self._count_in_list_order or found.count_in_list_order
        else:
            condition = found.rows
        return queryset.filter(condition)

    def _store_orders(self) -> int:
        """How many orders the store has, from its maintained counts (no order is read)."""
        store = Subquery(self.queryset.values("store_id")[:1])
        total = OrderStatusCount.objects.filter(store_id=store).aggregate(total=Sum("order_count"))[
            "total"
        ]
        return total or 0

    def queryset_for_counting(self, *, without=(), in_list_order=False) -> QuerySet:
        """The orders of the valid filters but those in `without` (the facets of the statuses
        ignore their own filter), written for counting them; `in_list_order`: a common term
        is then counted along the list's index (each order read once, in turn), for a count
        that stops at a cap."""
        self._counting, self._count_in_list_order = True, False
        try:
            queryset = self.queryset.all()
            for name, value in self.form.cleaned_data.items():
                if name not in without and name != "sort":
                    queryset = self.filters[name].filter(queryset, value)
        finally:
            self._counting = False
        along_the_list = in_list_order and self._count_in_list_order
        return queryset.order_by(*(["-created_at", "-pk"] if along_the_list else []))

    @property
    def qs(self):
        # Deterministic order: the chosen sort, then the primary key.
        queryset = super().qs
        ordering = list(queryset.query.order_by) or ["-created_at"]
        tie_break = "pk" if ordering[0].startswith("-") is False else "-pk"
        return queryset.order_by(*ordering, tie_break)


# The list's filter parameters, which the selection form carries to bulk actions,
# invoice batches and exports.
FILTER_PARAMETERS = tuple(OrderFilterSet.base_filters)
