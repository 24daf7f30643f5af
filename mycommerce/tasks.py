from django_tasks import task

from mycommerce.emails import email_deliver
from mycommerce.services import job_delete_expired


@task()
def jobs_delete_expired_task() -> int:
    """Remove job files past their 7 days; run daily (`manage.py cleanup_jobs`, e.g. from cron)."""
    return job_delete_expired()


@task()
def email_deliver_task(email_ids: list[int]) -> int:
    """Deliver recorded e-mails (mycommerce/emails.py); a second run sends nothing twice."""
    return email_deliver(email_ids=email_ids)
