"""Template helpers of the order form (orders/editing): how its fields and errors read."""

from django import forms, template

from orders.editing.widgets import PlainDecimalInput

register = template.Library()

# Past the cents, a value is a rate or a quantity: its trailing zeros say nothing.
MONEY_DECIMAL_PLACES = 2


@register.filter
def plain_decimal(bound_field):
    """The field's input; a decimal with more places than money drops its trailing zeros."""
    field = bound_field.field
    if isinstance(field, forms.DecimalField) and (field.decimal_places or 0) > MONEY_DECIMAL_PLACES:
        return bound_field.as_widget(widget=PlainDecimalInput(attrs=field.widget.attrs))
    return bound_field.as_widget()


@register.filter
def formset_errors(formset, too_few: str = "") -> list[str]:
    """The formset's own errors; Django's "Please submit at least 1 form." is said as the page
    says it (`too_few`), since "form" means nothing to the person filling it in."""
    messages = []
    for error in formset.non_form_errors().as_data():
        if too_few and error.code == "too_few_forms":
            messages.append(too_few)
        else:
            messages.extend(error.messages)
    return messages
