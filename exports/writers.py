"""A small CSV writer for any table of rows (the sales reports use it), in the separator and
decimal mark a user chose for exports in a store, with the export's formula neutralising."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from exports.csv_file import neutralise
from exports.models import SEPARATOR_CHARACTERS, DecimalMark
from exports.selectors import export_settings_initial
from mycommerce.models import Store


@dataclass(frozen=True)
class CsvFormat:
    separator: str  # a exports.models.Separator value
    decimal: str  # a exports.models.DecimalMark value
    bom: bool = True

    @property
    def delimiter(self) -> str:
        return SEPARATOR_CHARACTERS[self.separator]


def csv_format_for(*, user: AbstractBaseUser, store: Store) -> CsvFormat:
    """The separator, decimal mark and byte-order mark of this user's last export in this
    store, else the store's defaults (what the export form would offer)."""
    settings = export_settings_initial(user=user, store=store)
    return CsvFormat(
        separator=settings["separator"], decimal=settings["decimal"], bom=settings["bom"]
    )


def csv_cell(value, *, decimal: str) -> str:
    """One cell: numbers with the chosen decimal mark, text neutralised, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, Decimal | float):
        text = format(Decimal(str(value)), "f")
        return text.replace(".", ",") if decimal == DecimalMark.COMMA else text
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_text(rows: Iterable[Sequence], *, csv_format: CsvFormat) -> str:
    """The rows as CSV text (CRLF line ends, as the export writes them)."""
    buffer = io.StringIO()
    if csv_format.bom:
        buffer.write("\ufeff")
    # Every cell quoted, as the export writes them: a double-click in LibreOffice ticks comma,
    # semicolon and tab together, and only quotes keep "1234,56" in one cell.
    writer = csv.writer(
        buffer, delimiter=csv_format.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL
    )
    for row in rows:
        writer.writerow([csv_cell(value, decimal=csv_format.decimal) for value in row])
    return buffer.getvalue()
