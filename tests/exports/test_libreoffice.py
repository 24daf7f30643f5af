"""Our files opened by a real spreadsheet: LibreOffice Calc, headless, in French and in English.

A CSV is imported with the options LibreOffice's import dialog offers on a double-click in a
fresh profile (its Calc.xcs defaults: comma, semicolon and tab all ticked, `"` as text
delimiter, "Detect special numbers" and "Evaluate formulas" off, the language of the locale
setting), converted to XLSX and read back with openpyxl. Our XLSX is opened and saved again by
LibreOffice the same way. The locale is the profile's own setting, so no system locale is
needed.

Without `soffice` these tests are skipped on a developer's machine and fail in CI (CI=true):
`make test` installs libreoffice-calc-nogui (mycommerce/system.py).
"""

import io
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from exports.columns import COLUMN_KEYS
from mycommerce import system
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/exports/orders/"
# The import dialog's defaults, as CSV filter options: separators (comma, semicolon, tab),
# text delimiter, UTF-8, first line, no column types, the locale's language, quoted field as
# text, detect special numbers, (three export-only options), sheet, evaluate formulas.
DOUBLE_CLICK = "CSV:44/59/9,34,76,1,,0,false,false,false,false,false,-1,false"
# The same with "Detect special numbers" ticked, which dates with a time need in LibreOffice.
SPECIAL_NUMBERS = "CSV:44/59/9,34,76,1,,0,false,true,false,false,false,-1,false"
LOCALE_SETTING = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="session")
def soffice() -> str:
    path = shutil.which(system.SOFFICE)
    if path is None:
        message = f"LibreOffice's {system.SOFFICE} is not installed (libreoffice-calc-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run these tests: `make test` installs it.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def profiles(tmp_path_factory):
    """One LibreOffice user profile per locale, made once."""
    made: dict[str, Path] = {}

    def profile(locale: str) -> Path:
        if locale not in made:
            folder = tmp_path_factory.mktemp(f"libreoffice-{locale}")
            (folder / "user").mkdir()
            (folder / "user" / "registrymodifications.xcu").write_text(
                LOCALE_SETTING.format(locale=locale), encoding="utf-8"
            )
            made[locale] = folder
        return made[locale]

    return profile


def converted(soffice, profile: Path, files: list[Path], infilter: str | None) -> list[Path]:
    """The files as LibreOffice saves them in XLSX after opening them."""
    out = files[0].parent / f"converted-{len(list(files[0].parent.glob('converted-*')))}"
    command = [
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={profile.as_uri()}",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    results = [out / (path.stem + ".xlsx") for path in files]
    assert all(path.exists() for path in results), list(out.iterdir())
    return results


def download(client, tmp_path: Path, name: str, **fields) -> Path:
    data = {"columns": list(COLUMN_KEYS), **fields}
    response = client.post(URL, data)
    assert response.status_code == 200, response.content[:300]
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def records(path: Path) -> dict[str, list[dict]]:
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    sheets = {}
    for sheet in book:
        rows = [row for row in sheet.iter_rows() if any(cell.value is not None for cell in row)]
        headers = [cell.value for cell in rows[0]]
        sheets[sheet.title] = [dict(zip(headers, row)) for row in rows[1:]]
        # No cell past the header's width: no amount or address split in two.
        assert sheet.max_column == len(headers) == len(COLUMN_KEYS), sheet.title
    return sheets


FRENCH = {
    "language": "fr",
    "locale": "fr-FR",
    "csv": {"separator": "semicolon", "decimal": "comma"},
    "orders": "Commandes",
    "lines": "Lignes",
    "headers": {
        "reference": "Référence",
        "name": "Nom du client",
        "total": "Total",
        "day": "Jour de la commande",
        "date": "Date",
        "refund_day": "Date du remboursement",
        "quantity": "Quantité",
        "postcode": "Code postal de facturation",
        "sku": "SKU",
        "phone": "Téléphone",
        "rate": "Taxe 2 : taux (%)",
        "status": "Statut du paiement",
    },
    "status": "Partiellement remboursé",
}
ENGLISH = {
    "language": "en",
    "locale": "en-US",
    "csv": {"separator": "comma", "decimal": "point"},
    "orders": "Orders",
    "lines": "Lines",
    "headers": {
        "reference": "Reference",
        "name": "Customer name",
        "total": "Total",
        "day": "Order day",
        "date": "Date",
        "refund_day": "Refund date",
        "quantity": "Quantity",
        "postcode": "Billing postcode",
        "sku": "SKU",
        "phone": "Phone",
        "rate": "Tax 2 rate (%)",
        "status": "Payment status",
    },
    "status": "Partially refunded",
}


@pytest.fixture
def two_orders(store, full_order):
    OrderFactory(store=store, customer_name="Zoé Ärger", billing_postcode="04000")
    return full_order


@pytest.mark.parametrize("spoken", [FRENCH, ENGLISH], ids=["french", "english"])
def test_a_double_clicked_csv_keeps_columns_numbers_dates_and_accents(
    soffice, profiles, staff_client, two_orders, tmp_path, spoken
):
    order, h = two_orders, spoken["headers"]
    staff_client.post("/i18n/setlang/", {"language": spoken["language"], "next": "/"})
    with translation.override(spoken["language"]):
        files = [
            download(staff_client, tmp_path, f"{layout}.csv", layout=layout, **spoken["csv"])
            for layout in ("lines", "orders")
        ]
    lines_file, orders_file = converted(soffice, profiles(spoken["locale"]), files, DOUBLE_CLICK)
    (lines,) = records(lines_file).values()
    (orders,) = records(orders_file).values()
    assert len(lines) == 3 and len(orders) == 2

    for rows in (lines, orders):
        row = next(r for r in rows if r[h["name"]].value == "Hélène Lefèvre-Çağlar")
        # A plain number as reference reads as a number; the text is the same.
        assert str(row[h["reference"]].value) == order.reference
        assert row[h["status"]].value == spoken["status"]
        assert row[h["total"]].data_type == "n" and row[h["total"]].value == pytest.approx(40.8)
        assert row[h["rate"]].value == 5.5
        assert row[h["day"]].is_date and row[h["day"]].value == datetime(2026, 7, 15)
        assert row[h["refund_day"]].value == datetime(2026, 7, 21)
        # A CSV carries no types: LibreOffice reads the postcode as a number (why XLSX exists).
        assert row[h["postcode"]].value == 1000
    first_line = next(r for r in lines if r[h["name"]].value == "Hélène Lefèvre-Çağlar")
    assert first_line[h["quantity"]].value == 2
    assert first_line[h["sku"]].value == 123
    assert "Zoé Ärger" in [row[h["name"]].value for row in orders]

    # A date with its time needs "Detect special numbers" in LibreOffice (Excel reads it as is).
    (special,) = converted(soffice, profiles(spoken["locale"]), files[:1], SPECIAL_NUMBERS)
    (rows,) = records(special).values()
    assert rows[0][h["date"]].is_date
    assert datetime(2026, 7, 15, 0, 30, 15) in [row[h["date"]].value for row in rows]


@pytest.mark.parametrize("spoken", [FRENCH, ENGLISH], ids=["french", "english"])
def test_our_xlsx_opened_in_libreoffice_keeps_types_zeros_and_accents(
    soffice, profiles, staff_client, two_orders, tmp_path, spoken
):
    order, h = two_orders, spoken["headers"]
    staff_client.post("/i18n/setlang/", {"language": spoken["language"], "next": "/"})
    with translation.override(spoken["language"]):
        files = [
            download(staff_client, tmp_path, f"{layout}.xlsx", layout=layout, format="xlsx")
            for layout in ("lines", "orders")
        ]
    lines_file, orders_file = converted(soffice, profiles(spoken["locale"]), files, None)
    lines_book = records(lines_file)
    assert list(lines_book) == [spoken["orders"], spoken["lines"]]
    assert list(records(orders_file)) == [spoken["orders"]]

    lines = lines_book[spoken["lines"]]
    assert len(lines) == 3 and len(lines_book[spoken["orders"]]) == 2
    row = next(r for r in lines if r[h["reference"]].value == order.reference)
    assert row[h["name"]].value == "Hélène Lefèvre-Çağlar"
    assert lines[-1][h["sku"]].value == "=1+1"  # text, never a formula
    assert row[h["postcode"]].value == "01000"
    assert row[h["sku"]].value == "00123"
    assert row[h["phone"]].value == "+33 6 12 34 56 78"
    assert row[h["total"]].data_type == "n" and row[h["total"]].value == pytest.approx(40.8)
    assert row[h["date"]].value == datetime(2026, 7, 15, 0, 30, 15)
    assert row[h["day"]].value == datetime(2026, 7, 15)
    assert row[h["rate"]].value == 5.5
    assert "€" in row[h["total"]].number_format


def test_the_test_setup_installs_libreoffice_where_it_is_missing(monkeypatch):
    from mycommerce import system

    which = shutil.which
    monkeypatch.setattr(
        system.shutil, "which", lambda name: None if name == "soffice" else which(name)
    )
    monkeypatch.setattr(system, "_debian_like", lambda: True)
    monkeypatch.setattr(system.os, "geteuid", lambda: 0)
    asked: list[list[str]] = []
    monkeypatch.setattr(
        system, "_apt_install", lambda needs: asked.append([n.package for n in needs]) or False
    )
    # `make test` runs `python3 -m mycommerce.system --install --browser`; `make run` no --browser.
    assert system.main(["--install", "--browser"]) == 1
    assert asked == [["libreoffice-calc-nogui"]]
    asked.clear()
    assert system.main(["--install"]) == 0
    assert asked == []


@pytest.mark.parametrize("ci, outcome", [("true", "1 error"), ("", "1 skipped")])
def test_without_libreoffice_ci_fails_where_a_developer_skips(ci, outcome):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"{__file__}::test_our_xlsx_opened_in_libreoffice_keeps_types_zeros_and_accents[french]",
            "-q",
            "-p",
            "no:randomly",
        ],
        env={**os.environ, "SOFFICE": "/absent/soffice", "CI": ci},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert outcome in done.stdout, done.stdout[-2000:]
    assert done.returncode == (1 if ci else 0)
    if ci:
        assert "CI must run these tests" in done.stdout
