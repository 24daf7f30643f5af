"""Every existing store gets the order list's three default views (new stores get them when
created: orders/apps.py). The parameters are written out here, as they were at this time."""

from django.db import migrations
from django.db.models import Max

DEFAULT_VIEWS = {
    "to_ship": {"payment_status": ["paid"], "fulfillment_status": ["awaiting_processing"]},
    "awaiting_payment": {"payment_status": ["awaiting_payment"]},
    "ready_for_pickup": {"fulfillment_status": ["ready_for_pickup"]},
}


def add_default_views(apps, schema_editor):
    Store = apps.get_model("mycommerce", "Store")
    SavedView = apps.get_model("orders", "SavedView")
    using = schema_editor.connection.alias
    for store_id in Store.objects.using(using).values_list("pk", flat=True).iterator():
        views = SavedView.objects.using(using).filter(store_id=store_id)
        have = set(views.values_list("default_key", flat=True))
        start = (views.aggregate(last=Max("position"))["last"] or 0) + 1
        SavedView.objects.using(using).bulk_create(
            SavedView(store_id=store_id, default_key=key, params=params, position=start + index)
            for index, (key, params) in enumerate(DEFAULT_VIEWS.items())
            if key not in have
        )


def remove_default_views(apps, schema_editor):
    SavedView = apps.get_model("orders", "SavedView")
    SavedView.objects.using(schema_editor.connection.alias).filter(
        name="", owner__isnull=True
    ).exclude(default_key="").delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0013_saved_views")]

    operations = [migrations.RunPython(add_default_views, remove_default_views)]
