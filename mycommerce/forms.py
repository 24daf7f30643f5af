import zoneinfo

from babel.numbers import list_currencies
from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberInvalid

from mycommerce.models import Store
from mycommerce.plans import Plan
from mycommerce.services import STORE_SETTINGS_FIELDS


class StoreSwitchForm(forms.Form):
    store = forms.IntegerField(label=_("Store"))


class PlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=Plan.choices)


class StoreSettingsForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = list(STORE_SETTINGS_FIELDS)
        widgets = {"legal_address": forms.Textarea(attrs={"rows": 3})}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency not in list_currencies():
            raise forms.ValidationError(_("Enter a currency code such as EUR, USD or CHF."))
        return currency

    def clean_vat_number(self):
        """Optional; else a VAT number its country's rules accept (python-stdnum), with its
        country code first, kept in its compact form (FR40303265045)."""
        value = self.cleaned_data["vat_number"].strip()
        if not value:
            return ""
        country = value[:2].lower()
        if country in eu_vat.MEMBER_STATES or country == "el":
            module = eu_vat
        else:
            module = get_cc_module(country, "vat") if country.isalpha() else None
        try:
            if module is None:
                raise NumberInvalid()
            number = module.validate(value)
        except NumberInvalid:
            raise forms.ValidationError(
                _(
                    "Enter a valid VAT number, starting with its country code, "
                    "such as FR40303265045."
                ),
                code="invalid_vat_number",
            ) from None
        # Some countries' modules drop the country code (GB980780684 → 980780684): keep it.
        return number if number[:2].lower() == country else country.upper() + number

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Enter a time zone such as Europe/Paris."))
        return value
