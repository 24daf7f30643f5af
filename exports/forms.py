from django import forms
from django.utils.translation import gettext_lazy as _

from exports.columns import Group, column_choices, column_groups
from exports.models import DecimalMark, FileFormat, Layout, Separator


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
