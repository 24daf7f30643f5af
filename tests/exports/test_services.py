import csv
import io
from decimal import Decimal

import pytest

from exports.columns import COLUMN_KEYS
from exports.csv_file import neutralise
from exports.services import ExportOptions, export_csv_chunks
from orders.selectors import order_queryset_for_store
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-2 rue Basse", "'-2 rue Basse"),
        ("@import", "'@import"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Camille = Martin", "Camille = Martin"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_prefixed(typed, shown):
    assert neutralise(typed) == shown


def options(**overrides) -> ExportOptions:
    values = {
        "separator": "comma",
        "columns": list(COLUMN_KEYS),
        "layout": "lines",
        "bom": False,
        "decimal": "point",
    }
    return ExportOptions(**{**values, **overrides})


def test_small_batches_give_the_same_file_in_several_chunks(store):
    for index in range(7):
        OrderFactory(
            store=store,
            customer_name=f"Client {index}",
            lines=[
                (f"A-{index}", "Article A", 1, Decimal("1.50")),
                (f"B-{index}", "Article B", index + 1, Decimal("2.00")),
            ],
        )
    queryset = order_queryset_for_store(store=store)
    whole = list(
        export_csv_chunks(store=store, queryset=queryset, options=options(), language="en")
    )
    small = list(
        export_csv_chunks(
            store=store, queryset=queryset, options=options(), language="en", batch_size=3
        )
    )
    assert len(small) > len(whole)
    assert b"".join(small) == b"".join(whole)
    rows = list(csv.DictReader(io.StringIO(b"".join(small).decode(), newline="")))
    assert len(rows) == 14
    assert [row["SKU"] for row in rows[:4]] == ["A-0", "B-0", "A-1", "B-1"]
    assert rows[-1]["Quantity"] == "7" and rows[-1]["Line total"] == "14.00"


def test_numbers_stay_numbers_even_negative_looking_text_is_neutralised(store):
    OrderFactory(
        store=store,
        customer_name="-Moi",
        discount_total=Decimal("5.00"),
        lines=[("=1+1", "@Bougie", 3, Decimal("24.00"))],
    )
    text = b"".join(
        export_csv_chunks(
            store=store,
            queryset=order_queryset_for_store(store=store),
            options=options(separator="tab", decimal="comma"),
            language="en",
        )
    ).decode()
    row = next(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    assert (row["Customer name"], row["SKU"], row["Product name"]) == ("'-Moi", "'=1+1", "'@Bougie")
    assert (row["Discount"], row["Total"], row["Quantity"]) == ("5,00", "67,00", "3")


@pytest.mark.parametrize(
    "separator, delimiter", [("comma", ","), ("semicolon", ";"), ("tab", "\t")]
)
def test_every_cell_is_quoted_exactly_as_csv_writer_would(store, separator, delimiter):
    OrderFactory(
        store=store,
        customer_name='Zoé "la Reine"; Dupont,\tfils',
        lines=[
            ("", "Tasse\nbleue", 1, Decimal("3.00")),
            ("B;2", 'Bol "XL", rouge', 2, Decimal("4.00")),
        ],
    )
    text = b"".join(
        export_csv_chunks(
            store=store,
            queryset=order_queryset_for_store(store=store),
            options=options(
                separator=separator, columns=["reference", "customer_name", "line_sku", "line_name"]
            ),
            language="en",
        )
    ).decode()
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert rows[1][1:] == ['Zoé "la Reine"; Dupont,\tfils', "", "Tasse\nbleue"]
    assert rows[2][2:] == ["B;2", 'Bol "XL", rouge']
    again = io.StringIO()
    csv.writer(again, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(
        rows
    )
    assert text == again.getvalue()
    assert text.startswith(delimiter.join(['"Reference"', '"Customer name"']))
