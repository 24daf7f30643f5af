from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View

from exports.forms import JournalForm, JournalSettingsForm, OrderExportForm
from exports.journal import journal_default_period, journal_period_figures, journal_settings_for
from exports.selectors import (
    export_selection,
    export_selection_count,
    export_selection_data,
    export_settings_initial,
)
from exports.services import (
    ExportOptions,
    background_threshold,
    journal_export,
    journal_settings_save,
    order_export,
)
from invoices.snapshots import rate_text
from mycommerce.mixins import StoreMemberRequiredMixin
from mycommerce.plans import Feature
from mycommerce.roles import Permission, member_can

# Fields a scripted client may leave out: the remembered (or store default) value applies.
OPTIONAL_FIELDS = ("format", "separator", "layout", "decimal")


class OrderExportView(StoreMemberRequiredMixin, View):
    """GET: the export form for the list's filters or selection. POST with the export's
    fields: the file (or a background job); POST from the list without them: the form."""

    required_permission = Permission.MANAGE_ORDERS
    required_feature = Feature.ORDERS
    template_name = "exports/order_export.html"

    def get(self, request):
        return self.show_form(request, request.GET, OrderExportForm(initial=self.initial()))

    def post(self, request):
        if "separator" not in request.POST and "columns" not in request.POST:
            return self.show_form(request, request.POST, OrderExportForm(initial=self.initial()))
        data = request.POST.copy()
        initial = self.initial()
        for name in OPTIONAL_FIELDS:
            if name not in data:
                data[name] = initial[name]
        form = OrderExportForm(data)
        if not form.is_valid():
            return self.show_form(request, request.POST, form)
        outcome = order_export(
            membership=request.membership,
            selection=export_selection_data(request.POST),
            options=ExportOptions.from_dict(form.cleaned_data),
            language=get_language(),
        )
        for problem in outcome.problems:
            messages.warning(request, problem)
        if outcome.job is not None:
            messages.info(
                request,
                ngettext(
                    "%(count)d order is being exported in the background.",
                    "%(count)d orders are being exported in the background.",
                    outcome.count,
                )
                % {"count": outcome.count},
            )
            return redirect("job_detail", pk=outcome.job.pk)
        if outcome.count == 0:
            messages.warning(
                request, _("No order matches: the file contains the column headers only.")
            )
        response = StreamingHttpResponse(outcome.chunks, content_type=outcome.content_type)
        response["Content-Disposition"] = f'attachment; filename="{outcome.filename}"'
        response["X-Export-Count"] = str(outcome.count)
        return response

    def initial(self) -> dict:
        return export_settings_initial(user=self.request.user, store=self.request.store)

    def show_form(self, request, source, form):
        selection_data = export_selection_data(source)
        chosen = export_selection(store=request.store, selection=selection_data)
        hidden = [(key, value) for key, values in selection_data.items() for value in values]
        context = {
            "form": form,
            "hidden_selection": hidden,
            "is_selection": chosen.is_selection,
            "has_filters": bool(selection_data),
            "problems": chosen.problems,
            "count": export_selection_count(selection=chosen),
            "threshold": background_threshold(),
        }
        return render(request, self.template_name, context)


class JournalView(StoreMemberRequiredMixin, View):
    """The accountant's sales journal and the consumer sales summary: a period, a file."""

    required_permission = Permission.MANAGE_ORDERS
    required_feature = Feature.ORDERS
    template_name = "exports/journal.html"

    def get(self, request):
        if "start" not in request.GET and "end" not in request.GET:
            return self.show(
                request, JournalForm(initial=journal_default_period(store=request.store))
            )
        data = request.GET.copy()
        for name in ("report", "format"):
            data.setdefault(name, JournalForm.base_fields[name].initial)
        form = JournalForm(data)
        if not form.is_valid() or "download" not in request.GET:
            return self.show(request, form)
        period = form.cleaned_data
        exported = journal_export(
            membership=request.membership,
            start=period["start"],
            end=period["end"],
            report=period["report"],
            file_format=period["format"],
            language=get_language(),
        )
        response = StreamingHttpResponse(exported.chunks, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response

    def show(self, request, form):
        summary = None
        if form.is_bound and form.is_valid():
            summary = journal_period_figures(
                store=request.store, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        context = {
            "form": form,
            "summary": summary,
            "can_configure": member_can(request.membership, Permission.MANAGE_SETTINGS),
        }
        return render(request, self.template_name, context)


class JournalSettingsView(StoreMemberRequiredMixin, View):
    """The journal's code and accounts (admins and owners)."""

    required_permission = Permission.MANAGE_SETTINGS
    template_name = "exports/journal_settings.html"

    def form(self, request, data=None):
        store = request.store
        rates = [rate_text(rate) for rate in store.vat_rate_choices]
        return JournalSettingsForm(data, instance=journal_settings_for(store=store), rates=rates)

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(request)})

    def post(self, request):
        form = self.form(request, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        journal_settings_save(membership=request.membership, data=form.cleaned_data)
        messages.success(request, _("The sales journal settings were saved."))
        return redirect("exports:journal_settings")
