"""What a prefix or suffix may contain, shared by the form and the service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AFFIX_MAX_LENGTH = 20
AFFIX_SYMBOLS = "-_/.#"
ASCII_DIGITS = "0123456789"
# Leaves room in the reference column (64) for two affixes and the digits.
MAX_NUMBER = 999_999_999_999_999


def validate_affix(value: str) -> None:
    if len(value) > AFFIX_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(limit)s characters.") % {"limit": AFFIX_MAX_LENGTH}, code="max_length"
        )
    if any(char.isspace() for char in value):
        raise ValidationError(
            _("Remove the spaces: use only letters, digits and - _ / . #"), code="spaces"
        )
    if any(not (char.isalnum() or char in AFFIX_SYMBOLS) for char in value):
        raise ValidationError(
            _("Use only letters, digits and - _ / . #"), code="invalid_characters"
        )
