"""A background export whose worker is stopped half-way is written again, whole and once."""

import csv
import io

import pytest

from exports import services as export_services
from mycommerce import services as job_services
from mycommerce.models import Job
from mycommerce.services import job_resume_interrupted
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_stopped_export_is_resumed_with_one_complete_file(
    settings, monkeypatch, store, staff_client
):
    settings.EXPORTS_BACKGROUND_THRESHOLD = 1
    names = [f"Client {n}" for n in range(5)]
    for name in names:
        OrderFactory(store=store, customer_name=name)
    # Two orders per batch; the worker is stopped once the first batch is written.
    monkeypatch.setitem(export_services.export_csv_chunks.__kwdefaults__, "batch_size", 2)
    real_progress = job_services.job_set_progress

    def stopped_after_first_batch(*, job, done):
        real_progress(job=job, done=done)
        if done == 2:
            raise SystemExit(1)

    monkeypatch.setattr(job_services, "job_set_progress", stopped_after_first_batch)
    response = staff_client.post(
        "/exports/orders/",
        {"separator": "comma", "columns": ["customer_name"], "layout": "orders"},
    )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    status = staff_client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["status"], status["done"], status["resumable"]) == ("interrupted", 2, True)

    monkeypatch.setattr(job_services, "job_set_progress", real_progress)
    assert [j.pk for j in job_resume_interrupted()] == [job.pk]

    status = staff_client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["status"], status["done"], status["total"]) == ("done", 5, 5)
    text = b"".join(staff_client.get(status["download_url"]).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert sorted(row["Customer name"] for row in rows) == names
    job.refresh_from_db()
    assert job.file.storage.listdir(f"jobs/{store.pk}/{job.pk}")[1] == [job.filename]
