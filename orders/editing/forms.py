"""The one order form, shared by editing and manual creation: customer, addresses,
shipping, and three formsets (lines, discounts, taxes). Totals are never read from it."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mycommerce.legal import clean_siren, clean_vat_number
from mycommerce.models import FRENCH_VAT_RATES, Store
from orders.models import Order, OrderDiscount, OrderTax
from orders.parts import (
    EDITABLE_FIELDS,
    MAX_LINES,
    DiscountData,
    LineData,
    OrderData,
    TaxData,
    order_parts_validate,
)
from orders.policies import MANUAL_SOURCES
from orders.totals import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, AmountTooLarge

# Order fields that are not text: passed as they are.
DATED = ("delivery_date", "operation_category")
ADDRESS_PARTS = ("name", "street", "postcode", "city", "country")
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("999999999.99")
ZERO = Decimal("0")


def _country_choices() -> list[tuple[str, str]]:
    # Called when the form is shown: the names in the reader's language, sorted by them.
    return [("", _("Choose a country…")), *countries]


class CountryField(forms.ChoiceField):
    """A country chosen by its name (django-countries), stored as its 2-letter ISO code."""

    def __init__(self, **kwargs):
        super().__init__(label=_("Country"), choices=_country_choices, required=False, **kwargs)

    def to_python(self, value):
        # A script may send the code in lower case, as the form accepted before.
        return super().to_python(value).strip().upper()


class AmountField(forms.DecimalField):
    """An amount typed in the form; "-0" is zero (kept negative, it showed as "-€0.00")."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value.is_zero():
            value = value.copy_abs()
        return value


def _money_field(label, **kwargs) -> AmountField:
    return AmountField(
        label=label,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        min_value=ZERO,
        max_value=MAX_PRICE,
        error_messages={"min_value": _("Amounts cannot be negative.")},
        **kwargs,
    )


class OrderForm(forms.Form):
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_email = forms.EmailField(label=_("Customer e-mail"), max_length=254, required=False)
    customer_phone = forms.CharField(label=_("Customer phone"), max_length=40, required=False)

    billing_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    billing_street = forms.CharField(label=_("Address"), max_length=255, required=False)
    billing_postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    billing_city = forms.CharField(label=_("City"), max_length=120, required=False)
    billing_country = CountryField()
    same_as_billing = forms.BooleanField(label=_("Same as billing address"), required=False)
    shipping_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    shipping_street = forms.CharField(label=_("Address"), max_length=255, required=False)
    shipping_postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    shipping_city = forms.CharField(label=_("City"), max_length=120, required=False)
    shipping_country = CountryField()

    shipping_method = forms.CharField(label=_("Shipping method"), max_length=120, required=False)
    shipping_total = _money_field(_("Shipping cost"), initial=ZERO)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("billing_country", "shipping_country"):
            # A code stored before the list existed stays as it is unless changed.
            current = self.initial.get(name) or ""
            if current and not countries.name(current):
                self.fields[name].choices = [*self.fields[name].choices, (current, current)]

    # A business buyer, as its invoice names it.
    buyer_company = forms.CharField(label=_("Company"), max_length=200, required=False)
    buyer_siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    buyer_vat_number = forms.CharField(
        label=_("Intra-community VAT number"), max_length=40, required=False
    )
    delivery_date = forms.DateField(
        label=_("Date of delivery or service"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    operation_category = forms.ChoiceField(
        label=_("Category of operation"),
        choices=Order.OperationCategory.choices,
        initial=Order.OperationCategory.GOODS,
        required=False,
    )

    def clean_buyer_siren(self):
        return clean_siren(self.cleaned_data["buyer_siren"])

    def clean_buyer_vat_number(self):
        return clean_vat_number(self.cleaned_data["buyer_vat_number"])

    def clean_billing_country(self):
        return self.cleaned_data["billing_country"].upper()

    def clean_shipping_country(self):
        return self.cleaned_data["shipping_country"].upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("same_as_billing"):
            for part in ADDRESS_PARTS:
                cleaned[f"shipping_{part}"] = cleaned.get(f"billing_{part}", "")
        return cleaned


class EditOrderForm(OrderForm):
    # The order's version when the form was opened: a stale save is refused, not applied.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NewOrderForm(OrderForm):
    source = forms.ChoiceField(
        label=_("Order taken by"),
        choices=[(s.value, s.label) for s in MANUAL_SOURCES],
        initial=Order.Source.PHONE,
    )
    record_as_paid = forms.BooleanField(
        label=_("Record as paid"),
        required=False,
        help_text=_("The customer has already paid; the payment status will be “Paid”."),
    )


class CompactRowForm(forms.Form):
    """A formset row shown as a table row: Bootstrap classes on the bare widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class LineForm(CompactRowForm):
    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    name = forms.CharField(label=_("Product name"), max_length=255)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages={
            "invalid": _("Enter a positive whole number."),
            "min_value": _("Enter a positive whole number."),
        },
    )
    unit_price = _money_field(_("Unit price"))
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate"), coerce=Decimal, empty_value=None, required=False
    )

    def __init__(self, *args, vat_rates=FRENCH_VAT_RATES, default_rate=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["vat_rate"]
        # "—": no rate of its own, the order's taxes apply (orders taxed as a whole).
        field.choices = [("", "—"), *((str(rate), f"{rate} %") for rate in vat_rates)]
        field.initial = default_rate


class DiscountForm(CompactRowForm):
    label = forms.CharField(label=_("Label"), max_length=120)
    # An initial kind keeps a row added and left blank from counting as filled in.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OrderDiscount.Kind.choices, initial=OrderDiscount.Kind.FIXED
    )
    value = AmountField(
        label=_("Value"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0.01"))],
        max_value=MAX_PRICE,
        error_messages={"min_value": _("A discount must be more than zero.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OrderDiscount.Kind.PERCENT and cleaned.get("value", 0) > 100:
            self.add_error("value", _("A percentage cannot be more than 100 %."))
        return cleaned


class TaxForm(CompactRowForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OrderTax.Kind.choices, initial=OrderTax.Kind.RATE
    )
    value = AmountField(
        label=_("Value"),
        max_digits=14,
        decimal_places=3,
        min_value=ZERO,
        validators=[MaxValueValidator(MAX_PRICE)],
        error_messages={"min_value": _("A tax cannot be negative.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OrderTax.Kind.RATE and cleaned.get("value", 0) > 100:
            self.add_error("value", _("A rate cannot be more than 100 %."))
        return cleaned


LineFormSet = forms.formset_factory(
    LineForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
    can_delete=True,
)
DiscountFormSet = forms.formset_factory(
    DiscountForm, extra=0, max_num=20, validate_max=True, absolute_max=20, can_delete=True
)
TaxFormSet = forms.formset_factory(
    TaxForm, extra=0, max_num=20, validate_max=True, absolute_max=20, can_delete=True
)


def _kept_forms(formset) -> list[forms.Form]:
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _kept(formset) -> list[dict]:
    return [form.cleaned_data for form in _kept_forms(formset)]


class OrderFormBundle:
    """The order form and its three formsets, validated together."""

    def __init__(
        self,
        *,
        data=None,
        order: Order | None = None,
        new: bool = False,
        store: Store | None = None,
    ):
        form_class = NewOrderForm if new else EditOrderForm
        initial, lines, discounts, taxes = (
            _initial_from(order) if order else ({"same_as_billing": True}, [], [], [])
        )
        store = store or (order.store if order else None)
        rates = [str(rate) for rate in (store.vat_rate_choices if store else FRENCH_VAT_RATES)]
        rates += [line["vat_rate"] for line in lines if line["vat_rate"] not in (None, *rates)]
        # A new order, or one taxed per line, gets the store's usual rate on its new lines.
        per_line = order is None or any(line["vat_rate"] is not None for line in lines)
        if order is not None:
            self.scheme = {
                "prices_include_vat": order.prices_include_vat,
                "charges_vat": order.charges_vat,
                "shipping_vat_rate": order.shipping_vat_rate,
            }
        else:
            self.scheme = {
                "prices_include_vat": bool(store)
                and store.price_mode == Store.PriceMode.TAX_INCLUSIVE,
                "charges_vat": store.charges_vat if store else True,
                "shipping_vat_rate": None,
            }
        self.form = form_class(data=data, initial=initial)
        self.lines = LineFormSet(
            data=data,
            initial=lines,
            prefix="lines",
            form_kwargs={"vat_rates": rates, "default_rate": rates[0] if per_line else None},
        )
        self.discounts = DiscountFormSet(data=data, initial=discounts, prefix="discounts")
        self.taxes = TaxFormSet(data=data, initial=taxes, prefix="taxes")
        self.totals = None

    @property
    def parts(self):
        return (self.form, self.lines, self.discounts, self.taxes)

    def is_valid(self, *, currency: str) -> bool:
        """Validate everything; the totals are computed as soon as their own parts are valid,
        so a preview works before the customer is filled in."""
        valid = all([part.is_valid() for part in self.parts])
        money_parts_valid = (
            self.lines.is_valid()
            and self.discounts.is_valid()
            and self.taxes.is_valid()
            and "shipping_total" not in self.form.errors
        )
        if not money_parts_valid:
            return False
        try:
            self.totals = order_parts_validate(currency=currency, data=self.order_data())
        except AmountTooLarge as error:
            self._place_amount_error(error)
            return False
        except ValidationError as error:
            formset = self.discounts if error.code == "discount_too_large" else self.lines
            formset._non_form_errors.extend(error.messages)
            return False
        return valid

    def _place_amount_error(self, error: AmountTooLarge) -> None:
        """At the field that made the amount too large: the line's price, the discount's or
        the tax's value, the shipping cost; the subtotal and total above the lines."""
        rows = {"line": self.lines, "discount": self.discounts, "tax": self.taxes}
        if error.part == "shipping":
            self.form.add_error("shipping_total", error)
        elif error.part in rows and error.index is not None:
            kept = _kept_forms(rows[error.part])
            field = "unit_price" if error.part == "line" else "value"
            kept[error.index].add_error(field, error)
        else:
            self.lines._non_form_errors.extend(error.messages)

    @property
    def has_errors(self) -> bool:
        return self.form.is_bound and any(
            part.errors if part is self.form else (part.total_error_count() > 0)
            for part in self.parts
        )

    def add_error(self, error: ValidationError | str) -> None:
        self.form.add_error(None, error)

    def order_data(self) -> OrderData:
        cleaned = self.form.cleaned_data
        return OrderData(
            **{name: cleaned.get(name) or "" for name in EDITABLE_FIELDS if name not in DATED},
            **{
                "delivery_date": cleaned.get("delivery_date"),
                "operation_category": cleaned.get("operation_category")
                or Order.OperationCategory.GOODS,
            },
            **self.scheme,
            shipping_total=cleaned.get("shipping_total") or ZERO,
            lines=[
                LineData(
                    line_id=line.get("line_id"),
                    sku=line.get("sku", ""),
                    name=line["name"],
                    quantity=line["quantity"],
                    unit_price=line["unit_price"],
                    vat_rate=line.get("vat_rate"),
                )
                for line in _kept(self.lines)
            ],
            discounts=[
                DiscountData(label=d["label"], kind=d["kind"], value=d["value"])
                for d in _kept(self.discounts)
            ],
            taxes=[
                TaxData(name=t["name"], kind=t["kind"], value=t["value"]) for t in _kept(self.taxes)
            ],
        )


def _initial_from(order: Order):
    initial = {name: getattr(order, name) for name in EDITABLE_FIELDS}
    initial.update(shipping_total=order.shipping_total, version=order.version)
    initial["same_as_billing"] = all(
        getattr(order, f"billing_{part}") == getattr(order, f"shipping_{part}")
        for part in ADDRESS_PARTS
    )
    lines = [
        {
            "line_id": line.pk,
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_rate": None if line.vat_rate is None else f"{line.vat_rate.normalize():f}",
        }
        for line in order.lines.all()
    ]
    discounts = [
        {"label": d.label, "kind": d.kind, "value": d.value} for d in order.discounts.all()
    ]
    taxes = [{"name": t.name, "kind": t.kind, "value": t.value} for t in order.taxes.all()]
    return initial, lines, discounts, taxes
