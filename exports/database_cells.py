"""On PostgreSQL the database writes the CSV cells of the order's and the line's own columns,
already quoted and joined: Python then only puts each row's pieces together, where formatting
every cell was three quarters of its time. The text is byte for byte what exports/csv_file.py
writes itself (which it still does on SQLite, and for the related columns): every cell
quoted, quotes doubled, text neutralised (a leading = + - @ tab or carriage return gets an
apostrophe), amounts with two decimals and the chosen mark, dates and times the store's
wall-clock time, coded values their translated label.
"""

from dataclasses import dataclass

from django.db.models import F, Func, TextField
from django.db.models.expressions import Expression

from exports.cells import FORMULA_TRIGGERS, LABEL_KINDS, labels_of
from exports.columns import Column, Kind, Source

# Where the database writes the cells; elsewhere csv_file.py formats the raw values.
DATABASE_VENDORS = frozenset({"postgresql"})
# The neutralised first characters by their code: ascii() of a text is the code point of its
# first character (0 when empty).
TRIGGERS = "(" + ", ".join(str(ord(character)) for character in FORMULA_TRIGGERS) + ")"
# What goes between a cell's quotes, `{0}` standing for the column. concat() skips a NULL, so
# an empty value gives "" with no coalesce.
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
# PostgreSQL functions take at most 100 arguments.
CONCAT_ARGUMENTS = 90


def _contents(column: Column, *, timezone: str, comma: bool) -> list[tuple[str, tuple]]:
    """(SQL template, params) of what goes between the quotes of one column's cell."""
    if column.kind in LABEL_KINDS:
        labels = labels_of(column.kind)
        params: tuple = ()
        for value, label in labels.items():
            params += (value, label.replace('"', '""'))
        whens = " ".join("WHEN %s THEN %s" for _ in labels)
        return [(f"CASE {{0}} {whens} ELSE replace({{0}}, '\"', '\"\"') END", params)]
    if column.kind == Kind.MONEY and comma:
        return [(template, ()) for template in COMMA_MONEY]
    params = (timezone,) if column.kind in (Kind.DATETIME, Kind.DATE) else ()
    return [(template, params if "%s" in template else ()) for template in CONTENTS[column.kind]]


class _Row(Func):
    """The quoted cells of some columns joined by the separator, as one text, built by one
    concat() (a chain of || would copy the growing row once per piece)."""

    output_field = TextField()

    def __init__(self, columns: list[Column], *, delimiter: str, timezone: str, comma: bool):
        super().__init__(*(F(column.field) for column in columns))
        self.contents = [_contents(c, timezone=timezone, comma=comma) for c in columns]
        self.delimiter = delimiter

    def as_sql(self, compiler, connection, **extra):
        pieces: list[tuple[str, tuple]] = []  # (SQL, its params), literals as parameters
        literal = '"'
        for index, (expression, contents) in enumerate(zip(self.source_expressions, self.contents)):
            column, column_params = compiler.compile(expression)
            if column_params:  # a plain column has none; a template may repeat it
                raise ValueError("a cell is made of a column")
            if index:
                literal = '"' + self.delimiter + '"'
            # Typed: concat() takes "any", so a parameter bound on the server needs its type.
            pieces.append(("%s::text", (literal,)))
            pieces += [(template.format(column), params) for template, params in contents]
        pieces.append(("%s::text", ('"',)))
        groups = [
            pieces[start : start + CONCAT_ARGUMENTS]
            for start in range(0, len(pieces), CONCAT_ARGUMENTS)
        ]
        sql = " || ".join("concat(" + ", ".join(sql for sql, _ in group) + ")" for group in groups)
        return "(" + sql + ")", tuple(param for _, params in pieces for param in params)


def database_formats(column: Column) -> bool:
    return column.kind in CONTENTS or column.kind in LABEL_KINDS


def database_row(columns: list[Column], *, delimiter: str, timezone: str, comma: bool) -> _Row:
    """The cells of `columns` (the row's own, in a row) joined by the separator."""
    return _Row(columns, delimiter=delimiter, timezone=timezone, comma=comma)


@dataclass
class DatabasePlan:
    """What the export reads instead of raw values: each run of the order's own columns as one
    annotated text (the related columns between them stay Python's), and with layout
    `lines` each line's cells as one text."""

    order_columns: list[Column]
    order_annotations: dict[str, Expression]
    line_columns: list[Column]
    line_annotations: dict[str, Expression]


def database_plan(
    order_columns: list[Column],
    line_columns: list[Column],
    *,
    by_line: bool,
    delimiter: str,
    timezone: str,
    comma: bool,
) -> DatabasePlan:
    """Call in the export's language (the labels)."""
    cells = {"delimiter": delimiter, "timezone": timezone, "comma": comma}
    read: list[Column] = []
    annotations: dict[str, Expression] = {}
    run: list[Column] = []

    def close_run() -> None:
        if run:
            alias = f"export_cells_{len(annotations)}"
            annotations[alias] = database_row(run, **cells)
            read.append(Column(alias, "", alias, Kind.CELLS))
            run.clear()

    for column in order_columns:
        if column.source == Source.ORDER and database_formats(column):
            run.append(column)
        else:
            close_run()
            read.append(column)
    close_run()
    if by_line and line_columns and all(database_formats(c) for c in line_columns):
        alias = "export_line_cells"
        line_annotations = {alias: database_row(line_columns, **cells)}
        lines = [Column(alias, "", alias, Kind.CELLS, source=Source.LINE)]
    else:
        line_annotations, lines = {}, line_columns
    return DatabasePlan(read, annotations, lines, line_annotations)
