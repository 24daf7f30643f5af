from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.jobs import job_kind_label
from mycommerce.plans import Plan
from mycommerce.roles import Role

# The French VAT rates (CGI art. 278 to 281 nonies), as strings: JSON keeps them exact.
FRENCH_VAT_RATES = ("20", "10", "5.5", "2.1", "0")


def default_vat_rates() -> list[str]:
    return list(FRENCH_VAT_RATES)


class Store(models.Model):
    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    class PaperSize(models.TextChoices):
        A4 = "A4", _("A4")
        LETTER = "Letter", _("US Letter")

    class VatRegime(models.TextChoices):
        NORMAL = "normal", _("VAT charged")
        FRANCHISE = "franchise", _("VAT exemption for small businesses (art. 293 B of the CGI)")

    class PriceMode(models.TextChoices):
        TAX_INCLUSIVE = "ttc", _("Prices include VAT")
        TAX_EXCLUSIVE = "ht", _("Prices exclude VAT")

    class InvoiceMoment(models.TextChoices):
        PAID = "paid", _("When the order is paid")
        SHIPPED = "shipped", _("When the order is shipped")
        MANUAL = "manual", _("By hand, from the order page")

    name = models.CharField(_("name"), max_length=120)
    legal_address = models.TextField(_("registered address"), blank=True)
    vat_number = models.CharField(_("intra-community VAT number"), max_length=32, blank=True)
    # The seller's legal identity, printed on every invoice (L441-9 of the Code de commerce).
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=60, blank=True, help_text=_("e.g. SAS, SARL, EURL, EI")
    )
    share_capital = models.DecimalField(
        _("share capital"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rcs_city = models.CharField(
        _("trade register (RCS) city"),
        max_length=120,
        blank=True,
        help_text=_("The city of the RCS registration, e.g. Paris; or the trade register."),
    )
    logo = models.ImageField(_("logo"), upload_to="stores/logos/", blank=True)
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=255,
        blank=True,
        help_text=_("Empty: payable on receipt of the invoice."),
    )
    late_payment_rate = models.DecimalField(
        _("late-payment penalty rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: three times the legal interest rate, the legal minimum."),
    )
    recovery_indemnity = models.BooleanField(
        _("print the €40 recovery indemnity for business buyers"), default=True
    )
    invoice_footer = models.TextField(_("invoice footer"), blank=True)
    # France's e-invoicing reform: the CII XML inside the PDF of business buyers' documents.
    facturx_enabled = models.BooleanField(
        _("Factur-X for business buyers"),
        default=False,
        help_text=_(
            "Invoices and credit notes to a business (with a SIREN or VAT number) carry their "
            "data as Factur-X XML (EN 16931) inside the PDF; consumers get a plain PDF."
        ),
    )
    vat_regime = models.CharField(
        _("VAT regime"), max_length=10, choices=VatRegime.choices, default=VatRegime.NORMAL
    )
    price_mode = models.CharField(
        _("prices are entered"),
        max_length=3,
        choices=PriceMode.choices,
        default=PriceMode.TAX_INCLUSIVE,
    )
    vat_rates = models.JSONField(_("VAT rates"), default=default_vat_rates, blank=True)
    invoice_moment = models.CharField(
        _("invoices are issued"),
        max_length=10,
        choices=InvoiceMoment.choices,
        default=InvoiceMoment.PAID,
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.FRENCH
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    plan = models.CharField(_("plan"), max_length=20, choices=Plan.choices, default=Plan.FREE)
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4
    )
    # Customer e-mails (orders/customer_emails/): who they come from, where replies go.
    email_sender_name = models.CharField(
        _("sender name"), max_length=120, blank=True, help_text=_("Empty: the store's name.")
    )
    email_reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Where the customers' replies go. Empty: replies are not delivered."),
    )
    pickup_address = models.TextField(_("pickup address"), blank=True)
    pickup_hours = models.TextField(
        _("pickup hours"), blank=True, help_text=_("e.g. Monday to Friday, 10 am to 7 pm")
    )
    # The tracking page of the "Other" carrier: https://…{number}…
    tracking_url_template = models.CharField(
        _("tracking page of the “Other” carrier"),
        max_length=255,
        blank=True,
        help_text=_("An https address with {number} where the tracking number goes."),
    )
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def vat_rate_choices(self) -> list[Decimal]:
        return [Decimal(rate) for rate in (self.vat_rates or FRENCH_VAT_RATES)]

    @property
    def charges_vat(self) -> bool:
        return self.vat_regime != self.VatRegime.FRANCHISE


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
