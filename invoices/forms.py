from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.services import Document


class DocumentForm(forms.Form):
    """Which pages to print; the list's "Print invoices" button sends none: invoices."""

    document = forms.ChoiceField(
        label=_("Print"), choices=Document.choices, required=False, initial=Document.INVOICES
    )

    def clean_document(self) -> str:
        return self.cleaned_data["document"] or Document.INVOICES
