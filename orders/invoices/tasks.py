from django_tasks import task

from mycommerce.models import Job
from orders.invoices.services import invoice_batch_run


@task()
def invoice_batch_task(job_id: int) -> None:
    """Background half of a large invoice batch; safe to run again on the same job."""
    job = Job.objects.select_related("store", "created_by").filter(pk=job_id).first()
    if job is None or job.kind != Job.Kind.INVOICES:
        return
    invoice_batch_run(job=job)
