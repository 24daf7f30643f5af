"""On PostgreSQL the database writes the cells of the order's and the line's own columns,
already joined, for the CSV and for the XLSX sheets: Python then only puts each row's pieces
together, where formatting every cell was three quarters of its time. The text is byte for
byte what exports/csv_file.py and exports/xlsx.py write themselves (which they still do on
SQLite, and for the related columns):

- CSV: every cell quoted, quotes doubled, text neutralised (a leading = + - @ tab or carriage
  return gets an apostrophe), amounts with two decimals and the chosen mark, dates and times
  the store's wall-clock time, coded values their translated label, joined by the separator;
- XLSX: SpreadsheetML cells without a reference, texts inline and escaped, amounts, dates
  (serial numbers of the store's wall-clock time) and counts as numbers in their style.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.expressions import Expression

from exports.cells import FORMULA_TRIGGERS, LABEL_KINDS, labels_of
from exports.columns import Column, Kind, Source

# Where the database writes the cells; elsewhere the writers format the raw values.
DATABASE_VENDORS = frozenset({"postgresql"})
# PostgreSQL functions take at most 100 arguments.
CONCAT_ARGUMENTS = 90
# A piece of a row: SQL with `{0}` standing for the column, and its parameters.
Piece = tuple[str, tuple]


# What XML would trim at a text's ends: such a text says its spaces are kept (said of every
# text, it made the sheets a quarter longer, and as long to compress).
SPACES = " \t\n\r"


def text_opening(style: int, *, spaced: bool = False) -> str:
    """The start of a text cell, inline."""
    kept = ' xml:space="preserve"' if spaced else ""
    return f'<c s="{style}" t="inlineStr"><is><t{kept}>'


def _literal(text: str) -> Piece:
    # Typed: concat() takes "any", so a parameter bound on the server needs its type.
    return ("%s::text", (text,))


def _label_case(kind: str, cell: Callable[[str], str], other: str) -> Piece:
    """The cell of each coded value (`cell` of its label), `other` (SQL) for any other."""
    labels = labels_of(kind)
    params: tuple = ()
    for value, label in labels.items():
        params += (value, cell(label))
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    return (f"CASE {{0}} {whens} ELSE {other} END", params)


class CsvCells:
    """CSV cells: quoted, neutralised, joined by the separator."""

    # The neutralised first characters by their code: ascii() of a text is the code point of
    # its first character (0 when empty).
    TRIGGERS = "(" + ", ".join(str(ord(character)) for character in FORMULA_TRIGGERS) + ")"
    # What goes between a cell's quotes. concat() skips a NULL: an empty value gives "".
    CONTENTS = {
        Kind.TEXT: (
            "CASE WHEN ascii({0}) IN " + TRIGGERS + " THEN '''' END",
            "replace({0}, '\"', '\"\"')",
        ),
        Kind.NUMBER: ("({0})::text",),
        Kind.MONEY: ("({0})::text",),
        Kind.DATETIME: ("to_char({0} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')",),
        Kind.DATE: ("to_char({0} AT TIME ZONE %s, 'YYYY-MM-DD')",),
    }
    COMMA_MONEY = ("replace(({0})::text, '.', ',')",)

    def __init__(self, *, delimiter: str, timezone: str, comma: bool) -> None:
        self.separator, self.timezone, self.comma = delimiter, timezone, comma

    def writes(self, column: Column) -> bool:
        return column.kind in self.CONTENTS or column.kind in LABEL_KINDS

    def cell(self, column: Column) -> list[Piece]:
        return [_literal('"'), *self._contents(column), _literal('"')]

    def _contents(self, column: Column) -> list[Piece]:
        if column.kind in LABEL_KINDS:
            return [
                _label_case(
                    column.kind,
                    lambda label: label.replace('"', '""'),
                    "replace({0}, '\"', '\"\"')",
                )
            ]
        if column.kind == Kind.MONEY and self.comma:
            return [(template, ()) for template in self.COMMA_MONEY]
        zone = (self.timezone,) if column.kind in (Kind.DATETIME, Kind.DATE) else ()
        return [
            (template, zone if "%s" in template else ()) for template in self.CONTENTS[column.kind]
        ]


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

    def cell(self, column: Column) -> list[Piece]:
        kind = column.kind
        if kind == Kind.TEXT:
            return [self._text()]
        if kind in LABEL_KINDS:
            text, params = self._text()
            case, labels = _label_case(kind, self.styles.text_cell, text)
            return [(case, labels + params)]
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
        return (
            f"CASE WHEN {{0}} IS NULL THEN '<c/>' ELSE concat(%s::text, {value}, '</v></c>') END",
            (opening, *params),
        )

    def _text(self) -> Piece:
        return (
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
    """The cells of some columns joined (by the separator), as one text, built by one
    concat() (a chain of || would copy the growing row once per piece)."""

    output_field = TextField()

    def __init__(self, columns: list[Column], *, cells: Cells):
        super().__init__(*(F(column.field) for column in columns))
        self.pieces = [cells.cell(column) for column in columns]
        self.separator = cells.separator

    def as_sql(self, compiler, connection, **extra):
        pieces: list[Piece] = []
        for index, (expression, cell) in enumerate(zip(self.source_expressions, self.pieces)):
            column, column_params = compiler.compile(expression)
            if column_params:  # a plain column has none; a template may repeat it
                raise ValueError("a cell is made of a column")
            if index and self.separator:
                pieces.append(_literal(self.separator))
            pieces += [(template.format(column), params) for template, params in cell]
        pieces = _merged_literals(pieces)
        groups = [
            pieces[start : start + CONCAT_ARGUMENTS]
            for start in range(0, len(pieces), CONCAT_ARGUMENTS)
        ]
        sql = " || ".join("concat(" + ", ".join(sql for sql, _ in group) + ")" for group in groups)
        return "(" + sql + ")", tuple(param for _, params in pieces for param in params)


def _merged_literals(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring literals as one (a CSV's closing quote, separator and next quote)."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and piece[0] == "%s::text" and merged[-1][0] == "%s::text":
            merged[-1] = _literal(merged[-1][1][0] + piece[1][0])
        else:
            merged.append(piece)
    return merged


@dataclass
class DatabaseReads:
    """What the export reads: on PostgreSQL each run of the order's own columns as one
    annotated text (the related columns between them stay Python's), and, by line, each line's
    cells as one text (after the line's raw values where they are kept); elsewhere the columns
    themselves."""

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
    if connections[queryset.db].vendor not in DATABASE_VENDORS:
        return DatabaseReads(queryset, order_columns, line_columns, {})
    read: list[Column] = []
    annotations: dict[str, Expression] = {}
    run: list[Column] = []

    def close_run() -> None:
        if run:
            alias = f"export_cells_{len(annotations)}"
            annotations[alias] = _Row(list(run), cells=cells)
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
        line_annotations = {alias: _Row(line_columns, cells=cells)}
        joined = Column(alias, "", alias, Kind.CELLS, source=Source.LINE)
        lines = [*line_columns, joined] if keep_line_values else [joined]
    else:
        line_annotations, lines = {}, line_columns
    return DatabaseReads(queryset.annotate(**annotations), read, lines, line_annotations)
