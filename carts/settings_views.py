"""The store's pages for the sequence (`/carts/settings/`, admins and owners), the e-mail
preview, and the storefront's API keys (`/carts/keys/`, owners): each key is shown once."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from carts.forms import ApiKeyForm, CartSettingsForm, ReminderStepForm
from carts.keys import api_key_create, api_key_list, api_key_revoke
from carts.models import STEPS, Cart, CartLine
from carts.reminder_email import TEMPLATE, reminder_context
from carts.sequence import cart_settings_for_store, reminder_steps_for_store, sequence_for_store
from carts.services import cart_settings_update
from mycommerce.emails import email_render
from mycommerce.mixins import StoreMemberRequiredMixin, store_member_required
from mycommerce.models import Store
from mycommerce.plans import Feature, ensure_store_has_feature, store_has_feature
from mycommerce.roles import Permission


class CartSettingsView(StoreMemberRequiredMixin, View):
    required_permission = Permission.MANAGE_SETTINGS
    template_name = "carts/settings.html"

    def forms(self, data=None):
        store = self.request.store
        settings_form = CartSettingsForm(data, instance=cart_settings_for_store(store=store))
        steps = [
            ReminderStepForm(data, instance=step, step=step.step)
            for step in reminder_steps_for_store(store=store)
        ]
        return settings_form, steps

    def render_page(self, settings_form, step_forms, status=200):
        locked = not store_has_feature(self.request.store, Feature.ABANDONED_CARTS)
        context = {
            "form": settings_form,
            "step_forms": step_forms,
            "locked": locked,
            "languages": Store.Language.choices,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(*self.forms())

    def post(self, request):
        ensure_store_has_feature(request.store, Feature.ABANDONED_CARTS)
        settings_form, step_forms = self.forms(request.POST)
        if settings_form.is_valid() and all(form.is_valid() for form in step_forms):
            try:
                cart_settings_update(
                    membership=request.membership,
                    data=settings_form.cleaned_data,
                    steps={form.step: form.cleaned_data for form in step_forms},
                )
            except ValidationError as error:
                self.attach(error, settings_form, step_forms)
            else:
                messages.success(request, _("The reminder settings were saved."))
                return redirect("carts:settings")
        return self.render_page(settings_form, step_forms, status=400)

    @staticmethod
    def attach(error: ValidationError, settings_form, step_forms) -> None:
        """Put each of the service's errors next to its field."""
        by_prefix = {form.prefix: form for form in step_forms}
        for key, messages_ in getattr(error, "message_dict", {"__all__": error.messages}).items():
            prefix, _dash, name = key.partition("-")
            form = by_prefix.get(prefix)
            if form is not None and name in form.fields:
                form.add_error(name, messages_)
            elif key in settings_form.fields:
                settings_form.add_error(key, messages_)
            else:
                settings_form.add_error(None, messages_)


def sample_cart(store: Store) -> tuple[Cart, list[CartLine]]:
    """An example cart for the preview (no customer's data is shown there)."""
    cart = Cart(store=store, customer_name="Camille Martin", currency=store.currency)
    lines = [
        CartLine(name="T-shirt coton bio blanc (M)", sku="TSH-BLC-M", quantity=2),
        CartLine(name="Tasse en céramique émaillée", sku="TAS-CER-01", quantity=1),
    ]
    prices = ("19.90", "14.50")
    for line, price in zip(lines, prices):
        line.unit_price = Decimal(price)
        line.line_total = line.unit_price * line.quantity
    cart.subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
    return cart, lines


class ReminderPreviewView(StoreMemberRequiredMixin, View):
    """A reminder as a customer would get it, with an example cart, in a chosen language."""

    required_permission = Permission.MANAGE_ORDERS
    required_feature = Feature.ABANDONED_CARTS

    def get(self, request, step):
        if step not in STEPS:
            return redirect("carts:settings")
        language = request.GET.get("language")
        if language not in Store.Language.values:
            language = request.store.language
        sequence = sequence_for_store(store=request.store)
        cart, lines = sample_cart(request.store)
        context = reminder_context(
            cart=cart,
            lines=lines,
            step=sequence.step(step),
            store=request.store,
            language=language,
            recover_url="#",
            unsubscribe_url="#",
            link_valid_days=sequence.settings.link_valid_days,
        )
        rendered = email_render(
            store=request.store, template=TEMPLATE, context=context, language=language
        )
        return render(
            request,
            "carts/preview.html",
            {
                "email": rendered,
                "step": step,
                "steps": STEPS,
                "language": language,
                "languages": Store.Language.choices,
                "enabled": sequence.step(step) in sequence.enabled,
            },
        )


class ApiKeysView(StoreMemberRequiredMixin, View):
    required_permission = Permission.MANAGE_API_KEYS
    required_feature = Feature.ABANDONED_CARTS
    template_name = "carts/api_keys.html"

    def render_page(self, form, new_key=None, status=200):
        context = {"form": form, "keys": api_key_list(store=self.request.store), "new_key": new_key}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(ApiKeyForm())

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        try:
            key, raw = api_key_create(membership=request.membership, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(form, status=400)
        # Shown in this answer only: the key is not kept, and a reload does not show it again.
        return self.render_page(ApiKeyForm(), new_key={"key": key, "raw": raw})


@require_POST
@store_member_required(permission=Permission.MANAGE_API_KEYS, feature=Feature.ABANDONED_CARTS)
def api_key_revoke_view(request, pk: int):
    key = api_key_revoke(membership=request.membership, key_id=pk)
    messages.success(
        request, _("The key “%(name)s” is revoked: it no longer works.") % {"name": key.name}
    )
    return redirect("carts:api_keys")
