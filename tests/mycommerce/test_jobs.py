from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from mycommerce.models import Job
from mycommerce.services import job_complete, job_create, job_delete_expired, job_set_progress

pytestmark = pytest.mark.django_db


def make_job(store, user=None, total=4):
    return job_create(store=store, user=user, kind=Job.Kind.EXPORT, params={}, total=total)


def test_progress_and_download(store, staff, staff_client):
    job = make_job(store, staff.user)
    job_set_progress(job=job, done=2)
    status = staff_client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["done"], status["total"], status["percent"]) == (2, 4, 50)
    assert status["download_url"] == ""

    job_complete(job=job, filename="orders.csv", content=ContentFile(b"a;b\n"))
    status = staff_client.get(f"/jobs/{job.pk}/status/").json()
    assert status["percent"] == 100 and status["download_url"]
    response = staff_client.get(status["download_url"])
    assert b"".join(response.streaming_content) == b"a;b\n"
    assert "orders.csv" in response["Content-Disposition"]


def test_a_job_of_another_store_is_a_404(other_store, staff_client):
    job = make_job(other_store)
    job_complete(job=job, filename="theirs.csv", content=ContentFile(b"secret"))
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/", f"/jobs/{job.pk}/download/"):
        assert staff_client.get(url).status_code == 404


def test_an_expired_file_is_refused_with_a_message_then_cleaned_up(store, staff_client):
    job = make_job(store)
    job_complete(job=job, filename="old.csv", content=ContentFile(b"x"))
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = staff_client.get(f"/jobs/{job.pk}/download/", follow=True)
    assert "no longer available" in response.content.decode()
    path = job.file.path
    assert job_delete_expired() == 1
    assert not Job.objects.filter(pk=job.pk).exists()
    import os

    assert not os.path.exists(path)


def test_a_failed_job_is_cleaned_up_with_its_work_folder_after_7_days(store):
    from mycommerce.services import job_fail, job_workdir

    job = make_job(store)
    workdir = job_workdir(job)
    workdir.mkdir(parents=True)
    (workdir / "chunk-00000.pdf").write_bytes(b"%PDF-")
    job_fail(job=job, error="boom")
    job.refresh_from_db()
    assert job.expires_at > timezone.now() + timedelta(days=6)

    assert job_delete_expired() == 0
    assert workdir.exists()
    assert job_delete_expired(now=timezone.now() + timedelta(days=8)) == 1
    assert not workdir.exists()


def test_a_failed_invoice_batch_offers_to_resume(store, staff_client):
    from mycommerce.services import job_fail

    job = job_create(store=store, user=None, kind=Job.Kind.INVOICES, params={}, total=3)
    job_fail(job=job, error="The PDF could not be made.")
    content = staff_client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'action="/orders/invoices/jobs/{job.pk}/resume/"' in content
    assert "The PDF could not be made." in content
