from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mycommerce.models import Job, Membership, Store


def membership_list_for_user(*, user: AbstractBaseUser) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user).select_related("store").order_by("store__name", "pk")
    )


def job_get_for_store(*, store: Store, job_id: int) -> Job:
    """A job of this store; another store's job is as good as missing (404)."""
    return get_object_or_404(Job, store=store, pk=job_id)


def job_is_downloadable(job: Job) -> bool:
    """Done, not expired, and its file still on disk."""
    if job.status != Job.Status.DONE or not job.file:
        return False
    if job.expires_at and job.expires_at <= timezone.now():
        return False
    return job.file.storage.exists(job.file.name)
