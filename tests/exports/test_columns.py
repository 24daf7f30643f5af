"""The columns an accountant asks for, in the CSV, and the picker's groups."""

import csv
import io
import re

import pytest

from exports.columns import COLUMN_KEYS, GROUPS, column_groups
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/exports/orders/"
DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def csv_rows(client, **fields) -> list[dict]:
    data = {"separator": "semicolon", "columns": list(COLUMN_KEYS), "layout": "lines"}
    data.update({"decimal": "comma", **fields})
    response = client.post(URL, data)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_payment_shipping_refund_notes_and_dates_from_the_timeline(staff_client, full_order):
    first, second = csv_rows(staff_client)
    assert first["Payment method"] == "Carte bancaire"
    assert first["Shipping method"] == "Colissimo"
    assert first["Discount codes"] == "BIENVENUE10"
    assert first["Staff notes"] == "Client fidèle"
    # The store's wall-clock time (Paris, summer), as spreadsheets read a date and time.
    assert first["Date"] == "2026-07-15 00:30:15"
    assert first["Order day"] == "2026-07-15"
    assert first["Paid on"] == "2026-07-15 10:00:00"
    assert first["Shipped on"] == "2026-07-16 15:45:00"
    assert first["Cancelled on"] == ""
    assert (first["Refund date"], first["Refund reason"]) == ("2026-07-21", "Savon cassé")
    assert first["Refunded amount"] == "6,90"
    assert DATETIME.fullmatch(first["Last updated"])
    # Order columns repeat on each line row.
    assert second["Paid on"] == first["Paid on"] and second["SKU"] == "'=1+1"


def test_each_tax_in_its_slot_with_its_rate_and_amount(staff_client, full_order):
    (row,) = csv_rows(staff_client, layout="orders")
    assert [row[f"Tax {n} name"] for n in (1, 2, 3)] == ["TVA 20 %", "TVA 5,5 %", "Écotaxe"]
    assert [row[f"Tax {n} rate (%)"] for n in (1, 2, 3)] == ["20", "5,5", ""]
    assert [row[f"Tax {n} amount"] for n in (1, 2, 3)] == ["5,80", "0,38", "1,00"]


def test_an_order_without_timeline_or_taxes_has_empty_cells(staff_client, store):
    OrderFactory(store=store)
    (row,) = csv_rows(staff_client, decimal="point")
    for header in ("Paid on", "Shipped on", "Refund date", "Staff notes", "Tax 1 name"):
        assert row[header] == ""


def test_a_cancelled_order_has_its_cancellation_date(staff, staff_client, store):
    from orders.services import order_set_payment_status

    order = OrderFactory(store=store)
    order_set_payment_status(membership=staff, order=order, status="cancelled")
    (row,) = csv_rows(staff_client, columns=["reference", "cancelled_at"])
    assert DATETIME.fullmatch(row["Cancelled on"])


def test_every_group_of_the_issue_and_every_column_in_one_group():
    assert [group.key for group in GROUPS] == [
        "order",
        "customer",
        "addresses",
        "payment",
        "shipping",
        "lines",
        "taxes",
        "invoices",
    ]
    shown = column_groups()
    assert sorted(key for _, columns in shown for key in (c.key for c in columns)) == sorted(
        COLUMN_KEYS
    )
    # Every group has its columns: the picker shows no empty group.
    assert "invoices" in [group.key for group, _ in shown]


def test_the_picker_shows_groups_with_a_box_for_the_whole_group(staff_client, store):
    staff_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = staff_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for key, label in (("payment", "Paiement"), ("taxes", "Taxes"), ("addresses", "Adresses")):
        assert f'data-column-group="{key}"' in page
        assert f'data-group-toggle="{key}"' in page and label in page
    for header in ("Moyen de paiement", "Payée le", "Taxe 1 : taux (%)", "Codes de remise"):
        assert header in page
