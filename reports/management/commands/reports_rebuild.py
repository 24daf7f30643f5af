"""`manage.py reports_rebuild [--store ID]`: recompute the reports' daily summary from the
orders, of every store or of one. Run it after writing orders past the services (an import,
a script); the services and `seed_demo` keep the summary themselves."""

import time

from django.core.management.base import BaseCommand, CommandError

from mycommerce.models import Store
from reports.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recompute the sales reports' daily summary from the orders."

    def add_arguments(self, parser):
        parser.add_argument("--store", type=int, help="the store's id (default: every store)")

    def handle(self, *args, store, **options):
        stores = Store.objects.order_by("pk")
        if store is not None:
            stores = stores.filter(pk=store)
            if not stores.exists():
                raise CommandError(f"No store with id {store}.")
        for found in stores:
            started = time.perf_counter()
            summary_rebuild(store=found)
            self.stdout.write(
                f"{found.name}: summary rebuilt in {time.perf_counter() - started:.1f} s."
            )
