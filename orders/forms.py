"""Forms of the order pages. The status forms offer only the moves the transitions table allows."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from orders.carriers import carrier_choices
from orders.models import Order
from orders.saved_views import NAME_MAX_LENGTH
from orders.statuses import (
    FulfillmentStatus,
    PaymentStatus,
    fulfillment_next_statuses,
    payment_next_statuses,
)
from orders.totals import MONEY_DECIMAL_PLACES, MONEY_MAX, MONEY_MAX_DIGITS

NO_CHOICE = ("", _("Choose…"))


class _OrderForm(forms.Form):
    """A form about one order; it carries the version it was shown with, which the service
    compares under the row lock (a stale form changes nothing)."""

    form_name = ""
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, order: Order, **kwargs):
        kwargs.setdefault("prefix", self.form_name)
        kwargs.setdefault("initial", {"version": order.version})
        super().__init__(*args, **kwargs)
        self.order = order
        self.helper = FormHelper()
        self.helper.form_tag = False

    def service_arguments(self) -> dict:
        """The cleaned data as the form's service takes it: the version shown is expected."""
        arguments = dict(self.cleaned_data)
        arguments["expected_version"] = arguments.pop("version")
        return arguments


class PaymentStatusForm(_OrderForm):
    form_name = "payment"
    status = forms.ChoiceField(label=_("New payment status"))

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        allowed = payment_next_statuses(current=order.payment_status)
        # Never a change pre-selected: submitting the form untouched asks for a choice.
        self.fields["status"].choices = [NO_CHOICE] + [
            (value, PaymentStatus(value).label) for value in allowed
        ]


class FulfillmentStatusForm(_OrderForm):
    form_name = "fulfillment"
    status = forms.ChoiceField(label=_("New fulfillment status"))
    carrier_code = forms.ChoiceField(
        label=_("Carrier"),
        choices=[NO_CHOICE, *carrier_choices()],
        required=False,
        help_text=_("For Shipped and Delivered."),
    )
    carrier = forms.CharField(
        label=_("Carrier name"),
        max_length=60,
        required=False,
        help_text=_("For “Other”, or a carrier not in the list."),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80, required=False)
    accept_tracking_number = forms.BooleanField(
        label=_("Use this number anyway"),
        required=False,
        help_text=_("Tick to keep a number that does not match its carrier’s usual format."),
    )

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        allowed = fulfillment_next_statuses(
            current=order.fulfillment_status, payment_status=order.payment_status
        )
        self.fields["status"].choices = [NO_CHOICE] + [
            (
                value,
                _("%(status)s (update the tracking)") % {"status": FulfillmentStatus(value).label}
                if value == order.fulfillment_status
                else FulfillmentStatus(value).label,
            )
            for value in allowed
        ]
        self.fields["carrier_code"].initial = order.carrier_code
        self.fields["carrier"].initial = order.carrier
        self.fields["tracking_number"].initial = order.tracking_number


class RefundForm(_OrderForm):
    form_name = "refund"
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        min_value=Decimal("0.01"),
        max_value=MONEY_MAX,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        # Empty on purpose: one click must never refund everything.
        self.fields["amount"].help_text = _(
            "This records the refund only: send the money back through your payment provider."
        )


class CancelAndRefundForm(RefundForm):
    """Cancel a paid order: the refund (full or partial) is part of the same change."""

    form_name = "cancel"


class NoteForm(_OrderForm):
    form_name = "note"
    text = forms.CharField(label=_("Staff note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        # A note changes nothing of the order: adding one to a page left open is fine.
        self.fields["version"].required = False

    def service_arguments(self) -> dict:
        return {"text": self.cleaned_data["text"]}


def _small(widget_class: type[forms.Widget], css: str, **attrs) -> forms.Widget:
    return widget_class(attrs={"class": f"{css} {css}-sm", **attrs})


class BulkActionForm(forms.Form):
    """The list's bulk action: a whitelisted name and its parameters (the selection is
    read by order_selection_for_store). Each action of the registry draws its own fields."""

    action = forms.CharField()
    new_payment_status = forms.ChoiceField(
        label=_("New payment status"),
        choices=[("", "—"), *PaymentStatus.choices],
        required=False,
        widget=_small(forms.Select, "form-select"),
    )
    new_fulfillment_status = forms.ChoiceField(
        label=_("New fulfillment status"),
        choices=[("", "—"), *FulfillmentStatus.choices],
        required=False,
        widget=_small(forms.Select, "form-select"),
    )
    carrier_code = forms.ChoiceField(
        label=_("Carrier"),
        choices=[("", "—"), *carrier_choices()],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "style": "width: 8rem"}),
    )
    # Scripts and older pages may still name a carrier not in the list.
    carrier = forms.CharField(max_length=60, required=False)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=80,
        required=False,
        widget=_small(forms.TextInput, "form-control", size=15),
    )
    accept_tracking_number = forms.BooleanField(
        label=_("Use this number anyway"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions

    def menu(self) -> list[tuple]:
        """The bulk menu: each action with the bound fields it shows, in cells; a checkbox
        sits under the field before it (the menu stays on one line on a laptop)."""
        menu = []
        for action in self.actions.values():
            cells: list[list] = []
            for name in action.fields:
                field = self[name]
                if cells and field.widget_type == "checkbox":
                    cells[-1].append(field)
                else:
                    cells.append([field])
            menu.append((action, cells))
        return menu

    def clean_action(self):
        name = self.cleaned_data["action"]
        if name not in self.actions:
            raise forms.ValidationError(
                _("“%(action)s” is not an action of this list."),
                params={"action": name[:60]},
                code="unknown_action",
            )
        return self.actions[name]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action is not None:
            for name in action.required_fields:
                if not cleaned.get(name):
                    self.add_error(name, _("Choose a status for the selected orders."))
        return cleaned


class SavedViewForm(forms.Form):
    """Save the list's current filters, sort and page size under a name."""

    VISIBILITY_CHOICES = (("shared", _("Everyone in the store")), ("personal", _("Only me")))

    name = forms.CharField(label=_("Name of the view"), max_length=NAME_MAX_LENGTH)
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=VISIBILITY_CHOICES,
        initial="shared",
        widget=forms.RadioSelect,
    )


class SavedViewRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=NAME_MAX_LENGTH)
