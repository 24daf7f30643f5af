from django_tasks import task

from exports.services import export_job_run
from mycommerce.models import Job


@task()
def export_orders_task(*, job_id: int) -> None:
    """A large CSV export, written in the background; its job row carries the progress."""
    job = Job.objects.select_related("store").get(pk=job_id, kind=Job.Kind.EXPORT)
    export_job_run(job=job)
