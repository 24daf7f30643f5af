"""What the CSV and XLSX writers share: raw database values read as typed values (dates in the
store's time zone, rates, labels), and the batches of orders with their lines grouped.

Values arrive as the database gives them (see exports/related.py `raw_rows`): datetimes as text
on SQLite and as aware datetimes on PostgreSQL, amounts as int/float on SQLite and Decimal on
PostgreSQL, booleans as 0/1 or True/False.
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from queue import Empty, Queue
from threading import Event, Thread
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import QuerySet

from exports.columns import Column, Kind
from exports.models import DecimalMark
from exports.selectors import export_row_batches
from orders.models import Order
from orders.statuses import FulfillmentStatus, PaymentStatus

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Bound on the caches of formatted values, so memory stays flat on any catalogue.
CACHE_LIMIT = 20_000
LIST_SEPARATOR = " | "


def local_datetime_reader(tz_name: str) -> Callable[[object], datetime | None]:
    """A raw UTC datetime as the store's wall-clock time (naive), to the second. The last
    value is kept: the date and the day of an order read the same one in a row."""
    tz = ZoneInfo(tz_name)
    last: list = [None, None]

    def read(value) -> datetime | None:
        if value is last[0]:
            return last[1]
        if value is None or value == "":
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            local = tz.fromutc(moment.replace(tzinfo=tz, microsecond=0))
        else:
            local = moment.astimezone(tz).replace(microsecond=0)
        last[:] = value, local.replace(tzinfo=None)
        return last[1]

    return read


def local_date_reader(tz_name: str) -> Callable[[object], date | None]:
    read_datetime = local_datetime_reader(tz_name)

    def read(value) -> date | None:
        moment = read_datetime(value)
        return None if moment is None else moment.date()

    return read


def money_text(decimal: str) -> Callable[[object], str]:
    """An amount as text with two decimals and the chosen mark ("" for none). Decimal
    (PostgreSQL) or int/float holding 2 decimals (SQLite): both print exactly."""
    comma = decimal == DecimalMark.COMMA

    def money(value) -> str:
        if value is None:
            return ""
        text = format(value, ".2f")
        return text.replace(".", ",") if comma else text

    return money


def rate_text(value) -> str:
    """A rate as people write it: 20, 5.5, 2.1 (no trailing zeros)."""
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def labels_of(kind: str) -> dict[str, str]:
    """The translated labels of a kind of coded column, in the active language."""
    choices = {
        Kind.PAYMENT_STATUS: PaymentStatus.choices,
        Kind.FULFILLMENT_STATUS: FulfillmentStatus.choices,
        Kind.SOURCE: Order.Source.choices,
    }[kind]
    return {value: str(label) for value, label in choices}


LABEL_KINDS = (Kind.PAYMENT_STATUS, Kind.FULFILLMENT_STATUS, Kind.SOURCE)


def bounded_cache(function: Callable) -> Callable:
    """Memoise a one-argument function of repetitive values (prices, statuses, countries)."""
    cache: dict = {}

    def cached(value):
        try:
            return cache[value]
        except KeyError:
            if len(cache) > CACHE_LIMIT:
                cache.clear()
            result = cache[value] = function(value)
            return result

    return cached


def split_columns(columns: list[Column]) -> tuple[list[Column], list[Column]]:
    return [c for c in columns if not c.per_line], [c for c in columns if c.per_line]


def order_batches(
    *,
    queryset: QuerySet[Order],
    order_columns: list[Column],
    line_columns: list[Column],
    batch_size: int,
    line_annotations: dict | None = None,
) -> Iterator[tuple[list[tuple], dict[int, list[tuple]]]]:
    """Batches of order rows (one value per order column, then the pk) in the export's order,
    with each order's line rows (one value per line column). On PostgreSQL, outside a
    transaction, the next batch is read while the caller writes this one."""

    def batches():
        for order_rows, line_rows in export_row_batches(
            queryset=queryset,
            order_columns=order_columns,
            line_fields=[c.field for c in line_columns],
            batch_size=batch_size,
            line_annotations=line_annotations,
        ):
            lines_by_order: dict[int, list[tuple]] = {}
            for line in line_rows:
                lines_by_order.setdefault(line[-1], []).append(line[:-1])
            yield order_rows, lines_by_order

    database = connections[queryset.db]
    # Inside a transaction another connection would not see its rows (tests, for one).
    if database.vendor in READ_AHEAD_VENDORS and not database.in_atomic_block:
        return read_ahead(batches())
    return batches()


# The server works on the next batch (and writes its cells) while Python joins this one's;
# SQLite works in this process: a thread of its own only made it wait on Python's lock (an
# export at a million orders 15 % slower).
READ_AHEAD_VENDORS = frozenset({"postgresql"})


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def read_ahead(items: Iterator) -> Iterator:
    """`items` produced by a thread (with its own database connection) one item ahead of the
    consumer: at most two are held besides the one in hand, so memory stays flat."""
    done = object()
    handoff: Queue = Queue(maxsize=1)
    stopped = Event()

    def produce() -> None:
        try:
            for item in items:
                if stopped.is_set():
                    return
                handoff.put(item)
            handoff.put(done)
        except BaseException as error:  # handed to the consumer, raised there
            handoff.put(_Failed(error))
        finally:
            connections.close_all()  # this thread's own connections only

    thread = Thread(target=produce, name="export-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := handoff.get()) is not done:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stopped.set()
        while thread.is_alive():  # a producer blocked on a full queue: let it see the stop
            try:
                handoff.get(timeout=0.05)
            except Empty:
                pass
        thread.join()
