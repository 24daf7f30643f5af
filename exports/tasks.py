from django_tasks import task

from exports.services import EXPORT_JOB, export_job_run
from mycommerce.selectors import job_get_for_run


@task()
def export_orders_task(*, job_id: int) -> None:
    """A large CSV export, written in the background; its job row carries the progress."""
    job = job_get_for_run(job_id=job_id, kind=EXPORT_JOB)
    if job is not None:
        export_job_run(job=job)
