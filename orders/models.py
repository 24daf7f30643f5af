import decimal
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mycommerce.models import Store
from orders.carriers import carrier_choices, order_tracking_url
from orders.statuses import (
    FULFILLMENT_BADGE,
    FULFILLMENT_LABELS,
    PAYMENT_BADGE,
    PAYMENT_LABELS,
    FulfillmentStatus,
    PaymentStatus,
)
from orders.totals import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

ZERO = Decimal("0.00")


class MoneyField(models.DecimalField):
    """A DecimalField that reads back any value its column holds.

    SQLite does not check max_digits on write, and Django's SQLite converter quantises with a
    context of max_digits digits, so one amount stored past them (before the bounds were
    enforced) made every page listing that order fail with InvalidOperation. Read here with
    room for any float SQLite can hold, the order can still be listed, opened and repaired.
    """

    # Enough digits for the largest double (1.8e308) with its decimal places.
    READ_PRECISION = 330

    @cached_property
    def context(self):
        return decimal.Context(prec=self.READ_PRECISION)

    def to_python(self, value):
        if isinstance(value, float):  # as DecimalField: a float is rounded to max_digits
            value = decimal.Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)

    def deconstruct(self):
        # The column is a plain DecimalField's: migrations need not know about this class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def money_field(verbose_name, **kwargs) -> MoneyField:
    return MoneyField(
        verbose_name,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=ZERO,
        **kwargs,
    )


class Order(models.Model):
    class Source(models.TextChoices):
        STOREFRONT = "storefront", _("Storefront")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        MANUAL = "manual", _("Other")

    class OperationCategory(models.TextChoices):
        GOODS = "goods", _("Delivery of goods")
        SERVICES = "services", _("Services")
        MIXED = "mixed", _("Goods and services")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="orders")
    number = models.PositiveBigIntegerField(_("number"))
    reference = models.CharField(_("reference"), max_length=64)

    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_email = models.EmailField(_("customer e-mail"), max_length=254, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=40, blank=True)

    billing_name = models.CharField(_("billing name"), max_length=200, blank=True)
    billing_street = models.CharField(_("billing address"), max_length=255, blank=True)
    billing_postcode = models.CharField(_("billing postcode"), max_length=20, blank=True)
    billing_city = models.CharField(_("billing city"), max_length=120, blank=True)
    billing_country = models.CharField(_("billing country"), max_length=2, blank=True)
    shipping_name = models.CharField(_("shipping name"), max_length=200, blank=True)
    shipping_street = models.CharField(_("shipping address"), max_length=255, blank=True)
    shipping_postcode = models.CharField(_("shipping postcode"), max_length=20, blank=True)
    shipping_city = models.CharField(_("shipping city"), max_length=120, blank=True)
    shipping_country = models.CharField(_("shipping country"), max_length=2, blank=True)
    # A business buyer, as its invoice names it (company, SIREN, VAT number: checked).
    buyer_company = models.CharField(_("buyer company"), max_length=200, blank=True)
    buyer_siren = models.CharField(_("buyer SIREN"), max_length=9, blank=True)
    buyer_vat_number = models.CharField(_("buyer VAT number"), max_length=32, blank=True)
    delivery_date = models.DateField(_("date of delivery or service"), null=True, blank=True)
    operation_category = models.CharField(
        _("category of operation"),
        max_length=10,
        choices=OperationCategory.choices,
        default=OperationCategory.GOODS,
    )

    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    subtotal = money_field(_("subtotal"))
    discount_total = money_field(_("discounts"))
    tax_total = money_field(_("taxes"))
    shipping_method = models.CharField(_("shipping method"), max_length=120, blank=True)
    shipping_total = money_field(_("shipping"))
    # VAT per line (orders/totals.py): how this order's prices were typed and taxed, fixed
    # when it is placed, so a later change of the store's settings changes no total.
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=False)
    charges_vat = models.BooleanField(_("VAT charged"), default=True)
    # Empty: shipping follows the goods' rates. Orders from before keep their untaxed 0.
    shipping_vat_rate = models.DecimalField(
        _("shipping VAT rate"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    total = money_field(_("total"))
    refunded_total = money_field(_("refunded"))

    payment_status = models.CharField(
        _("payment status"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.AWAITING_PAYMENT,
    )
    payment_method = models.CharField(_("payment method"), max_length=60, blank=True)
    fulfillment_status = models.CharField(
        _("fulfillment status"),
        max_length=20,
        choices=FulfillmentStatus.choices,
        default=FulfillmentStatus.AWAITING_PROCESSING,
    )
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    # One of orders/carriers.py (empty on orders from before the list: `carrier` names it).
    carrier_code = models.CharField(
        _("carrier code"), max_length=20, choices=carrier_choices(), blank=True
    )
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.STOREFRONT
    )
    # The customer's language (a storefront cart's), for the e-mails; empty: the store's.
    language = models.CharField(
        _("customer language"), max_length=5, choices=Store.Language.choices, blank=True
    )

    created_at = models.DateTimeField(_("date"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every change; forms carry it so a stale edit is refused, never applied.
    version = models.PositiveIntegerField(default=1)
    # The normalised values the search looks in (orders/search.py), set by every writer;
    # indexed by FTS5 trigrams on SQLite, by pg_trgm on PostgreSQL (orders/database.py).
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="order_store_number_unique"),
            models.UniqueConstraint(
                fields=["store", "reference"], name="order_store_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "-created_at", "-id"], name="order_store_created_idx"),
            models.Index(
                fields=["store", "payment_status", "-created_at"], name="order_store_payment_idx"
            ),
            models.Index(
                fields=["store", "fulfillment_status", "-created_at"],
                name="order_store_fulfil_idx",
            ),
            models.Index(fields=["store", "total"], name="order_store_total_idx"),
            models.Index(fields=["store", "customer_email"], name="order_store_email_idx"),
            models.Index(fields=["store", "customer_name"], name="order_store_customer_idx"),
            # The status facets count from these without reading the table.
            models.Index(
                fields=["store", "payment_status", "fulfillment_status"],
                name="order_store_status_pair_idx",
            ),
            models.Index(
                fields=["store", "created_at", "payment_status", "fulfillment_status"],
                name="order_store_date_status_idx",
            ),
            # Search by e-mail ignores case.
            models.Index("store", Lower("customer_email"), name="order_store_email_lower_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_payment_status_display(self) -> str:
        return force_str(PAYMENT_LABELS.get(self.payment_status, self.payment_status))

    def get_fulfillment_status_display(self) -> str:
        return force_str(FULFILLMENT_LABELS.get(self.fulfillment_status, self.fulfillment_status))

    @property
    def payment_badge(self) -> str:
        return PAYMENT_BADGE.get(self.payment_status, "secondary")

    @property
    def fulfillment_badge(self) -> str:
        return FULFILLMENT_BADGE.get(self.fulfillment_status, "secondary")

    @property
    def is_business_buyer(self) -> bool:
        return bool(self.buyer_company or self.buyer_siren or self.buyer_vat_number)

    @property
    def tracking_url(self) -> str:
        """The carrier's page for this order's tracking number ("" when none)."""
        return order_tracking_url(self)

    @property
    def refundable_amount(self) -> Decimal:
        return max(ZERO, self.total - self.refunded_total)


class OrderStatusCount(models.Model):
    """How many orders of a store are in each (payment, fulfillment) pair: the list's facets
    without counting the orders. Kept by database triggers in the transaction of every
    write to an order, whatever writes it (orders/database.py)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    payment_status = models.CharField(max_length=20)
    fulfillment_status = models.CharField(max_length=20)
    order_count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "payment_status", "fulfillment_status"],
                name="orderstatuscount_pair_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_status}/{self.fulfillment_status}: {self.order_count}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    name = models.CharField(_("product name"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = money_field(_("unit price"))
    line_total = money_field(_("line total"))
    # Percent; empty on orders still taxed as a whole (order-level taxes).
    vat_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["sku"], name="orderline_sku_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class OrderDiscount(models.Model):
    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        PERCENT = "percent", _("Percentage")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="discounts")
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FIXED)
    value = MoneyField(_("value"), max_digits=14, decimal_places=2)
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class OrderTax(models.Model):
    class Kind(models.TextChoices):
        RATE = "rate", _("Rate (%)")
        AMOUNT = "amount", _("Fixed amount")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="taxes")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATE)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.amount} {self.order.currency}"


class OrderNote(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:50]


class OrderEvent(models.Model):
    """One entry of an order's timeline, written in the same transaction as the change."""

    class Type(models.TextChoices):
        CREATED = "created", _("Order placed")
        PAYMENT_STATUS_CHANGED = "payment_status_changed", _("Payment status changed")
        FULFILLMENT_STATUS_CHANGED = "fulfillment_status_changed", _("Fulfillment status changed")
        TRACKING_CHANGED = "tracking_changed", _("Tracking changed")
        REFUND_RECORDED = "refund_recorded", _("Refund recorded")
        CANCELLED = "cancelled", _("Order cancelled")
        NOTE_ADDED = "note_added", _("Note added")
        EDITED = "edited", _("Order edited")
        INVOICE_PRINTED = "invoice_printed", _("Invoice printed")
        EMAIL_SENT = "email_sent", _("E-mail sent")
        FROM_CART = "from_cart", _("Placed from an abandoned cart")
        DOCUMENT_ISSUED = "document_issued", _("Invoice or credit note issued")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=40, choices=Type.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["order", "-created_at"], name="orderevent_order_idx")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.order_id})"


class SavedView(models.Model):
    """A named set of the order list's filters, sort and page size, shown as a tab above the
    list: shared with the store (no owner) or kept by its owner alone.

    The three views every store starts with (`default_key`) have no name of their own until
    renamed: they read in the reader’s language (orders/saved_views/)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=60, blank=True)
    default_key = models.CharField(max_length=30, blank=True, editable=False)
    # The list's query parameters, each name with its list of values (as a QueryDict's lists).
    params = models.JSONField(_("filters"), default=dict)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["store", "position"], name="savedview_store_position_idx")]

    def __str__(self) -> str:
        return self.name or self.default_key


# The customer e-mails' rows are the orders app's (orders/customer_emails/).
from orders.customer_emails.models import CustomerEmailSettings, OrderEmail  # noqa: E402, F401
