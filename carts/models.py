from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carts.wording import placeholders_check
from mycommerce.models import SentEmail, Store
from orders.models import Order

ZERO = Decimal("0.00")
STEPS = (1, 2, 3)


class Cart(models.Model):
    """A storefront cart, sent by the shop through the intake API under its own token."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("cart state", "Active")
        ABANDONED = "abandoned", pgettext_lazy("cart state", "Abandoned")
        ORDERED = "ordered", pgettext_lazy("cart state", "Ordered")
        RECOVERED = "recovered", pgettext_lazy("cart state", "Recovered")

    class OrderedVia(models.TextChoices):
        CHECKOUT = "checkout", _("Storefront checkout")
        LINK = "link", _("Reminder link")
        MANUAL = "manual", _("Manual order from the back-office")
        OTHER = "other", _("Another order with the same e-mail")

    class Group(models.TextChoices):
        """The measurement: abandoned carts that may be reminded are drawn into one group."""

        NONE = "", _("Not measured")
        REMINDED = "reminded", _("Reminded")
        HOLDOUT = "holdout", _("Held out (no reminder)")

    class StopReason(models.TextChoices):
        NONE = "", ""
        NO_CONSENT = "no_consent", _("No marketing consent and not an existing customer")
        UNSUBSCRIBED = "unsubscribed", _("The customer unsubscribed")
        SUPERSEDED = "superseded", _("A newer cart of the same customer is reminded instead")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="carts")
    token = models.CharField(_("token"), max_length=64)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    # Lower-cased, so that one address is one customer whatever its case.
    customer_email = models.EmailField(_("customer e-mail"), max_length=254, blank=True)
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    language = models.CharField(_("language"), max_length=5, default="fr")
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    subtotal = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    group = models.CharField(
        _("measurement group"), max_length=10, choices=Group.choices, default="", blank=True
    )
    # The highest reminder step handled (sent or skipped); 0 before the first.
    last_step = models.PositiveSmallIntegerField(_("last reminder"), default=0)
    stop_reason = models.CharField(
        _("reminders stopped"), max_length=20, choices=StopReason.choices, default="", blank=True
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The customer's last activity (set by the storefront's updates only).
    updated_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # When the current sequence began; the first abandonment, for the figures, stays.
    abandoned_at = models.DateTimeField(_("abandoned"), null=True, blank=True)
    first_abandoned_at = models.DateTimeField(_("first abandoned"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("ordered"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ordered_via = models.CharField(
        _("ordered through"), max_length=10, choices=OrderedVia.choices, blank=True
    )
    recovered_step = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(fields=["store", "token"], name="cart_store_token_unique")
        ]
        indexes = [
            models.Index(fields=["store", "-created_at", "-id"], name="cart_store_created_idx"),
            models.Index(fields=["store", "state", "updated_at"], name="cart_store_state_idx"),
            models.Index(fields=["store", "abandoned_at"], name="cart_store_abandoned_idx"),
            models.Index(
                fields=["store", "customer_email", "state"], name="cart_store_address_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.token

    @property
    def is_open(self) -> bool:
        """No order yet and personal data kept: the customer may still order it."""
        return (
            self.order_id is None
            and self.erased_at is None
            and self.state
            in (
                self.State.ACTIVE,
                self.State.ABANDONED,
            )
        )

    @property
    def state_badge(self) -> str:
        return STATE_BADGE.get(self.state, "secondary")


STATE_BADGE = {
    Cart.State.ACTIVE: "info",
    Cart.State.ABANDONED: "warning",
    Cart.State.ORDERED: "secondary",
    Cart.State.RECOVERED: "success",
}


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    name = models.CharField(_("product name"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)
    # Percent, as the storefront sends it; empty when it sends none (the checkout's taxes).
    vat_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class CartEvent(models.Model):
    """One entry of a cart's timeline: codes and numbers only, made into a sentence when read
    (carts/events.py)."""

    class Type(models.TextChoices):
        CREATED = "created", _("Cart created")
        UPDATED = "updated", _("Cart updated")
        ABANDONED = "abandoned", _("Cart abandoned")
        REMINDER_SENT = "reminder_sent", _("Reminder sent")
        REMINDER_SKIPPED = "reminder_skipped", _("Reminder not sent")
        LINK_OPENED = "link_opened", _("Link opened")
        RECOVERED = "recovered", _("Recovered")
        ORDERED = "ordered", _("Ordered")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        ERASED = "erased", _("Personal data erased")

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cart event")
        verbose_name_plural = _("cart events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["cart", "-created_at"], name="cartevent_cart_idx"),
            models.Index(fields=["type", "created_at"], name="cartevent_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.cart_id})"


class CartReminder(models.Model):
    """The claim of one reminder step of one cart: the unique constraint makes each
    (cart, step) happen once, whichever run or worker gets there first."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")

    class SkipReason(models.TextChoices):
        NONE = "", ""
        LATE = "late", _("Its time had passed")
        SAME_ADDRESS = "same_address", _("Already sent to this address for another cart")

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="reminders")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(_("reminder"))
    email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    message = models.ForeignKey(
        SentEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The discount the e-mail promised, which the recovery link's order gets.
    discount_code = models.CharField(max_length=40, blank=True)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "step"], name="cartreminder_cart_step_unique")
        ]
        indexes = [
            models.Index(
                fields=["store", "email", "step", "created_at"], name="cartreminder_address_idx"
            ),
            models.Index(fields=["store", "created_at"], name="cartreminder_store_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cart_id} #{self.step}"


class Recipient(models.Model):
    """A customer address of the store: its row is locked while its reminders are decided
    (one e-mail per address and step), and `unsubscribed_at` makes the suppression list."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["store", "email"], name="recipient_store_email_unique")
        ]

    def __str__(self) -> str:
        return self.email


class CheckoutRequest(models.Model):
    """An `Idempotency-Key` seen on a checkout, and the order it gave."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "key"], name="checkout_store_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class ApiKey(models.Model):
    """A storefront's key to the intake API: only a prefix and a SHA-256 of it are kept."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def percent_validators():
    return [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))]


class CartSettings(models.Model):
    """The store's abandonment delay, reminder sequence switch, and data retention."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, primary_key=True, related_name="cart_settings"
    )
    reminders_enabled = models.BooleanField(_("send reminders"), default=False)
    abandon_after_minutes = models.PositiveIntegerField(
        _("abandoned after (minutes without activity)"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(7 * 24 * 60)],
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("recovery links valid for (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    erase_after_days = models.PositiveSmallIntegerField(
        _("erase carts' personal data after (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
    )
    holdout_percent = models.PositiveSmallIntegerField(
        _("holdout share (%)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "This share of abandoned carts gets no reminder, to measure what the reminders add."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("abandoned cart settings")
        verbose_name_plural = _("abandoned cart settings")

    def __str__(self) -> str:
        return str(self.store)


class ReminderStep(models.Model):
    """One of the three reminders: when, with which discount, and its words (empty: the
    default wording, in the customer's language)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    enabled = models.BooleanField(_("send this reminder"), default=True)
    delay_hours = models.PositiveSmallIntegerField(
        _("hours after abandonment"), validators=[MaxValueValidator(30 * 24)]
    )
    discount_code = models.CharField(_("discount code"), max_length=40, blank=True)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=percent_validators(),
    )
    subject_fr = models.CharField(
        _("subject (French)"), max_length=150, blank=True, validators=[placeholders_check]
    )
    message_fr = models.TextField(
        _("message (French)"), max_length=2000, blank=True, validators=[placeholders_check]
    )
    subject_en = models.CharField(
        _("subject (English)"), max_length=150, blank=True, validators=[placeholders_check]
    )
    message_en = models.TextField(
        _("message (English)"), max_length=2000, blank=True, validators=[placeholders_check]
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(fields=["store", "step"], name="reminderstep_store_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.store} #{self.step}"
