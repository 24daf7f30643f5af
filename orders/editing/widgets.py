"""Widgets of the order form's pages that the form module does not set itself."""

from decimal import Decimal

from django import forms


def decimal_plain(value: Decimal) -> str:
    """A fixed-point value without its trailing zeros: 20.000 is "20", 5.500 is "5.5"."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


class PlainDecimalInput(forms.NumberInput):
    """A number input that shows a stored rate as a person writes it (20, not 20.000)."""

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            value = decimal_plain(value)
        return super().format_value(value)
