"""The report's tables, built once for the page (each cell's text, in the reader's language) and
for the CSV download (each cell's raw value)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import Order
from orders.statuses import FulfillmentStatus, PaymentStatus
from reports import formatting
from reports.figures import Amounts, Change
from reports.periods import Granularity
from reports.rules import COUNTED_PAYMENT_STATUSES
from reports.selectors import PeriodReport, ProductRow, Report

TOP = 10
# Longer tables scroll within the page.
LONG_TABLE = 20


@dataclass(frozen=True)
class Cell:
    raw: object  # what the CSV gets: Decimal, int, str or None
    text: str  # what the page shows
    numeric: bool = False


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    footer: list[Cell] | None = None

    @property
    def long(self) -> bool:
        return len(self.rows) > LONG_TABLE


def _text(value: str) -> Cell:
    return Cell(value, value)


class Formats:
    """Cells of each kind of value, for one currency."""

    def __init__(self, currency: str):
        self.currency = currency

    def money(self, value: Decimal | None) -> Cell:
        return Cell(value, formatting.money(value, self.currency), True)

    def signed_money(self, value: Decimal | None) -> Cell:
        return Cell(value, formatting.signed_money(value, self.currency), True)

    def count(self, value) -> Cell:
        return Cell(value, formatting.number(value), True)

    def signed_count(self, value) -> Cell:
        return Cell(value, formatting.signed_number(value), True)

    def share(self, value: Decimal | None) -> Cell:
        # The CSV gets percent figures (12.5), as the header says.
        raw = None if value is None else (value * 100).quantize(Decimal("0.01"))
        return Cell(raw, formatting.percent(value), True)

    def signed_share(self, value: Decimal | None) -> Cell:
        raw = None if value is None else (value * 100).quantize(Decimal("0.01"))
        return Cell(raw, formatting.signed_percent(value), True)


# Each figure of the overview: its key, label, how to read it from a period, and its kind.
FIGURES: tuple[tuple[str, object, Callable[[PeriodReport], object], str], ...] = (
    ("gross", gettext_lazy("Gross sales"), lambda p: p.totals.gross, "money"),
    ("discounts", gettext_lazy("Discounts"), lambda p: p.totals.discounts, "money"),
    ("refunds", gettext_lazy("Refunds"), lambda p: p.totals.refunds, "money"),
    ("net", gettext_lazy("Net sales"), lambda p: p.totals.net, "money"),
    ("shipping", gettext_lazy("Shipping"), lambda p: p.totals.shipping, "money"),
    ("taxes", gettext_lazy("Taxes"), lambda p: p.totals.taxes, "money"),
    ("total", gettext_lazy("Total sales"), lambda p: p.totals.total, "money"),
    ("orders", gettext_lazy("Orders"), lambda p: p.totals.orders, "count"),
    (
        "average_order_value",
        gettext_lazy("Average order value"),
        lambda p: p.totals.average_order_value,
        "money",
    ),
    ("items", gettext_lazy("Items sold"), lambda p: p.totals.items, "count"),
    (
        "items_per_order",
        gettext_lazy("Items per order"),
        lambda p: p.totals.items_per_order,
        "count",
    ),
    ("refund_rate", gettext_lazy("Refund rate"), lambda p: p.totals.refund_rate, "share"),
    ("new_customers", gettext_lazy("New customers"), lambda p: p.new_customers, "count"),
    (
        "returning_customers",
        gettext_lazy("Returning customers"),
        lambda p: p.returning_customers,
        "count",
    ),
)
# The figures the page shows first, as cards.
CARD_FIGURES = ("net", "total", "orders", "average_order_value")


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    previous: str
    change: str
    trend: str  # "up", "down" or ""


def _change_cells(formats: Formats, kind: str, change: Change) -> list[Cell]:
    plain = {"money": formats.money, "count": formats.count, "share": formats.share}[kind]
    signed = {
        "money": formats.signed_money,
        "count": formats.signed_count,
        "share": formats.signed_share,
    }[kind]
    return [
        plain(change.value),
        plain(change.previous),
        signed(change.difference),
        formats.signed_share(change.ratio),
    ]


def figures_table(report: Report, formats: Formats) -> Table:
    table = Table(
        "figures",
        _("Figures"),
        [_("Figure"), _("This period"), _("Comparison"), _("Difference"), _("Change (%)")],
    )
    for _key, label, read, kind in FIGURES:
        change = Change(read(report.current), read(report.previous))
        table.rows.append([_text(str(label)), *_change_cells(formats, kind, change)])
    return table


def figure_cards(report: Report, formats: Formats) -> list[Card]:
    cards = []
    for key, label, read, kind in FIGURES:
        if key not in CARD_FIGURES:
            continue
        change = Change(read(report.current), read(report.previous))
        value, previous, _difference, ratio = _change_cells(formats, kind, change)
        trend = "" if not change.difference else ("up" if change.difference > 0 else "down")
        cards.append(Card(str(label), value.text, previous.text, ratio.text, trend))
    return cards


def _bucket_header(granularity: str) -> str:
    return {
        Granularity.HOUR: _("Hour"),
        Granularity.DAY: _("Day"),
        Granularity.WEEK: _("Week"),
        Granularity.MONTH: _("Month"),
    }[granularity]


def _amount_cells(formats: Formats, amounts: Amounts | None) -> list[Cell]:
    if amounts is None:
        return [Cell(None, "")] * 8
    return [
        formats.count(amounts.orders),
        formats.money(amounts.gross),
        formats.money(amounts.discounts),
        formats.money(amounts.refunds),
        formats.money(amounts.net),
        formats.money(amounts.shipping),
        formats.money(amounts.taxes),
        formats.money(amounts.total),
    ]


def timeline_table(report: Report, formats: Formats) -> Table:
    current, previous = report.current, report.previous
    header = _bucket_header(current.timeline.granularity)
    table = Table(
        "timeline",
        _("Sales over time"),
        [
            header,
            _("Orders"),
            _("Gross sales"),
            _("Discounts"),
            _("Refunds"),
            _("Net sales"),
            _("Shipping"),
            _("Taxes"),
            _("Total sales"),
            _("Comparison: %(unit)s") % {"unit": header.lower()},
            _("Comparison: net sales"),
        ],
    )
    pairs = zip_longest(
        zip(current.timeline.buckets, current.buckets),
        zip(previous.timeline.buckets, previous.buckets),
    )
    for mine, theirs in pairs:
        bucket, amounts = mine or (None, None)
        other, other_amounts = theirs or (None, None)
        table.rows.append(
            [
                _bucket_cell(bucket),
                *_amount_cells(formats, amounts),
                _bucket_cell(other),
                formats.money(other_amounts.net) if other_amounts else Cell(None, ""),
            ]
        )
    table.footer = [
        _text(_("Total")),
        *_amount_cells(formats, current.totals),
        Cell(None, ""),
        formats.money(previous.totals.net),
    ]
    return table


def _bucket_cell(bucket) -> Cell:
    if bucket is None:
        return Cell(None, "")
    return Cell(formatting.bucket_iso(bucket), formatting.bucket_label(bucket))


BREAKDOWNS = {
    "source": (gettext_lazy("Sales by source"), gettext_lazy("Source"), Order.Source.choices),
    "payment_status": (
        gettext_lazy("Sales by payment status"),
        gettext_lazy("Payment status"),
        [(value, PaymentStatus(value).label) for value in COUNTED_PAYMENT_STATUSES],
    ),
    "fulfillment_status": (
        gettext_lazy("Sales by fulfillment status"),
        gettext_lazy("Fulfillment status"),
        FulfillmentStatus.choices,
    ),
    "country": (gettext_lazy("Sales by country"), gettext_lazy("Country"), None),
}


def breakdown_rows(report: Report, name: str) -> list[tuple[str, str, Amounts, Amounts]]:
    """(code, label, this period, comparison) for each value of the breakdown."""
    mine, theirs = report.current.breakdowns[name], report.previous.breakdowns[name]
    choices = BREAKDOWNS[name][2]
    if choices is None:
        codes = sorted(set(mine) | set(theirs), key=lambda c: (-_net(mine.get(c)), c or ""))
        choices = [(code, formatting.country_name(code)) for code in codes]
    return [
        (code, str(label), mine.get(code) or Amounts(), theirs.get(code) or Amounts())
        for code, label in choices
    ]


def _net(amounts: Amounts | None) -> Decimal:
    return amounts.net if amounts else Decimal(0)


def breakdown_table(report: Report, name: str, formats: Formats) -> Table:
    title, header, _choices = BREAKDOWNS[name]
    table = Table(
        name,
        str(title),
        [
            str(header),
            _("Orders"),
            _("Gross sales"),
            _("Discounts"),
            _("Refunds"),
            _("Net sales"),
            _("Comparison: net sales"),
            _("Change (%)"),
        ],
    )
    for _code, label, mine, theirs in breakdown_rows(report, name):
        table.rows.append(_breakdown_cells(formats, _text(label), mine, theirs))
    table.footer = _breakdown_cells(
        formats, _text(_("Total")), report.current.totals, report.previous.totals
    )
    return table


def _breakdown_cells(formats: Formats, first: Cell, mine: Amounts, theirs: Amounts) -> list:
    return [
        first,
        formats.count(mine.orders),
        formats.money(mine.gross),
        formats.money(mine.discounts),
        formats.money(mine.refunds),
        formats.money(mine.net),
        formats.money(theirs.net),
        formats.signed_share(Change(mine.net, theirs.net).ratio),
    ]


def top_products(report: Report, *, by: str) -> list[ProductRow]:
    rows = report.current.products
    if by == "quantity":
        rows = sorted(rows, key=lambda row: (-row.quantity, -row.net, row.sku))
    return rows[:TOP]


def products_table(report: Report, formats: Formats, *, by: str = "net") -> Table:
    titles = {
        "net": _("Top products by net sales"),
        "quantity": _("Top products by items sold"),
        "all": _("Sales by product"),
    }
    table = Table(
        f"products_{by}",
        titles[by],
        [
            _("SKU"),
            _("Product"),
            _("Items sold"),
            _("Gross sales"),
            _("Discounts"),
            _("Refunds"),
            _("Net sales"),
            _("Comparison: net sales"),
            _("Change (%)"),
        ],
    )
    previous = {row.sku: row for row in report.previous.products}
    rows = report.current.products if by == "all" else top_products(report, by=by)
    for row in rows:
        table.rows.append(_product_cells(formats, row, previous.get(row.sku)))
    if by == "all":
        if report.current.unattributed is not None:
            table.rows.append(_product_cells(formats, report.current.unattributed, None))
        totals, before = report.current.totals, report.previous.totals
        table.footer = [
            _text(_("Total")),
            Cell(None, ""),
            formats.count(totals.items),
            formats.money(totals.gross),
            formats.money(totals.discounts),
            formats.money(totals.refunds),
            formats.money(totals.net),
            formats.money(before.net),
            formats.signed_share(Change(totals.net, before.net).ratio),
        ]
    return table


def product_name(row: ProductRow) -> str:
    if not row.sku and not row.name:
        return _("Refunds of orders without products")
    if not row.sku:
        return _("Lines without a SKU")
    return row.name


def _product_cells(formats: Formats, row: ProductRow, before: ProductRow | None) -> list[Cell]:
    previous_net = before.net if before else Decimal("0.00")
    return [
        _text(row.sku),
        _text(product_name(row)),
        formats.count(row.quantity),
        formats.money(row.gross),
        formats.money(row.discounts),
        formats.money(row.refunds),
        formats.money(row.net),
        formats.money(previous_net),
        formats.signed_share(Change(row.net, previous_net).ratio),
    ]


def report_tables(report: Report, *, everything: bool = False) -> list[Table]:
    """The tables of the page in their order; `everything` adds every product (the CSV)."""
    formats = Formats(report.store.currency)
    tables = [
        figures_table(report, formats),
        timeline_table(report, formats),
        products_table(report, formats, by="net"),
        products_table(report, formats, by="quantity"),
    ]
    tables += [breakdown_table(report, name, formats) for name in BREAKDOWNS]
    if everything:
        tables.append(products_table(report, formats, by="all"))
    return tables
