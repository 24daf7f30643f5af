"""The search index (SQLite: an FTS5 trigram table kept by triggers; PostgreSQL: pg_trgm and
a GIN trigram index) and the triggers keeping the per-store status counts, which are first
counted from the orders. Each operation runs on its own database only. The SQL lives in
orders/database.py, which also checks it after every migrate."""

from django.db import migrations

from orders import database


class VendorRunSQL(migrations.RunSQL):
    """RunSQL on one database vendor only; a no-op on the others."""

    def __init__(self, vendor, sql, reverse_sql=None):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in database.SQLITE_SEARCH_TRIGGERS),
    *(f"DROP TRIGGER IF EXISTS {name}" for name in database.SQLITE_COUNT_TRIGGERS),
    f"DROP TABLE IF EXISTS {database.SEARCH_TABLE}",
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON orders_order" for name in database.POSTGRES_COUNT_TRIGGERS),
    "DROP FUNCTION IF EXISTS orders_order_counts()",
    "DROP INDEX IF EXISTS order_search_trgm_idx",
]


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0006_fill_search_text"),
    ]

    operations = [
        VendorRunSQL(
            "sqlite",
            [
                database.SQLITE_SEARCH_TABLE,
                *database.SQLITE_SEARCH_TRIGGERS.values(),
                database.SQLITE_SEARCH_REBUILD,
                *database.SQLITE_COUNT_TRIGGERS.values(),
            ],
            SQLITE_DROP,
        ),
        VendorRunSQL(
            "postgresql",
            [
                *database.POSTGRES_SEARCH_INDEX,
                database.POSTGRES_COUNTS_FUNCTION,
                *(f"DROP TRIGGER IF EXISTS {name} ON orders_order" for name in database.POSTGRES_COUNT_TRIGGERS),
                *database.POSTGRES_COUNT_TRIGGERS.values(),
            ],
            POSTGRES_DROP,
        ),
        migrations.RunSQL(list(database.COUNTS_RECOUNT), migrations.RunSQL.noop),
    ]
