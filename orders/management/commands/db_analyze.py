"""`manage.py db_analyze`: refresh the database planner's statistics, and put back any missing
search or count trigger. Run it after large imports and periodically (hourly from cron, say);
`migrate` and `seed_demo` run it themselves."""

import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from orders.database import database_analyze, database_ensure


class Command(BaseCommand):
    help = "Refresh the planner's statistics (ANALYZE) and check the search and count triggers."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        started = time.perf_counter()
        repaired = database_ensure(connection=connection)
        database_analyze(connection=connection)
        if repaired:
            self.stdout.write(f"Rebuilt: {', '.join(repaired)}")
        self.stdout.write(
            f"Statistics refreshed on {connection.vendor} in {time.perf_counter() - started:.2f} s."
        )
