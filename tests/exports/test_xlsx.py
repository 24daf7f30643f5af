"""The XLSX export read back with openpyxl, as a spreadsheet would show it."""

import io
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from exports.columns import COLUMN_KEYS
from exports.services import EXPORT_JOB
from mycommerce.models import Job
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/exports/orders/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_xlsx(client, **fields):
    data = {
        "format": "xlsx",
        "separator": "semicolon",
        "columns": list(COLUMN_KEYS),
        "layout": "lines",
        "decimal": "comma",
    }
    data.update(fields)
    return client.post(URL, data)


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row)) for row in rows[1:]]


def test_cells_are_typed_and_zeros_kept(staff_client, full_order):
    book = workbook_of(export_xlsx(staff_client))
    assert book.sheetnames == ["Orders", "Lines"]
    lines = book["Lines"]
    assert lines.max_column == len(COLUMN_KEYS)
    first, second = records(lines)

    assert first["Reference"].value == full_order.reference
    assert first["Number"].value == full_order.number
    assert first["Total"].value == pytest.approx(40.80)
    assert first["Total"].data_type == "n" and "€" in first["Total"].number_format
    assert first["Shipping"].value == pytest.approx(4.90)
    # The store's wall-clock time, as a real date.
    assert first["Date"].value == datetime(2026, 7, 15, 0, 30, 15)
    assert first["Date"].is_date and first["Date"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first["Order day"].value == datetime(2026, 7, 15)
    assert first["Order day"].number_format == "yyyy-mm-dd"
    assert first["Paid on"].value == datetime(2026, 7, 15, 10, 0)
    assert first["Shipped on"].value == datetime(2026, 7, 16, 15, 45)
    assert first["Refund date"].value == datetime(2026, 7, 21)
    assert first["Cancelled on"].value is None
    assert first["Last updated"].is_date

    # Text stays text: zeros, a leading "+", accents, a would-be formula.
    assert first["Billing postcode"].value == "01000"
    assert first["Shipping postcode"].data_type == "s"
    assert first["SKU"].value == "00123"
    assert first["Tracking number"].value == "00081234567"
    assert first["Phone"].value == "+33 6 12 34 56 78"
    assert first["Customer name"].value == "Hélène Lefèvre-Çağlar"
    assert second["SKU"].value == "=1+1" and second["SKU"].data_type == "s"
    assert second["Product name"].value == "Savon\nde Marseille"
    assert first["Product name"].value == 'Tasse "émaillée", bleue'

    assert (first["Quantity"].value, first["Unit price"].value) == (2, 14.5)
    assert first["Line total"].value == pytest.approx(29.0)
    assert first["Payment status"].value == "Partially refunded"
    assert first["Payment method"].value == "Carte bancaire"
    assert first["Shipping method"].value == "Colissimo"
    assert first["Discount codes"].value == "BIENVENUE10"
    assert first["Staff notes"].value == "Client fidèle"
    assert first["Refund reason"].value == "Savon cassé"
    assert first["Refunded amount"].value == pytest.approx(6.90)
    assert (first["Tax 1 name"].value, first["Tax 1 rate (%)"].value) == ("TVA 20 %", 20)
    assert first["Tax 1 amount"].value == pytest.approx(5.80)
    assert (first["Tax 2 rate (%)"].value, first["Tax 2 amount"].value) == (5.5, 0.38)
    # A fixed-amount tax has no rate.
    assert (first["Tax 3 name"].value, first["Tax 3 rate (%)"].value) == ("Écotaxe", None)


def test_orders_sheet_has_one_row_per_order_with_lines_summarised(staff_client, full_order):
    book = workbook_of(export_xlsx(staff_client))
    (row,) = records(book["Orders"])
    assert row["SKU"].value == "00123 | =1+1"
    assert row["Quantity"].value == 3
    assert row["Unit price"].value == "14,50 | 6,90"
    assert row["Line total"].value == pytest.approx(35.90)
    assert row["Total"].value == pytest.approx(40.80)


def test_header_frozen_filtered_and_columns_wide_enough(staff_client, full_order):
    book = workbook_of(export_xlsx(staff_client))
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
        assert sheet["A1"].font.bold
    lines = book["Lines"]
    widths = {
        lines.cell(1, index).value: lines.column_dimensions[
            lines.cell(1, index).column_letter
        ].width
        for index in range(1, lines.max_column + 1)
    }
    assert widths["Customer name"] >= len("Hélène Lefèvre-Çağlar")
    assert widths["Date"] >= len("2026-07-15 00:30:15")
    assert all(width <= 60 for width in widths.values())


def test_layout_orders_is_one_sheet_and_headers_speak_french(staff_client, full_order):
    staff_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    with translation.override("fr"):
        book = workbook_of(export_xlsx(staff_client, layout="orders"))
    assert book.sheetnames == ["Commandes"]
    (row,) = records(book["Commandes"])
    assert row["Statut du paiement"].value == "Partiellement remboursé"
    assert row["Jour de la commande"].value == datetime(2026, 7, 15)
    assert row["Taxe 2 : taux (%)"].value == 5.5


def test_chosen_columns_only_and_an_empty_export_has_its_header(staff_client, full_order):
    book = workbook_of(
        export_xlsx(staff_client, columns=["total", "reference"], payment_status="refunded")
    )
    assert book.sheetnames == ["Orders"]
    assert [cell.value for cell in book["Orders"][1]] == ["Reference", "Total"]
    assert book["Orders"].max_row == 1


def test_large_xlsx_exports_run_as_a_job(settings, staff_client, store, full_order):
    settings.EXPORTS_BACKGROUND_THRESHOLD = 1
    OrderFactory(store=store, customer_name="Zoé", billing_postcode="04000")
    response = export_xlsx(staff_client, columns=["customer_name", "billing_postcode", "total"])
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == EXPORT_JOB and job.status == Job.Status.DONE
    assert job.filename.endswith(".xlsx")
    download = staff_client.get(f"/jobs/{job.pk}/download/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = records(book["Orders"])
    assert [(r["Customer name"].value, r["Billing postcode"].value) for r in rows] == [
        ("Zoé", "04000"),
        ("Hélène Lefèvre-Çağlar", "01000"),
    ]


def test_text_that_is_not_xml_as_typed_is_still_read_back(staff_client, store):
    OrderFactory(
        store=store,
        customer_name="  <b>Léa & Cie</b>\x01 ",
        lines=[("A&B", "Savon <lavande>", 1, Decimal("3.00"))],
    )
    book = workbook_of(
        export_xlsx(staff_client, columns=["customer_name", "line_sku", "line_name"])
    )
    (row,) = records(book["Lines"])
    # Control characters cannot be in XML and go; spaces, markup and accents stay.
    assert row["Customer name"].value == "  <b>Léa & Cie</b> "
    assert (row["SKU"].value, row["Product name"].value) == ("A&B", "Savon <lavande>")


def test_a_full_sheet_goes_on_in_a_second_one_with_its_header(monkeypatch, staff_client, store):
    from exports import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)  # Excel's is 1,048,576 rows
    for index in range(3):
        OrderFactory(
            store=store, customer_name=f"Client {index}", lines=[("A", "a", 1, 1), ("B", "b", 1, 1)]
        )
    book = workbook_of(export_xlsx(staff_client, columns=["customer_name", "line_sku"]))
    assert book.sheetnames == ["Orders", "Lines", "Orders (2)", "Lines (2)", "Lines (3)"]
    lines = [records(book[name]) for name in ("Lines", "Lines (2)", "Lines (3)")]
    assert [len(rows) for rows in lines] == [2, 2, 2]
    assert [row["SKU"].value for rows in lines for row in rows] == ["A", "B"] * 3
    assert book["Lines (3)"].freeze_panes == "A2"
