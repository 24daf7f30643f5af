"""The order list's filters: a FilterSet with declared fields only (the query string never
reaches the ORM unchecked). The CSV export and the invoice batches reuse it."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderLine
from orders.statuses import FulfillmentStatus, PaymentStatus


class OrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    payment_status = django_filters.MultipleChoiceFilter(
        label=_("Payment status"),
        choices=PaymentStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fulfillment_status = django_filters.MultipleChoiceFilter(
        label=_("Fulfillment status"),
        choices=FulfillmentStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
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
        field_labels={
            "created_at": _("Date"),
            "number": _("Reference"),
            "customer_name": _("Customer"),
            "total": _("Total"),
        },
    )

    class Meta:
        model = Order
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        by_sku = Exists(OrderLine.objects.filter(order=OuterRef("pk"), sku=value))
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
