"""Indexes of the order list at a million orders (database-only: the models keep their own
Meta.indexes). The status facets read (store, payment, fulfillment) and (store, date,
statuses) without touching the table; the e-mail search uses LOWER(customer_email)."""

from django.db import migrations

INDEXES = {
    "order_store_status_pair_idx": ("orders_order (store_id, payment_status, fulfillment_status)"),
    "order_store_date_status_idx": (
        "orders_order (store_id, created_at, payment_status, fulfillment_status)"
    ),
    "order_store_email_lower_idx": "orders_order (store_id, LOWER(customer_email))",
}


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]
