"""Benchmark: what the export's tracking link column costs. N shipped orders (carrier codes of
orders/carriers.py) are read by `export_row_batches` with every order column (as a default
export), then with the shipping columns alone, each without and with the tracking link (one
more query per batch of 5,000 and a URL per order), alternated and repeated in the same run;
each figure is the best of its runs; the peak memory is traced in a run of its own.

    BENCH_TRACKING_ORDERS=50000 (default; 5,000 in the quick run, tests/benchmarks/sizes.py)
    BENCH_REPEAT=3 (default)
    .venv/bin/python -m pytest tests/benchmarks/test_tracking_export.py -s -o addopts=""
"""

import os
import time
import tracemalloc

import pytest

from exports.columns import COLUMN_KEYS, COLUMNS_BY_KEY, columns_for_keys
from exports.selectors import export_row_batches
from orders.models import Order
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.benchmarks import report
from tests.benchmarks.sizes import quick_default
from tests.factories import StoreFactory

ORDERS = int(quick_default("BENCH_TRACKING_ORDERS", "50000", "5000"))
REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
NUMBERS = {
    "colissimo": "6A{:011d}",
    "mondial_relay": "{:08d}",
    "dpd": "{:014d}",
    "ups": "1Z999AA1{:010d}",
}
# Every column of an order (timeline dates, refunds, notes, discounts, taxes read per batch, as
# a default export does), without the link; then the shipping columns alone, the worst case.
EVERY = [key for key in COLUMN_KEYS if key != "tracking_url" and not COLUMNS_BY_KEY[key].per_line]
SHIPPING = ["reference", "carrier", "tracking_number"]


def _seed(store) -> None:
    codes = list(NUMBERS)
    rows = []
    for number in range(1, ORDERS + 1):
        code = codes[number % len(codes)]
        rows.append(
            Order(
                store=store,
                number=number,
                reference=str(number),
                customer_name=f"Client {number}",
                shipping_postcode="75002",
                payment_status=PaymentStatus.PAID,
                fulfillment_status=FulfillmentStatus.SHIPPED,
                carrier_code=code,
                carrier=code,
                tracking_number=NUMBERS[code].format(number),
            )
        )
    Order.objects.bulk_create(rows, batch_size=5000)


def _rows(keys: list[str]) -> int:
    rows = 0
    for order_rows, _lines in export_row_batches(
        queryset=Order.objects.order_by("pk"), order_columns=columns_for_keys(keys), line_fields=[]
    ):
        rows += len(order_rows)
    return rows


def _read(keys: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = _rows(keys)
    return time.perf_counter() - started, rows


def _peak_mb(keys: list[str]) -> float:
    """Traced apart: tracemalloc slows every allocation, so the timed runs go untraced."""
    tracemalloc.start()
    _rows(keys)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


@pytest.mark.django_db
def test_the_tracking_link_column_costs_little():
    _seed(StoreFactory(name="Banc d’essai"))
    for label, baseline in (("every column", EVERY), ("shipping columns", SHIPPING)):
        runs: dict[str, list[tuple[float, int]]] = {"without": [], "with link": []}
        for _ in range(REPEAT):  # alternated: a slow moment of the machine hits both
            runs["without"].append(_read(baseline))
            runs["with link"].append(_read([*baseline, "tracking_url"]))
        best = {name: min(figures) for name, figures in runs.items()}
        keys = {"without": baseline, "with link": [*baseline, "tracking_url"]}
        for name, (seconds, rows) in best.items():
            peak = _peak_mb(keys[name])
            print(
                f"{label:<17} {name:<10} {rows:>8,} orders {seconds:>6.2f} s "
                f"{rows / seconds:>9,.0f}/s peak {peak:>5.1f} MB"
            )
        ratio = best["with link"][0] / best["without"][0]
        print(f"{label}: the tracking link costs {ratio:.2f}x the time without it")
        report.record(
            "export",
            f"rows of {label}, with the tracking link column",
            unit="s",
            orders=ORDERS,
            ours=[seconds for seconds, _rows in runs["with link"]],
            baselines={"without it": [seconds for seconds, _rows in runs["without"]]},
            # A link built in Python per tracked order: at most a quarter more on the
            # whole export (the shipping columns alone are a handful of cheap cells).
            goal=report.Goal("without it", at_most=1.25) if label == "every column" else None,
        )
        assert best["with link"][1] == best["without"][1] == ORDERS
