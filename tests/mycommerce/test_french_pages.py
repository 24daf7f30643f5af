"""No English on a French page: every main page is rendered in English and in French, and no
text a person reads on the French page (text nodes, and the labels, titles and placeholders
of controls) may be one the English page shows, except data (names, SKUs, references,
numbers) and words both languages write alike."""

import re
from html.parser import HTMLParser
from pprint import pformat

import pytest
from django.test import Client

from invoices.models import Invoice
from mycommerce.roles import Role
from orders.carriers import CARRIERS, OTHER
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.main_pages import main_pages_data

pytestmark = pytest.mark.django_db

# Attributes whose text a person reads or hears.
READ_ATTRIBUTES = {
    "aria-label",
    "title",
    "placeholder",
    "alt",
    "data-selected-one",
    "data-selected-other",
}
# What French writes as English does, checked one by one: words of both languages, trade
# terms, the product's name, and each language's own name in the language menu.
SAME_IN_BOTH = {
    "France",
    "Total",
    "Date",
    "Menu",
    "Documents",
    "Taxes",
    "E-mail",
    "SKU",
    "PDF",
    "Logo",
    "SIREN",
    "SIRET",
    "A4",
    "Point (12.50)",
    "MyCOMMERCE",
    "Standard",
    "Starter",
    "English",
    "Français",
}


class ReadTexts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: set[str] = set()
        self.skipping = 0
        self.in_country_list = False

    def handle_starttag(self, tag, attrs):
        # Country names come from django-countries' own catalogue; many are the same words.
        country_list = tag == "select" and dict(attrs).get("name", "").endswith("country")
        if tag in ("script", "style") or country_list:
            self.skipping += 1
            self.in_country_list = self.in_country_list or country_list
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.add(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") or (tag == "select" and self.in_country_list):
            self.skipping -= 1
            self.in_country_list = self.in_country_list and tag != "select"

    def handle_data(self, data):
        if not self.skipping:
            self.add(data)

    def add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.texts.add(text)


def read_texts(html: str) -> set[str]:
    parser = ReadTexts()
    parser.feed(html)
    return parser.texts


def is_data(text: str, data: set[str]) -> bool:
    """Made only of the page's data (names, SKUs, references, addresses), numbers, amounts,
    dates and punctuation; or one of the texts both languages write alike."""
    if text in SAME_IN_BOTH:
        return True
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return not re.search(r"[^\W\d_]", text)


def english_left(client: Client, path: str, data: set[str], post: dict | None = None) -> set[str]:
    """The English texts of `path` (or of where posting `post` to it leads) left in French."""

    def render(language):
        client.cookies["django_language"] = language
        if post is None:
            return client.get(path)
        return client.post(path, post, follow=True)

    english, french = render("en"), render("fr")
    if post is not None:
        assert 'data-testid="skip-report"' in french.content.decode()
    assert english.status_code == french.status_code, path
    assert '<html lang="fr">' in french.content.decode(), path
    shared = read_texts(english.content.decode()) & read_texts(french.content.decode())
    return {text for text in shared if not is_data(text, data)}


def page_data(pages) -> set[str]:
    order, owner = pages.order, pages.owner
    data = {
        order.store.name,
        order.customer_name,
        order.customer_email,
        order.reference,
        owner.user.username,
        order.customer_phone,
        "Théo Lefèvre",
        # Carriers' trade names (orders/carriers.py), the same in both languages.
        *(str(carrier.name) for carrier in CARRIERS if carrier.code != OTHER),
        "6A12345678901",
        "Fidélité",
        "TVA",
        "Geste",
        "Appeler avant livraison",
        order.billing_street,
        order.billing_city,
        order.billing_country,
        *order.store.legal_address.splitlines(),
    }
    for line in order.lines.all():
        data |= {line.sku, line.name}
    for other in order.store.orders.all():
        data |= {other.reference, other.customer_name, other.customer_email}
    # Invoice numbers are data too.
    data |= set(Invoice.objects.filter(store=order.store).values_list("number", flat=True))
    return data


def test_no_english_text_on_any_french_main_page():
    pages = main_pages_data()
    data = page_data(pages)
    client = client_for(pages.owner)
    left = {name: english_left(client, path, data) for name, path in pages.paths().items()}
    left["login"] = english_left(Client(), "/accounts/login/", data)
    # A bulk change that skips an order: the messages and their skip report.
    bulk = {"action": "set_payment_status", "new_payment_status": "paid", "ids": [pages.order.pk]}
    left["bulk skip report"] = english_left(client, "/orders/", data, post=bulk)
    staff = MembershipFactory(store=pages.order.store, role=Role.STAFF)
    data.add(staff.user.username)
    left["role refusal"] = english_left(client_for(staff), "/settings/numbering/", data)
    leaks = {name: sorted(texts) for name, texts in left.items() if texts}
    assert not leaks, pformat(leaks, width=100)


def test_the_walk_sees_an_english_text_left_on_a_french_page():
    english = read_texts('<p>Orders</p><button aria-label="Close">×</button>')
    french = read_texts('<p>Commandes</p><button aria-label="Close">×</button>')
    assert {t for t in english & french if not is_data(t, set())} == {"Close"}
