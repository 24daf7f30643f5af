"""The XLSX file: typed cells, written by XlsxWriter in constant-memory mode.

XlsxWriter makes the workbook (styles and number formats, column widths, frozen header,
autofilter, the package). Its per-cell API costs several microseconds a cell, about a twentieth
of our CSV's rate, so the rows are written here as SpreadsheetML, each order's cells made once
and reused for its lines as the CSV does, into a file per sheet (memory stays flat), and spliced
into the sheets XlsxWriter left empty, compressed once at a fast level. What this relies on of
XlsxWriter (pinned below 4): the n-th worksheet is the part `xl/worksheets/sheet<n>.xml` with an
empty `<sheetData/>`, and a format's style number is `_get_xf_index()`. tests/exports/test_xlsx.py
reads the files back with openpyxl, test_libreoffice.py opens them in LibreOffice.

Cells: amounts are numbers in the currency's format, dates and times real dates (the store's
wall-clock time), quantities and rates numbers, and every text an inline string with the text
format, so postcodes, SKUs, phones and tracking numbers keep their zeros and a leading "+" or
"=" is never a formula.
"""

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
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
    order_batches,
    rate_text,
    split_columns,
)
from exports.columns import Column, Kind, columns_for_keys
from exports.models import DecimalMark, Layout
from mycommerce.models import Store
from mycommerce.money import babel_locale

ROW = "\x00"  # where a row's number goes in its cells; never in a cell (control characters go)
# Excel's last row; a sheet that is full goes on in "Lines (2)", "Lines (3)", ...
MAX_ROWS = 1_048_576
EPOCH = datetime(1899, 12, 30)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Past this much sheet XML (uncompressed), the zip needs ZIP64 (which some Excels warn about).
ZIP64_ABOVE = 2_000_000_000
# What a text needs escaped or removed to be XML, and the spaces XML would trim.
SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SPACES = frozenset(" \t\n\r")
DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
CHUNK = 1 << 20
MEASURED_ROWS = 1000
WIDTHS = {Kind.MONEY: 12, Kind.PERCENT: 10, Kind.NUMBER: 10, Kind.DATETIME: 19, Kind.DATE: 11}
MAX_WIDTH = 50


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not text.isprintable():
        text = CONTROL.sub("", text)
    return text


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

    def for_kind(self, kind: str):
        name = {Kind.MONEY: "money", Kind.DATETIME: "datetime", Kind.DATE: "date"}.get(kind)
        if kind == Kind.TEXT or kind in LABEL_KINDS:
            name = "text"
        return self.formats.get(name) if name else None


def _serial(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        delta = moment - EPOCH
        return repr(delta.days + delta.seconds / 86400)
    return str((moment - EPOCH.date()).days)


class _CellMaker:
    """Cell XML for column `letter`, with ROW where the row number goes."""

    def __init__(self, letter: str, style: int) -> None:
        start = f'<c r="{letter}{ROW}" s="{style}" t="inlineStr"><is><t'
        self.open, self.open_spaced = start + ">", start + ' xml:space="preserve">'
        self.letter = letter

    def text(self, value) -> str:
        """The hot path of the file (most cells are texts), so written out in full."""
        if not value:
            return ""
        if not isinstance(value, str):
            value = str(value)
        if SPECIAL.search(value):
            value = _escape(value)
            if not value:
                return ""
        if value[0] in SPACES or value[-1] in SPACES:
            return self.open_spaced + value + "</t></is></c>"
        return self.open + value + "</t></is></c>"

    def number(self, text: str, style: int = 0) -> str:
        styled = f' s="{style}"' if style else ""
        return f'<c r="{self.letter}{ROW}"{styled}><v>{text}</v></c>'


def _cell_functions(
    columns: list[Column], first: int, *, store: Store, styles: _Styles, decimal: str
) -> list[Callable]:
    """One function per column (the first at index `first`) turning a raw value into its
    cell's XML."""
    read_datetime = local_datetime_reader(store.timezone)
    read_date = local_date_reader(store.timezone)
    functions = []
    for offset, column in enumerate(columns):
        maker = _CellMaker(xl_col_to_name(first + offset), styles.index["text"])
        kind = column.kind
        if kind == Kind.TEXT:
            function = maker.text
        elif kind in LABEL_KINDS:
            labels = labels_of(kind)
            function = bounded_cache(
                lambda value, maker=maker, labels=labels: maker.text(labels.get(value, value))
            )
        elif kind == Kind.NUMBER:
            function = bounded_cache(
                lambda value, maker=maker: "" if value is None else maker.number(str(value))
            )
        elif kind == Kind.PERCENT:
            function = bounded_cache(
                lambda value, maker=maker: "" if value is None else maker.number(rate_text(value))
            )
        elif kind == Kind.MONEY:
            money = styles.index["money"]
            function = bounded_cache(
                lambda value, maker=maker, money=money: (
                    "" if value is None else maker.number(format(value, ".2f"), money)
                )
            )
        else:
            read, style = (
                (read_datetime, styles.index["datetime"])
                if kind == Kind.DATETIME
                else (read_date, styles.index["date"])
            )

            def function(value, maker=maker, read=read, style=style):
                moment = read(value)
                return "" if moment is None else maker.number(_serial(moment), style)

        functions.append(function)
    return functions


def _summary_functions(
    columns: list[Column], first: int, *, styles: _Styles, decimal: str
) -> list[Callable]:
    """Layout `orders`: each line column summarised over the order's lines."""
    comma = decimal == DecimalMark.COMMA

    @bounded_cache
    def price(value) -> str:
        text = format(value, ".2f")
        return text.replace(".", ",") if comma else text

    functions = []
    for offset, column in enumerate(columns):
        maker = _CellMaker(xl_col_to_name(first + offset), styles.index["text"])
        functions.append(
            {
                "sku": lambda values, m=maker: m.text(LIST_SEPARATOR.join(values)),
                "name": lambda values, m=maker: m.text(LIST_SEPARATOR.join(values)),
                "quantity": lambda values, m=maker: m.number(str(sum(values))),
                "unit_price": lambda values, m=maker: m.text(
                    LIST_SEPARATOR.join(map(price, values))
                ),
                "line_total": lambda values, m=maker: m.number(
                    format(sum(values), ".2f"), styles.index["money"]
                ),
            }[column.field]
        )
    return functions


class _Sheet:
    """One sheet's rows in a file of our own, going on in a new sheet of the same name when
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
        self.header_row = (
            '<row r="1">'
            + "".join(
                f'<c r="{xl_col_to_name(i)}1" s="{styles.index["header"]}" t="inlineStr">'
                f"<is><t>{_escape(header)}</t></is></c>"
                for i, header in enumerate(headers)
            )
            + "</row>"
        ).encode()
        self.widths = [len(header) + 2 for header in headers]
        self.measured = False
        # (worksheet, its part in the package, its rows file, rows written with the header)
        self.parts: list[list] = []
        self._start()

    def _start(self) -> None:
        number = len(self.parts) + 1
        title = self.name if number == 1 else f"{self.name} ({number})"
        sheet = self.workbook.add_worksheet(title[:31])
        # XlsxWriter names the n-th worksheet's part sheet<n>.xml.
        part = f"xl/worksheets/sheet{len(self.workbook.worksheets())}.xml"
        rows = tempfile.TemporaryFile(dir=self.folder)
        rows.write(self.header_row)
        self.parts.append([sheet, part, rows, 1])

    def measure(self, rows: list[tuple]) -> None:
        """Column widths from the first rows: the header's, or the longest text, up to 50."""
        texts = [index for index, kind in enumerate(self.kinds) if kind == Kind.TEXT]
        for row in rows[:MEASURED_ROWS]:
            for index in texts:
                value = row[index] if index < len(row) else None
                if value:
                    self.widths[index] = max(self.widths[index], min(len(value) + 2, MAX_WIDTH))
        self.measured = True

    def write(self, templates: list[str]) -> None:
        part = self.parts[-1]
        start = part[3]
        room = MAX_ROWS - start
        if len(templates) > room:
            self.write(templates[:room])
            self._start()
            self.write(templates[room:])
            return
        # Encoded row by row: most rows are ASCII (a memory copy), where one accent or ’ in a
        # batch joined first would make the whole text wide and every character transcoded.
        part[2].write(
            b"".join(
                [
                    template.replace(ROW, str(number)).encode()
                    for number, template in enumerate(templates, start + 1)
                ]
            )
        )
        part[3] = start + len(templates)

    def finish(self) -> dict[str, tuple]:
        """Set each sheet's frozen header, filter and widths; its rows for the package."""
        last_column = len(self.headers) - 1
        spliced = {}
        for sheet, part, rows, count in self.parts:
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, count - 1, last_column)
            for index, (width, kind) in enumerate(zip(self.widths, self.kinds)):
                sheet.set_column(
                    index, index, max(width, WIDTHS.get(kind, 0)), self.styles.for_kind(kind)
                )
            extent = f"A1:{xl_col_to_name(last_column)}{count}"
            spliced[part] = (rows, extent)
        return spliced


def _splice(path: Path, sheets: dict[str, tuple]) -> None:
    """Put each sheet's rows into the package XlsxWriter wrote (its sheets have no rows yet),
    compressed once, quickly: the rows are most of the file."""
    spliced = path.with_suffix(".splicing")
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename not in sheets:
                target.writestr(info, data, compresslevel=6)
                continue
            rows, extent = sheets[info.filename]
            xml = DIMENSION.sub(f'<dimension ref="{extent}"/>', data.decode(), count=1)
            head, empty, tail = xml.partition("<sheetData/>")
            if not empty:
                raise ValueError(f"{info.filename} has rows already: XlsxWriter has changed")
            size = rows.tell()
            rows.seek(0)
            # Opened by name, the part takes the package's fast compression level.
            with target.open(info.filename, "w", force_zip64=size > ZIP64_ABOVE) as out:
                out.write(head.encode() + b"<sheetData>")
                shutil.copyfileobj(rows, out, CHUNK)
                out.write(b"</sheetData>" + tail.encode())
            rows.close()
    spliced.replace(path)


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
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    styles = _Styles(workbook, currency=store.currency, language=language)
    with translation.override(language):
        order_headers = [str(c.header) for c in order_columns]
        line_headers = [str(c.header) for c in line_columns]
        cells = dict(store=store, styles=styles, decimal=options.decimal)
        order_cells = _cell_functions(order_columns, 0, **cells)
        line_cells = _cell_functions(line_columns, len(order_columns), **cells)
        summaries = _summary_functions(
            line_columns, len(order_columns), styles=styles, decimal=options.decimal
        )
        order_kinds = [c.kind for c in order_columns]
        summary_kinds = [
            Kind.TEXT if c.field in ("sku", "name", "unit_price") else c.kind for c in line_columns
        ]
        orders_sheet = _Sheet(
            workbook,
            _("Orders"),
            order_headers + line_headers,
            order_kinds + summary_kinds,
            styles,
            path.parent,
        )
        lines_sheet = None
        if options.layout == Layout.LINES and line_columns:
            lines_sheet = _Sheet(
                workbook,
                _("Lines"),
                order_headers + line_headers,
                order_kinds + [c.kind for c in line_columns],
                styles,
                path.parent,
            )
    empty_summary = [()] * len(line_columns)
    line_texts: dict[tuple, str] = {}
    done = 0
    for order_rows, lines_by_order in order_batches(
        queryset=queryset,
        order_columns=order_columns,
        line_columns=line_columns,
        batch_size=batch_size,
    ):
        if not orders_sheet.measured:
            orders_sheet.measure([row[:-1] for row in order_rows])
            if lines_sheet is not None:
                lines_sheet.measure(
                    [
                        row[:-1] + line
                        for row in order_rows
                        for line in lines_by_order.get(row[-1], ())
                    ]
                )
        order_templates, line_templates = [], []
        for order in order_rows:
            prefix = '<row r="' + ROW + '">' + "".join(map(call, order_cells, order))
            lines = lines_by_order.get(order[-1])
            if summaries:
                per_column = list(zip(*lines)) if lines else empty_summary
                summary = "".join(fmt(values) for fmt, values in zip(summaries, per_column))
            else:
                summary = ""
            order_templates.append(prefix + summary + "</row>")
            if lines_sheet is not None:
                for line in lines or ((None,) * len(line_columns),):
                    text = line_texts.get(line)
                    if text is None:
                        text = line_texts[line] = "".join(map(call, line_cells, line)) + "</row>"
                    line_templates.append(prefix + text)
        if len(line_texts) > 20_000:
            line_texts.clear()
        orders_sheet.write(order_templates)
        if lines_sheet is not None:
            lines_sheet.write(line_templates)
        done += len(order_rows)
        if on_progress is not None:
            on_progress(done)
    sheets = orders_sheet.finish()
    if lines_sheet is not None:
        sheets.update(lines_sheet.finish())
    workbook.close()
    _splice(path, sheets)
