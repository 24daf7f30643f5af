from django_tasks import task

from invoices.services import INVOICE_BATCH_JOB, invoice_batch_run
from mycommerce.selectors import job_get_for_run


@task()
def invoice_batch_task(job_id: int) -> None:
    """Background half of a large invoice batch; safe to run again on the same job."""
    job = job_get_for_run(job_id=job_id, kind=INVOICE_BATCH_JOB)
    if job is not None:
        invoice_batch_run(job=job)
