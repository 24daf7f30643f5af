"""The order list's filters: a FilterSet with declared fields only (the query string never
reaches the ORM unchecked). The CSV export and the invoice batches reuse it."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.parsing import parse_id
from orders.models import Order, OrderLine
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


class OrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
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

    # Days are turned into datetime bounds in the current time zone, so that the
    # (store, created_at) indexes serve the range (a __date lookup would not).
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=start_of_day(value + timedelta(days=1)))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if "@" in value:
            # An e-mail address: match it whatever its case, through an index on LOWER().
            return queryset.filter(
                Q(reference=value) | Q(Exact(Lower("customer_email"), value.lower()))
            )
        # A non-correlated IN: SQLite reads the SKU index once, not once per order.
        by_sku = Q(pk__in=OrderLine.objects.filter(sku=value).values("order_id"))
        condition = (
            Q(reference__iexact=value)
            | Q(customer_name__icontains=value)
            | Q(customer_email__iexact=value)
            | by_sku
        )
        number = parse_id(value)
        if number is not None:
            condition |= Q(number=number)
        return queryset.filter(condition)

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
