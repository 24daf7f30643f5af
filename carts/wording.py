"""The reminders' default timing and words (French is the reference wording), and the
placeholders a merchant may use in their own words."""

import string

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# Hours after abandonment; the first reminder goes at abandonment, as Ecwid's.
DEFAULT_DELAYS = {1: 0, 2: 24, 3: 72}

DEFAULT_SUBJECTS = {
    1: gettext_lazy("Did you forget something?"),
    2: gettext_lazy("Your cart is still waiting for you"),
    3: gettext_lazy("Last reminder about your cart"),
}
DEFAULT_MESSAGES = {
    1: gettext_lazy(
        "Hello {customer_name},\n\n"
        "You left some items in your cart at {store_name}. We have kept them for you: "
        "all that is left is to confirm your order."
    ),
    2: gettext_lazy(
        "Hello {customer_name},\n\n"
        "The items in your cart are still available, but we cannot hold them forever. "
        "Your cart is one click away."
    ),
    3: gettext_lazy(
        "Hello {customer_name},\n\n"
        "This is our last message about your cart. If you have changed your mind, "
        "we will not write to you about it again."
    ),
}

PLACEHOLDERS = ("customer_name", "store_name")


def placeholders_check(text: str) -> None:
    """Refuse a text whose {placeholders} are not ours (or whose braces do not close)."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise ValidationError(
            _("Write placeholders as {customer_name} or {store_name}; braces must close."),
            code="placeholder",
        ) from error
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: {%(name)s}. Use {customer_name} or {store_name}.")
            % {"name": unknown[0]},
            code="placeholder",
        )


def fill_placeholders(text: str, *, customer_name: str, store_name: str) -> str:
    """The text with its placeholders replaced; a text that is not valid stays as written.
    Call it in the customer's language: a cart without a name reads "Hello there,"."""
    customer_name = customer_name or pgettext("greeting without a name", "there")
    try:
        return text.format(customer_name=customer_name, store_name=store_name)
    except (KeyError, ValueError, IndexError):
        return text


def step_words(step, *, language: str) -> tuple[str, str]:
    """(subject, message) of a ReminderStep in `language`: the merchant's, or the default."""
    subject = getattr(step, f"subject_{language}", "") or ""
    message = getattr(step, f"message_{language}", "") or ""
    with translation.override(language):
        return (
            subject or str(DEFAULT_SUBJECTS[step.step]),
            message or str(DEFAULT_MESSAGES[step.step]),
        )
