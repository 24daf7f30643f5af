"""The order list's filters: a FilterSet with declared fields only (the query string never
reaches the ORM unchecked). The CSV export and the invoice batches reuse it."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderLine
from orders.statuses import FulfillmentStatus, PaymentStatus


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


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
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    total_min = django_filters.NumberFilter(
        label=_("Total from"), field_name="total", lookup_expr="gte", min_value=0
    )
    total_max = django_filters.NumberFilter(
        label=_("Total to"), field_name="total", lookup_expr="lte", min_value=0
    )
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
        if value.isdigit():
            condition |= Q(number=int(value))
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
