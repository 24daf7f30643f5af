"""The database writes the cells of the order's and line's own columns (PostgreSQL those of
the CSV and the XLSX, SQLite those of the CSV): the file (CSV, or each part of the XLSX) must be
byte for byte the one Python writes from the raw values."""

import random
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from exports import database_cells
from exports.columns import COLUMN_KEYS
from exports.selectors import export_selection
from exports.services import ExportOptions, export_csv_chunks, export_xlsx_write
from orders.models import Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

TRICKY = [
    '=HYPERLINK("http://x")',
    "+33 6 12 34 56 78",
    "-12,5",
    "@SUM(A1)",
    "\tTab",
    "\rReturn",
    'Tasse "émaillée"\nbleue',
    "",
    "Ça coûte 5 € 🙂",
    "a;b,c\td",
    "'déjà cité",
]


@pytest.fixture
def tricky_orders(store):
    orders = []
    for index, text in enumerate(TRICKY):
        order = OrderFactory(
            store=store,
            customer_name=text or "x",
            customer_phone=text,
            billing_street=text,
            shipping_postcode="01000" if index % 2 else text[:20],
            tracking_number=text,
            payment_method=text,
            buyer_company=text,
            # Microseconds dropped; both sides of the autumn change of time in Paris.
            created_at=datetime(2026, 10, 25, 0, 59, 59, 999999, tzinfo=UTC)
            + timedelta(minutes=10 * index),
            payment_status=["paid", "awaiting_payment", "cancelled", "refunded"][index % 4],
            source=[s for s, _ in Order.Source.choices][index % 4],
            shipping_total=Decimal("1234567.05") if index == 1 else Decimal("0"),
            lines=[(text, text or "y", index, Decimal("0.10")), ("00123", "Savon", 1, Decimal(7))]
            if index % 3
            else [(text, "Seul", 1, Decimal("19.99"))],
        )
        orders.append(order)
    # An amount a refund could leave negative, and an order without lines.
    Order.objects.filter(pk=orders[2].pk).update(discount_total=Decimal("-5.00"))
    orders[3].lines.all().delete()
    return orders


def _options(**options) -> ExportOptions:
    values = {
        "separator": "semicolon",
        "columns": list(COLUMN_KEYS),
        "layout": "lines",
        "bom": True,
        "decimal": "comma",
        **options,
    }
    return ExportOptions(**values)


def export_bytes(store, **options) -> bytes:
    chosen = export_selection(store=store, selection={})
    return b"".join(
        export_csv_chunks(
            store=store,
            queryset=chosen.queryset,
            options=_options(**options),
            language="fr",
            batch_size=4,
        )
    )


def xlsx_parts(store, path, **options) -> dict[str, bytes]:
    chosen = export_selection(store=store, selection={})
    export_xlsx_write(
        path=path,
        store=store,
        queryset=chosen.queryset,
        options=_options(format="xlsx", **options),
        language="fr",
        batch_size=4,
    )
    with zipfile.ZipFile(path) as package:
        # The workbook and its sheets; docProps/ holds the time it was written.
        return {name: package.read(name) for name in package.namelist() if name.startswith("xl/")}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"decimal": "point", "separator": "comma"},
        {"separator": "tab", "layout": "orders"},
        {"columns": ["reference", "date", "line_sku", "line_unit_price"], "decimal": "point"},
        {"columns": ["notes", "customer_name", "paid_at", "total"], "layout": "orders"},
    ],
)
def test_the_database_writes_the_very_cells_python_writes(
    monkeypatch, store, tricky_orders, options
):
    written = export_bytes(store, **options)
    monkeypatch.setattr(database_cells, "DATABASE_VENDORS", frozenset())
    assert written == export_bytes(store, **options)
    # Where the database writes them, they are still neutralised and quoted.
    if not options:
        text = written.decode("utf-8-sig")
        assert '"\'=HYPERLINK(""http://x"")"' in text
        assert '"\'+33 6 12 34 56 78"' in text and '"-5,00"' in text
        # 00:59:59 UTC is 02:59:59 summer time, 01:09:59 UTC 02:09:59 winter time.
        assert '"2026-10-25 02:59:59"' in text and '"2026-10-25 02:09:59"' in text


@pytest.mark.parametrize(
    "options",
    [{}, {"layout": "orders"}, {"columns": ["notes", "customer_name", "paid_at", "total"]}],
)
def test_the_database_writes_the_very_xlsx_cells_python_writes(
    monkeypatch, tmp_path, store, tricky_orders, options
):
    written = xlsx_parts(store, tmp_path / "database.xlsx", **options)
    monkeypatch.setattr(database_cells, "DATABASE_VENDORS", frozenset())
    assert written == xlsx_parts(store, tmp_path / "python.xlsx", **options)
    if connection.vendor == "postgresql" and not options:
        lines = written["xl/worksheets/sheet2.xml"].decode()
        assert '<t>=HYPERLINK("http://x")</t>' in lines  # a text, never a formula
        assert "<t>Ça coûte 5 € 🙂</t>" in lines and '<t xml:space="preserve">\tTab</t>' in lines
        assert "<v>-5.00</v>" in lines


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Paris",
        "America/New_York",
        "Australia/Lord_Howe",  # half an hour of summer time
        "America/Sao_Paulo",  # no summer time since 2019
        "Pacific/Apia",  # skipped 30 December 2011
        "Asia/Kolkata",
        "UTC",
    ],
)
def test_sqlite_finds_the_store_wall_clock_time_python_finds(zone):
    """Each second either side of every change of offset from 1970 to 2100, and times at
    random, read by SQLite (which knows no time zones) as Python reads them."""
    changes = [since for since, _ in database_cells._offset_changes(zone)]
    times = [since + timedelta(seconds=step) for since in changes[1:] for step in (-1, 0, 1)]
    draw = random.Random(zone)
    times += [
        datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=draw.randrange(130 * 365 * 86400))
        for _ in range(500)
    ]
    texts = [moment.strftime("%Y-%m-%d %H:%M:%S.%f") for moment in times]
    offset = database_cells.sqlite_utc_offset(zone).format("at")
    with sqlite3.connect(":memory:") as database:
        database.execute("CREATE TABLE times (at TEXT)")
        database.executemany("INSERT INTO times VALUES (?)", [(text,) for text in texts])
        read = [row[0] for row in database.execute(f"SELECT datetime(at, {offset}) FROM times")]
    tz = ZoneInfo(zone)
    assert read == [moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") for moment in times]
    if zone == "Europe/Paris":  # summer time since 1976, to the second
        assert len(changes) == 1 + 2 * (2100 - 1976)
        assert changes[-1] == datetime(2099, 10, 25, 1, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_reading_ahead_in_a_thread_gives_the_same_file(monkeypatch, store):
    """Outside a transaction the next batch is read by a thread of its own."""
    from exports import cells

    for index in range(9):
        OrderFactory(store=store, customer_name=f"=Client {index}")
    monkeypatch.setattr(cells, "READ_AHEAD_VENDORS", frozenset({connection.vendor}))
    threads = []
    real_read_ahead = cells.read_ahead
    monkeypatch.setattr(
        cells, "read_ahead", lambda items: threads.append(1) or real_read_ahead(items)
    )
    ahead = export_bytes(store)
    monkeypatch.setattr(cells, "READ_AHEAD_VENDORS", frozenset())
    assert threads and ahead == export_bytes(store)
    assert ahead.count(b"\r\n") == 1 + 9 * 1  # the header, one line per order


def test_read_ahead_keeps_the_order_passes_errors_and_stops_when_abandoned():
    import threading

    from exports.cells import read_ahead

    assert list(read_ahead(iter(range(50)))) == list(range(50))

    def failing():
        yield 1
        raise ValueError("the database went away")

    items = read_ahead(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="went away"):
        next(items)

    produced = []

    def endless():
        while True:
            produced.append(1)
            yield len(produced)

    items = read_ahead(endless())
    assert next(items) == 1
    items.close()  # the consumer gives up (a download cancelled): the producer ends too
    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]
    assert len(produced) <= 4
