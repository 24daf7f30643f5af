"""The two expressions the reports need that Django does not spell the same way on SQLite and
PostgreSQL."""

from datetime import date

from django.db import NotSupportedError
from django.db.models import BigIntegerField, DecimalField, Func

EPOCH = date(1970, 1, 1)
HOUR = 3600
DAY = 86400


class LocalUnit(Func):
    """The local hour or day of a datetime column, counted from midnight of `anchor`, given
    the row's UTC offset in seconds (an expression): UTC time plus offset, by plain arithmetic
    in the database, never a per-row time-zone conversion."""

    arity = 2
    output_field = BigIntegerField()

    def __init__(self, column, offset, *, anchor: date, by_hour: bool):
        super().__init__(column, offset)
        self.anchor, self.by_hour = anchor, by_hour

    def _compiled(self, compiler):
        (column, column_params), (offset, offset_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return column, tuple(column_params), offset, tuple(offset_params)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"Reports do not support {connection.vendor} yet.")

    def as_sqlite(self, compiler, connection, **extra_context):
        column, column_params, offset, offset_params = self._compiled(compiler)
        # Whole seconds since 1970 on the local wall clock, less those of the anchor.
        anchor = (self.anchor - EPOCH).days * DAY
        size = HOUR if self.by_hour else DAY
        sql = f"((unixepoch({column}) + {offset} - %s) / {size})"
        return sql, (*column_params, *offset_params, anchor)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, column_params, offset, offset_params = self._compiled(compiler)
        local = f"(({column} AT TIME ZONE 'UTC') + make_interval(secs => {offset}))"
        params = (*column_params, *offset_params, self.anchor)
        sql = f"(({local})::date - %s::date)"
        if self.by_hour:
            sql = f"({sql} * 24 + EXTRACT(HOUR FROM {local})::integer)"
            params = (*params, *column_params, *offset_params)
        return sql, params


class Share(Func):
    """`amount` × `part` ÷ `whole`, unrounded; NULL when `whole` is zero. SQLite stores 20.00
    as the integer 20 and would divide integers: the product is made real first there."""

    arity = 3
    output_field = DecimalField(max_digits=30, decimal_places=8)

    def as_sql(self, compiler, connection, real="", **extra_context):
        amount, part, whole = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"(({real}{amount[0]} * {part[0]}) / NULLIF({whole[0]}, 0))"
        return sql, (*amount[1], *part[1], *whole[1])

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, real="1.0 * ", **extra_context)
