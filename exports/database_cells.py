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
EMPTY = "'\"\"'"
# The neutralised first characters by their code: ascii() of a text is the code point of its
# first character (0 when empty).
TRIGGERS = "(" + ", ".join(str(ord(character)) for character in FORMULA_TRIGGERS) + ")"
TEMPLATES = {
    Kind.TEXT: (
        "CASE WHEN ascii({0}) IN " + TRIGGERS + " THEN '\"''' ELSE '\"' END "
        "|| replace(coalesce({0}, ''), '\"', '\"\"') || '\"'"
    ),
    Kind.NUMBER: "coalesce('\"' || ({0})::text || '\"', " + EMPTY + ")",
    Kind.MONEY: "coalesce('\"' || ({0})::text || '\"', " + EMPTY + ")",
    Kind.DATETIME: (
        "coalesce('\"' || to_char({0} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS') || '\"', "
        + EMPTY
        + ")"
    ),
    Kind.DATE: "coalesce('\"' || to_char({0} AT TIME ZONE %s, 'YYYY-MM-DD') || '\"', "
    + EMPTY
    + ")",
}
COMMA_MONEY = "coalesce('\"' || replace(({0})::text, '.', ',') || '\"', " + EMPTY + ")"


class _Cell(Func):
    """One column's quoted cell: a template over the column, `{0}` standing for it."""

    output_field = TextField()

    def __init__(self, field: str, template: str, params: tuple = ()):
        super().__init__(F(field))
        self.cell_template, self.cell_params = template, params

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if params:  # a plain column has none; the template repeats it
            raise ValueError("a cell is made of a column")
        return "(" + self.cell_template.format(column) + ")", self.cell_params


class _Joined(Func):
    """Cells joined by the separator, as one text."""

    output_field = TextField()

    def __init__(self, cells: list[Expression], delimiter: str):
        super().__init__(*cells)
        self.delimiter = delimiter

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for cell in self.source_expressions:
            sql, cell_params = compiler.compile(cell)
            parts.append(sql)
            params += [*cell_params, self.delimiter]
        return "(" + " || %s || ".join(parts) + ")", tuple(params[:-1])


def _label_cell(column: Column) -> _Cell:
    labels = labels_of(column.kind)
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    params: tuple = ()
    for value, label in labels.items():
        params += (value, '"' + label.replace('"', '""') + '"')
    otherwise = "'\"' || replace({0}, '\"', '\"\"') || '\"'"
    return _Cell(column.field, f"CASE {{0}} {whens} ELSE {otherwise} END", params)


def database_cell(column: Column, *, timezone: str, comma: bool) -> _Cell:
    """The expression of one column's cell (call in the export's language: labels)."""
    if column.kind in LABEL_KINDS:
        return _label_cell(column)
    if column.kind == Kind.MONEY and comma:
        return _Cell(column.field, COMMA_MONEY)
    params = (timezone,) if column.kind in (Kind.DATETIME, Kind.DATE) else ()
    return _Cell(column.field, TEMPLATES[column.kind], params)


def database_formats(column: Column) -> bool:
    return column.kind in TEMPLATES or column.kind in LABEL_KINDS


def database_row(columns: list[Column], *, delimiter: str, timezone: str, comma: bool) -> _Joined:
    """The cells of `columns` (the row's own, in a row) joined by the separator."""
    return _Joined([database_cell(c, timezone=timezone, comma=comma) for c in columns], delimiter)


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
