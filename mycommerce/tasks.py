from django_tasks import task

from mycommerce.services import job_delete_expired


@task()
def jobs_delete_expired_task() -> int:
    """Remove job files past their 7 days; run daily (`manage.py cleanup_jobs`, e.g. from cron)."""
    return job_delete_expired()
