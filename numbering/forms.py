from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from numbering.models import NumberSequence
from numbering.services import numbering_too_low_error
from numbering.validators import (
    AFFIX_MAX_LENGTH,
    ASCII_INTEGER,
    INVOICE_PREFIX_MAX_LENGTH,
    MAX_NUMBER,
    validate_affix,
)


class AsciiIntegerField(forms.IntegerField):
    """A whole number typed with the digits 0 to 9 only."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not ASCII_INTEGER.fullmatch(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class NumberingSettingsForm(forms.Form):
    next_number = AsciiIntegerField(
        label=_("Next order number"),
        min_value=1,
        max_value=MAX_NUMBER,
        help_text=_("It can only go up: it must be higher than every number already issued."),
    )
    prefix = forms.CharField(
        label=_("Prefix"),
        required=False,
        strip=False,
        max_length=AFFIX_MAX_LENGTH,
        validators=[validate_affix],
        help_text=_("Up to 20 letters, digits or - _ / . # before the number."),
    )
    suffix = forms.CharField(
        label=_("Suffix"),
        required=False,
        strip=False,
        max_length=AFFIX_MAX_LENGTH,
        validators=[validate_affix],
        help_text=_("Up to 20 letters, digits or - _ / . # after the number."),
    )
    # The next number the page showed: left as is, it means "keep the counter",
    # even if orders placed meanwhile have moved it.
    seen_next_number = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sequence: NumberSequence, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sequence = sequence
        if locked:
            for field in self.fields.values():
                field.disabled = True

    def clean_next_number(self) -> int:
        value = self.cleaned_data["next_number"]
        if not self._left_as_shown(value) and value < self.sequence.next_number:
            raise numbering_too_low_error(minimum=self.sequence.next_number)
        return value

    def next_number_to_save(self) -> int | None:
        """None when the number was left as shown, so the service keeps the live counter."""
        value = self.cleaned_data["next_number"]
        return None if self._left_as_shown(value) else value

    def _left_as_shown(self, value: int) -> bool:
        return str(value) == str(self.data.get(self.add_prefix("seen_next_number"), "")).strip()


class InvoiceSeriesForm(forms.Form):
    prefix = forms.CharField(
        label=_("Prefix"),
        required=False,
        strip=False,
        max_length=INVOICE_PREFIX_MAX_LENGTH,
        validators=[validate_affix],
        help_text=_("Up to 10 letters, digits or - _ / . # before the year, e.g. FA."),
    )
    yearly_restart = forms.BooleanField(
        label=_("Restart at 1 every year"),
        required=False,
        help_text=_("The first invoice of each year gets the number 1 (FA-2027-000001)."),
    )
    first_number = AsciiIntegerField(
        label=_("Number of the first invoice"),
        min_value=1,
        max_value=MAX_NUMBER,
        help_text=_(
            "To continue a series kept elsewhere until now. It can be set until the first "
            "invoice is issued; after that only the series moves it."
        ),
    )

    def __init__(self, *args, started: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = started
        if started:
            self.fields["first_number"].disabled = True
            self.fields["first_number"].required = False

    def first_number_to_save(self) -> int | None:
        return None if self.started else self.cleaned_data.get("first_number")
