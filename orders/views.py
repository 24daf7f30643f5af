from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views import View

from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.parsing import parse_next_url
from mycommerce.plans import Feature, store_has_feature
from mycommerce.roles import ensure_member_can
from orders.actions import BULK_ACTIONS
from orders.customer_emails.selectors import order_emails_sent
from orders.filters import FILTER_PARAMETERS
from orders.forms import (
    BulkActionForm,
    CancelAndRefundForm,
    FulfillmentStatusForm,
    NoteForm,
    PaymentStatusForm,
    RefundForm,
)
from orders.policies import order_change_confirmation, order_is_editable, order_is_paid
from orders.selectors import (
    PAGE_SIZES,
    order_detail_for_store,
    order_get_for_store,
    order_list_page,
    order_queryset_for_store,
    order_selection_for_store,
)
from orders.services import (
    order_add_note,
    order_cancel_and_refund,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus, PaymentStatus

SKIPPED_SHOWN = 20


def active_filters(filterset, query) -> list[tuple[str, str, str]]:
    """The applied filters in words (each filter's own label), each with the query string
    that removes it."""
    if not filterset.is_valid():
        return []
    chips = []
    for name, declared in filterset.filters.items():
        values = [value for value in query.getlist(name) if value]
        if not values or name == "sort":
            continue
        choices = declared.extra.get("choices")
        if choices:
            labels = dict(choices)
            for value in values:
                rest = query.copy()
                rest.setlist(name, [v for v in values if v != value])
                rest.pop("page", None)
                chips.append((declared.label, str(labels.get(value, value)), rest.urlencode()))
            continue
        rest = query.copy()
        rest.pop(name)
        rest.pop("page", None)
        chips.append((declared.label, values[-1], rest.urlencode()))
    return chips


class OrderListView(StoreMemberRequiredMixin, View):
    """GET: the filtered list. POST: a whitelisted bulk action on the selection."""

    template_name = "orders/order_list.html"

    def get(self, request):
        listing = order_list_page(store=request.store, data=request.GET)
        for problem in listing.problems:
            messages.warning(request, problem)
        query = request.GET.copy()
        query.pop("page", None)
        filter_query = query.copy()
        filter_query.pop("per_page", None)
        context = {
            "filterset": listing.filterset,
            "page": listing.page,
            "orders": listing.page.object_list,
            "facets": listing.facets,
            "payment_facets": [
                (value, label, listing.facets.payment[value])
                for value, label in PaymentStatus.choices
            ],
            "fulfillment_facets": [
                (value, label, listing.facets.fulfillment[value])
                for value, label in FulfillmentStatus.choices
            ],
            "active_filters": active_filters(listing.applied, listing.applied.data),
            "page_sizes": PAGE_SIZES,
            "per_page": listing.per_page,
            "query_without_page": query.urlencode(),
            "filter_query": filter_query.urlencode(),
            "filter_items": [
                (name, value)
                for name in FILTER_PARAMETERS
                for value in listing.applied.data.getlist(name)
                if value
            ],
            "bulk_form": BulkActionForm(actions=BULK_ACTIONS),
            "can_create": store_has_feature(request.store, Feature.ORDER_EDITING),
        }
        return render(request, self.template_name, context)

    def post(self, request):
        back = parse_next_url(request.POST.get("next"), request=request) or reverse("orders:list")
        form = BulkActionForm(request.POST, actions=BULK_ACTIONS)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        action = form.cleaned_data["action"]
        ensure_member_can(request.membership, action.permission)
        orders, problems = order_selection_for_store(store=request.store, data=request.POST)
        for problem in problems:
            messages.warning(request, problem)
        if not request.POST.get("select_all") and not request.POST.getlist("ids"):
            messages.error(request, _("Select at least one order first."))
            return redirect(back)
        try:
            result = action.run(
                membership=request.membership, orders=orders, data=form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        if result.changed:
            messages.success(
                request,
                ngettext(
                    "%(count)s order changed.", "%(count)s orders changed.", len(result.changed)
                )
                % {"count": intcomma(len(result.changed))},
            )
        if result.skipped:
            messages.warning(
                request, skip_report(store=request.store, skipped=result.skipped), "skip-report"
            )
        if not result.changed and not result.skipped:
            messages.warning(request, _("No order matched the selection."))
        return redirect(back)


def skip_report(*, store, skipped: list[tuple[str, str]]) -> str:
    """The orders a bulk change skipped, grouped by reason, each reference a link to its order
    (at most SKIPPED_SHOWN of them). Rendered by a template, so references and reasons are
    escaped; the message is marked safe for the messages include."""
    shown = skipped[:SKIPPED_SHOWN]
    pks = dict(
        order_queryset_for_store(store=store)
        .filter(reference__in={reference for reference, _reason in shown})
        .values_list("reference", "pk")
    )
    groups: dict[str, list[tuple[str, int | None]]] = {}
    for reference, reason in shown:
        groups.setdefault(reason, []).append((reference, pks.get(reference)))
    return render_to_string(
        "orders/includes/skip_report.html",
        {"count": len(skipped), "groups": groups.items(), "more": len(skipped) - len(shown)},
    )


@dataclass(frozen=True)
class DetailAction:
    """A form of the detail page, the service it calls and what the page says after."""

    form_class: type
    service: Callable[..., object]
    done: Promise


# Each form of the detail page and the service its cleaned data is handed to.
DETAIL_ACTIONS = {
    action.form_class.form_name: action
    for action in (
        DetailAction(PaymentStatusForm, order_set_payment_status, _l("Payment status changed.")),
        DetailAction(
            FulfillmentStatusForm, order_set_fulfillment_status, _l("Fulfillment status changed.")
        ),
        DetailAction(
            RefundForm,
            order_refund,
            _l("Refund recorded. Remember to send the money back through your payment provider."),
        ),
        DetailAction(
            CancelAndRefundForm,
            order_cancel_and_refund,
            _l(
                "Order cancelled and refund recorded. Remember to send the money back through "
                "your payment provider."
            ),
        ),
        DetailAction(NoteForm, order_add_note, _l("Note added.")),
    )
}


class OrderDetailView(StoreMemberRequiredMixin, View):
    """GET: the order. POST: one of its forms (payment, fulfillment, refund, note)."""

    template_name = "orders/order_detail.html"

    def render_page(self, request, order, bound=None, status=200, confirm=None):
        forms = {name: action.form_class(order=order) for name, action in DETAIL_ACTIONS.items()}
        if bound is not None:
            forms[bound.form_name] = bound
        context = {
            "order": order,
            **{f"{name}_form": form for name, form in forms.items()},
            "editing_allowed": store_has_feature(request.store, Feature.ORDER_EDITING),
            "is_editable": order_is_editable(order),
            "is_paid": order_is_paid(order),
            # A refused change is said at the top of the page too, not only at its field.
            "refused": [
                message for errors in (bound.errors.values() if bound else ()) for message in errors
            ],
            "confirm": confirm,
            "sent_emails": order_emails_sent(order=order),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, order_detail_for_store(store=request.store, pk=pk))

    def post(self, request, pk):
        order = order_get_for_store(store=request.store, pk=pk)
        action = DETAIL_ACTIONS.get(request.POST.get("form", ""))
        if action is None:
            messages.error(request, _("Unknown form; nothing was changed."))
            return redirect("orders:detail", pk=order.pk)
        form = action.form_class(request.POST, order=order)
        if form.is_valid():
            question = order_change_confirmation(
                order=order, form=form.form_name, data=form.cleaned_data
            )
            if question and request.POST.get("confirmed") != "1":
                return self.render_page(
                    request,
                    order_detail_for_store(store=request.store, pk=pk),
                    confirm={"question": question, "fields": _resubmitted(request.POST)},
                )
            try:
                action.service(
                    membership=request.membership, order=order, **form.service_arguments()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, str(action.done))
                return redirect("orders:detail", pk=order.pk)
        order = order_detail_for_store(store=request.store, pk=pk)
        return self.render_page(request, order, bound=form, status=400)


def _resubmitted(post) -> list[tuple[str, str]]:
    """The fields of a form to confirm, sent again as they were (the CSRF token is new)."""
    return [
        (name, value)
        for name, values in post.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
