from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from mycommerce.mixins import StoreMemberRequiredMixin, store_member_required
from mycommerce.plans import Feature, ensure_store_has_feature, store_has_feature
from mycommerce.roles import Permission
from numbering.forms import InvoiceSeriesForm, NumberingSettingsForm
from numbering.selectors import (
    invoice_series_for_store,
    invoice_series_preview,
    numbering_change_list,
    numbering_preview,
    numbering_settings_for_store,
)
from numbering.services import invoice_series_update_settings, numbering_update_settings


class NumberingSettingsView(StoreMemberRequiredMixin, FormView):
    """Next number, prefix and suffix of new orders; visible but locked on plans without it."""

    required_permission = Permission.MANAGE_SETTINGS
    template_name = "numbering/settings.html"
    form_class = NumberingSettingsForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.sequence = None

    def post(self, request, *args, **kwargs):
        ensure_store_has_feature(request.store, Feature.CUSTOM_NUMBERING)
        return super().post(request, *args, **kwargs)

    def get_sequence(self):
        if self.sequence is None:
            self.sequence = numbering_settings_for_store(store=self.request.store)
        return self.sequence

    def locked(self) -> bool:
        return not store_has_feature(self.request.store, Feature.CUSTOM_NUMBERING)

    def get_initial(self):
        sequence = self.get_sequence()
        return {
            "next_number": sequence.next_number,
            "seen_next_number": sequence.next_number,
            "prefix": sequence.prefix,
            "suffix": sequence.suffix,
        }

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "sequence": self.get_sequence(),
            "locked": self.locked(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        store = self.request.store
        sequence = self.get_sequence()
        context.update(
            sequence=sequence,
            locked=self.locked(),
            next_reference=numbering_preview(store=store),
            changes=numbering_change_list(store=store),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            change = numbering_update_settings(
                membership=self.request.membership,
                next_number=form.next_number_to_save(),
                prefix=data["prefix"],
                suffix=data["suffix"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            self.sequence = None
            return self.form_invalid(form)
        if change is None:
            messages.info(self.request, _("Nothing to save: the settings are unchanged."))
        else:
            messages.success(
                self.request,
                _("Order numbering saved. The next order will be %(reference)s.")
                % {"reference": numbering_preview(store=self.request.store)},
            )
        return redirect("numbering:settings")


@store_member_required(permission=Permission.MANAGE_SETTINGS, feature=Feature.CUSTOM_NUMBERING)
def preview(request):
    """The next reference with the settings being typed (for the live preview)."""
    sequence = numbering_settings_for_store(store=request.store)
    form = NumberingSettingsForm(request.GET, sequence=sequence)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"reference": None, "errors": errors})
    reference = numbering_preview(
        store=request.store,
        next_number=form.next_number_to_save(),
        prefix=form.cleaned_data["prefix"],
        suffix=form.cleaned_data["suffix"],
    )
    return JsonResponse({"reference": reference, "errors": {}})


class InvoiceSeriesView(StoreMemberRequiredMixin, FormView):
    """The invoice series: prefix, yearly restart, and the first number, once."""

    required_permission = Permission.MANAGE_SETTINGS
    template_name = "numbering/invoice_series.html"
    form_class = InvoiceSeriesForm

    def get_series(self):
        return invoice_series_for_store(store=self.request.store)

    def get_initial(self):
        series = self.get_series()
        return {
            "prefix": series.prefix,
            "yearly_restart": series.yearly_restart,
            "first_number": series.next_number,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "started": bool(self.get_series().issued_count)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            series=self.get_series(),
            next_reference=invoice_series_preview(store=self.request.store),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invoice_series_update_settings(
                membership=self.request.membership,
                prefix=data["prefix"],
                yearly_restart=data["yearly_restart"],
                first_number=form.first_number_to_save(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invoice series saved. The next invoice will be %(reference)s.")
            % {"reference": invoice_series_preview(store=self.request.store)},
        )
        return redirect("numbering:invoice_series")
