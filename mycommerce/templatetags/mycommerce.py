from decimal import Decimal

from django import template
from django.utils.translation import gettext

from mycommerce.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    if amount is None or amount == "":
        return ""
    return format_money(Decimal(amount), currency)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (or removed when None/'')."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def colon(label: str) -> str:
    """“Label:” as the language writes it (French puts a no-break space before the colon)."""
    return gettext("%(label)s:") % {"label": label}
