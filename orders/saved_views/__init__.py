"""Saved views of the order list: what a view keeps of the list's query string, and the three
views every store starts with. Writes in saved_views/services.py, reads (the tabs' counts in
one query) in saved_views/selectors.py."""

from django.utils.translation import gettext_lazy as _
from django_filters import MultipleChoiceFilter

from orders.filters import FILTER_PARAMETERS, OrderFilterSet
from orders.selectors import PAGE_SIZES
from orders.statuses import FulfillmentStatus, PaymentStatus

NAME_MAX_LENGTH = 60
# What a saved view keeps of the list's query string: the filters, the sort and the page size.
VIEW_PARAMETERS = (*FILTER_PARAMETERS, "per_page")

# key: (name in the reader's language until renamed, the list's parameters)
DEFAULT_VIEWS = {
    "to_ship": (
        _("To ship"),
        {
            "payment_status": [PaymentStatus.PAID.value],
            "fulfillment_status": [FulfillmentStatus.AWAITING_PROCESSING.value],
        },
    ),
    "awaiting_payment": (
        _("Awaiting payment"),
        {"payment_status": [PaymentStatus.AWAITING_PAYMENT.value]},
    ),
    "ready_for_pickup": (
        _("Ready for pickup"),
        {"fulfillment_status": [FulfillmentStatus.READY_FOR_PICKUP.value]},
    ),
}


def saved_view_label(view) -> str:
    """The view's name, or a default view's own name in the reader's language."""
    if view.name:
        return view.name
    default = DEFAULT_VIEWS.get(view.default_key)
    return str(default[0]) if default else view.default_key


def saved_view_params(data) -> dict[str, list[str]]:
    """The parameters of a view from a query string (a QueryDict): the declared filters, the
    sort and the page size, without empty values, the choices of a multiple filter sorted
    (the same view whatever the order they were ticked in), one value for any other (the
    last, as the filters read it). The default page size is left out."""
    multiple = {
        name
        for name, declared in OrderFilterSet.base_filters.items()
        if isinstance(declared, MultipleChoiceFilter)
    }
    params = {}
    for name in VIEW_PARAMETERS:
        values = [value for value in data.getlist(name) if value.strip()]
        if not values:
            continue
        if name == "per_page" and values[-1] == str(PAGE_SIZES[0]):
            continue
        params[name] = sorted(set(values)) if name in multiple else values[-1:]
    return params
