"""The back-office's abandoned carts: the list with its figures, a cart's detail and timeline,
"send reminder now" (one or many) and "create a manual order from this cart". On plans
without the feature the list shows it locked and everything else is refused (403)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from carts.figures import cart_figures
from carts.forms import CartIdsForm
from carts.models import Cart
from carts.reminders import RunReport, reminder_send_now
from carts.selectors import cart_detail_for_store, cart_email_for_store, cart_list_page
from carts.sequence import sequence_for_store
from carts.services import cart_order_manually
from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.plans import Feature, ensure_store_has_feature, store_has_feature
from mycommerce.roles import Permission

SHOWN_REFUSALS = 20


class CartsMemberMixin(StoreMemberRequiredMixin):
    required_permission = Permission.MANAGE_ORDERS
    required_feature = Feature.ABANDONED_CARTS


def report_messages(request, report: RunReport, carts: dict[int, Cart]) -> None:
    if report.sent:
        messages.success(
            request,
            ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", report.sent)
            % {"count": report.sent},
        )
    refused = list(report.refused.items())
    if refused:
        shown = "; ".join(
            f"{carts[pk].customer_email or carts[pk].token}: {reason}"
            for pk, reason in refused[:SHOWN_REFUSALS]
            if pk in carts
        )
        messages.warning(
            request,
            ngettext(
                "%(count)d cart got no reminder: %(details)s",
                "%(count)d carts got no reminder: %(details)s",
                len(refused),
            )
            % {"count": len(refused), "details": shown},
        )
    if report.conflicts:
        messages.warning(request, _("Another run was sending meanwhile; try again in a minute."))


class CartListView(StoreMemberRequiredMixin, View):
    """GET: the filtered list and the period's figures. POST: send the selected carts their
    next reminder now."""

    required_permission = Permission.MANAGE_ORDERS

    def get(self, request):
        if not store_has_feature(request.store, Feature.ABANDONED_CARTS):
            return render(request, "carts/locked.html")
        listing = cart_list_page(store=request.store, data=request.GET)
        start, end = listing.filterset.period()
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filterset": listing.filterset,
            "page": listing.page,
            "carts": listing.page.object_list,
            "figures": cart_figures(store=request.store, start=start, end=end),
            "sequence": sequence_for_store(store=request.store),
            "query_without_page": query.urlencode(),
            "states": Cart.State.choices,
        }
        return render(request, "carts/cart_list.html", context)

    def post(self, request):
        ensure_store_has_feature(request.store, Feature.ABANDONED_CARTS)
        back = request.POST.get("next", "")
        if not back or not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("carts:list")
        form = CartIdsForm(request.POST)
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect(back)
        ids = form.cleaned_data["ids"]
        report = reminder_send_now(membership=request.membership, cart_ids=ids)
        carts = {cart.pk: cart for cart in Cart.objects.filter(store=request.store, pk__in=ids)}
        missing = len(ids) - len(carts)
        if missing:
            messages.warning(
                request,
                _("%(count)d selected carts were not found in this store.") % {"count": missing},
            )
        report_messages(request, report, carts)
        return redirect(back)


class CartDetailView(CartsMemberMixin, View):
    """GET: the cart, its reminders and timeline. POST: `action` "remind" or "order"."""

    def get(self, request, pk):
        detail = cart_detail_for_store(store=request.store, pk=pk)
        sequence = sequence_for_store(store=request.store)
        context = {
            "detail": detail,
            "cart": detail.cart,
            "next_step": sequence.next_now(detail.cart),
            "can_order": store_has_feature(request.store, Feature.ORDER_EDITING),
        }
        return render(request, "carts/cart_detail.html", context)

    def post(self, request, pk):
        detail = cart_detail_for_store(store=request.store, pk=pk)
        action = request.POST.get("action")
        if action == "remind":
            report = reminder_send_now(membership=request.membership, cart_ids=[pk])
            report_messages(request, report, {detail.cart.pk: detail.cart})
        elif action == "order":
            try:
                order = cart_order_manually(membership=request.membership, cart_id=pk)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Order %(reference)s created from the cart; check it and edit it if needed.")
                    % {"reference": order.reference},
                )
                return redirect("orders:detail", pk=order.pk)
        else:
            messages.error(request, _("Unknown action; nothing was changed."))
        return redirect("carts:detail", pk=pk)


class CartEmailView(CartsMemberMixin, TemplateView):
    """A reminder as it was sent: subject, headers, HTML and plain text."""

    template_name = "carts/email.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cart_pk"] = kwargs["pk"]
        context["email"] = cart_email_for_store(
            store=self.request.store, cart_pk=kwargs["pk"], email_pk=kwargs["email_pk"]
        )
        return context
