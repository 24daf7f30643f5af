from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exports.columns import Group, column_choices, column_groups
from exports.models import DecimalMark, FileFormat, JournalSettings, Layout, Separator


class DefaultOnCheckbox(forms.CheckboxInput):
    """A checkbox that is on when the field is missing altogether (a scripted client that
    does not mention it). The page sends a hidden "0" before the box, so unticking works."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [value for value in values if value is not None]
        if not values:
            return True
        return str(values[-1]).lower() in ("1", "on", "true", "yes")


def _choice_errors(message):
    return {"invalid_choice": message, "required": _("Choose one option.")}


class OrderExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("File"),
        choices=FileFormat.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Unknown file format “%(value)s”.")),
    )
    separator = forms.ChoiceField(
        label=_("Separator"),
        choices=Separator.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Unknown separator “%(value)s”.")),
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=column_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Choose at least one column."),
            "invalid_choice": _("Unknown column “%(value)s”."),
        },
    )
    layout = forms.ChoiceField(
        label=_("Rows"),
        choices=Layout.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Unknown layout “%(value)s”.")),
    )
    decimal = forms.ChoiceField(
        label=_("Decimal mark"),
        choices=DecimalMark.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Unknown decimal mark “%(value)s”.")),
    )
    bom = forms.BooleanField(
        label=_("Add a byte-order mark (so Excel shows accents correctly)"),
        required=False,
        widget=DefaultOnCheckbox,
    )

    def column_groups(self) -> list[tuple[Group, list]]:
        """The column boxes by picker group (order, customer, addresses, ...)."""
        boxes = {box.data["value"]: box for box in self["columns"]}
        return [(group, [boxes[c.key] for c in columns]) for group, columns in column_groups()]


class JournalReport(models.TextChoices):
    JOURNAL = "journal", _("Sales journal")
    EREPORTING = "ereporting", _("Consumer sales by day and VAT rate (e-reporting)")


class JournalForm(forms.Form):
    """The period and file of the sales journal or of the e-reporting summary."""

    MAX_DAYS = 366

    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput({"type": "date"}),
        error_messages={
            "required": _("Enter the first day of the period."),
            "invalid": _("Enter a date such as 2026-11-01."),
        },
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput({"type": "date"}),
        error_messages={
            "required": _("Enter the last day of the period."),
            "invalid": _("Enter a date such as 2026-11-30."),
        },
    )
    report = forms.ChoiceField(
        label=_("Contents"),
        choices=JournalReport.choices,
        initial=JournalReport.JOURNAL,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Unknown contents “%(value)s”.")),
    )
    format = forms.ChoiceField(
        label=_("File"),
        choices=[
            (FileFormat.CSV, _("CSV (; and decimal comma)")),
            (FileFormat.XLSX, _("Excel (.xlsx)")),
        ],
        initial=FileFormat.CSV,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(_("Unknown file format “%(value)s”.")),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        elif start and end and (end - start).days >= self.MAX_DAYS:
            self.add_error("end", _("Choose a period of at most one year."))
        return cleaned


class CapitalsField(forms.CharField):
    """A code typed in any case, kept in capitals."""

    def to_python(self, value):
        return super().to_python(value).upper()


class AccountField(CapitalsField):
    """An account of the chart of accounts (411, 44571, 411DUPONT)."""

    default_validators = [
        RegexValidator(
            r"^[0-9][0-9A-Z]{0,19}$",
            _(
                "An account starts with its class digit, then digits or capital letters "
                "(e.g. 44571)."
            ),
            code="account",
        )
    ]

    def __init__(self, **kwargs):
        super().__init__(max_length=20, **kwargs)


class JournalSettingsForm(forms.ModelForm):
    """The journal's code and accounts, and per VAT rate of the store an optional sales and
    VAT account (empty: the general one)."""

    journal_code = CapitalsField(
        label=_("Journal code"),
        max_length=6,
        validators=[
            RegexValidator(
                r"^[0-9A-Z]{1,6}$", _("Up to 6 capital letters or digits, e.g. VT."), code="code"
            )
        ],
    )
    customer_account = AccountField(label=_("Customers account"))
    goods_account = AccountField(label=_("Sales of goods account"))
    services_account = AccountField(label=_("Services account"))
    shipping_account = AccountField(label=_("Shipping account"))
    vat_account = AccountField(label=_("VAT collected account"))

    class Meta:
        model = JournalSettings
        fields = list(JournalSettings.FORM_FIELDS)

    def __init__(self, *args, rates: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.rates = rates
        accounts = self.instance.rate_accounts or {}
        for rate in rates:
            for role, label in (
                ("sales", _("Sales account at %(rate)s %%")),
                ("vat", _("VAT account at %(rate)s %%")),
            ):
                self.fields[self.rate_field(rate, role)] = AccountField(
                    label=label % {"rate": rate},
                    required=False,
                    initial=accounts.get(rate, {}).get(role, ""),
                    help_text=_("Empty: the general account."),
                )

    @staticmethod
    def rate_field(rate: str, role: str) -> str:
        return f"rate_{rate.replace('.', '_')}_{role}"

    def clean(self):
        cleaned = super().clean()
        cleaned["rate_accounts"] = {
            rate: accounts
            for rate in self.rates
            if (
                accounts := {
                    role: cleaned[self.rate_field(rate, role)]
                    for role in ("sales", "vat")
                    if cleaned.get(self.rate_field(rate, role))
                }
            )
        }
        return cleaned
