"""Settings of the `db_worker` processes that test_worker_crash.py starts and kills.

The project's own settings (database from DATABASE_URL, media from MEDIA_ROOT), with two
render processes whatever the machine, so that there are render processes to orphan.
"""

from mycommerce.settings import *  # noqa: F403

DEBUG = False
INVOICE_RENDER_PROCESSES = 2
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
