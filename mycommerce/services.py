"""Writes of the account core: current store, plan, and the background-job row."""

import logging
import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mycommerce.jobs import AUTO_RESUME_ATTEMPTS, GENERIC_FAILURE, JobKind, job_kind_get
from mycommerce.listeners import store_changed
from mycommerce.models import Job, Membership, Store, job_file_path
from mycommerce.roles import Permission, ensure_member_can, ensure_member_may
from mycommerce.selectors import job_is_silent, job_state

logger = logging.getLogger(__name__)

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
    "legal_name",
    "legal_form",
    "share_capital",
    "siren",
    "siret",
    "rcs_city",
    "vat_number",
    "legal_address",
    "logo",
    "vat_regime",
    "price_mode",
    "vat_rates",
    "invoice_moment",
    "payment_terms",
    "late_payment_rate",
    "recovery_indemnity",
    "invoice_footer",
    "facturx_enabled",
    "currency",
    "language",
    "timezone",
    "paper_size",
)


def store_update_settings(*, membership: Membership, data: dict) -> Store:
    """Change the store's identity and invoice settings (admins and owners)."""
    ensure_member_can(membership, Permission.MANAGE_SETTINGS)
    store = membership.store
    fields = [field for field in STORE_SETTINGS_FIELDS if field in data]
    before = {field: getattr(store, field) for field in fields}
    for field in fields:
        value = data[field]
        # A cleared logo comes as False (Django's ClearableFileInput).
        setattr(store, field, "" if field == "logo" and value is False else value)
    store.full_clean()
    with transaction.atomic():
        store.save(update_fields=fields)
        store_changed(
            store=store,
            fields={field for field in fields if getattr(store, field) != before[field]},
        )
    return store


JobProgress = Callable[[int], None]


@dataclass(frozen=True)
class JobFile:
    """The one result file a job's work returns, on disk (in its work folder) until attached."""

    name: str
    path: Path


def job_create(
    *,
    store: Store,
    user: AbstractBaseUser | None,
    kind: str,
    params: dict,
    total: int,
) -> Job:
    """A job waiting for a worker; like a finished one, it expires after 7 days unless it runs."""
    now = timezone.now()
    return Job.objects.create(
        store=store,
        created_by=user,
        kind=kind,
        params=params,
        progress_total=total,
        created_at=now,
        expires_at=now + Job.KEEP_FOR,
    )


def _kind_of(job: Job) -> JobKind:
    kind = job_kind_get(job.kind)
    if kind is None:
        raise LookupError(f"No job kind {job.kind!r} is registered (see mycommerce.jobs).")
    return kind


def job_enqueue(*, job: Job) -> None:
    """Hand the job to a worker (its kind's task takes the job's id); remember the task's id."""
    result = _kind_of(job).task.enqueue(job_id=job.pk)
    job.task_id = str(result.id)[:64]
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_start(*, job: Job) -> bool:
    """Mark the job running in this process, with a first heartbeat; False if it is done."""
    now = timezone.now()
    fields = {
        "status": Job.Status.RUNNING,
        "error": "",
        "worker": _this_process(),
        "heartbeat_at": now,
        "finished_at": None,
        "expires_at": now + Job.KEEP_FOR,
    }
    started = (
        Job.objects.filter(pk=job.pk)
        .exclude(status=Job.Status.DONE)
        .update(attempts=F("attempts") + 1, **fields)
    )
    if not started:
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    job.attempts += 1
    return True


def job_set_progress(*, job: Job, done: int) -> None:
    """Progress, which is also the heartbeat of a running job (and pushes its expiry on).

    Written at once, outside any long transaction, so the polling page sees it."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        progress_done=done, heartbeat_at=now, expires_at=now + Job.KEEP_FOR
    )
    job.progress_done = done
    job.heartbeat_at = now


def _delete_result_files(job: Job) -> None:
    """Every file of the job's result folder: one a crashed run saved but never recorded too."""
    storage = job.file.storage
    folder = job_file_path(job, "")
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(folder + name)


def job_complete(
    *,
    job: Job,
    filename: str,
    content: File,
    on_complete: Callable[[], None] | None = None,
) -> bool:
    """Attach the result file and mark the job done: a retried job replaces its old file, so
    it ends with exactly one. `on_complete` runs in the same transaction. False, and nothing
    changed, if another run of the same job finished first."""
    with transaction.atomic():
        status = (
            Job.objects.select_for_update()
            .filter(pk=job.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status in (None, Job.Status.DONE):
            return False
        _delete_result_files(job)
        job.file.save(filename, content, save=False)
        now = timezone.now()
        job.filename = filename
        job.status = Job.Status.DONE
        job.error = ""
        job.progress_done = job.progress_total
        job.heartbeat_at = job.finished_at = now
        job.expires_at = now + Job.KEEP_FOR
        job.save(
            update_fields=[
                "file",
                "filename",
                "status",
                "error",
                "progress_done",
                "heartbeat_at",
                "finished_at",
                "expires_at",
            ]
        )
        if on_complete is not None:
            on_complete()
    shutil.rmtree(job_workdir(job), ignore_errors=True)
    return True


def job_fail(*, job: Job, error: str) -> None:
    """A failed job stays resumable for as long as a finished one stays downloadable."""
    now = timezone.now()
    failed = (
        Job.objects.filter(pk=job.pk)
        .exclude(status=Job.Status.DONE)
        .update(
            status=Job.Status.FAILED,
            error=error[:2000],
            finished_at=now,
            expires_at=now + Job.KEEP_FOR,
        )
    )
    if failed:
        job.status = Job.Status.FAILED
        job.error = error[:2000]


def job_interrupt(*, job: Job) -> None:
    """Its worker is being stopped: the job waits, resumable, for the next worker (or a person)."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.INTERRUPTED, heartbeat_at=now, expires_at=now + Job.KEEP_FOR
    )
    job.status = Job.Status.INTERRUPTED


def job_run(
    *,
    job: Job,
    work: Callable[[JobProgress], JobFile],
    on_complete: Callable[[], None] | None = None,
) -> Job:
    """The one lifecycle of a background job, whatever its kind.

    Marks the job running with a heartbeat; calls `work(progress)`, where `progress(done)`
    records progress and beats the heart (call it at least every few seconds); attaches the
    file `work` returns (see `job_complete`); on any error, logs the traceback and fails the
    job with its kind's message in the store's language. A worker being stopped
    (SystemExit, KeyboardInterrupt) leaves the job interrupted, to be resumed, and goes on
    stopping. A job already done (another run finished it) is left as it is.
    """
    if not job_start(job=job):
        return job
    try:
        result = work(lambda done: job_set_progress(job=job, done=done))
        with open(result.path, "rb") as handle:
            job_complete(
                job=job, filename=result.name, content=File(handle), on_complete=on_complete
            )
    except (SystemExit, KeyboardInterrupt):
        logger.warning("Job %s interrupted: its worker is stopping.", job.pk)
        try:
            job_interrupt(job=job)
        except Exception:
            # Its heartbeat stops all the same: it is seen as interrupted once stale.
            logger.exception("Job %s could not be marked interrupted.", job.pk)
        raise
    except Exception:
        logger.exception("Job %s (%s) failed.", job.pk, job.kind)
        kind = job_kind_get(job.kind)
        with translation.override(job.store.language):
            job_fail(job=job, error=str(kind.failure_message if kind else GENERIC_FAILURE))
    return job


def _job_requeue(*, job: Job, reset_attempts: bool = False) -> bool:
    """Claim a failed or interrupted job (unless someone else did first) and enqueue it."""
    fields = {"status": Job.Status.PENDING, "error": "", "finished_at": None, "worker": ""}
    if reset_attempts:
        fields["attempts"] = 0
    claimed = Job.objects.filter(
        pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
    ).update(**fields)
    if not claimed:
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    try:
        job_enqueue(job=job)
    except Exception:
        Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
            status=Job.Status.INTERRUPTED
        )
        raise
    return True


def job_resume(*, membership: Membership, job: Job) -> Job:
    """Start a failed or interrupted job again, for a person who may run its kind."""
    kind = job_kind_get(job.kind)
    if kind is None:
        raise ValidationError(_("This job cannot be resumed."))
    ensure_member_may(membership, kind.permission, feature=kind.feature)
    state = job_state(job=job)
    if state.status == Job.Status.DONE:
        raise ValidationError(_("This job is finished: there is nothing to resume."))
    if not state.resumable or not _job_requeue(job=job, reset_attempts=True):
        raise ValidationError(_("This job is still running: its page shows its progress."))
    return job


def _process_gone(worker: str) -> bool:
    """The process named "host:pid" ran on this host and has ended (or is an unreaped zombie)."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def job_resume_interrupted(*, now: datetime | None = None) -> list[Job]:
    """Hand again to the workers the jobs a stopped or dead worker left unfinished.

    Those marked interrupted, and running ones whose worker is silent past the bound or,
    ran on this host, is gone. Each is claimed first, so two workers never both resume it;
    a job that already took its worker down AUTO_RESUME_ATTEMPTS times waits for a person.
    """
    now = now or timezone.now()
    candidates = (
        Job.objects.filter(
            status__in=[Job.Status.INTERRUPTED, Job.Status.RUNNING],
            attempts__lt=AUTO_RESUME_ATTEMPTS,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("store")
        .order_by("pk")
    )
    resumed = []
    for job in candidates:
        if job.status == Job.Status.RUNNING and not (
            job_is_silent(job=job, now=now) or _process_gone(job.worker)
        ):
            continue
        if job_kind_get(job.kind) is None:
            continue
        if _job_requeue(job=job):
            resumed.append(job)
    return resumed


def job_workdir(job: Job) -> Path:
    """Where a job keeps its partial results (e.g. rendered chunks) until it completes."""
    return Path(settings.MEDIA_ROOT) / "work" / job.kind / str(job.pk)


def job_delete_expired(*, now: datetime | None = None) -> int:
    """Remove jobs past their expiry (7 days after they finished, failed or last beat):
    their result file, work folder and row."""
    now = now or timezone.now()
    count = 0
    for job in Job.objects.filter(expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        shutil.rmtree(job_workdir(job), ignore_errors=True)
        job.delete()
        count += 1
    return count
