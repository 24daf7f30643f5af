"""The CSV file, streamed in UTF-8 chunks, one per batch of orders.

Every cell is quoted (RFC 4180, as csv.QUOTE_ALL writes it): LibreOffice's import dialog ticks
comma, semicolon and tab together by default, and only quotes keep "106,90" in one cell then.
Dates and times are the store's wall-clock time as `YYYY-MM-DD HH:MM:SS` (and `YYYY-MM-DD` for
a date), which LibreOffice and Excel both read as dates. The database writes the cells of the
order's and the line's own columns, the very same text (database_cells.py); on PostgreSQL the
next batch is read while this one is written (cells.read_ahead).

Formula neutralising is our own, not defusedcsv's: each column's kind is known here, so
amounts, counts and dates are never touched and text always is, where defusedcsv guesses per
cell with a regular expression (slower, and it lets a text such as "-12,5" through); it also
rewrites "|" as "\\|" inside the data, and does not neutralise a leading tab or carriage return,
which OWASP lists.
"""

from collections.abc import Callable, Iterator
from operator import call

from django.utils import translation

from exports.cells import (
    FORMULA_TRIGGERS,
    LABEL_KINDS,
    LIST_SEPARATOR,
    bounded_cache,
    labels_of,
    local_date_reader,
    local_datetime_reader,
    money_text,
    order_batches,
    rate_text,
    split_columns,
)
from exports.columns import Column, Kind, columns_for_keys
from exports.database_cells import CsvCells, database_reads
from exports.models import SEPARATOR_CHARACTERS, DecimalMark, Layout
from mycommerce.models import Store

TRIGGER_CHARACTERS = frozenset(FORMULA_TRIGGERS)
EMPTY = '""'


def neutralise(value: str) -> str:
    """Prefix text a spreadsheet would run as a formula, so it shows as typed."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _text(value) -> str:
    """A quoted text cell, neutralised: the hot path of the file, so written out in full."""
    if not value:
        return EMPTY
    if value[0] in TRIGGER_CHARACTERS:
        value = "'" + value
    if '"' in value:
        value = value.replace('"', '""')
    return '"' + value + '"'


def _number(value) -> str:
    return EMPTY if value is None else f'"{value}"'


def _cells(columns: list[Column], *, store: Store, decimal: str) -> list[Callable]:
    """One function per column turning a raw database value into its quoted cell."""
    money = money_text(decimal)
    comma = decimal == DecimalMark.COMMA
    read_datetime = local_datetime_reader(store.timezone)
    read_date = local_date_reader(store.timezone)

    def datetime_cell(value) -> str:
        moment = read_datetime(value)
        return EMPTY if moment is None else f'"{moment.isoformat(" ")}"'

    def date_cell(value) -> str:
        day = read_date(value)
        return EMPTY if day is None else f'"{day.isoformat()}"'

    def rate_cell(value) -> str:
        text = rate_text(value)
        return quote(text.replace(".", ",") if comma else text)

    by_kind = {
        Kind.TEXT: _text,
        Kind.NUMBER: _number,
        Kind.MONEY: bounded_cache(lambda value: quote(money(value))),
        Kind.PERCENT: bounded_cache(rate_cell),
        Kind.DATETIME: datetime_cell,
        Kind.DATE: date_cell,
        Kind.CELLS: str,
    }
    for kind in LABEL_KINDS:
        labels = labels_of(kind)
        by_kind[kind] = bounded_cache(lambda value, labels=labels: quote(labels.get(value, value)))
    return [by_kind[column.kind] for column in columns]


def _line_summaries(columns: list[Column], *, decimal: str) -> list[Callable]:
    """Layout `orders`: each line column summarised over the order's lines."""
    money = money_text(decimal)
    summarise = {
        "sku": lambda values: _text(LIST_SEPARATOR.join(values)),
        "name": lambda values: _text(LIST_SEPARATOR.join(values)),
        "quantity": lambda values: _number(sum(values)),
        "unit_price": lambda values: quote(LIST_SEPARATOR.join(map(money, values))),
        "line_total": lambda values: quote(money(sum(values))),
    }
    return [summarise[column.field] for column in columns]


def csv_chunks(
    *,
    store: Store,
    queryset,
    options,
    language: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int,
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks, one per batch of orders: memory stays flat."""
    order_columns, line_columns = split_columns(columns_for_keys(options.columns))
    delimiter = SEPARATOR_CHARACTERS[options.separator]
    join = delimiter.join
    by_line = options.layout == Layout.LINES
    with translation.override(language):
        headers = [str(column.header) for column in order_columns + line_columns]
        # What is read: the cells the database wrote, or the columns themselves.
        reads = database_reads(
            queryset,
            order_columns,
            line_columns,
            by_line=by_line,
            cells=CsvCells(
                delimiter=delimiter,
                timezone=store.timezone,
                comma=options.decimal == DecimalMark.COMMA,
            ),
        )
        read_orders, read_lines = reads.order_columns, reads.line_columns
        order_cells = _cells(read_orders, store=store, decimal=options.decimal)
        line_cells = _cells(read_lines, store=store, decimal=options.decimal)
    summaries = _line_summaries(line_columns, decimal=options.decimal)
    no_lines = join([EMPTY] * len(line_columns))
    empty_summary = [()] * len(line_cells)
    # The same product at the same quantity and price recurs across orders: written once.
    line_texts: dict[tuple, str] = {}

    head = ("\ufeff" if options.bom else "") + join(map(quote, headers)) + "\r\n"
    yield head.encode()
    done = 0
    for order_rows, lines_by_order in order_batches(
        queryset=reads.queryset,
        order_columns=read_orders,
        line_columns=read_lines,
        batch_size=batch_size,
        line_annotations=reads.line_annotations,
    ):
        texts: list[str] = []
        add = texts.append
        for order in order_rows:
            # map() stops at the last formatter: the trailing primary key is left out.
            cells = list(map(call, order_cells, order))
            lines = lines_by_order.get(order[-1])
            if not line_columns:
                add(join(cells))
            elif not by_line:
                per_column = list(zip(*lines)) if lines else empty_summary
                add(join(cells + [fmt(values) for fmt, values in zip(summaries, per_column)]))
            elif not lines:
                add(join(cells + [no_lines]))
            else:
                prefix = join(cells) + delimiter if cells else ""
                for line in lines:
                    text = line_texts.get(line)
                    if text is None:
                        text = line_texts[line] = join(map(call, line_cells, line))
                    add(prefix + text)
        if len(line_texts) > 20_000:
            line_texts.clear()
        done += len(order_rows)
        if texts:
            texts.append("")
            yield "\r\n".join(texts).encode()
        if on_progress is not None:
            on_progress(done)
