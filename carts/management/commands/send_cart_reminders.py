"""`python manage.py send_cart_reminders`: run it every minute (cron in production; `make run`
does it beside the worker). Several machines may run it at the same time: each (cart, step)
is claimed once, and e-mails leave through the worker after commit."""

import time

from django.core.management.base import BaseCommand, CommandError

from carts.reminders import BATCH, reminders_run
from mycommerce.models import Store


class Command(BaseCommand):
    help = (
        "Close carts whose customer ordered, mark idle carts abandoned, send the due "
        "reminders and erase old carts' personal data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--store", type=int, help="only this store (its id)")
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args, store=None, batch_size=BATCH, verbosity=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        only = None
        if store is not None:
            only = Store.objects.filter(pk=store).first()
            if only is None:
                raise CommandError(f"No store has the id {store}.")
        started = time.perf_counter()
        report = reminders_run(store=only, batch_size=batch_size)
        elapsed = time.perf_counter() - started
        counts = (report.ordered, report.abandoned, report.sent, report.skipped, report.erased)
        if any(counts) or report.conflicts or verbosity > 1:
            self.stdout.write(
                f"Carts: {report.abandoned} abandoned, {report.ordered} closed by an order, "
                f"{report.sent} reminders sent, {report.skipped} not sent, "
                f"{report.erased} erased ({elapsed:.1f} s)"
                + (f"; {report.conflicts} batches left to the next run" if report.conflicts else "")
            )
