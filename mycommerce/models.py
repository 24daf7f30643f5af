from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.jobs import job_kind_label
from mycommerce.plans import Plan
from mycommerce.roles import Role


class Store(models.Model):
    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    class PaperSize(models.TextChoices):
        A4 = "A4", _("A4")
        LETTER = "Letter", _("US Letter")

    name = models.CharField(_("name"), max_length=120)
    legal_address = models.TextField(_("legal address"), blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.FRENCH
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    plan = models.CharField(_("plan"), max_length=20, choices=Plan.choices, default=Plan.FREE)
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4
    )
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="membership_user_store_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.store} ({self.role})"


def job_file_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.store_id}/{job.pk}/{filename}"


class Job(models.Model):
    """One long-running piece of work (an invoice batch, a large export) and its result file.

    Its kind is registered by the app that runs it (`mycommerce.jobs`); while it runs, its
    worker beats (`heartbeat_at`), so a job whose worker died is seen as interrupted.
    """

    KEEP_FOR = timedelta(days=7)

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=job_file_path, blank=True, max_length=255)
    filename = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # "host:pid" of the process running it, so a worker restarted on that host resumes it
    # at once instead of waiting for the heartbeat to go stale.
    worker = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["store", "-created_at"], name="job_store_created_idx"),
            models.Index(fields=["expires_at"], name="job_expires_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        return str(job_kind_label(self.kind))

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.progress_done * 100 // self.progress_total)


class SentEmail(models.Model):
    """One e-mail the store sent (or is about to send): what went to whom, as it was written.

    Written by `mycommerce.emails.email_send` in the caller's transaction and delivered by a
    background task after commit, so a rolled-back change never sends anything.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("kind"), max_length=40)
    to_email = models.EmailField(_("to"), max_length=254, blank=True)
    from_email = models.CharField(_("from"), max_length=320)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Personal data (address and content) is blanked when the store erases it.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["store", "kind", "-created_at"], name="sentemail_store_kind_idx"),
            models.Index(fields=["status"], name="sentemail_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"
