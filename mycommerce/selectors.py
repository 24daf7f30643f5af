from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from mycommerce.jobs import job_kind_get, job_stale_after
from mycommerce.models import Job, Membership, Store


def membership_list_for_user(*, user: AbstractBaseUser) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user).select_related("store").order_by("store__name", "pk")
    )


def job_get_for_store(*, store: Store, job_id: int) -> Job:
    """A job of this store; another store's job is as good as missing (404)."""
    return get_object_or_404(Job, store=store, pk=job_id)


def job_get_for_run(*, job_id: int, kind: str) -> Job | None:
    """The job a worker's task was given, if it still exists (expired jobs are removed)."""
    return Job.objects.select_related("store", "created_by").filter(pk=job_id, kind=kind).first()


def job_is_downloadable(job: Job) -> bool:
    """Done, not expired, and its file still on disk."""
    if job.status != Job.Status.DONE or not job.file:
        return False
    if job.expires_at and job.expires_at <= timezone.now():
        return False
    return job.file.storage.exists(job.file.name)


def job_is_silent(*, job: Job, now: datetime | None = None) -> bool:
    """No heartbeat for longer than the bound: the worker running it is taken for dead."""
    last_sign = job.heartbeat_at or job.created_at
    return last_sign <= (now or timezone.now()) - job_stale_after()


@dataclass(frozen=True)
class JobState:
    """A job as its page shows it: a running job whose worker went silent is interrupted."""

    status: str
    label: str
    message: str
    resumable: bool
    resume_note: str
    # Nothing more happens on its own while the page is open: it stops polling.
    settled: bool


def job_state(*, job: Job, now: datetime | None = None) -> JobState:
    status = job.status
    if status == Job.Status.RUNNING and job_is_silent(job=job, now=now):
        status = Job.Status.INTERRUPTED
    message = ""
    if status == Job.Status.FAILED:
        message = job.error
    elif status == Job.Status.INTERRUPTED:
        message = _(
            "The work was interrupted: it resumes on its own when the worker starts again. "
            "You can also resume it now."
        )
    kind = job_kind_get(job.kind)
    resumable = kind is not None and status in (Job.Status.FAILED, Job.Status.INTERRUPTED)
    return JobState(
        status=status,
        label=str(Job.Status(status).label),
        message=message,
        resumable=resumable,
        resume_note=str(kind.resume_note) if kind is not None else "",
        settled=status in (Job.Status.DONE, Job.Status.FAILED, Job.Status.INTERRUPTED),
    )
