from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store
from orders.models import Order


class ImmutableDocument(RuntimeError):
    """An issued invoice or credit note is never changed: issue a credit note instead."""


class Invoice(models.Model):
    """An issued invoice or credit note: its number in the store's series and a snapshot of
    everything it says (seller, buyer, lines, rates, totals, mentions), from which its PDF
    is always rendered. Written once, never updated."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Reason(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REFUND = "refund", _("Refund")
        CANCELLATION = "cancellation", _("Cancellation")
        EDIT = "edit", _("Order edited")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    number = models.CharField(_("number"), max_length=40)
    sequence_number = models.PositiveBigIntegerField()
    issued_on = models.DateField(_("issue date"))
    issued_at = models.DateTimeField(default=timezone.now)
    # The invoice a credit note corrects.
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    currency = models.CharField(max_length=3)
    # Tax-inclusive total, positive for credit notes too (the kind says which way it goes).
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="invoice_store_number_unique")
        ]
        indexes = [
            models.Index(fields=["store", "-issued_on", "-id"], name="invoice_store_issued_idx"),
            models.Index(fields=["store", "kind", "-issued_on"], name="invoice_store_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        # The one write an issued document gets is its creation (CGI art. 242 nonies A).
        if not self._state.adding:
            raise ImmutableDocument(f"{self.number} is issued: it cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE
