from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from mycommerce.models import Job
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_cleanup_removes_invoice_batches_after_7_days_only(store, staff_client):
    orders = [OrderFactory(store=store) for _ in range(21)]
    staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})
    old, recent = Job.objects.get(store=store), None
    staff_client.post("/orders/invoices/", {"ids": [o.pk for o in orders]})
    recent = Job.objects.exclude(pk=old.pk).get(store=store)
    assert recent.expires_at - timezone.now() > timedelta(days=6)
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    old_path = Path(old.file.path)

    out = StringIO()
    call_command("cleanup_jobs", stdout=out)

    assert "1 expired job(s) removed." in out.getvalue()
    assert not old_path.exists() and not Job.objects.filter(pk=old.pk).exists()
    assert Path(recent.file.path).exists()


def test_cleanup_can_be_queued_for_a_worker(store):
    out = StringIO()
    call_command("cleanup_jobs", "--enqueue", stdout=out)
    assert "Cleanup queued" in out.getvalue()
