from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store


class Separator(models.TextChoices):
    COMMA = "comma", _("Comma ( , )")
    SEMICOLON = "semicolon", _("Semicolon ( ; )")
    TAB = "tab", _("Tab")


SEPARATOR_CHARACTERS = {Separator.COMMA: ",", Separator.SEMICOLON: ";", Separator.TAB: "\t"}


class Layout(models.TextChoices):
    LINES = "lines", _("One row per order line (order fields repeated)")
    ORDERS = "orders", _("One row per order (lines summarised)")


class DecimalMark(models.TextChoices):
    POINT = "point", _("Point (12.50)")
    COMMA = "comma", _("Comma (12,50)")


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV (text, for any program)")
    XLSX = "xlsx", _("Excel workbook (.xlsx: numbers, dates and zeros kept)")


class ExportSettings(models.Model):
    """The last export settings a user chose in a store, offered again next time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_settings"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="export_settings")
    format = models.CharField(
        _("file format"), max_length=10, choices=FileFormat.choices, default=FileFormat.CSV
    )
    separator = models.CharField(_("separator"), max_length=10, choices=Separator.choices)
    columns = models.JSONField(_("columns"), default=list)
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices)
    bom = models.BooleanField(_("byte-order mark"), default=True)
    decimal = models.CharField(_("decimal mark"), max_length=10, choices=DecimalMark.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("export settings")
        verbose_name_plural = _("export settings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "store"], name="exportsettings_user_store_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.store}"


class JournalSettings(models.Model):
    """The accounts of a store's sales journal (French chart of accounts by default)."""

    # What the settings form edits as fields (the accounts per VAT rate come apart).
    FORM_FIELDS = (
        "journal_code",
        "customer_account",
        "per_customer",
        "goods_account",
        "services_account",
        "shipping_account",
        "vat_account",
    )

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="journal_settings")
    journal_code = models.CharField(_("journal code"), max_length=6, default="VT")
    customer_account = models.CharField(_("customers account"), max_length=20, default="411")
    per_customer = models.BooleanField(
        _("one auxiliary account per customer"),
        default=False,
        help_text=_("The customers account followed by a code made of the customer's name."),
    )
    goods_account = models.CharField(_("sales of goods account"), max_length=20, default="707")
    services_account = models.CharField(_("services account"), max_length=20, default="706")
    shipping_account = models.CharField(_("shipping account"), max_length=20, default="7085")
    vat_account = models.CharField(_("VAT collected account"), max_length=20, default="44571")
    # Per VAT rate ("20", "5.5"): {"sales": account, "vat": account}, each optional.
    rate_accounts = models.JSONField(_("accounts per VAT rate"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sales journal settings")
        verbose_name_plural = _("sales journal settings")

    def __str__(self) -> str:
        return f"{self.journal_code} @ {self.store}"
