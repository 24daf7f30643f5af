import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from invoices.services import INVOICE_BATCH_JOB
from mycommerce.models import Job
from mycommerce.roles import Role
from mycommerce.services import job_create
from tests.browser.test_sign_in import sign_in
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_batch_whose_worker_died_shows_resume_stops_polling_and_resumes(
    page: Page, live_server, settings
):
    settings.JOBS_STALE_AFTER = 4
    membership = MembershipFactory(role=Role.STAFF, store__name="Shop", store__language="en")
    ids = [OrderFactory(store=membership.store).pk for _ in range(21)]
    job = job_create(
        store=membership.store,
        user=membership.user,
        kind=INVOICE_BATCH_JOB,
        params={"order_ids": ids, "document": "invoices", "chunk_size": 10},
        total=len(ids),
    )
    polls = []

    def count_polls(request) -> None:
        if "/status/" in request.url:
            polls.append(request.url)

    page.on("request", count_polls)

    sign_in(page, live_server, membership.user.username)
    # Its worker made 10 invoices, beat once just now, and died (set after signing in, so a
    # slow machine's sign-in does not eat the time the page has to show it in progress).
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress_done=10, heartbeat_at=timezone.now()
    )
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator("[data-job-label]")).to_have_text("In progress")
    resume = page.get_by_role("button", name="Resume")
    expect(resume).to_be_hidden()

    expect(page.locator("[data-job-label]")).to_have_text("Interrupted", timeout=15_000)
    expect(page.locator("[data-job-error]")).to_contain_text("resumes on its own")
    expect(resume).to_be_visible()
    settled = len(polls)
    time.sleep(2.5)
    assert len(polls) == settled  # no more polling

    resume.click()
    expect(page.locator("[data-job-count]")).to_have_text("21 / 21", timeout=30_000)
    expect(page.get_by_role("link", name="Download")).to_be_visible()
    expect(resume).to_be_hidden()
