from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store


class NumberSequence(models.Model):
    """The per-store order-number counter, with the prefix and suffix of new references."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="number_sequence")
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    suffix = models.CharField(_("suffix"), max_length=20, blank=True)
    last_issued = models.PositiveBigIntegerField(_("highest number issued"), default=0)
    # First number issued under the current prefix and suffix; None until one is issued.
    format_first_number = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("order numbering")
        verbose_name_plural = _("order numbering")

    def __str__(self) -> str:
        return f"{self.store}: {self.format(self.next_number)}"

    def format(self, number: int) -> str:
        return f"{self.prefix}{number}{self.suffix}"


class RetiredFormat(models.Model):
    """A prefix and suffix no longer in use, with the range of numbers issued under them.

    Allocation reads these to never issue a reference an older format already produced.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=20, blank=True)
    suffix = models.CharField(max_length=20, blank=True)
    first_number = models.PositiveBigIntegerField()
    last_number = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["store"], name="numbering_retired_store_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}[{self.first_number}-{self.last_number}]{self.suffix}"


class NumberingChange(models.Model):
    """One change of a store's numbering settings: who, when, before and after."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("date"), default=timezone.now)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        verbose_name = _("numbering change")
        verbose_name_plural = _("numbering changes")
        indexes = [models.Index(fields=["store", "-changed_at"], name="numbering_change_store_idx")]

    def __str__(self) -> str:
        return f"{self.store} {self.changed_at:%Y-%m-%d %H:%M}"


class InvoiceSeries(models.Model):
    """The per-store invoice counter: one gapless, chronological series for invoices and
    credit notes (article 242 nonies A of the CGI), e.g. FA-2026-000123.

    Moved only by `invoice_series_allocate`, inside the transaction that issues the document;
    the first number can be set once, before anything is issued, to continue an earlier series.
    """

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="invoice_series")
    prefix = models.CharField(_("prefix"), max_length=10, default="FA", blank=True)
    yearly_restart = models.BooleanField(_("restart at 1 every year"), default=True)
    next_number = models.PositiveBigIntegerField(_("next invoice number"), default=1)
    # The year of the last number issued: a new year restarts the count when yearly_restart.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    issued_count = models.PositiveBigIntegerField(default=0)
    last_issued_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("invoice series")
        verbose_name_plural = _("invoice series")

    def __str__(self) -> str:
        return f"{self.store}: {self.prefix}"

    def format(self, *, number: int, year: int) -> str:
        return "-".join(part for part in (self.prefix, str(year), f"{number:06d}") if part)
