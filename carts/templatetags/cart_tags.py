from babel.numbers import format_decimal
from django import template
from django.utils.translation import gettext

from mycommerce.money import babel_locale

register = template.Library()


@register.filter
def percent(rate: float | None, digits: int = 1) -> str:
    """0.125 → "12.5%" (French: "12,5 %"); no rate (nothing to divide by) → "—"."""
    if rate is None:
        return "—"
    number = format_decimal(
        round(rate * 100, digits), format="#,##0." + "0" * digits, locale=babel_locale()
    )
    return gettext("%(number)s%%") % {"number": number}


@register.filter
def points(value: float | None) -> str:
    """A difference of rates in percentage points, with its sign: "+3.2 pts"."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    number = format_decimal(round(abs(value), 1), format="#,##0.0", locale=babel_locale())
    return gettext("%(sign)s%(number)s pts") % {"sign": sign, "number": number}
