from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from carts.models import CartSettings, ReminderStep
from carts.services import SETTINGS_FIELDS
from carts.wording import DEFAULT_MESSAGES, DEFAULT_SUBJECTS, PLACEHOLDERS
from mycommerce.models import Store


class RecoveryForm(forms.Form):
    customer_name = forms.CharField(label=_("Your name"), max_length=200)


class CartSettingsForm(forms.ModelForm):
    class Meta:
        model = CartSettings
        fields = list(SETTINGS_FIELDS)


class ReminderStepForm(forms.ModelForm):
    """One reminder; empty words mean the default wording, shown as the placeholder."""

    class Meta:
        model = ReminderStep
        fields = [
            "enabled",
            "delay_hours",
            "discount_code",
            "discount_percent",
            "subject_fr",
            "message_fr",
            "subject_en",
            "message_en",
        ]
        widgets = {
            "message_fr": forms.Textarea(attrs={"rows": 4}),
            "message_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, step: int, **kwargs):
        super().__init__(*args, prefix=f"step{step}", **kwargs)
        self.step = step
        if step == 1:
            # The first reminder is the sequence: it is turned off with the sequence.
            del self.fields["enabled"]
        names = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        for language in Store.Language.values:
            with translation.override(language):
                subject, message = str(DEFAULT_SUBJECTS[step]), str(DEFAULT_MESSAGES[step])
            self.fields[f"subject_{language}"].widget.attrs["placeholder"] = subject
            self.fields[f"message_{language}"].widget.attrs["placeholder"] = message
            self.fields[f"message_{language}"].help_text = _(
                "Left empty, the default wording (shown greyed) is used. Placeholders: %(names)s."
            ) % {"names": names}


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “Boutique en ligne (Shopify)”."),
    )


MAX_SELECTED = 500


class CartIdsForm(forms.Form):
    """The carts a bulk action applies to (ids of another store are simply not found)."""

    ids = forms.CharField(required=False)

    def clean(self):
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        if not values:
            raise forms.ValidationError(_("Select at least one cart first."))
        # ASCII digits within a 64-bit id ("²".isdigit() is true in Python).
        if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in values):
            raise forms.ValidationError(_("Some selected ids are not valid; nothing was sent."))
        if len(values) > MAX_SELECTED:
            raise forms.ValidationError(
                _("Select at most %(max)d carts at once.") % {"max": MAX_SELECTED}
            )
        return {"ids": sorted({int(value) for value in values})}
