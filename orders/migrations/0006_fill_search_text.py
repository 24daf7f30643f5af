"""Fill the search text of the orders placed before it existed, in batches of primary keys
(each its own transaction, so a large table is filled without one huge transaction, and an
interrupted run goes on where it stopped)."""

from django.db import migrations, transaction

from orders.search import order_search_text_for

BATCH = 2000


def fill_search_text(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    db = schema_editor.connection.alias
    orders = Order.objects.using(db).filter(search_text="").order_by("pk")
    last = 0
    while True:
        with transaction.atomic(using=db):
            batch = list(orders.filter(pk__gt=last)[:BATCH])
            if not batch:
                return
            lines: dict[int, list[tuple[str, str]]] = {}
            for order_id, sku, name in (
                OrderLine.objects.using(db)
                .filter(order_id__in=[order.pk for order in batch])
                .order_by("order_id", "position", "pk")
                .values_list("order_id", "sku", "name")
            ):
                lines.setdefault(order_id, []).append((sku, name))
            for order in batch:
                order.search_text = order_search_text_for(order, lines.get(order.pk, []))
            Order.objects.using(db).bulk_update(batch, ["search_text"], batch_size=500)
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0005_search_text_and_status_counts"),
    ]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
