"""The sales journal and the e-reporting summary as files: CSV in French accounting
conventions (`;`, decimal comma, dates JJ/MM/AAAA, whatever the reader's language) and XLSX
(XlsxWriter: real dates and numbers, accounts and piece numbers as text)."""

import io
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

import xlsxwriter
from django.utils.translation import gettext as _

from exports.journal import DaySummary, JournalLine
from exports.models import DecimalMark, Separator
from exports.writers import CsvFormat, csv_text
from exports.xlsx import currency_format

FRENCH_CSV = CsvFormat(separator=Separator.SEMICOLON, decimal=DecimalMark.COMMA, bom=True)
ROWS_PER_CHUNK = 1000
DATE, TEXT, MONEY, RATE = "date", "text", "money", "rate"


def journal_headers() -> list[str]:
    return [
        _("Journal code"),
        _("Date"),
        _("Piece number"),
        _("Account"),
        _("Label"),
        _("Debit"),
        _("Credit"),
    ]


JOURNAL_KINDS = (TEXT, DATE, TEXT, TEXT, TEXT, MONEY, MONEY)


def journal_rows(lines: Iterable[JournalLine]) -> Iterator[tuple]:
    for line in lines:
        yield (
            line.journal,
            line.day,
            line.piece,
            line.account,
            line.label,
            line.debit or None,
            line.credit or None,
        )


def summary_headers() -> list[str]:
    return [_("Date"), _("VAT rate (%)"), _("Base excl. VAT"), _("VAT"), _("Total incl. VAT")]


SUMMARY_KINDS = (DATE, RATE, MONEY, MONEY, MONEY)


def summary_rows(days: Iterable[DaySummary]) -> Iterator[tuple]:
    for day in days:
        yield (day.day, day.rate, day.base, day.vat, day.total)


def _csv_value(value):
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def table_csv_chunks(*, headers: list[str], rows: Iterable[tuple]) -> Iterator[bytes]:
    """The table as CSV bytes, a thousand rows at a time (the byte-order mark first)."""
    yield csv_text([headers], csv_format=FRENCH_CSV).encode()
    rows = iter(rows)
    plain = CsvFormat(separator=FRENCH_CSV.separator, decimal=FRENCH_CSV.decimal, bom=False)
    while chunk := list(islice(rows, ROWS_PER_CHUNK)):
        values = [[_csv_value(value) for value in row] for row in chunk]
        yield csv_text(values, csv_format=plain).encode()


def xlsx_bytes(
    *,
    title: str,
    headers: list[str],
    kinds: tuple,
    rows: Iterable[tuple],
    currency: str,
    language: str,
) -> bytes:
    """The table as one XLSX sheet, header frozen and filtered."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(title[:31])
    formats = {
        "header": workbook.add_format({"bold": True, "bottom": 1}),
        DATE: workbook.add_format({"num_format": "dd/mm/yyyy"}),
        TEXT: workbook.add_format({"num_format": "@"}),
        MONEY: workbook.add_format({"num_format": currency_format(currency, language)}),
        RATE: workbook.add_format({"num_format": "0.0#"}),
    }
    sheet.write_row(0, 0, headers, formats["header"])
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, (kind, value) in enumerate(zip(kinds, row)):
            if value is None:
                continue
            if kind == DATE:
                sheet.write_datetime(count, column, value, formats[DATE])
            elif kind in (MONEY, RATE):
                sheet.write_number(count, column, float(value), formats[kind])
            else:
                sheet.write_string(count, column, str(value), formats[TEXT])
    widths = {DATE: 11, MONEY: 13, RATE: 9, TEXT: 14}
    for column, kind in enumerate(kinds):
        sheet.set_column(column, column, max(widths[kind], len(headers[column]) + 2))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, len(headers) - 1)
    workbook.close()
    return buffer.getvalue()
