from decimal import Decimal

from django import template
from django.utils.translation import gettext

from mycommerce.money import format_money
from mycommerce.plans import lowest_plan_with, upgrade_message
from mycommerce.roles import role_refusal_message

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    if amount is None or amount == "":
        return ""
    return format_money(Decimal(amount), currency)


@register.filter
def elided_pages(paginator, number: int):
    """The page numbers of a list around page `number` (includes/pagination.html)."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


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


@register.inclusion_tag("includes/plan_locked.html")
def plan_locked(feature: str, label: str = "", icon: str = "", banner: bool = False) -> dict:
    """A feature the store's plan lacks: a disabled control (or a banner) naming the plan
    that unlocks it, with a link to the plans."""
    return {
        "label": label,
        "icon": icon,
        "banner": banner,
        "message": upgrade_message(feature),
        "plan": lowest_plan_with(feature),
        "feature": feature,
    }


@register.inclusion_tag("includes/role_refused.html")
def role_refused(permission: str, label: str = "", icon: str = "", banner: bool = False) -> dict:
    """An action the member's role may not do: a disabled control (or a banner) naming the
    roles that may; a role refusal never offers a plan."""
    return {
        "label": label,
        "icon": icon,
        "banner": banner,
        "message": role_refusal_message(permission),
        "permission": permission,
    }
