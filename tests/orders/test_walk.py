"""Defects from the walk of issue 12 on the order pages: the bulk skip report, the wording and
numbers in French, file names, which number is which."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.utils import translation

from invoices.services import Document, invoice_filename
from orders.models import Order, OrderTax
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.factories import OrderFactory
from tests.orders.editing.helpers import order_post_data

pytestmark = pytest.mark.django_db


def in_french(client):
    client.cookies["django_language"] = "fr"
    return client


def test_the_skip_report_lists_each_reason_once_with_links_to_its_orders(staff_client, store):
    refunded = [OrderFactory(store=store, payment_status=PaymentStatus.REFUNDED) for _ in range(2)]
    cancelled = OrderFactory(store=store, payment_status=PaymentStatus.CANCELLED)
    awaiting = OrderFactory(store=store)
    response = staff_client.post(
        "/orders/",
        {
            "action": "set_payment_status",
            "new_payment_status": PaymentStatus.PAID,
            "ids": [o.pk for o in [*refunded, cancelled, awaiting]],
        },
    )
    report = [m for m in get_messages(response.wsgi_request) if m.extra_tags == "skip-report"]
    assert len(report) == 1 and report[0].level_tag == "warning"
    html = str(report[0].message)
    assert "3 orders skipped:" in html
    reasons = re.findall(r'<li data-testid="skip-reason"><span>([^<]+)</span>', html)
    assert len(reasons) == 2  # the two refunded orders share one reason
    refunded_group = html[html.index(reasons[0]) : html.index(reasons[1])]
    for order in refunded:
        assert f'<a href="/orders/{order.pk}/" class="sku">{order.reference}</a>' in refunded_group
    assert f'href="/orders/{cancelled.pk}/"' in html[html.index(reasons[1]) :]
    # The list it goes back to shows it once, then it is gone.
    assert staff_client.get("/orders/").content.decode().count('data-testid="skip-report"') == 1
    assert 'data-testid="skip-report"' not in staff_client.get("/orders/").content.decode()


def test_the_skip_report_escapes_references(staff_client, store):
    odd = OrderFactory(
        store=store, number=9001, reference="<b>9001</b>", payment_status=PaymentStatus.REFUNDED
    )
    response = staff_client.post(
        "/orders/",
        {"action": "set_payment_status", "new_payment_status": "paid", "ids": [odd.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "&lt;b&gt;9001&lt;/b&gt;</a>" in html and "<b>9001</b>" not in html


def test_the_sort_options_read_in_french(staff_client):
    html = in_french(staff_client).get("/orders/").content.decode()
    select = html[html.index('id="id_sort"') : html.index("</select>", html.index('id="id_sort"'))]
    options = re.findall(r"<option[^>]*>([^<]+)</option>", select)
    assert options == [
        "Ordre par défaut (plus récentes d’abord)",
        "Date (plus anciennes d’abord)",
        "Date (plus récentes d’abord)",
        "Référence (croissante)",
        "Référence (décroissante)",
        "Client (de A à Z)",
        "Client (de Z à A)",
        "Total (croissant)",
        "Total (décroissant)",
    ]


def test_a_new_order_without_line_says_so_in_the_words_of_the_page(staff_client):
    data = order_post_data(customer_name="Camille Martin", lines=[])
    html = in_french(staff_client).post("/orders/new/", data).content.decode()
    assert "Une commande doit comporter au moins une ligne\u00a0: ajoutez un produit." in html
    assert "formulaire" not in html
    assert not Order.objects.exists()


def test_the_selection_count_has_a_singular_and_a_plural_from_the_server(staff_client):
    html = in_french(staff_client).get("/orders/").content.decode()
    assert 'data-selected-one="{count} sélectionnée"' in html
    assert 'data-selected-other="{count} sélectionnées"' in html
    assert "(s)" not in html
    script = (Path(settings.BASE_DIR) / "static" / "js" / "order-list.js").read_text()
    assert "selectedOne" in script and "Intl.PluralRules" in script


def test_the_french_catalogue_writes_its_apostrophes_one_way():
    path = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    straight = [
        message.id
        for message in catalogue
        if message.id
        and any(
            "'" in text for text in (message.string if message.pluralizable else [message.string])
        )
    ]
    assert straight == []
    with translation.override("fr"):
        assert str(FulfillmentStatus.READY_FOR_PICKUP.label) == "Prêt à l’enlèvement"


def test_the_demo_vat_reads_once_inside_the_total(db):
    """Demo prices include VAT: the order page says it after the total ("dont TVA"), once,
    and adds no tax row before it."""
    call_command("seed_demo", orders=3, stores=1)
    assert not OrderTax.objects.exists()
    client = Client()
    assert client.login(request=HttpRequest(), username="owner", password="demo-password-2026")
    order = Order.objects.first()
    html = in_french(client).get(f"/orders/{order.pk}/").content.decode()
    assert html.count(">dont TVA<") == 1 and ">Taxes<" not in html
    assert html.index('data-testid="order-total"') < html.index('data-testid="included-vat"')


def test_a_rate_shows_as_typed_in_the_edit_form(staff_client, store):
    order = OrderFactory(store=store)
    OrderTax.objects.create(order=order, name="TVA", kind="rate", value=Decimal("20.000"), amount=0)
    OrderTax.objects.create(
        order=order, name="Réduite", kind="rate", value=Decimal("5.500"), amount=0
    )
    html = staff_client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'name="taxes-0-value" value="20"' in html
    assert 'name="taxes-1-value" value="5.5"' in html
    assert 'name="lines-0-unit_price" value="10.00"' in html  # money keeps its cents
    assert "20.000" not in html


def test_counts_are_grouped_by_thousands_in_the_reader_language():
    call_command("seed_demo", orders=1005, stores=1)
    client = Client()
    assert client.login(request=HttpRequest(), username="owner", password="demo-password-2026")
    english = client.get("/orders/").content.decode()
    assert "1,005 orders" in english and "Select all 1,005 matching orders" in english
    french = in_french(client).get("/orders/").content.decode()
    assert re.search("1[\u00a0\u202f ]005 commandes", french)
    assert re.search("Sélectionner les 1[\u00a0\u202f ]005 commandes correspondantes", french)
    assert not re.search(r'data-testid="result-count">1005', french)


def test_pdf_file_names_are_in_the_reader_language(staff_client, store):
    order = OrderFactory(store=store, number=458, reference="458")
    with translation.override("fr"):
        # Not invoiced yet: it prints as a pro forma, never as a "facture".
        assert invoice_filename(document=Document.INVOICES, order=order) == "pro-forma-458.pdf"
        assert (
            invoice_filename(document=Document.PACKING_SLIPS, order=order)
            == "bon-de-livraison-458.pdf"
        )
        assert (
            invoice_filename(document=Document.BOTH, day=date(2026, 12, 1))
            == "factures-et-bons-de-livraison-2026-12-01.pdf"
        )
    with translation.override("en"):
        assert invoice_filename(document=Document.INVOICES, order=order) == "pro-forma-458.pdf"
        assert (
            invoice_filename(document=Document.PACKING_SLIPS, day=date(2026, 12, 1))
            == "packing-slips-2026-12-01.pdf"
        )


def test_the_order_page_says_which_number_is_which(staff_client, store):
    OrderFactory(store=store, id=1001, number=501, reference="MB-501")
    html = in_french(staff_client).get("/orders/1001/").content.decode()
    assert "<title>Commande MB-501 · MyCOMMERCE</title>" in html
    assert '<li class="breadcrumb-item active" aria-current="page">MB-501</li>' in html
    assert "Référence de la commande MB-501 · identifiant interne 1001" in html
    assert "Commande 1001" not in html and "n° 1001" not in html


def test_the_job_page_leads_back_to_the_orders(staff, staff_client, store):
    from exports.services import EXPORT_JOB
    from mycommerce.services import job_create

    job = job_create(store=store, user=staff.user, kind=EXPORT_JOB, params={}, total=1)
    html = in_french(staff_client).get(f"/jobs/{job.pk}/").content.decode()
    assert re.search(r'<a href="/orders/">.*Retour aux commandes</a>', html)
