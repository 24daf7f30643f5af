from decimal import Decimal

from django.utils import translation

from mycommerce.templatetags.mycommerce import colon, money


def test_labels_take_the_colon_of_the_language():
    with translation.override("en"):
        assert colon("Carrier") == "Carrier:"
    with translation.override("fr"):
        assert colon("Transporteur") == "Transporteur\u00a0:"


def test_money_is_formatted_for_the_language_and_currency():
    with translation.override("fr"):
        assert money(Decimal("1234.5"), "EUR") == "1\u202f234,50\xa0€"
    with translation.override("en"):
        assert money(Decimal("1234.5"), "EUR") == "€1,234.50"
        assert money(None) == ""
