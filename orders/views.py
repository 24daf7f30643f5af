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
from mycommerce.parsing import parse_id, parse_next_url
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
    SavedViewForm,
    SavedViewRenameForm,
)
from orders.policies import order_change_confirmation, order_is_editable, order_is_paid
from orders.saved_views import saved_view_label
from orders.saved_views.selectors import (
    saved_view_get_for_member,
    saved_view_query,
    saved_view_tabs,
    saved_views_for_member,
)
from orders.saved_views.services import (
    saved_view_create,
    saved_view_delete,
    saved_view_move,
    saved_view_rename,
)
from orders.selectors import (
    PAGE_SIZES,
    customer_history_for_order,
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


def _facet_choices(choices, counts: dict | None) -> list[tuple[str, str, int | None]]:
    return [(value, label, counts[value] if counts else None) for value, label in choices]


def _counts_context(listing) -> dict:
    """What the counts of the list show: the status facets, the number of orders, the pages."""
    facets = listing.facets
    return {
        "page": listing.page,
        "facets": facets,
        "counting": facets is None,
        "payment_facets": _facet_choices(PaymentStatus.choices, facets and facets.payment),
        "fulfillment_facets": _facet_choices(
            FulfillmentStatus.choices, facets and facets.fulfillment
        ),
    }


def render_order_list(request, *, save_form=None, status=200):
    """The list for the GET parameters, its saved views as tabs and the form that saves the
    current filters as one (bound, with its errors, after a refused save)."""
    listing = order_list_page(
        store=request.store, data=request.GET, counted=request.GET.get("counts") == "now"
    )
    for problem in listing.problems:
        messages.warning(request, problem)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("counts", None)
    filter_query = query.copy()
    filter_query.pop("per_page", None)
    context = {
        **_counts_context(listing),
        "filterset": listing.filterset,
        "orders": listing.page.object_list,
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
        "save_form": save_form or SavedViewForm(),
        **saved_view_tabs(
            membership=request.membership,
            data=request.GET,
            pairs=listing.status_pairs,
            counted=listing.facets is not None,
        ),
    }
    return render(request, "orders/order_list.html", context, status=status)


class OrderListView(StoreMemberRequiredMixin, View):
    """GET: the filtered list. POST: a whitelisted bulk action on the selection."""

    def get(self, request):
        return render_order_list(request)

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


class OrderCountsView(StoreMemberRequiredMixin, View):
    """GET, with the list's parameters: the counts a list page with dates, totals or a search
    came without (order-list.js fetches them), as marked fragments of that page."""

    template_name = "orders/order_counts.html"

    def get(self, request):
        listing = order_list_page(store=request.store, data=request.GET, counted=True)
        context = _counts_context(listing) | saved_view_tabs(
            membership=request.membership, data=request.GET, pairs=listing.status_pairs
        )
        return render(request, self.template_name, context)


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
            "history": customer_history_for_order(store=request.store, order=order),
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


class SavedViewCreateView(StoreMemberRequiredMixin, View):
    """POST: save the list's filters of the query string (the list's own) as a view."""

    def post(self, request):
        form = SavedViewForm(request.POST)
        if form.is_valid():
            try:
                view = saved_view_create(
                    membership=request.membership,
                    name=form.cleaned_data["name"],
                    shared=form.cleaned_data["visibility"] == "shared",
                    data=request.GET,
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    if field in form.fields:
                        form.add_error(field, problems)
                if set(error.message_dict) - set(form.fields):
                    # The list shows each refused filter at its field, from the same query.
                    form.add_error(
                        None, _("Some filters are not valid (see below); the view was not saved.")
                    )
            else:
                messages.success(
                    request, _("View “%(name)s” saved.") % {"name": saved_view_label(view)}
                )
                query = saved_view_query(view.params).urlencode()
                return redirect(reverse("orders:list") + (f"?{query}" if query else ""))
        return render_order_list(request, save_form=form, status=400)


SAVED_VIEW_STEPS = {"up": -1, "down": 1}


class SavedViewsView(StoreMemberRequiredMixin, View):
    """GET: the member's views, to rename, reorder and delete. POST: one of those, for one
    view (`view`, `action`)."""

    template_name = "orders/saved_views.html"

    def render_page(self, request, *, bound=None, status=200):
        views = list(saved_views_for_member(membership=request.membership))
        rows = [
            (
                view,
                saved_view_label(view),
                saved_view_query(view.params).urlencode(),
                bound[1]
                if bound and bound[0] == view.pk
                else SavedViewRenameForm(
                    initial={"name": saved_view_label(view)}, prefix=f"view-{view.pk}"
                ),
            )
            for view in views
        ]
        return render(request, self.template_name, {"rows": rows}, status=status)

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        pk = parse_id(request.POST.get("view", ""))
        action = request.POST.get("action", "")
        if pk is None or action not in ("rename", "delete", *SAVED_VIEW_STEPS):
            messages.error(request, _("Unknown form; nothing was changed."))
            return redirect("orders:views")
        membership = request.membership
        if action == "delete":
            name = saved_view_delete(membership=membership, pk=pk)
            messages.success(request, _("View “%(name)s” deleted.") % {"name": name})
        elif action in SAVED_VIEW_STEPS:
            saved_view_move(membership=membership, pk=pk, step=SAVED_VIEW_STEPS[action])
            messages.success(request, _("Order of the views changed."))
        else:
            form = SavedViewRenameForm(request.POST, prefix=f"view-{pk}")
            if form.is_valid():
                try:
                    view = saved_view_rename(
                        membership=membership, pk=pk, name=form.cleaned_data["name"]
                    )
                except ValidationError as error:
                    form.add_error("name", error.message_dict.get("name", error.messages))
                else:
                    messages.success(
                        request, _("View renamed “%(name)s”.") % {"name": saved_view_label(view)}
                    )
                    return redirect("orders:views")
            saved_view_get_for_member(membership=membership, pk=pk)  # another's: a 404
            return self.render_page(request, bound=(pk, form), status=400)
        return redirect("orders:views")
