"""The two expressions the reports need that Django does not spell the same way on SQLite and
PostgreSQL."""

from django.db import NotSupportedError
from django.db.models import BigIntegerField, DecimalField, Func


class EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime column, by the database itself."""

    arity = 1
    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"Reports do not support {connection.vendor} yet.")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="unixepoch", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint",
            **extra_context,
        )


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
