"""django-tasks-db's `db_worker`, which also resumes the background jobs a worker left unfinished.

It overrides the library's command of the same name, the way django.contrib.staticfiles
overrides `runserver` (mycommerce comes before django_tasks_db in INSTALLED_APPS): the
worker loop is the library's own, untouched. Before taking tasks, and then every half
heartbeat bound, the worker hands again to the queue the jobs marked interrupted, the
running ones whose worker went silent, and those whose worker on this host has died. So a
worker restarted after a crash resumes the crashed job at once, and a job whose worker died
elsewhere is picked up by any live worker once its heartbeat is stale.
"""

import logging
import os
import threading
import time

from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from mycommerce.jobs import job_stale_after
from mycommerce.services import job_resume_interrupted

logger = logging.getLogger(__name__)


def _resume_interrupted_jobs() -> int:
    try:
        resumed = job_resume_interrupted()
    except Exception:
        logger.exception("The interrupted jobs could not be resumed.")
        return 0
    for job in resumed:
        logger.warning("Job %s (%s) was interrupted: resumed.", job.pk, job.kind)
    return len(resumed)


def _keep_resuming(every: float) -> None:
    while True:
        time.sleep(every)
        _resume_interrupted_jobs()
        connection.close()  # this thread's own connection: none is held between passes


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database background worker; it also resumes the background jobs that a "
        "stopped or crashed worker left unfinished."
    )

    def handle(self, *args, **options):
        # With --reload, the worker runs in a child process: the parent only watches files.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            count = _resume_interrupted_jobs()
            if count and options.get("verbosity", 1):
                self.stdout.write(f"{count} interrupted job(s) resumed.")
            if not options.get("batch"):  # a batch run ends once the queue is empty
                every = max(1.0, job_stale_after().total_seconds() / 2)
                threading.Thread(
                    target=_keep_resuming, args=(every,), daemon=True, name="job-resumer"
                ).start()
        return super().handle(*args, **options)
