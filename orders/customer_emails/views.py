"""The customer e-mails' settings page (`/settings/emails/`, admins and owners) with a preview
of each e-mail, and "send again" on an order's page (members)."""

from copy import copy
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mycommerce.emails import email_render
from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.models import Store
from mycommerce.roles import Permission
from orders.customer_emails.content import TEMPLATE, customer_email_context
from orders.customer_emails.forms import CustomerEmailSettingsForm, ResendForm
from orders.customer_emails.kinds import EmailKind
from orders.customer_emails.selectors import customer_email_settings_for_store
from orders.customer_emails.services import customer_email_resend, customer_email_settings_update
from orders.models import Order, OrderLine
from orders.selectors import order_get_for_store


class CustomerEmailSettingsView(StoreMemberRequiredMixin, View):
    required_permission = Permission.MANAGE_SETTINGS
    template_name = "orders/customer_emails/settings.html"

    def form(self, data=None):
        store = self.request.store
        return CustomerEmailSettingsForm(
            data, instance=copy(store), switches=customer_email_settings_for_store(store=store)
        )

    def render_page(self, form, status=200):
        context = {"form": form, "kinds": EmailKind.choices, "languages": Store.Language.choices}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        try:
            customer_email_settings_update(membership=request.membership, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(form, status=400)
        messages.success(request, _("The customer e-mail settings were saved."))
        return redirect("customer_emails:settings")


def sample_order(store: Store) -> tuple[Order, list[OrderLine]]:
    """An example order for the preview (no customer's data is shown there), shipped with
    Colissimo."""
    order = Order(
        store=store,
        reference="1001",
        customer_name="Camille Martin",
        currency=store.currency,
        total=Decimal("54.30"),
        carrier="Colissimo",
        carrier_code="colissimo",
        tracking_number="6A12345678901",
    )
    lines = [
        OrderLine(name="T-shirt coton bio blanc (M)", sku="TSH-BLC-M", quantity=2),
        OrderLine(name="Tasse en céramique émaillée", sku="TAS-CER-01", quantity=1),
    ]
    return order, lines


class CustomerEmailPreviewView(StoreMemberRequiredMixin, View):
    """One e-mail as a customer would get it, with an example order, in a chosen language."""

    required_permission = Permission.MANAGE_SETTINGS

    def get(self, request, kind):
        if kind not in EmailKind.values:
            raise Http404
        language = request.GET.get("language")
        if language not in Store.Language.values:
            language = request.store.language
        order, lines = sample_order(request.store)
        context = customer_email_context(
            kind=kind,
            order=order,
            lines=lines,
            store=request.store,
            language=language,
            refund_amount=Decimal("19.90"),
        )
        rendered = email_render(
            store=request.store, template=TEMPLATE, context=context, language=language
        )
        switches = customer_email_settings_for_store(store=request.store)
        return render(
            request,
            "orders/customer_emails/preview.html",
            {
                "email": rendered,
                "kind": kind,
                "kind_label": EmailKind(kind).label,
                "kinds": EmailKind.choices,
                "language": language,
                "languages": Store.Language.choices,
                "enabled": switches.is_enabled(kind),
            },
        )


class CustomerEmailResendView(StoreMemberRequiredMixin, View):
    """POST: send one of the order's e-mails again (another store's order is a 404)."""

    required_permission = Permission.MANAGE_ORDERS

    def post(self, request, pk):
        order = order_get_for_store(store=request.store, pk=pk)
        form = ResendForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an e-mail to send again."))
            return redirect("orders:detail", pk=order.pk)
        try:
            customer_email_resend(
                membership=request.membership, order=order, kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The e-mail “%(kind)s” will be sent again to %(to)s.")
                % {"kind": EmailKind(form.cleaned_data["kind"]).label, "to": order.customer_email},
            )
        return redirect("orders:detail", pk=order.pk)
