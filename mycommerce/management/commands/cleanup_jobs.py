from django.core.management.base import BaseCommand

from mycommerce.tasks import jobs_delete_expired_task


class Command(BaseCommand):
    help = (
        "Remove background jobs, with their files, 7 days after they finished or failed, or "
        "after their worker last showed signs of life (stuck jobs expire too). Run it daily, "
        "e.g. from cron; --enqueue hands it to the task workers instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the cleanup for a db_worker."
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = jobs_delete_expired_task.enqueue()
            self.stdout.write(f"Cleanup queued as task {result.id}.")
            return
        count = jobs_delete_expired_task.call()
        self.stdout.write(f"{count} expired job(s) removed.")
