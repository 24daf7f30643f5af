from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.parsing import parse_next_url
from mycommerce.plans import Feature, store_has_feature, upgrade_message
from mycommerce.roles import ensure_member_can
from orders.actions import BULK_ACTIONS
from orders.filters import FILTER_PARAMETERS
from orders.forms import (
    DETAIL_FORMS,
    BulkActionForm,
    FulfillmentStatusForm,
    NoteForm,
    PaymentStatusForm,
    RefundForm,
)
from orders.policies import order_is_editable, order_is_paid
from orders.selectors import (
    PAGE_SIZES,
    order_detail_for_store,
    order_get_for_store,
    order_list_page,
    order_selection_for_store,
)
from orders.services import (
    order_add_note,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus, PaymentStatus

SKIPPED_SHOWN = 20


def active_filters(filterset, query) -> list[tuple[str, str, str]]:
    """The applied filters in words, each with the query string that removes it."""
    if not filterset.is_valid():
        return []
    labels = {
        "q": _("Search"),
        "date_from": _("From"),
        "date_to": _("To"),
        "total_min": _("Total from"),
        "total_max": _("Total to"),
    }
    chips = []
    for name in FILTER_PARAMETERS:
        values = query.getlist(name)
        if not any(values) or name == "sort":
            continue
        if name in ("payment_status", "fulfillment_status"):
            choices = PaymentStatus if name == "payment_status" else FulfillmentStatus
            label = _("Payment") if name == "payment_status" else _("Fulfillment")
            for value in values:
                rest = query.copy()
                rest.setlist(name, [v for v in values if v != value])
                rest.pop("page", None)
                chips.append((label, str(choices(value).label), rest.urlencode()))
            continue
        rest = query.copy()
        rest.pop(name)
        rest.pop("page", None)
        chips.append((labels[name], values[-1], rest.urlencode()))
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
            "editing_upgrade_message": upgrade_message(Feature.ORDER_EDITING),
            "payment_choices": PaymentStatus.choices,
            "fulfillment_choices": FulfillmentStatus.choices,
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
                store=request.store, orders=orders, user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        if result.changed:
            messages.success(
                request,
                ngettext(
                    "%(count)d order changed.", "%(count)d orders changed.", len(result.changed)
                )
                % {"count": len(result.changed)},
            )
        if result.skipped:
            shown = "; ".join(
                f"{reference}: {reason}" for reference, reason in result.skipped[:SKIPPED_SHOWN]
            )
            more = len(result.skipped) - SKIPPED_SHOWN
            if more > 0:
                shown += " " + _("(and %(count)d more)") % {"count": more}
            messages.warning(
                request,
                ngettext(
                    "%(count)d order skipped: %(details)s",
                    "%(count)d orders skipped: %(details)s",
                    len(result.skipped),
                )
                % {"count": len(result.skipped), "details": shown},
            )
        if not result.changed and not result.skipped:
            messages.warning(request, _("No order matched the selection."))
        return redirect(back)


class OrderDetailView(StoreMemberRequiredMixin, View):
    """GET: the order. POST: one of its forms (payment, fulfillment, refund, note)."""

    template_name = "orders/order_detail.html"

    def render_page(self, request, order, bound=None, status=200):
        forms = {name: form_class(order=order) for name, form_class in DETAIL_FORMS.items()}
        if bound is not None:
            forms[bound.form_name] = bound
        editing_allowed = store_has_feature(request.store, Feature.ORDER_EDITING)
        context = {
            "order": order,
            "forms": forms,
            "payment_form": forms[PaymentStatusForm.form_name],
            "fulfillment_form": forms[FulfillmentStatusForm.form_name],
            "refund_form": forms[RefundForm.form_name],
            "note_form": forms[NoteForm.form_name],
            "editing_allowed": editing_allowed,
            "editing_upgrade_message": upgrade_message(Feature.ORDER_EDITING),
            "is_editable": order_is_editable(order),
            "is_paid": order_is_paid(order),
            "open_form": bound.form_name if bound is not None else "",
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, order_detail_for_store(store=request.store, pk=pk))

    def post(self, request, pk):
        order = order_get_for_store(store=request.store, pk=pk)
        form_class = DETAIL_FORMS.get(request.POST.get("form", ""))
        if form_class is None:
            messages.error(request, _("Unknown form; nothing was changed."))
            return redirect("orders:detail", pk=order.pk)
        form = form_class(request.POST, order=order)
        if form.is_valid():
            try:
                message = self.apply(form, order, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message)
                return redirect("orders:detail", pk=order.pk)
        order = order_detail_for_store(store=request.store, pk=pk)
        return self.render_page(request, order, bound=form, status=400)

    def apply(self, form, order, user) -> str:
        data = form.cleaned_data
        if isinstance(form, PaymentStatusForm):
            order_set_payment_status(
                order=order, status=data["status"], user=user, expected_version=data["version"]
            )
            return _("Payment status changed.")
        if isinstance(form, FulfillmentStatusForm):
            order_set_fulfillment_status(
                order=order,
                status=data["status"],
                user=user,
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                expected_version=data["version"],
            )
            return _("Fulfillment status changed.")
        if isinstance(form, RefundForm):
            order_refund(
                order=order,
                amount=data["amount"],
                reason=data["reason"],
                user=user,
                expected_version=data["version"],
            )
            return _(
                "Refund recorded. Remember to send the money back through your payment provider."
            )
        order_add_note(order=order, text=data["text"], user=user)
        return _("Note added.")
