import zoneinfo

from babel.numbers import list_currencies
from django import forms
from django.utils.translation import gettext_lazy as _

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

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Enter a time zone such as Europe/Paris."))
        return value
