"""The checks of French company numbers and EU VAT numbers (python-stdnum), shared by the
store settings and the buyer fields of an order. Each returns the number in its compact form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import get_cc_module
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
    """Optional; else a VAT number its country's rules accept (python-stdnum), with its
    country code first, kept in its compact form (FR40303265045)."""
    value = value.strip()
    if not value:
        return ""
    country = value[:2].lower()
    if country in vat.MEMBER_STATES or country == "el":
        module = vat
    else:
        module = get_cc_module(country, "vat") if country.isalpha() else None
    try:
        if module is None:
            raise NumberInvalid()
        number = module.validate(value)
    except NumberInvalid:
        raise ValidationError(
            _("Enter a valid VAT number, starting with its country code, such as FR40303265045."),
            code="invalid_vat_number",
        ) from None
    # Some countries' modules drop the country code (GB980780684 → 980780684): keep it.
    return number if number[:2].lower() == country else country.upper() + number
