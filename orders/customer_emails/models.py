"""The store's switches for its customer e-mails, and the one row per e-mail event that makes
each e-mail go once (imported by orders/models.py, so Django sees them as the orders app's)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.models import SentEmail, Store


class CustomerEmailSettings(models.Model):
    """One switch per kind of e-mail (orders/customer_emails/kinds.py: the fields are named
    after the kinds); a store without a row has them all on."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="customer_email_settings"
    )
    order_confirmation = models.BooleanField(_("order confirmation"), default=True)
    shipped = models.BooleanField(_("shipped"), default=True)
    ready_for_pickup = models.BooleanField(_("ready for pickup"), default=True)
    delivered = models.BooleanField(_("delivered"), default=True)
    refunded = models.BooleanField(_("refunded"), default=True)

    class Meta:
        verbose_name = _("customer e-mail settings")
        verbose_name_plural = _("customer e-mail settings")

    def __str__(self) -> str:
        return str(self.store)

    def is_enabled(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


class OrderEmail(models.Model):
    """An e-mail event of an order, claimed once: the unique (order, kind, key) is taken in the
    transaction that records the e-mail, so a retried task finds it and sends nothing."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="customer_emails"
    )
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(max_length=40, blank=True)
    message = models.ForeignKey(
        SentEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer e-mail")
        verbose_name_plural = _("customer e-mails")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "key"], name="orderemail_order_kind_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.order_id})"
