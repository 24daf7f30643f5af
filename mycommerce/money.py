"""Money shown to people: Babel formats it for the language and the currency."""

from decimal import Decimal

from babel.numbers import format_currency
from django.utils import translation

BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def babel_locale(language: str | None = None) -> str:
    language = (language or translation.get_language() or "en").split("-")[0]
    return BABEL_LOCALES.get(language, "en_GB")


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    return format_currency(amount, currency, locale=babel_locale(language))
