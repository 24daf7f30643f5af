import re
import zoneinfo
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from mycommerce.legal import clean_siren, clean_siret, clean_vat_number
from mycommerce.models import Store
from mycommerce.plans import Plan
from mycommerce.services import STORE_SETTINGS_FIELDS


class StoreSwitchForm(forms.Form):
    store = forms.IntegerField(label=_("Store"))


class PlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=Plan.choices)


LOGO_MAX_BYTES = 1024 * 1024


class VatRatesField(forms.CharField):
    """The store's VAT rates typed as "20, 10, 5.5, 2.1, 0"; kept as exact strings."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(rate) for rate in value)
        return value

    def to_python(self, value) -> list[str]:
        rates: list[str] = []
        # "20, 10, 5.5" or "20 ; 10 ; 5,5": a comma inside a rate is its decimal mark.
        for part in re.split(r";|\s+|,\s", (value or "").replace("%", " ")):
            part = part.strip().replace(",", ".")
            if not part:
                continue
            try:
                rate = Decimal(part)
            except InvalidOperation:
                raise forms.ValidationError(
                    _("Enter rates as numbers separated by commas, e.g. 20, 10, 5.5, 2.1, 0."),
                    code="invalid",
                ) from None
            if not Decimal(0) <= rate < Decimal(100) or rate.as_tuple().exponent < -2:
                raise forms.ValidationError(
                    _("A VAT rate is between 0 and 99.99 %, with at most two decimals."),
                    code="range",
                )
            text = format(rate.normalize(), "f")
            if text not in rates:
                rates.append(text)
        if not rates and self.required:
            raise forms.ValidationError(_("Enter at least one VAT rate."), code="required")
        return rates


class StoreSettingsForm(forms.ModelForm):
    # Longer than stored: typed with spaces, kept compact (mycommerce/legal.py).
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=30, required=False)
    vat_number = forms.CharField(
        label=_("Intra-community VAT number"), max_length=40, required=False
    )
    vat_rates = VatRatesField(
        label=_("VAT rates (%)"),
        help_text=_("The rates a line can have, the usual one first: 20, 10, 5.5, 2.1, 0."),
    )

    class Meta:
        model = Store
        fields = list(STORE_SETTINGS_FIELDS)
        widgets = {
            "legal_address": forms.Textarea(attrs={"rows": 3}),
            "invoice_footer": forms.Textarea(attrs={"rows": 2}),
        }

    # Left out of a submission (a script, an older page), these keep the store's values.
    KEPT_WHEN_ABSENT = ("vat_regime", "price_mode", "vat_rates", "invoice_moment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.KEPT_WHEN_ABSENT:
            self.fields[name].required = False

    def _kept(self, name: str):
        return self.cleaned_data.get(name) or getattr(self.instance, name)

    def clean_vat_regime(self):
        return self._kept("vat_regime")

    def clean_price_mode(self):
        return self._kept("price_mode")

    def clean_vat_rates(self):
        return self._kept("vat_rates")

    def clean_invoice_moment(self):
        return self._kept("invoice_moment")

    def clean_siren(self):
        return clean_siren(self.cleaned_data["siren"])

    def clean_siret(self):
        return clean_siret(self.cleaned_data["siret"])

    def clean_vat_number(self):
        return clean_vat_number(self.cleaned_data["vat_number"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload
            FileExtensionValidator(["png", "jpg", "jpeg"])(logo)
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError(_("The logo must be 1 MB or smaller."), code="size")
        return logo

    def clean(self):
        cleaned = super().clean()
        siren, siret = cleaned.get("siren"), cleaned.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error("siret", _("The SIRET must start with the SIREN."))
        vat = cleaned.get("vat_number") or ""
        if siren and vat.startswith("FR") and vat[4:] != siren:
            self.add_error("vat_number", _("A French VAT number ends with the SIREN."))
        return cleaned

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
