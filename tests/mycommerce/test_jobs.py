"""The background-job row and its one lifecycle (`job_run`), with a kind of the tests' own."""

import logging
import os
import socket
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from mycommerce import jobs
from mycommerce.jobs import job_kind_register
from mycommerce.models import Job
from mycommerce.roles import Permission
from mycommerce.selectors import job_get_for_run
from mycommerce.services import (
    JobFile,
    job_complete,
    job_create,
    job_delete_expired,
    job_fail,
    job_resume_interrupted,
    job_run,
    job_set_progress,
    job_workdir,
)

pytestmark = pytest.mark.django_db

SAMPLE = "sample"
ERRORS = {"error": OSError, "exit": SystemExit, "interrupt": KeyboardInterrupt}
runs: list[int] = []


def sample_run(job: Job, *, during=None) -> Job:
    """Makes two items; its first `fail_runs` runs raise `params["raise"]` after the first."""

    def work(progress):
        runs.append(job.pk)
        progress(1)
        if during is not None:
            during(job)
        if runs.count(job.pk) <= job.params.get("fail_runs", 0):
            raise ERRORS[job.params["raise"]]("the worker went away")
        workdir = job_workdir(job)
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "out.txt").write_text(f"run {runs.count(job.pk)}")
        progress(2)
        return JobFile(name="result.txt", path=workdir / "out.txt")

    return job_run(job=job, work=work)


@task()
def sample_task(job_id: int) -> None:
    job = job_get_for_run(job_id=job_id, kind=SAMPLE)
    if job is not None:
        sample_run(job)


@pytest.fixture(autouse=True)
def sample_kind(monkeypatch):
    monkeypatch.setattr(jobs, "_KINDS", dict(jobs._KINDS))
    runs.clear()
    return job_kind_register(
        name=SAMPLE,
        label="Sample work",
        task=sample_task,
        permission=Permission.MANAGE_ORDERS,
        failure_message="Sample work failed.",
        resume_note="Nothing is lost.",
    )


def make_job(store, user=None, total=2, **params):
    return job_create(store=store, user=user, kind=SAMPLE, params=params, total=total)


def status_of(client, job):
    return client.get(f"/jobs/{job.pk}/status/").json()


def stored_files(job):
    return job.file.storage.listdir(f"jobs/{job.store_id}/{job.pk}")[1]


def test_progress_then_download(store, staff, staff_client):
    job = make_job(store, staff.user)
    seen = []

    sample_run(job, during=lambda job: seen.append(status_of(staff_client, job)))

    assert [(s["status"], s["done"], s["total"], s["percent"]) for s in seen] == [
        ("running", 1, 2, 50)
    ]
    assert seen[0]["download_url"] == "" and not seen[0]["settled"]
    status = status_of(staff_client, job)
    assert (status["status"], status["percent"], status["settled"]) == ("done", 100, True)
    response = staff_client.get(status["download_url"])
    assert b"".join(response.streaming_content) == b"run 1"
    assert "result.txt" in response["Content-Disposition"]
    assert not job_workdir(job).exists()


def test_a_failing_job_fails_with_its_kind_message_and_a_logged_traceback(
    store, staff_client, caplog
):
    job = make_job(store, fail_runs=1, **{"raise": "error"})
    with caplog.at_level(logging.ERROR):
        sample_run(job)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.progress_done == 1
    assert "OSError: the worker went away" in caplog.text
    content = staff_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Sample work failed." in content
    assert f'action="/jobs/{job.pk}/resume/"' in content and "Nothing is lost." in content
    status = status_of(staff_client, job)
    assert (status["error"], status["resumable"], status["settled"]) == (
        "Sample work failed.",
        True,
        True,
    )


def test_a_resumed_job_ends_with_exactly_one_file(store, staff_client):
    job = make_job(store, fail_runs=1, **{"raise": "error"})
    sample_run(job)
    # A run that died after saving its file but before recording it left that file behind.
    job.file.storage.save(f"jobs/{store.pk}/{job.pk}/result.txt", ContentFile(b"half"))

    response = staff_client.post(f"/jobs/{job.pk}/resume/")

    assert response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file.read() == b"run 2"
    assert stored_files(job) == [job.file.name.rsplit("/", 1)[1]]
    response = staff_client.post(f"/jobs/{job.pk}/resume/", follow=True)
    assert "This job is finished: there is nothing to resume." in response.content.decode()
    assert runs == [job.pk, job.pk]


@pytest.mark.parametrize("stop", ["exit", "interrupt"])
def test_a_stopping_worker_leaves_its_job_interrupted_and_goes_on_stopping(
    store, staff_client, stop
):
    job = make_job(store, fail_runs=1, **{"raise": stop})

    with pytest.raises(ERRORS[stop]):
        sample_run(job)

    status = status_of(staff_client, job)
    assert (status["status"], status["status_label"]) == ("interrupted", "Interrupted")
    assert status["resumable"] and status["settled"]
    assert "resumes on its own when the worker starts again" in status["error"]
    assert [j.pk for j in job_resume_interrupted()] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file.read() == b"run 2"


def test_a_running_job_whose_worker_went_silent_shows_as_interrupted(store, staff_client, settings):
    settings.JOBS_STALE_AFTER = 30
    silent, beating = make_job(store), make_job(store)
    for job in (silent, beating):
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
        job_set_progress(job=job, done=1)
    Job.objects.filter(pk=silent.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=31))

    status = status_of(staff_client, silent)
    assert (status["status"], status["resumable"], status["settled"]) == ("interrupted", True, True)
    page = staff_client.get(f"/jobs/{silent.pk}/").content.decode()
    assert "Interrupted" in page and "data-job-resume hidden" not in page
    status = status_of(staff_client, beating)
    assert (status["status"], status["resumable"], status["settled"]) == ("running", False, False)
    assert "data-job-resume hidden" in staff_client.get(f"/jobs/{beating.pk}/").content.decode()

    response = staff_client.post(f"/jobs/{beating.pk}/resume/", follow=True)
    assert "This job is still running" in response.content.decode()
    assert runs == []
    staff_client.post(f"/jobs/{silent.pk}/resume/")
    assert Job.objects.get(pk=silent.pk).status == Job.Status.DONE and runs == [silent.pk]


def test_workers_resume_silent_and_interrupted_jobs_but_not_live_ones(store, settings):
    settings.JOBS_STALE_AFTER = 30
    long_ago = timezone.now() - timedelta(minutes=5)
    silent, live, interrupted, crashing = (make_job(store) for _ in range(4))
    Job.objects.filter(pk__in=[silent.pk, live.pk]).update(status=Job.Status.RUNNING)
    Job.objects.filter(pk=interrupted.pk).update(status=Job.Status.INTERRUPTED)
    # It took its worker down three times already: a person decides.
    Job.objects.filter(pk=crashing.pk).update(status=Job.Status.INTERRUPTED, attempts=3)
    Job.objects.filter(pk=silent.pk).update(heartbeat_at=long_ago)
    Job.objects.filter(pk=live.pk).update(heartbeat_at=timezone.now())

    resumed = job_resume_interrupted()

    assert sorted(j.pk for j in resumed) == sorted([silent.pk, interrupted.pk])
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        silent.pk: "done",
        interrupted.pk: "done",
        live.pk: "running",
        crashing.pk: "interrupted",
    }
    assert job_resume_interrupted() == []


def test_a_job_whose_worker_on_this_host_died_is_resumed_at_once(store):
    job = make_job(store)
    gone = subprocess.Popen(["true"])
    gone.wait()
    host = socket.gethostname()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now(), worker=f"{host}:{gone.pid}"
    )

    assert [j.pk for j in job_resume_interrupted()] == [job.pk]
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_a_second_run_that_finishes_late_keeps_the_first_file(store):
    job = make_job(store)
    sample_run(job)
    first = job.file.name

    assert not job_complete(job=job, filename="late.txt", content=ContentFile(b"late"))
    job.refresh_from_db()
    assert job.file.name == first and job.file.read() == b"run 1"
    assert stored_files(job) == ["result.txt"]


def test_a_job_of_another_store_is_a_404(other_store, staff_client):
    job = make_job(other_store)
    job_complete(job=job, filename="theirs.csv", content=ContentFile(b"secret"))
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/", f"/jobs/{job.pk}/download/"):
        assert staff_client.get(url).status_code == 404
    assert staff_client.post(f"/jobs/{job.pk}/resume/").status_code == 404


def test_an_expired_file_is_refused_with_a_message_then_cleaned_up(store, staff_client):
    job = make_job(store)
    job_complete(job=job, filename="old.csv", content=ContentFile(b"x"))
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = staff_client.get(f"/jobs/{job.pk}/download/", follow=True)
    assert "no longer available" in response.content.decode()
    path = job.file.path
    assert job_delete_expired() == 1
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not os.path.exists(path)


def test_a_failed_job_is_cleaned_up_with_its_work_folder_after_7_days(store):
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


def test_a_stuck_job_expires_7_days_after_its_last_heartbeat(store):
    stuck, beating = make_job(store), make_job(store)
    Job.objects.filter(pk__in=[stuck.pk, beating.pk]).update(status=Job.Status.RUNNING)
    job_set_progress(job=stuck, done=1)
    workdir = job_workdir(stuck)
    workdir.mkdir(parents=True)
    eight_days_on = timezone.now() + timedelta(days=8)
    # It went on beating: each beat pushes its expiry on.
    Job.objects.filter(pk=beating.pk).update(
        heartbeat_at=eight_days_on, expires_at=eight_days_on + Job.KEEP_FOR
    )

    out = StringIO()
    call_command("cleanup_jobs", stdout=out)
    assert "0 expired job(s) removed." in out.getvalue()
    assert job_delete_expired(now=eight_days_on) == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [beating.pk]
    assert not workdir.exists()


# The worker closes its connection between tasks: it cannot run inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_started_worker_resumes_interrupted_jobs_first(store, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = make_job(store)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.INTERRUPTED)

    out = StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)

    assert "1 interrupted job(s) resumed." in out.getvalue()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file.read() == b"run 1"
