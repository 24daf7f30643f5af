"""What the order tables need from each database beyond Django's models: the search index
over `Order.search_text`, the per-store status counts kept by triggers, and the planner's
statistics.

The triggers run inside the statement that writes an order, so the index and the counts
change in the same transaction, whoever writes (a service, seed_demo's bulk inserts, a
shell). The SQL is written once here, run by the migrations and checked again after every
`migrate` (`database_ensure`): SQLite drops a table's triggers when Django rebuilds that
table for a schema change, and the check puts them back, rebuilding what they keep.
"""

import logging

from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

SEARCH_TABLE = "orders_order_search"
COUNTS_TABLE = "orders_orderstatuscount"
# Serialises the counts' writers per store on PostgreSQL (a transaction advisory lock), so
# two transactions moving orders between the same pairs in opposite ways cannot deadlock.
COUNTS_LOCK_NAMESPACE = 7242

SQLITE_SEARCH_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(
    search_text, content='orders_order', content_rowid='id', tokenize='trigram'
)"""

SQLITE_SEARCH_TRIGGERS = {
    "orders_order_search_insert": f"""
CREATE TRIGGER IF NOT EXISTS orders_order_search_insert AFTER INSERT ON orders_order BEGIN
    INSERT INTO {SEARCH_TABLE} (rowid, search_text) VALUES (new.id, new.search_text);
END""",
    "orders_order_search_delete": f"""
CREATE TRIGGER IF NOT EXISTS orders_order_search_delete AFTER DELETE ON orders_order BEGIN
    INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END""",
    "orders_order_search_update": f"""
CREATE TRIGGER IF NOT EXISTS orders_order_search_update AFTER UPDATE OF search_text ON orders_order
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
    INSERT INTO {SEARCH_TABLE} (rowid, search_text) VALUES (new.id, new.search_text);
END""",
}

_SQLITE_COUNT_UP = f"""
    INSERT INTO {COUNTS_TABLE} (store_id, payment_status, fulfillment_status, order_count)
    VALUES (new.store_id, new.payment_status, new.fulfillment_status, 1)
    ON CONFLICT (store_id, payment_status, fulfillment_status)
    DO UPDATE SET order_count = order_count + 1;"""
_SQLITE_COUNT_DOWN = f"""
    UPDATE {COUNTS_TABLE} SET order_count = order_count - 1
    WHERE store_id = old.store_id AND payment_status = old.payment_status
    AND fulfillment_status = old.fulfillment_status;"""

SQLITE_COUNT_TRIGGERS = {
    "orders_order_counts_insert": f"""
CREATE TRIGGER IF NOT EXISTS orders_order_counts_insert AFTER INSERT ON orders_order BEGIN
{_SQLITE_COUNT_UP}
END""",
    "orders_order_counts_delete": f"""
CREATE TRIGGER IF NOT EXISTS orders_order_counts_delete AFTER DELETE ON orders_order BEGIN
{_SQLITE_COUNT_DOWN}
END""",
    "orders_order_counts_update": f"""
CREATE TRIGGER IF NOT EXISTS orders_order_counts_update
AFTER UPDATE OF store_id, payment_status, fulfillment_status ON orders_order
WHEN old.store_id IS NOT new.store_id OR old.payment_status IS NOT new.payment_status
    OR old.fulfillment_status IS NOT new.fulfillment_status BEGIN
{_SQLITE_COUNT_DOWN}
{_SQLITE_COUNT_UP}
END""",
}

SQLITE_SEARCH_REBUILD = f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('rebuild')"

SEARCH_INDEX = "order_search_trgm_idx"
POSTGRES_SEARCH_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON orders_order "
    "USING gin (search_text gin_trgm_ops)",
)

# One trigger per statement with its transition tables: a statement writing many orders
# (seed_demo's batches, a bulk status change) adds each pair's count once, instead of
# updating the same row once per order (which, in one transaction, PostgreSQL slows down
# with every dead version of the row).
POSTGRES_COUNTS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION orders_order_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Writers of a store's counts queue, in store order: never a deadlock between them.
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock({COUNTS_LOCK_NAMESPACE}, (store_id % 2147483647)::int)
        FROM (SELECT DISTINCT store_id FROM new_orders ORDER BY store_id) AS stores;
        INSERT INTO {COUNTS_TABLE} AS counts
            (store_id, payment_status, fulfillment_status, order_count)
        SELECT store_id, payment_status, fulfillment_status, SUM(change) FROM (
            SELECT store_id, payment_status, fulfillment_status, 1 AS change FROM new_orders
        ) AS moves GROUP BY store_id, payment_status, fulfillment_status
        HAVING SUM(change) <> 0
        ON CONFLICT (store_id, payment_status, fulfillment_status)
        DO UPDATE SET order_count = counts.order_count + EXCLUDED.order_count;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_advisory_xact_lock({COUNTS_LOCK_NAMESPACE}, (store_id % 2147483647)::int)
        FROM (SELECT DISTINCT store_id FROM old_orders ORDER BY store_id) AS stores;
        INSERT INTO {COUNTS_TABLE} AS counts
            (store_id, payment_status, fulfillment_status, order_count)
        SELECT store_id, payment_status, fulfillment_status, SUM(change) FROM (
            SELECT store_id, payment_status, fulfillment_status, -1 AS change FROM old_orders
        ) AS moves GROUP BY store_id, payment_status, fulfillment_status
        HAVING SUM(change) <> 0
        ON CONFLICT (store_id, payment_status, fulfillment_status)
        DO UPDATE SET order_count = counts.order_count + EXCLUDED.order_count;
    ELSIF EXISTS (
        SELECT FROM old_orders o JOIN new_orders n ON n.id = o.id
        WHERE (o.store_id, o.payment_status, o.fulfillment_status)
            IS DISTINCT FROM (n.store_id, n.payment_status, n.fulfillment_status)
    ) THEN
        PERFORM pg_advisory_xact_lock({COUNTS_LOCK_NAMESPACE}, (store_id % 2147483647)::int)
        FROM (
            SELECT store_id FROM old_orders UNION SELECT store_id FROM new_orders ORDER BY 1
        ) AS stores;
        INSERT INTO {COUNTS_TABLE} AS counts
            (store_id, payment_status, fulfillment_status, order_count)
        SELECT store_id, payment_status, fulfillment_status, SUM(change) FROM (
            SELECT o.store_id, o.payment_status, o.fulfillment_status, -1 AS change
            FROM old_orders o JOIN new_orders n ON n.id = o.id
            WHERE (o.store_id, o.payment_status, o.fulfillment_status)
                IS DISTINCT FROM (n.store_id, n.payment_status, n.fulfillment_status)
            UNION ALL
            SELECT n.store_id, n.payment_status, n.fulfillment_status, 1
            FROM old_orders o JOIN new_orders n ON n.id = o.id
            WHERE (o.store_id, o.payment_status, o.fulfillment_status)
                IS DISTINCT FROM (n.store_id, n.payment_status, n.fulfillment_status)
        ) AS moves GROUP BY store_id, payment_status, fulfillment_status
        HAVING SUM(change) <> 0
        ON CONFLICT (store_id, payment_status, fulfillment_status)
        DO UPDATE SET order_count = counts.order_count + EXCLUDED.order_count;
    END IF;
    RETURN NULL;
END
$$"""

POSTGRES_COUNT_TRIGGERS = {
    "orders_order_counts_insert": """
CREATE TRIGGER orders_order_counts_insert AFTER INSERT ON orders_order
REFERENCING NEW TABLE AS new_orders
FOR EACH STATEMENT EXECUTE FUNCTION orders_order_counts()""",
    "orders_order_counts_delete": """
CREATE TRIGGER orders_order_counts_delete AFTER DELETE ON orders_order
REFERENCING OLD TABLE AS old_orders
FOR EACH STATEMENT EXECUTE FUNCTION orders_order_counts()""",
    "orders_order_counts_update": """
CREATE TRIGGER orders_order_counts_update AFTER UPDATE ON orders_order
REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
FOR EACH STATEMENT EXECUTE FUNCTION orders_order_counts()""",
}

# The counts from the orders themselves: the migration's first fill, and the repair.
COUNTS_RECOUNT = (
    f"DELETE FROM {COUNTS_TABLE}",
    f"INSERT INTO {COUNTS_TABLE} (store_id, payment_status, fulfillment_status, order_count) "
    "SELECT store_id, payment_status, fulfillment_status, COUNT(*) FROM orders_order "
    "GROUP BY store_id, payment_status, fulfillment_status",
)


def _existing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'orders_order'::regclass"
                " AND NOT tgisinternal"
            )
        return {name for (name,) in cursor.fetchall()}


def _run(connection: BaseDatabaseWrapper, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def database_ensure(*, connection: BaseDatabaseWrapper) -> list[str]:
    """Put back any missing trigger or index of the search and the counts, rebuilding what
    a missing trigger should have kept. Returns what was repaired (empty when all was there).
    Does nothing before the orders migrations created the tables."""
    tables = set(connection.introspection.table_names())
    if COUNTS_TABLE not in tables or (connection.vendor == "sqlite" and SEARCH_TABLE not in tables):
        return []
    existing = _existing_triggers(connection)
    repaired: list[str] = []
    if connection.vendor == "sqlite":
        search_missing = set(SQLITE_SEARCH_TRIGGERS) - existing
        if search_missing:
            _run(connection, [SQLITE_SEARCH_TRIGGERS[name] for name in sorted(search_missing)])
            _run(connection, [SQLITE_SEARCH_REBUILD])
            repaired += sorted(search_missing)
        counts = SQLITE_COUNT_TRIGGERS
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE indexname = %s", [SEARCH_INDEX])
            (index_count,) = cursor.fetchone()
        if not index_count:
            _run(connection, POSTGRES_SEARCH_INDEX)
            repaired.append(SEARCH_INDEX)
        # Always the current function (replacing it is safe inside a transaction).
        _run(connection, [POSTGRES_COUNTS_FUNCTION])
        counts = POSTGRES_COUNT_TRIGGERS
    else:
        return []
    counts_missing = set(counts) - existing
    if counts_missing:
        _run(connection, [counts[name] for name in sorted(counts_missing)])
        _run(connection, COUNTS_RECOUNT)
        repaired += sorted(counts_missing)
    if repaired:
        logger.warning("Order search/count triggers were missing and were rebuilt: %s", repaired)
    return repaired


def database_analyze(*, connection: BaseDatabaseWrapper) -> None:
    """Refresh the planner's statistics (after migrations, seeding, large imports, and
    periodically: `manage.py db_analyze`). Without them SQLite picks a store-wide index for
    an e-mail search (2.1 s instead of 30 ms at a million orders)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Sampled statistics: a few milliseconds even at a million orders.
            cursor.execute("PRAGMA analysis_limit = 2000")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                # Every status change rewrites a row of this small table: clear the old ones.
                cursor.execute(f"VACUUM {COUNTS_TABLE}")
            cursor.execute("ANALYZE")
