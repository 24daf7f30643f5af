from django import forms
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store
from orders.carriers import tracking_url_template_valid
from orders.customer_emails.kinds import EmailKind
from orders.customer_emails.services import STORE_EMAIL_FIELDS


class CustomerEmailSettingsForm(forms.ModelForm):
    """The store's sender, pickup and "Other" carrier fields, and one switch per e-mail (the
    fields named after the kinds)."""

    class Meta:
        model = Store
        fields = list(STORE_EMAIL_FIELDS)
        widgets = {
            "pickup_address": forms.Textarea(attrs={"rows": 3}),
            "pickup_hours": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, switches, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in EmailKind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=switches.is_enabled(kind)
            )

    def switch_fields(self) -> list:
        return [self[kind] for kind in EmailKind.values]

    def store_fields(self) -> list:
        return [self[name] for name in STORE_EMAIL_FIELDS]

    def clean_tracking_url_template(self):
        template = (self.cleaned_data.get("tracking_url_template") or "").strip()
        if template and not tracking_url_template_valid(template):
            raise forms.ValidationError(
                _("Give an address starting with https:// that contains {number}."),
                code="template",
            )
        return template


class ResendForm(forms.Form):
    kind = forms.ChoiceField(choices=EmailKind.choices)
