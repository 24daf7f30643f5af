"""The cart list's filters: declared fields only, as the order list's. The dates bound the
period of the figures too (carts created in it, and what became of them)."""

from datetime import date, timedelta

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carts.models import Cart
from orders.filters import start_of_day

DEFAULT_PERIOD_DAYS = 30
# Days a period can start or end on; beyond them date arithmetic would overflow.
DATE_BOUNDS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


class CartFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    state = django_filters.MultipleChoiceFilter(
        label=_("State"),
        choices=Cart.State.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    group = django_filters.ChoiceFilter(
        label=_("Measurement group"),
        choices=[c for c in Cart.Group.choices if c[0]],
        empty_label=_("All"),
    )
    date_from = django_filters.DateFilter(
        label=_("Created from"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    date_to = django_filters.DateFilter(
        label=_("Created to"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )

    class Meta:
        model = Cart
        fields: list[str] = []

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=start_of_day(value + timedelta(days=1)))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if "@" in value:
            return queryset.filter(customer_email=value.lower())
        return queryset.filter(
            Q(customer_name__icontains=value) | Q(token=value) | Q(order__reference=value)
        )

    @property
    def qs(self):
        return super().qs.order_by("-created_at", "-pk")

    def period(self) -> tuple[date, date]:
        """The figures' period: the date filters, or the last 30 days."""
        today = timezone.localdate()
        data = self.form.cleaned_data if self.is_valid() else {}
        end = data.get("date_to") or today
        start = data.get("date_from") or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        return (start, end) if start <= end else (end, start)
