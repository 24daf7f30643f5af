from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.models import Invoice
from invoices.services import Document


class DocumentForm(forms.Form):
    """Which pages to print; the list's "Print invoices" button sends none: invoices."""

    document = forms.ChoiceField(
        label=_("Print"), choices=Document.choices, required=False, initial=Document.INVOICES
    )

    def clean_document(self) -> str:
        return self.cleaned_data["document"] or Document.INVOICES


class InvoiceListForm(forms.Form):
    """The filters of the Factures page: a period and a kind, all optional."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Invoices and credit notes")), *Invoice.Kind.choices],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end of the period comes before its start."))
        return cleaned
