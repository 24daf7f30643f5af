"""The database writes the cells of the order's and the line's own columns, already joined:
PostgreSQL for the CSV and the XLSX sheets, SQLite for the CSV. Python then only puts each
row's pieces together, where formatting every cell was three quarters of its time. The text is
byte for byte what exports/csv_file.py and exports/xlsx.py write themselves (which they still
do for the related columns, and for the XLSX on SQLite):

- CSV: every cell quoted, quotes doubled, text neutralised (a leading = + - @ tab or carriage
  return gets an apostrophe), amounts with two decimals and the chosen mark, dates and times
  the store's wall-clock time, coded values their translated label, joined by the separator;
- XLSX: SpreadsheetML cells without a reference, texts inline and escaped, amounts, dates
  (serial numbers of the store's wall-clock time) and counts as numbers in their style.

PostgreSQL joins a row's pieces with concat(); SQLite (whose || would copy the growing row once
per piece, and which has no concat() before 3.44) with printf(), the literals making its
format. SQLite knows no time zones: the store's offset from UTC is found by comparing the
stored UTC text with the times the zone changes its offset, from 1970 to 2100 (a binary search
written as nested CASEs).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.expressions import Expression

from exports.cells import FORMULA_TRIGGERS, LABEL_KINDS, labels_of
from exports.columns import Column, Kind, Source

# Where the database writes the cells (of the files its cells class names); elsewhere the
# writers format the raw values.
DATABASE_VENDORS = frozenset({"postgresql", "sqlite"})
# PostgreSQL functions take at most 100 arguments, SQLite's 127.
CONCAT_ARGUMENTS = 90
# A literal piece. Typed: concat() takes "any", so a parameter bound on the server needs its
# type. On SQLite the literals are printf()'s format.
LITERAL = "%s::text"


class Piece(NamedTuple):
    """A piece of a row: SQL with `{0}` standing for the column, and its parameters; on
    SQLite, how printf() writes it (`w` doubles its double quotes)."""

    sql: str
    params: tuple = ()
    conversion: str = "s"


# What XML would trim at a text's ends: such a text says its spaces are kept (said of every
# text, it made the sheets a quarter longer, and as long to compress).
SPACES = " \t\n\r"


def text_opening(style: int, *, spaced: bool = False) -> str:
    """The start of a text cell, inline."""
    kept = ' xml:space="preserve"' if spaced else ""
    return f'<c s="{style}" t="inlineStr"><is><t{kept}>'


def _literal(text: str) -> Piece:
    return Piece(LITERAL, (text,))


def _label_case(kind: str, cell: Callable[[str], str], other: str) -> Piece:
    """The cell of each coded value (`cell` of its label), `other` (SQL) for any other."""
    labels = labels_of(kind)
    params: tuple = ()
    for value, label in labels.items():
        params += (value, cell(label))
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    return Piece(f"CASE {{0}} {whens} ELSE {other} END", params)


class CsvCells:
    """CSV cells: quoted, neutralised, joined by the separator."""

    VENDORS = frozenset({"postgresql", "sqlite"})
    # The neutralised first characters by their code: ascii() (unicode() on SQLite) of a text
    # is the code point of its first character (0 when empty).
    TRIGGERS = "(" + ", ".join(str(ord(character)) for character in FORMULA_TRIGGERS) + ")"
    QUOTES_DOUBLED = "replace({0}, '\"', '\"\"')"
    # What goes between a cell's quotes, by database. A NULL piece is left out (concat() skips
    # it, printf() writes it as nothing): an empty value gives "". `%%` is a literal `%`.
    CONTENTS = {
        "postgresql": {
            Kind.TEXT: (
                Piece("CASE WHEN ascii({0}) IN " + TRIGGERS + " THEN '''' END"),
                Piece(QUOTES_DOUBLED),
            ),
            Kind.NUMBER: (Piece("({0})::text"),),
            Kind.MONEY: (Piece("({0})::text"),),
            Kind.DATETIME: (Piece("to_char({0} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')"),),
            Kind.DATE: (Piece("to_char({0} AT TIME ZONE %s, 'YYYY-MM-DD')"),),
        },
        "sqlite": {
            Kind.TEXT: (
                Piece("CASE WHEN unicode({0}) IN " + TRIGGERS + " THEN '''' END"),
                # printf() doubles the quotes (replace() cost a third of SQLite's time).
                Piece("ifnull({0}, '')", conversion="w"),
            ),
            Kind.NUMBER: (Piece("{0}"),),
            # Amounts are stored as the numbers their two decimals make.
            Kind.MONEY: (Piece("CASE WHEN {0} IS NOT NULL THEN printf('%%.2f', {0}) END"),),
            # Django stores UTC as `YYYY-MM-DD HH:MM:SS[.ffffff]`: the fraction is dropped, as
            # Python drops it (datetime() would round it).
            Kind.DATETIME: (Piece("datetime(substr({0}, 1, 19), {offset})"),),
            Kind.DATE: (Piece("date(substr({0}, 1, 19), {offset})"),),
        },
    }
    COMMA_MONEY = {
        "postgresql": Piece("replace(({0})::text, '.', ',')"),
        "sqlite": Piece(
            "CASE WHEN {0} IS NOT NULL THEN replace(printf('%%.2f', {0}), '.', ',') END"
        ),
    }

    def __init__(self, *, delimiter: str, timezone: str, comma: bool) -> None:
        self.separator, self.timezone, self.comma = delimiter, timezone, comma

    def writes(self, column: Column) -> bool:
        # Both databases write the same kinds.
        return column.kind in self.CONTENTS["postgresql"] or column.kind in LABEL_KINDS

    def cell(self, column: Column, *, vendor: str) -> list[Piece]:
        return [_literal('"'), *self._contents(column, vendor), _literal('"')]

    def _contents(self, column: Column, vendor: str) -> list[Piece]:
        if column.kind in LABEL_KINDS:
            doubled = lambda label: label.replace('"', '""')  # noqa: E731
            return [_label_case(column.kind, doubled, self.QUOTES_DOUBLED)]
        if column.kind == Kind.MONEY and self.comma:
            return [self.COMMA_MONEY[vendor]]
        pieces = self.CONTENTS[vendor][column.kind]
        if vendor == "sqlite":
            offset = sqlite_utc_offset(self.timezone)
            return [piece._replace(sql=piece.sql.replace("{offset}", offset)) for piece in pieces]
        if column.kind in (Kind.DATETIME, Kind.DATE):
            return [piece._replace(params=(self.timezone,)) for piece in pieces]
        return list(pieces)


@lru_cache(maxsize=32)
def sqlite_utc_offset(timezone: str) -> str:
    """SQL giving the datetime() modifier (`'+3600 seconds'`) of the zone's offset from UTC at
    the time `{0}` (Django's UTC text): a binary search over the zone's changes of offset
    (before 1970 the offset of 1970, after 2100 the last one of 2099)."""
    changes = _offset_changes(timezone)

    def search(start: int, end: int) -> str:
        if end - start == 1:
            return f"'{changes[start][1]:+d} seconds'"
        middle = (start + end) // 2
        since = changes[middle][0].strftime("%Y-%m-%d %H:%M:%S")
        return (
            f"CASE WHEN {{0}} < '{since}' THEN {search(start, middle)} "
            f"ELSE {search(middle, end)} END"
        )

    return search(0, len(changes))


# The times an export may hold; no zone changes its offset twice in a day over them.
OFFSETS_FROM, OFFSETS_UNTIL = datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=32)
def _offset_changes(timezone: str) -> tuple[tuple[datetime, int], ...]:
    """Each offset from UTC (in seconds) the zone has from 1970 to 2100, with the UTC time
    from which it holds (the first, from the start)."""
    zone = ZoneInfo(timezone)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    day, second = timedelta(days=1), timedelta(seconds=1)
    changes = [(OFFSETS_FROM, offset(OFFSETS_FROM))]
    moment, current = OFFSETS_FROM, changes[0][1]
    while moment < OFFSETS_UNTIL:
        following = moment + day
        if (later := offset(following)) != current:
            before, after = moment, following  # it changes after `before`, by `after`
            while after - before > second:
                middle = before + second * ((after - before) // second // 2)
                if offset(middle) == current:
                    before = middle
                else:
                    after = middle
            current = later  # no zone changes twice in a day
            changes.append((after, current))
        moment = following
    return tuple(changes)


@dataclass(frozen=True)
class XlsxStyles:
    """The style numbers of the workbook's formats, and its text cell (for the labels)."""

    text: int
    money: int
    datetime: int
    date: int
    text_cell: Callable[[str], str]


class XlsxCells:
    """SpreadsheetML cells, as exports/xlsx.py writes them."""

    VENDORS = frozenset({"postgresql"})
    separator = ""
    # What XML must have escaped (what it refuses, xlsx.py removes from the row).
    ESCAPED = "replace(replace(replace({0}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    # Wall-clock seconds since 1970 over a day, plus 1970-01-01's serial: Excel's serial.
    SERIAL = (
        "(extract(epoch FROM date_trunc('second', {0} AT TIME ZONE %s))::float8 / 86400 + 25569)"
    )

    def __init__(self, *, timezone: str, styles: XlsxStyles) -> None:
        self.timezone, self.styles = timezone, styles

    def writes(self, column: Column) -> bool:
        return (
            column.kind
            in (
                Kind.TEXT,
                Kind.NUMBER,
                Kind.MONEY,
                Kind.DATETIME,
                Kind.DATE,
            )
            or column.kind in LABEL_KINDS
        )

    def cell(self, column: Column, *, vendor: str) -> list[Piece]:
        kind = column.kind
        if kind == Kind.TEXT:
            return [self._text()]
        if kind in LABEL_KINDS:
            text = self._text()
            case = _label_case(kind, self.styles.text_cell, text.sql)
            return [Piece(case.sql, case.params + text.params)]
        if kind == Kind.NUMBER:
            return [self._number("({0})::text", 0, ())]
        if kind == Kind.MONEY:
            return [self._number("({0})::text", self.styles.money, ())]
        if kind == Kind.DATETIME:
            # Whole days print without ".0", as exports/xlsx.py writes them.
            serial = f"({self.SERIAL})::text"
            return [self._number(serial, self.styles.datetime, (self.timezone,))]
        days = "(({0} AT TIME ZONE %s)::date - DATE '1899-12-30')::text"
        return [self._number(days, self.styles.date, (self.timezone,))]

    def _number(self, value: str, style: int, params: tuple) -> Piece:
        opening = f'<c s="{style}"><v>' if style else "<c><v>"
        return Piece(
            f"CASE WHEN {{0}} IS NULL THEN '<c/>' ELSE concat(%s::text, {value}, '</v></c>') END",
            (opening, *params),
        )

    def _text(self) -> Piece:
        return Piece(
            "CASE WHEN {0} IS NULL OR {0} = '' THEN '<c/>' "
            "WHEN strpos(%s, left({0}, 1)) > 0 OR strpos(%s, right({0}, 1)) > 0 "
            f"THEN concat(%s::text, {self.ESCAPED}, '</t></is></c>') "
            f"ELSE concat(%s::text, {self.ESCAPED}, '</t></is></c>') END",
            (
                SPACES,
                SPACES,
                text_opening(self.styles.text, spaced=True),
                text_opening(self.styles.text),
            ),
        )


Cells = CsvCells | XlsxCells


class _Row(Func):
    """The cells of some columns joined (by the separator), as one text, built in one go:
    concat() on PostgreSQL, printf() on SQLite."""

    output_field = TextField()

    def __init__(self, columns: list[Column], *, cells: Cells, vendor: str):
        super().__init__(*(F(column.field) for column in columns))
        # Made now, in the export's language (the labels).
        self.pieces = [cells.cell(column, vendor=vendor) for column in columns]
        self.separator = cells.separator

    def _groups(self, compiler, connection) -> list[list[Piece]]:
        """The row's pieces, neighbouring literals merged, in groups a function can take."""
        pieces: list[Piece] = []
        for index, (expression, cell) in enumerate(zip(self.source_expressions, self.pieces)):
            sql, column_params = compiler.compile(expression)
            if column_params:  # a plain column has none; a template may repeat it
                raise ValueError("a cell is made of a column")
            if index and self.separator:
                pieces.append(_literal(self.separator))
            pieces += [piece._replace(sql=piece.sql.format(sql)) for piece in cell]
        pieces = _merged_literals(pieces)
        return [
            pieces[start : start + CONCAT_ARGUMENTS]
            for start in range(0, len(pieces), CONCAT_ARGUMENTS)
        ]

    def as_sql(self, compiler, connection, **extra):
        groups = self._groups(compiler, connection)
        sql = " || ".join("concat(" + ", ".join(p.sql for p in group) + ")" for group in groups)
        return "(" + sql + ")", tuple(
            param for group in groups for p in group for param in p.params
        )

    def as_sqlite(self, compiler, connection, **extra):
        calls, params = [], []
        for group in self._groups(compiler, connection):
            # The literals are the format (a `%` doubled), each other piece a `%s` (or `%w`).
            form = "".join(
                p.params[0].replace("%", "%%") if p.sql == LITERAL else "%" + p.conversion
                for p in group
            )
            others = [p for p in group if p.sql != LITERAL]
            calls.append("printf(" + ", ".join(["%s"] + [p.sql for p in others]) + ")")
            params += [form] + [param for p in others for param in p.params]
        return "(" + " || ".join(calls) + ")", tuple(params)


def _merged_literals(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring literals as one (a CSV's closing quote, separator and next quote)."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and piece.sql == LITERAL and merged[-1].sql == LITERAL:
            merged[-1] = _literal(merged[-1].params[0] + piece.params[0])
        else:
            merged.append(piece)
    return merged


@dataclass
class DatabaseReads:
    """What the export reads: where the database writes the cells, each run of the order's own
    columns as one annotated text (the related columns between them stay Python's), and, by
    line, each line's cells as one text (after the line's raw values where they are kept);
    elsewhere the columns themselves."""

    queryset: QuerySet
    order_columns: list[Column]
    line_columns: list[Column]
    line_annotations: dict[str, Expression]


def database_reads(
    queryset: QuerySet,
    order_columns: list[Column],
    line_columns: list[Column],
    *,
    by_line: bool,
    cells: Cells,
    keep_line_values: bool = False,
) -> DatabaseReads:
    """Call in the export's language (the labels)."""
    vendor = connections[queryset.db].vendor
    if vendor not in DATABASE_VENDORS & cells.VENDORS:
        return DatabaseReads(queryset, order_columns, line_columns, {})
    read: list[Column] = []
    annotations: dict[str, Expression] = {}
    run: list[Column] = []

    def close_run() -> None:
        if run:
            alias = f"export_cells_{len(annotations)}"
            annotations[alias] = _Row(list(run), cells=cells, vendor=vendor)
            read.append(Column(alias, "", alias, Kind.CELLS))
            run.clear()

    for column in order_columns:
        if column.source == Source.ORDER and cells.writes(column):
            run.append(column)
        else:
            close_run()
            read.append(column)
    close_run()
    if by_line and line_columns and all(cells.writes(c) for c in line_columns):
        alias = "export_line_cells"
        line_annotations = {alias: _Row(line_columns, cells=cells, vendor=vendor)}
        joined = Column(alias, "", alias, Kind.CELLS, source=Source.LINE)
        lines = [*line_columns, joined] if keep_line_values else [joined]
    else:
        line_annotations, lines = {}, line_columns
    return DatabaseReads(queryset.annotate(**annotations), read, lines, line_annotations)
