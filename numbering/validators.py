"""What a prefix, a suffix or a typed number may contain, shared by the form and the service."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AFFIX_MAX_LENGTH = 20
INVOICE_PREFIX_MAX_LENGTH = 10
AFFIX_SYMBOLS = "-_/.#"
ASCII_DIGITS = "0123456789"
# Leaves room in the reference column (64) for two affixes and the digits.
MAX_NUMBER = 999_999_999_999_999
# A typed whole number: ASCII digits only (int() would also read "٣" or "５").
ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+(\.0*)?\s*", re.ASCII)


def validate_affix(value: str) -> None:
    if len(value) > AFFIX_MAX_LENGTH:
        raise ValidationError(
            _("Use at most %(limit)s characters.") % {"limit": AFFIX_MAX_LENGTH}, code="max_length"
        )
    if any(char.isspace() for char in value):
        raise ValidationError(
            _("Remove the spaces: use only letters, digits and - _ / . #"), code="spaces"
        )
    # Search and numbering read only 0-9 as digits: "²", "٣" or "５" would not be one.
    other_digit = next((c for c in value if c.isnumeric() and c not in ASCII_DIGITS), None)
    if other_digit is not None:
        raise ValidationError(
            _("Use only the digits 0 to 9: “%(character)s” is not one of them.")
            % {"character": other_digit},
            code="non_ascii_digit",
        )
    if any(not (char.isalpha() or char in ASCII_DIGITS or char in AFFIX_SYMBOLS) for char in value):
        raise ValidationError(
            _("Use only letters, digits and - _ / . #"), code="invalid_characters"
        )
