"""The export's rows come in the list's order: its sort, then the primary key."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exports.selectors import export_selection
from exports.services import ExportOptions, export_csv_chunks
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/exports/orders/"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop(store):
    """Five orders whose sorts all differ, and ties on the total."""
    specs = [
        ("Camille", Decimal("30.00"), 3),
        ("Arthur", Decimal("10.00"), 1),
        ("Zoé", Decimal("30.00"), 5),
        ("Élodie", Decimal("20.00"), 2),
        ("Bruno", Decimal("30.00"), 4),
    ]
    return {
        name: OrderFactory(
            store=store,
            customer_name=name,
            created_at=START + timedelta(days=day),
            lines=[("SKU", "Article", 1, total)],
        )
        for name, total, day in specs
    }


def names(response) -> list[str]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["Customer name"] for row in csv.DictReader(io.StringIO(text, newline=""))]


def post(client, **fields):
    data = {"separator": "comma", "columns": ["customer_name", "total"], "layout": "orders"}
    return client.post(URL, {**data, "decimal": "point", **fields})


def test_export_all_follows_the_list_sort(staff_client, shop):
    assert names(post(staff_client)) == ["Zoé", "Bruno", "Camille", "Élodie", "Arthur"]
    assert names(post(staff_client, sort="date")) == ["Arthur", "Élodie", "Camille", "Bruno", "Zoé"]
    # Equal totals: the primary key breaks the tie, in the sort's direction.
    assert names(post(staff_client, sort="-total")) == [
        "Bruno",
        "Zoé",
        "Camille",
        "Élodie",
        "Arthur",
    ]
    assert names(post(staff_client, sort="total", total_min="15")) == [
        "Élodie",
        "Camille",
        "Zoé",
        "Bruno",
    ]


def test_ticked_orders_follow_the_list_sort(staff_client, shop):
    ids = [str(shop[name].pk) for name in ("Zoé", "Arthur", "Camille")]
    assert names(post(staff_client, ids=ids)) == ["Zoé", "Camille", "Arthur"]
    assert names(post(staff_client, ids=ids, sort="customer")) == ["Arthur", "Camille", "Zoé"]
    assert names(post(staff_client, ids=ids, sort="nonsense")) == ["Zoé", "Camille", "Arthur"]


@pytest.mark.parametrize("sort", ["-total", "total", "customer", "-date", "-total,customer"])
def test_batches_neither_repeat_nor_skip_an_order(store, shop, sort):
    """Each batch starts right after the last row of the one before, ties included."""
    for index in range(7):
        OrderFactory(store=store, customer_name=f"Client {index}", created_at=START)
    for index in range(3):  # now, to the microsecond
        OrderFactory(store=store, customer_name=f"Client {index} bis")
    chosen = export_selection(store=store, selection={"sort": [sort]})
    options = ExportOptions(
        separator="comma", columns=["customer_name"], layout="orders", bom=False, decimal="point"
    )

    def exported(batch_size: int) -> list[str]:
        chunks = export_csv_chunks(
            store=store,
            queryset=chosen.queryset,
            options=options,
            language="en",
            batch_size=batch_size,
        )
        text = b"".join(chunks).decode()
        return [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]

    expected = list(chosen.queryset.values_list("customer_name", flat=True))
    assert len(expected) == 15
    assert exported(2) == exported(5) == exported(100) == expected
