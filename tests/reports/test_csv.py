"""The report's CSV download: its tables through the exports' writer, in the separator and
decimal mark of the member's exports."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from exports.models import DecimalMark, ExportSettings, Layout, Separator
from exports.writers import CsvFormat, csv_cell, csv_text
from orders.statuses import PaymentStatus
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/reports/report.csv"
MARCH = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31", "granularity": "week"}


def sections(response, delimiter) -> dict[str, list[list[str]]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(
        csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    )
    found, title = {}, None
    for i, row in enumerate(rows):
        if i and not rows[i - 1] and row:
            title = row[0]
            found[title] = []
        elif title and row:
            found[title].append(row)
    return found


@pytest.fixture
def sales(store):
    OrderFactory(
        store=store,
        created_at=datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris")),
        payment_status=PaymentStatus.PAID,
        shipping_total=Decimal("4.90"),
        lines=[("=CMD", '=HYPERLINK("http://x")', 3, Decimal("411.52"))],
    )


def test_french_store_defaults_to_semicolons_and_decimal_commas(staff_client, sales):
    response = staff_client.get(URL, MARCH)
    assert response["Content-Disposition"] == 'attachment; filename="report-20260301-20260331.csv"'
    found = sections(response, ";")
    figures = {row[0]: row[1:] for row in found["Figures"][1:]}
    assert figures["Gross sales"] == ["1234,56", "0,00", "1234,56", ""]
    assert figures["Total sales"][0] == "1239,46"
    assert figures["Orders"] == ["1", "0", "1", ""]
    timeline = found["Sales over time"]
    assert timeline[0][:2] == ["Week", "Orders"]
    assert timeline[2][0] == "2026-03-02/2026-03-08"
    assert timeline[-1][0] == "Total" and timeline[-1][2] == "1234,56"
    # Formula-looking text is neutralised, as in the order export.
    products = found["Sales by product"]
    assert products[1][:3] == ["'=CMD", '\'=HYPERLINK("http://x")', "3"]
    assert {"Sales by source", "Sales by country", "Top products by net sales"} <= set(found)


def test_the_member_s_remembered_export_settings_apply(staff, staff_client, sales):
    ExportSettings.objects.create(
        user=staff.user,
        store=staff.store,
        separator=Separator.TAB,
        columns=[],
        layout=Layout.LINES,
        decimal=DecimalMark.POINT,
    )
    found = sections(staff_client.get(URL, MARCH), "\t")
    figures = {row[0]: row[1:] for row in found["Figures"][1:]}
    assert figures["Gross sales"][0] == "1234.56"


def test_csv_in_french(staff_client, sales):
    staff_client.cookies["django_language"] = "fr"
    found = sections(staff_client.get(URL, MARCH), ";")
    figures = {row[0]: row[1:] for row in found["Chiffres"][1:]}
    assert figures["Ventes brutes"][0] == "1234,56"
    assert found["Ventes par origine"][1][0] == "Boutique en ligne"


def test_bad_input_gives_the_form_not_a_file(staff_client):
    response = staff_client.get(URL, MARCH | {"end": "2026-02-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "The last day is before the first day." in response.content.decode()


def test_writer_cells():
    assert csv_cell(Decimal("-12.50"), decimal=DecimalMark.COMMA) == "-12,50"
    assert csv_cell(Decimal("1234.5"), decimal=DecimalMark.POINT) == "1234.5"
    assert csv_cell(7, decimal=DecimalMark.COMMA) == "7"
    assert csv_cell(None, decimal=DecimalMark.COMMA) == ""
    assert csv_cell("+33 6 12", decimal=DecimalMark.COMMA) == "'+33 6 12"
    text = csv_text(
        [["a;b", Decimal("1.50")], []],
        csv_format=CsvFormat(separator=Separator.SEMICOLON, decimal=DecimalMark.COMMA, bom=False),
    )
    # Every cell quoted, as the export's: LibreOffice's double-click would split "1,50" otherwise.
    assert text == '"a;b";"1,50"\r\n\r\n'
