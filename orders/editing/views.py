from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.money import format_money
from mycommerce.plans import Feature
from mycommerce.roles import Permission
from orders.editing.forms import OrderFormBundle
from orders.editing.services import order_edit
from orders.locks import StaleOrderVersion
from orders.models import Order, OrderEvent
from orders.policies import order_is_editable, order_is_paid
from orders.selectors import order_get_for_store
from orders.services import order_create

TEMPLATE = "orders/editing/order_form.html"


def order_detail_url(order: Order) -> str:
    return reverse("orders:detail", args=[order.pk])


class OrderFormViewMixin(StoreMemberRequiredMixin):
    required_feature = Feature.ORDER_EDITING
    required_permission = Permission.MANAGE_ORDERS

    def render_form(self, bundle, *, order=None, status=200, **extra):
        currency = order.currency if order else self.request.store.currency
        paid = order is not None and order_is_paid(order)
        if paid and bundle.totals is not None:
            difference = bundle.totals.total - order.total
            extra.update(due=max(difference, 0), to_refund=max(-difference, 0))
        context = {
            "order": order,
            "bundle": bundle,
            "form": bundle.form,
            "currency": currency,
            "totals": bundle.totals,
            "editable": order is None or order_is_editable(order),
            "paid": paid,
            "cancel_url": order_detail_url(order) if order else reverse("orders:list"),
            **extra,
        }
        return render(self.request, TEMPLATE, context, status=status)


class OrderEditView(OrderFormViewMixin, View):
    def get(self, request, pk):
        order = order_get_for_store(store=request.store, pk=pk)
        return self.render_form(OrderFormBundle(order=order), order=order)

    def post(self, request, pk):
        order = order_get_for_store(store=request.store, pk=pk)
        if not order_is_editable(order):
            return self.render_form(OrderFormBundle(order=order), order=order, status=403)
        bundle = OrderFormBundle(data=request.POST, order=order)
        if not bundle.is_valid(currency=order.currency) or "preview" in request.POST:
            return self.render_form(bundle, order=order, previewed="preview" in request.POST)
        try:
            result = order_edit(
                membership=request.membership,
                order_pk=order.pk,
                version=bundle.form.cleaned_data["version"],
                data=bundle.order_data(),
            )
        except StaleOrderVersion as stale:
            last_edit = stale.order.events.filter(type=OrderEvent.Type.EDITED).first()
            return self.render_form(
                OrderFormBundle(order=stale.order),
                order=stale.order,
                status=409,
                stale_message=" ".join(stale.messages),
                last_edit=last_edit,
            )
        except ValidationError as error:
            bundle.add_error(error)
            return self.render_form(bundle, order=order)
        self.report(result)
        return redirect(order_detail_url(result.order))

    def report(self, result) -> None:
        order = result.order
        if not result.changed:
            messages.info(self.request, _("Nothing was changed."))
            return
        messages.success(
            self.request,
            _("Order %(reference)s saved. New total: %(total)s.")
            % {"reference": order.reference, "total": format_money(order.total, order.currency)},
        )
        difference = result.difference
        if difference > 0:
            messages.warning(
                self.request,
                _(
                    "This order was already paid: %(amount)s is still due from the customer. "
                    "No money was moved."
                )
                % {"amount": format_money(difference, order.currency)},
            )
        elif difference < 0:
            messages.warning(
                self.request,
                _(
                    "This order was already paid: %(amount)s is to be refunded to the customer. "
                    "No money was moved; record the refund and send it through the payment "
                    "provider."
                )
                % {"amount": format_money(-difference, order.currency)},
            )


class OrderCreateView(OrderFormViewMixin, View):
    def get(self, request):
        return self.render_form(OrderFormBundle(new=True, store=request.store))

    def post(self, request):
        bundle = OrderFormBundle(data=request.POST, new=True, store=request.store)
        if not bundle.is_valid(currency=request.store.currency) or "preview" in request.POST:
            return self.render_form(bundle, previewed="preview" in request.POST)
        cleaned = bundle.form.cleaned_data
        try:
            order = order_create(
                store=request.store,
                membership=request.membership,
                source=cleaned["source"],
                data=bundle.order_data(),
                paid=cleaned["record_as_paid"],
            )
        except ValidationError as error:
            bundle.add_error(error)
            return self.render_form(bundle)
        messages.success(
            request,
            _("Order %(reference)s created. Total: %(total)s.")
            % {"reference": order.reference, "total": format_money(order.total, order.currency)},
        )
        return redirect(order_detail_url(order))
