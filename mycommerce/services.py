"""Writes of the account core: current store, plan, and the background-job row."""

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from mycommerce.models import Job, Membership, Store
from mycommerce.roles import Permission, ensure_member_can

SESSION_STORE_KEY = "current_store_id"


def store_switch(*, request, store_id: int) -> Store:
    """Make `store_id` the current store of this session, if the user is a member of it."""
    membership = next((m for m in request.memberships if m.store_id == store_id), None)
    if membership is None:
        raise Http404
    request.session[SESSION_STORE_KEY] = membership.store_id
    return membership.store


def store_set_plan(*, membership: Membership, plan: str) -> Store:
    ensure_member_can(membership, Permission.MANAGE_PLAN)
    store = membership.store
    store.plan = plan
    store.save(update_fields=["plan"])
    return store


STORE_SETTINGS_FIELDS = (
    "name",
    "legal_address",
    "vat_number",
    "currency",
    "language",
    "timezone",
    "paper_size",
)


def store_update_settings(*, membership: Membership, data: dict) -> Store:
    """Change the store's identity and invoice settings (admins and owners)."""
    ensure_member_can(membership, Permission.MANAGE_SETTINGS)
    store = membership.store
    for field in STORE_SETTINGS_FIELDS:
        if field in data:
            setattr(store, field, data[field])
    store.full_clean()
    store.save(update_fields=[f for f in STORE_SETTINGS_FIELDS if f in data])
    return store


def job_create(
    *,
    store: Store,
    user: AbstractBaseUser | None,
    kind: str,
    params: dict,
    total: int,
) -> Job:
    return Job.objects.create(
        store=store, created_by=user, kind=kind, params=params, progress_total=total
    )


def job_enqueue(*, job: Job, task) -> None:
    """Hand the job to a worker (`task` takes the job's id) and remember the task's id."""
    result = task.enqueue(job_id=job.pk)
    job.task_id = str(result.id)[:64]
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def job_start(*, job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, error="")
    job.status = Job.Status.RUNNING


def job_set_progress(*, job: Job, done: int) -> None:
    """Progress is written outside any long transaction, so the polling page sees it."""
    Job.objects.filter(pk=job.pk).update(progress_done=done)
    job.progress_done = done


def job_complete(*, job: Job, filename: str, content: File) -> Job:
    """Attach the result file and mark the job done; a retried job replaces its old file."""
    with transaction.atomic():
        if job.file:
            job.file.delete(save=False)
        job.file.save(filename, content, save=False)
        job.filename = filename
        job.status = Job.Status.DONE
        job.progress_done = job.progress_total
        job.finished_at = timezone.now()
        job.expires_at = job.finished_at + Job.KEEP_FOR
        job.save()
    return job


def job_fail(*, job: Job, error: str) -> None:
    """A failed job stays resumable for as long as a finished one stays downloadable."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, error=error[:2000], finished_at=now, expires_at=now + Job.KEEP_FOR
    )
    job.status = Job.Status.FAILED


def job_workdir(job: Job) -> Path:
    """Where a job keeps its partial results (e.g. rendered chunks) until it completes."""
    return Path(settings.MEDIA_ROOT) / "work" / job.kind / str(job.pk)


def job_delete_expired(*, now=None) -> int:
    """Remove jobs past their expiry (7 days): their result file, work folder and row."""
    now = now or timezone.now()
    count = 0
    for job in Job.objects.filter(expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        shutil.rmtree(job_workdir(job), ignore_errors=True)
        job.delete()
        count += 1
    return count
