"""The XLSX file: typed cells, written by XlsxWriter in constant-memory mode.

XlsxWriter makes the workbook (styles and number formats, column widths, frozen header,
autofilter, the package's other parts). Its per-cell API costs several microseconds a cell,
about a twentieth of our CSV's rate, so the rows are written here as SpreadsheetML, each order's
cells made once and reused for its lines as the CSV does, deflated by a thread as they come
into a file per sheet (exports/zip_parts.py: memory stays flat), and put in the package between
the head and the tail of the sheets XlsxWriter left empty. Cells carry no reference (`r`, which
ECMA-376 makes optional: Excel, LibreOffice and openpyxl place a cell after the one before it),
so a row's text is the same wherever it lands and only its row number is written per row. On
PostgreSQL the database writes the cells of the order's and the line's own columns, the very
same text (exports/database_cells.py), and the next batch is read while this one is written.
What this relies on of XlsxWriter (pinned below 4): the n-th worksheet is the part
`xl/worksheets/sheet<n>.xml` with an empty `<sheetData/>`, and a format's style number is
`_get_xf_index()`. tests/exports/test_xlsx.py reads the files back with openpyxl,
test_libreoffice.py opens them in LibreOffice.

Cells: amounts are numbers in the currency's format, dates and times real dates (the store's
wall-clock time), quantities and rates numbers, and every text an inline string with the text
format, so postcodes, SKUs, phones and tracking numbers keep their zeros and a leading "+" or
"=" is never a formula.
"""

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from operator import call
from pathlib import Path

import xlsxwriter
from babel import Locale
from babel.numbers import get_currency_precision, get_currency_symbol
from django.utils import translation
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from exports.cells import (
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
from exports.database_cells import (
    SPACES,
    XlsxCells,
    XlsxStyles,
    database_reads,
    text_opening,
)
from exports.models import Layout
from exports.zip_parts import DeflatedPart, ZipWriter
from mycommerce.models import Store
from mycommerce.money import babel_locale

# Excel's last row; a sheet that is full goes on in "Lines (2)", "Lines (3)", ...
MAX_ROWS = 1_048_576
EPOCH = datetime(1899, 12, 30)
UNIX_EPOCH, UNIX_EPOCH_SERIAL = datetime(1970, 1, 1), 25569
# What XML 1.0 refuses in a text (removed), and what a text needs escaped or removed.
REFUSED_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
REFUSED = re.compile(f"[{REFUSED_CHARACTERS}]")
SPECIAL = re.compile(f"[&<>{REFUSED_CHARACTERS}]")
DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
EMPTY_CELL = "<c/>"
# Each cell of a row's XML: the text of a text cell, "" for any other.
CELL_TEXT = re.compile(r"<c[^>]*?/>|<c[^>]*>(?:<is><t[^>]*>([^<]*)</t></is>)?")
MEASURED_ROWS = 1000
CHUNK_ROWS = 1000
WIDTHS = {Kind.MONEY: 12, Kind.PERCENT: 10, Kind.NUMBER: 10, Kind.DATETIME: 19, Kind.DATE: 11}
MAX_WIDTH = 50


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _without_refused(text)


def _without_refused(text: str) -> str:
    """`text` without what XML refuses. The database leaves that to this (removing it per
    cell was its costliest step); every refused character is unprintable, and most texts are
    printable throughout, which Python checks faster than it searches."""
    return text if text.isprintable() else REFUSED.sub("", text)


def currency_format(currency: str, language: str) -> str:
    """An Excel number format for amounts in `currency`, with the symbol where the language
    puts it ("40,80 €" in French, "€40.80" in English); the marks follow the reader's locale."""
    precision = get_currency_precision(currency)
    digits = "#,##0" + ("." + "0" * precision if precision else "")
    locale = Locale.parse(babel_locale(language))
    symbol = get_currency_symbol(currency, locale=locale).replace('"', "")
    pattern = locale.currency_formats["standard"].pattern
    if pattern.startswith("¤"):
        return f'"{symbol}"{digits}'
    return f'{digits}\\ "{symbol}"'


class _Styles:
    def __init__(self, workbook, *, currency: str, language: str) -> None:
        self.formats = {
            "header": workbook.add_format({"bold": True, "num_format": "@", "bottom": 1}),
            "text": workbook.add_format({"num_format": "@"}),
            "money": workbook.add_format({"num_format": currency_format(currency, language)}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        }
        self.index = {name: fmt._get_xf_index() for name, fmt in self.formats.items()}
        self.cells = XlsxStyles(
            text=self.index["text"],
            money=self.index["money"],
            datetime=self.index["datetime"],
            date=self.index["date"],
            text_cell=_CellMaker(self.index["text"]).text,
        )

    def for_kind(self, kind: str):
        name = {Kind.MONEY: "money", Kind.DATETIME: "datetime", Kind.DATE: "date"}.get(kind)
        if kind == Kind.TEXT or kind in LABEL_KINDS:
            name = "text"
        return self.formats.get(name) if name else None


def _serial(moment: datetime | date) -> str:
    """Excel's serial number of a wall-clock time, computed as PostgreSQL does it in
    database_cells.py (seconds since 1970 over a day, plus 1970's serial), so both print the
    same shortest text; a whole day prints without ".0", as PostgreSQL prints it."""
    if isinstance(moment, datetime):
        text = repr((moment - UNIX_EPOCH).total_seconds() / 86400 + UNIX_EPOCH_SERIAL)
        return text.removesuffix(".0")
    return str((moment - EPOCH.date()).days)


class _CellMaker:
    """Cell XML, texts in the text style."""

    def __init__(self, style: int) -> None:
        self.open = text_opening(style)
        self.open_spaced = text_opening(style, spaced=True)

    def text(self, value) -> str:
        """The hot path of the file (most cells are texts), so written out in full."""
        if not value:
            return EMPTY_CELL
        if not isinstance(value, str):
            value = str(value)
        # As the database writes it (database_cells.py): the ends looked at before escaping.
        opening = self.open_spaced if value[0] in SPACES or value[-1] in SPACES else self.open
        if SPECIAL.search(value):
            value = _escape(value)
        return opening + value + "</t></is></c>"

    @staticmethod
    def number(text: str, style: int = 0) -> str:
        return f'<c s="{style}"><v>{text}</v></c>' if style else f"<c><v>{text}</v></c>"


def _cell_functions(columns: list[Column], *, store: Store, styles: _Styles) -> list[Callable]:
    """One function per column turning a raw value into its cell's XML."""
    read_datetime = local_datetime_reader(store.timezone)
    read_date = local_date_reader(store.timezone)
    maker = _CellMaker(styles.index["text"])
    number = maker.number
    money = styles.index["money"]

    def moment_cell(read: Callable, style: int) -> Callable:
        def cell(value) -> str:
            moment = read(value)
            return EMPTY_CELL if moment is None else number(_serial(moment), style)

        return cell

    by_kind = {
        Kind.TEXT: maker.text,
        Kind.NUMBER: bounded_cache(lambda v: EMPTY_CELL if v is None else number(str(v))),
        Kind.PERCENT: bounded_cache(lambda v: EMPTY_CELL if v is None else number(rate_text(v))),
        Kind.MONEY: bounded_cache(
            lambda v: EMPTY_CELL if v is None else number(format(v, ".2f"), money)
        ),
        Kind.DATETIME: moment_cell(read_datetime, styles.index["datetime"]),
        Kind.DATE: moment_cell(read_date, styles.index["date"]),
        Kind.CELLS: _without_refused,  # cells the database wrote (exports/database_cells.py)
    }
    for kind in LABEL_KINDS:
        labels = labels_of(kind)
        by_kind[kind] = bounded_cache(
            lambda value, labels=labels: maker.text(labels.get(value, value))
        )
    return [by_kind[column.kind] for column in columns]


def _summary_functions(columns: list[Column], *, styles: _Styles, decimal: str) -> list[Callable]:
    """Layout `orders`: each line column summarised over the order's lines."""
    maker = _CellMaker(styles.index["text"])
    money = styles.index["money"]
    price = bounded_cache(money_text(decimal))

    summarise = {
        "sku": lambda values: maker.text(LIST_SEPARATOR.join(values)),
        "name": lambda values: maker.text(LIST_SEPARATOR.join(values)),
        "quantity": lambda values: maker.number(str(sum(values))),
        "unit_price": lambda values: maker.text(LIST_SEPARATOR.join(map(price, values))),
        "line_total": lambda values: maker.number(format(sum(values), ".2f"), money),
    }
    return [summarise[column.field] for column in columns]


class _Sheet:
    """One sheet's rows, deflated as they come, going on in a new sheet of the same name when
    Excel's is full."""

    def __init__(
        self,
        workbook,
        name: str,
        headers: list[str],
        kinds: list[str],
        styles: _Styles,
        folder: Path,
    ):
        self.workbook, self.name, self.headers, self.kinds = workbook, name, headers, kinds
        self.styles, self.folder = styles, folder
        bold = styles.index["header"]
        self.header_row = (
            '<row r="1">'
            + "".join(
                f'<c s="{bold}" t="inlineStr"><is><t>{_escape(header)}</t></is></c>'
                for header in headers
            )
            + "</row>"
        ).encode()
        self.widths = [len(header) + 2 for header in headers]
        self.texts = [i for i, kind in enumerate(kinds) if kind == Kind.TEXT or kind in LABEL_KINDS]
        self.measured = False
        # (worksheet, its part in the package, its rows, rows written with the header)
        self.parts: list[list] = []
        self._start()

    def _start(self) -> None:
        number = len(self.parts) + 1
        title = self.name if number == 1 else f"{self.name} ({number})"
        sheet = self.workbook.add_worksheet(title[:31])
        # XlsxWriter names the n-th worksheet's part sheet<n>.xml.
        part = f"xl/worksheets/sheet{len(self.workbook.worksheets())}.xml"
        rows = DeflatedPart(self.folder)
        rows.write(self.header_row)
        self.parts.append([sheet, part, rows, 1])

    def _measure(self, rows: list[tuple[bytes, ...]]) -> None:
        """Column widths from the first rows: the header's, or the longest text, up to 50."""
        for pieces in rows[:MEASURED_ROWS]:
            texts = CELL_TEXT.findall(b"".join(pieces).decode())
            for index in self.texts:
                width = len(texts[index]) + 2
                if width > self.widths[index]:
                    self.widths[index] = min(width, MAX_WIDTH)
        self.measured = True

    def write(self, rows: list[tuple[bytes, ...]]) -> None:
        """Rows given as the pieces of their cells' XML."""
        if not self.measured:
            self._measure(rows)
        part = self.parts[-1]
        start = part[3]
        room = MAX_ROWS - start
        if len(rows) > room:
            self.write(rows[:room])
            self._start()
            self.write(rows[room:])
            return
        # Handed over in pieces of a thousand rows: buffers of tens of megabytes, made here and
        # freed by the compressing thread, left the memory fragmented and growing.
        for first in range(0, len(rows), CHUNK_ROWS):
            out: list[bytes] = []
            add, extend = out.append, out.extend
            for number, pieces in enumerate(rows[first : first + CHUNK_ROWS], start + first + 1):
                add(b'<row r="%d">' % number)
                extend(pieces)
                add(b"</row>")
            part[2].write(b"".join(out))
        part[3] = start + len(rows)

    def finish(self) -> dict[str, tuple]:
        """Set each sheet's frozen header, filter and widths; its rows for the package."""
        last_column = len(self.headers) - 1
        finished = {}
        for sheet, part, rows, count in self.parts:
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, count - 1, last_column)
            for index, (width, kind) in enumerate(zip(self.widths, self.kinds)):
                sheet.set_column(
                    index, index, max(width, WIDTHS.get(kind, 0)), self.styles.for_kind(kind)
                )
            extent = f"A1:{xl_col_to_name(last_column)}{count}"
            finished[part] = (rows, extent)
        return finished

    def discard(self) -> None:
        for part in self.parts:
            part[2].discard()


def _package(path: Path, sheets: dict[str, tuple]) -> None:
    """The package XlsxWriter wrote (its sheets have no rows yet) with each sheet's rows
    between the head and the tail XlsxWriter gave it."""
    packaged = path.with_suffix(".packaging")
    with zipfile.ZipFile(path) as source, packaged.open("wb") as target:
        package = ZipWriter(target)
        for info in source.infolist():
            data = source.read(info)
            if info.filename not in sheets:
                package.add(info.filename, data)
                continue
            rows, extent = sheets[info.filename]
            xml = DIMENSION.sub(f'<dimension ref="{extent}"/>', data.decode(), count=1)
            head, empty, tail = xml.partition("<sheetData/>")
            if not empty:
                raise ValueError(f"{info.filename} has rows already: XlsxWriter has changed")
            package.add_large(
                info.filename,
                head=(head + "<sheetData>").encode(),
                rows=rows,
                tail=("</sheetData>" + tail).encode(),
            )
        package.close()
    packaged.replace(path)


def xlsx_write(
    *,
    path: Path,
    store: Store,
    queryset,
    options,
    language: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int,
) -> None:
    """Write the export as an XLSX file at `path`: a sheet of orders and, in layout `lines`
    (with line columns chosen), a sheet of lines, with the CSV's rows and columns."""
    order_columns, line_columns = split_columns(columns_for_keys(options.columns))
    by_line = options.layout == Layout.LINES and bool(line_columns)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    styles = _Styles(workbook, currency=store.currency, language=language)
    with translation.override(language):
        headers = [str(c.header) for c in order_columns + line_columns]
        # What is read: the columns themselves, or on PostgreSQL the cells it wrote.
        reads = database_reads(
            queryset,
            order_columns,
            line_columns,
            by_line=by_line,
            cells=XlsxCells(timezone=store.timezone, styles=styles.cells),
            keep_line_values=True,  # the orders sheet sums them up
        )
        read_orders, line_annotations = reads.order_columns, reads.line_annotations
        order_cells = _cell_functions(read_orders, store=store, styles=styles)
        line_cells = _cell_functions(line_columns, store=store, styles=styles)
        # A line's cells: those the database wrote (after the line's raw values), or ours.
        line_text = _database_line if line_annotations else partial(_python_line, line_cells)

        summaries = _summary_functions(line_columns, styles=styles, decimal=options.decimal)
        order_kinds = [c.kind for c in order_columns]
        summary_kinds = [
            Kind.TEXT if c.field in ("sku", "name", "unit_price") else c.kind for c in line_columns
        ]
        sheets = [
            _Sheet(workbook, _("Orders"), headers, order_kinds + summary_kinds, styles, path.parent)
        ]
        if by_line:
            line_kinds = order_kinds + [c.kind for c in line_columns]
            sheets.append(_Sheet(workbook, _("Lines"), headers, line_kinds, styles, path.parent))
    try:
        _write_rows(
            sheets,
            order_batches(
                queryset=reads.queryset,
                order_columns=read_orders,
                line_columns=reads.line_columns,
                batch_size=batch_size,
                line_annotations=line_annotations,
            ),
            order_cells=order_cells,
            line_text=line_text,
            line_count=len(line_columns),
            summaries=summaries,
            on_progress=on_progress,
        )
    except BaseException:
        for sheet in sheets:
            sheet.discard()
        raise
    finished: dict[str, tuple] = {}
    for sheet in sheets:
        finished.update(sheet.finish())
    workbook.close()
    _package(path, finished)


def _database_line(line: tuple) -> str:
    return _without_refused(line[-1])


def _python_line(cells: list[Callable], line: tuple) -> str:
    return "".join(map(call, cells, line))


def _write_rows(
    sheets: list[_Sheet],
    batches,
    *,
    order_cells: list[Callable],
    line_text: Callable[[tuple], str],
    line_count: int,
    summaries: list[Callable],
    on_progress: Callable[[int], None] | None,
) -> None:
    """Each order's cells made once: its row of the orders sheet (its lines summarised), and
    the start of each of its rows in the lines sheet."""
    orders_sheet, lines_sheet = sheets[0], sheets[1] if len(sheets) > 1 else None
    empty_summary = [()] * len(summaries)
    # An order without lines has a row of its own, with empty line cells.
    no_lines = (EMPTY_CELL * line_count).encode()
    # The same product at the same quantity and price recurs across orders: written once.
    line_texts: dict[tuple, bytes] = {}
    done = 0
    for order_rows, lines_by_order in batches:
        order_rows_xml: list[tuple[bytes, ...]] = []
        line_rows_xml: list[tuple[bytes, ...]] = []
        for order in order_rows:
            # map() stops at the last formatter: the trailing primary key is left out.
            prefix = "".join(map(call, order_cells, order)).encode()
            lines = lines_by_order.get(order[-1])
            if summaries:
                per_column = list(zip(*lines)) if lines else empty_summary
                summary = "".join(fmt(values) for fmt, values in zip(summaries, per_column))
                order_rows_xml.append((prefix, summary.encode()))
            else:
                order_rows_xml.append((prefix,))
            if lines_sheet is not None:
                if not lines:
                    line_rows_xml.append((prefix, no_lines))
                for line in lines or ():
                    text = line_texts.get(line)
                    if text is None:
                        text = line_texts[line] = line_text(line).encode()
                    line_rows_xml.append((prefix, text))
        if len(line_texts) > 20_000:
            line_texts.clear()
        orders_sheet.write(order_rows_xml)
        if lines_sheet is not None:
            lines_sheet.write(line_rows_xml)
        done += len(order_rows)
        if on_progress is not None:
            on_progress(done)
