import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from exports.columns import COLUMN_KEYS
from exports.models import ExportSettings
from exports.services import EXPORT_JOB
from mycommerce.models import Job
from mycommerce.plans import Plan
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrderFactory

pytestmark = pytest.mark.django_db

URL = "/exports/orders/"
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def export(client, follow=False, **fields):
    data = {
        "separator": "comma",
        "columns": list(COLUMN_KEYS),
        "layout": "lines",
        "decimal": "point",
    }
    data.update(fields)
    return client.post(URL, data, follow=follow)


def content_of(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8")


def parse(text: str, separator: str = "comma") -> list[dict]:
    text = text.removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=SEPARATORS[separator]))


def row_of(rows: list[dict], order, key="Reference") -> dict:
    return next(row for row in rows if row[key] == order.reference)


@pytest.fixture
def orders(store):
    paid = OrderFactory(
        store=store,
        customer_name="Hélène Lefèvre",
        payment_status=PaymentStatus.PAID,
        fulfillment_status=FulfillmentStatus.SHIPPED,
        carrier="Colissimo",
        tracking_number="8R123",
        shipping_total=Decimal("4.90"),
        created_at=datetime(2026, 7, 14, 22, 30, tzinfo=UTC),
        lines=[
            ("TAS-1", 'Tasse "émaillée", bleue', 2, Decimal("14.50")),
            ("SAV-2", "Savon\nde Marseille", 1, Decimal("6.90")),
        ],
    )
    waiting = OrderFactory(store=store, customer_name='=HYPERLINK("http://x")')
    return paid, waiting


@pytest.mark.parametrize("separator", ["comma", "semicolon", "tab"])
@pytest.mark.parametrize("layout", ["lines", "orders"])
def test_each_separator_and_layout_parses_back(staff_client, orders, separator, layout):
    paid, waiting = orders
    rows = parse(content_of(export(staff_client, separator=separator, layout=layout)), separator)

    expected_rows = 3 if layout == "lines" else 2
    assert len(rows) == expected_rows
    by_ref = {}
    for row in rows:
        by_ref.setdefault(row["Reference"], []).append(row)
    first = by_ref[paid.reference][0]
    assert first["Customer name"] == "Hélène Lefèvre"
    assert first["Total"] == "40.80"
    assert first["Shipping"] == "4.90"
    assert first["Carrier"] == "Colissimo"
    if layout == "lines":
        assert [r["SKU"] for r in by_ref[paid.reference]] == ["TAS-1", "SAV-2"]
        assert by_ref[paid.reference][0]["Product name"] == 'Tasse "émaillée", bleue'
        assert by_ref[paid.reference][1]["Product name"] == "Savon\nde Marseille"
        assert by_ref[paid.reference][0]["Quantity"] == "2"
        assert by_ref[paid.reference][0]["Unit price"] == "14.50"
        assert by_ref[paid.reference][0]["Line total"] == "29.00"
    else:
        assert first["SKU"] == "TAS-1 | SAV-2"
        assert first["Quantity"] == "3"
        assert first["Line total"] == "35.90"


def test_headers_statuses_and_dates_follow_language_and_store_timezone(staff_client, orders):
    paid, _waiting = orders
    rows = parse(content_of(export(staff_client)))
    assert list(rows[0])[:6] == [
        "Reference",
        "Number",
        "Date",
        "Order day",
        "Payment status",
        "Fulfillment status",
    ]
    row = row_of(rows, paid)
    assert row["Payment status"] == "Paid"
    assert row["Fulfillment status"] == "Shipped"
    # 22:30 UTC on 14 July is 00:30 the next day in Paris (summer time), written as
    # LibreOffice and Excel recognise a date and time; the day alone where a date is meant.
    assert row["Date"] == "2026-07-15 00:30:00"
    assert row["Order day"] == "2026-07-15"

    staff_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    with translation.override("fr"):
        rows = parse(content_of(export(staff_client)))
    assert list(rows[0])[:6] == [
        "Référence",
        "Numéro",
        "Date",
        "Jour de la commande",
        "Statut du paiement",
        "Statut de traitement",
    ]
    row = row_of(rows, paid, key="Référence")
    assert row["Statut du paiement"] == "Commande payée"
    assert row["Statut de traitement"] == "Expédié"


def test_bom_decimal_comma_leading_zeros_and_formula_neutralised(staff_client, orders):
    text = content_of(export(staff_client, separator="semicolon", decimal="comma"))
    assert text.startswith("\ufeff")
    rows = parse(text, "semicolon")
    row = row_of(rows, orders[0])
    assert row["Total"] == "40,80"
    assert row["Unit price"] == "14,50"
    assert row["Billing postcode"] == "01000"
    assert row["Quantity"] == "2"
    attacker = next(r for r in rows if "HYPERLINK" in r["Customer name"])
    assert attacker["Customer name"] == '\'=HYPERLINK("http://x")'
    assert attacker["Total"] == "20,00"

    no_bom = content_of(export(staff_client, bom="0"))
    assert not no_bom.startswith("\ufeff")
    assert no_bom.startswith('"Reference",')


def test_a_script_that_omits_bom_gets_it(staff_client, orders):
    assert content_of(export(staff_client)).startswith("\ufeff")


def test_only_the_chosen_columns_in_registry_order(staff_client, orders):
    text = content_of(export(staff_client, columns=["total", "reference", "line_sku"]))
    rows = parse(text)
    assert list(rows[0]) == ["Reference", "Total", "SKU"]


def test_selection_exports_only_ticked_orders_and_reports_other_stores(
    staff_client, store, orders, other_store
):
    paid, waiting = orders
    theirs = OrderFactory(store=other_store, customer_name="Secret Lyon")
    response = export(staff_client, ids=[str(waiting.pk), str(theirs.pk)], layout="orders")
    rows = parse(content_of(response))
    assert [r["Reference"] for r in rows] == [waiting.reference]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("not found in this store" in m for m in messages)


def test_export_all_honours_the_list_filters(staff_client, orders):
    paid, waiting = orders
    response = staff_client.post(
        URL,
        {
            "payment_status": "paid",
            "separator": "comma",
            "columns": ["reference"],
            "layout": "orders",
            "decimal": "point",
        },
    )
    assert [r["Reference"] for r in parse(content_of(response))] == [paid.reference]


def test_select_all_matching_with_filters(staff_client, orders):
    paid, waiting = orders
    response = export(
        staff_client,
        select_all="1",
        payment_status="awaiting_payment",
        columns=["reference"],
        layout="orders",
    )
    assert [r["Reference"] for r in parse(content_of(response))] == [waiting.reference]


def test_an_empty_result_is_a_header_only_file_with_a_message(staff_client, orders):
    response = export(staff_client, payment_status="refunded", columns=["reference", "total"])
    text = content_of(response)
    assert text.removeprefix("\ufeff") == '"Reference","Total"\r\n'
    assert any("column headers only" in str(m) for m in response.wsgi_request._messages)


def test_the_form_from_the_list_keeps_the_selection(staff_client, orders):
    paid, waiting = orders
    response = staff_client.post(URL, {"ids": [str(paid.pk)]})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="ids" value="{paid.pk}"' in page
    assert "1 selected order will be exported" in page
    # French store defaults: semicolon and decimal comma, every column ticked.
    form = response.context["form"]
    assert form.initial["separator"] == "semicolon"
    assert form.initial["decimal"] == "comma"
    assert form.initial["columns"] == list(COLUMN_KEYS)


def test_the_form_from_export_all_keeps_the_filters(staff_client, orders):
    response = staff_client.get(URL, {"payment_status": "paid", "q": "Hélène"})
    page = response.content.decode()
    assert 'name="payment_status" value="paid"' in page
    assert "1 order matches the list" in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("separator", "pipe", "Unknown separator"),
        ("layout", "pivot", "Unknown layout"),
        ("decimal", "dot", "Unknown decimal mark"),
        ("columns", ["reference", "password"], "Unknown column"),
    ],
)
def test_bad_choices_are_refused_at_the_field(staff_client, orders, field, value, message):
    response = export(staff_client, **{field: value})
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not ExportSettings.objects.exists()


def test_an_empty_column_choice_is_refused(staff_client, orders):
    response = staff_client.post(URL, {"separator": "comma", "layout": "lines"})
    assert "Choose at least one column." in response.content.decode()


def test_settings_are_remembered_per_user_and_store(staff, staff_client, store, orders):
    content_of(export(staff_client, separator="tab", columns=["reference", "total"], bom="0"))
    form = staff_client.get(URL).context["form"]
    assert form.initial == {
        "format": "csv",
        "separator": "tab",
        "columns": ["reference", "total"],
        "layout": "lines",
        "bom": False,
        "decimal": "point",
    }
    colleague = client_for(MembershipFactory(store=store))
    assert colleague.get(URL).context["form"].initial["separator"] == "semicolon"
    elsewhere = MembershipFactory(user=staff.user, store__language="en", store__plan=Plan.FREE)
    assert ExportSettings.objects.filter(user=staff.user).count() == 1
    assert elsewhere.store != store


def test_another_store_export_never_leaks(staff_client, other_store, orders):
    OrderFactory(store=other_store, customer_name="Secret Lyon")
    text = content_of(export(staff_client))
    assert "Secret Lyon" not in text


def test_english_store_defaults(db):
    client = client_for(MembershipFactory(store__language="en"))
    initial = client.get(URL).context["form"].initial
    assert (initial["separator"], initial["decimal"]) == ("comma", "point")


def test_large_exports_run_as_a_job(settings, staff_client, store, orders):
    settings.EXPORTS_BACKGROUND_THRESHOLD = 1
    OrderFactory(store=store, customer_name="Third")
    response = export(staff_client, columns=["reference", "customer_name"], layout="orders")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == EXPORT_JOB and job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total) == (3, 3)

    download = staff_client.get(f"/jobs/{job.pk}/download/")
    rows = parse(b"".join(download.streaming_content).decode())
    # Newest first, as the list shows them.
    assert [r["Customer name"] for r in rows][0] == "Third"
    assert len(rows) == 3


def test_query_count_does_not_grow_with_orders(staff_client, store):
    def queries_for_an_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            content_of(export(staff_client))
        return len(queries)

    OrderFactory(store=store)
    queries_for_an_export()  # the first one creates the remembered settings
    with_one = queries_for_an_export()
    for _ in range(30):
        OrderFactory(store=store)
    # Related rows (timeline, refunds, notes, discounts, taxes, VAT per rate, invoice numbers)
    # are read once per batch.
    assert queries_for_an_export() == with_one <= 25


def test_export_needs_sign_in(client, orders):
    response = client.get(URL)
    assert response.status_code == 302


def test_a_background_export_reports_and_skips_other_stores_ids(
    settings, staff_client, store, orders, other_store
):
    settings.EXPORTS_BACKGROUND_THRESHOLD = 1
    paid, waiting = orders
    theirs = OrderFactory(store=other_store, customer_name="Secret Lyon")
    response = export(
        staff_client,
        ids=[str(paid.pk), str(waiting.pk), str(theirs.pk)],
        columns=["reference", "customer_name"],
        layout="orders",
        follow=True,
    )
    job = Job.objects.get()
    assert "not found in this store" in response.content.decode()
    text = b"".join(staff_client.get(f"/jobs/{job.pk}/download/").streaming_content).decode()
    assert "Secret Lyon" not in text
    assert len(parse(text)) == 2


def test_invalid_filters_are_reported_on_the_page(staff_client, orders):
    response = staff_client.get(URL, {"total_min": "lots"})
    assert response.status_code == 200
    assert "The filters are not valid" in response.content.decode()


def test_select_all_from_the_list_shows_the_form_with_its_filters(staff_client, orders):
    response = staff_client.post(URL, {"select_all": "1", "payment_status": "paid"})
    page = response.content.decode()
    assert 'name="select_all" value="1"' in page
    assert 'name="payment_status" value="paid"' in page
    assert "1 selected order will be exported" in page


def test_a_user_of_no_store_is_refused(db):
    from django.http import HttpRequest
    from django.test import Client

    from tests.factories import PASSWORD, UserFactory

    client = Client()
    assert client.login(request=HttpRequest(), username=UserFactory().username, password=PASSWORD)
    assert client.get(URL).status_code == 403


def test_the_page_speaks_french(staff_client, orders):
    staff_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = staff_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Exporter les commandes" in page
    assert "Point-virgule ( ; )" in page
    assert "Nom du client" in page
    assert "Toutes les commandes (2) seront exportées." in page
    response = staff_client.post(URL, {"separator": "pipe", "columns": ["reference"]})
    assert "Séparateur inconnu « pipe »." in response.content.decode()
