from django.db import models
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store


class NumberSequence(models.Model):
    """The per-store order-number counter, with the prefix and suffix of new references."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="number_sequence")
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    suffix = models.CharField(_("suffix"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("order numbering")
        verbose_name_plural = _("order numbering")

    def __str__(self) -> str:
        return f"{self.store}: {self.format(self.next_number)}"

    def format(self, number: int) -> str:
        return f"{self.prefix}{number}{self.suffix}"
