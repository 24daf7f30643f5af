"""The kinds of background job, registered by the apps that run them (the core names none).

An app registers its kind once, from its AppConfig.ready():

    job_kind_register(name="invoices", label=_("Invoice batch"), task=invoice_batch_task,
                      permission=Permission.MANAGE_ORDERS, feature=Feature.ORDERS)

`name` is what `Job.kind` stores; `task` is the django-tasks task that runs a job of this
kind (it takes `job_id`), so the core can hand a job to a worker, or again after a crash.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks.base import Task

# A running job beats at least this often; silent for longer, its worker is taken for dead.
DEFAULT_STALE_AFTER = timedelta(seconds=60)
# A job that keeps taking its worker down is resumed this many times, then left to a person.
AUTO_RESUME_ATTEMPTS = 3
GENERIC_FAILURE = _("The work could not be finished. Resume it to try again.")


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    task: Task
    permission: str
    feature: str | None = None
    failure_message: str | Promise = GENERIC_FAILURE
    # Said beside the Resume button, e.g. that the pages already made are kept.
    resume_note: str | Promise = ""


_KINDS: dict[str, JobKind] = {}


def job_kind_register(
    *,
    name: str,
    label: str | Promise,
    task: Task,
    permission: str,
    feature: str | None = None,
    failure_message: str | Promise = GENERIC_FAILURE,
    resume_note: str | Promise = "",
) -> JobKind:
    """Declare a kind of job; registering the same name again replaces it (tests, reloads)."""
    kind = JobKind(
        name=name,
        label=label,
        task=task,
        permission=permission,
        feature=feature,
        failure_message=failure_message,
        resume_note=resume_note,
    )
    _KINDS[name] = kind
    return kind


def job_kind_get(name: str) -> JobKind | None:
    return _KINDS.get(name)


def job_kind_label(name: str) -> str | Promise:
    kind = _KINDS.get(name)
    return kind.label if kind is not None else name


def job_stale_after() -> timedelta:
    """How long a running job may stay silent (setting JOBS_STALE_AFTER, in seconds)."""
    seconds = getattr(settings, "JOBS_STALE_AFTER", None)
    return timedelta(seconds=seconds) if seconds else DEFAULT_STALE_AFTER
