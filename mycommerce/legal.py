"""The checks of French company numbers and EU VAT numbers (python-stdnum), shared by the
store settings and the buyer fields of an order. Each returns the number in its compact form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as NumberInvalid
from stdnum.fr import siren, siret


def clean_siren(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return siren.validate(value)
    except NumberInvalid:
        raise ValidationError(
            _("Enter a SIREN of 9 digits, as on the Kbis extract (e.g. 732 829 320)."),
            code="siren",
        ) from None


def clean_siret(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return siret.validate(value)
    except NumberInvalid:
        raise ValidationError(
            _("Enter a SIRET of 14 digits: the SIREN then the establishment's 5 digits."),
            code="siret",
        ) from None


def clean_vat_number(value: str) -> str:
    """An intra-community VAT number, its country code first (FR44732829320)."""
    if not value.strip():
        return ""
    try:
        return vat.validate(value)
    except NumberInvalid:
        raise ValidationError(
            _(
                "This VAT number is not valid: check its country code and digits "
                "(e.g. FR44732829320)."
            ),
            code="vat_number",
        ) from None
