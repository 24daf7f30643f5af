"""Writes to carts from the storefront (create or update, check out) and from the back-office
(a manual order from a cart). Orders are only ever placed through `orders.services.order_create`.
Every change writes its CartEvent in the same transaction."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from carts.events import event_created, event_ordered, event_updated
from carts.models import STEPS, Cart, CartLine, CartSettings, CheckoutRequest, ReminderStep
from carts.parts import CartData, CheckoutData, cart_data_validate
from carts.sequence import reminder_steps_for_store
from mycommerce.models import Membership, Store
from mycommerce.plans import Feature, ensure_store_has_feature
from mycommerce.roles import Permission, ensure_member_may
from orders.events import event_from_cart
from orders.models import Order, OrderDiscount, OrderTax
from orders.parts import DiscountData, LineData, OrderData, TaxData
from orders.services import order_create


class CartClosed(ValidationError):
    """The cart was already ordered, or its personal data erased: it takes no more changes."""


class IdempotencyConflict(ValidationError):
    """The Idempotency-Key was already used to check out another cart."""


def _write_lines(cart: Cart, data: CartData, line_totals: list[Decimal]) -> None:
    cart.lines.all().delete()
    CartLine.objects.bulk_create(
        CartLine(
            cart=cart,
            position=position,
            sku=line.sku.strip(),
            name=line.name.strip(),
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line_total,
            vat_rate=line.vat_rate,
        )
        for position, (line, line_total) in enumerate(zip(data.lines, line_totals))
    )


def _closed_message(cart: Cart) -> str:
    if cart.erased_at:
        return _("This cart has expired; start a new cart with a new token.")
    return _("This cart was already ordered; start a new cart with a new token.")


def cart_upsert(*, store: Store, token: str, data: CartData) -> tuple[Cart, bool]:
    """Create the cart `token` of `store`, or replace its customer and lines. Any change is
    activity: an abandoned cart becomes active again and its reminders wait.

    Returns (cart, created)."""
    ensure_store_has_feature(store, Feature.ABANDONED_CARTS)
    line_totals = cart_data_validate(store=store, data=data)
    fields = {
        "customer_name": data.customer_name.strip(),
        "customer_email": data.customer_email.strip().lower(),
        "marketing_consent": data.marketing_consent,
        "language": data.language or store.language,
        "currency": store.currency,
        "line_count": len(data.lines),
        "subtotal": sum(line_totals, Decimal("0.00")),
    }
    now = timezone.now()
    with transaction.atomic():
        cart, created = Cart.objects.select_for_update().get_or_create(
            store=store, token=token, defaults={**fields, "created_at": now, "updated_at": now}
        )
        if created:
            _write_lines(cart, data, line_totals)
            event_created(cart=cart).save()
            return cart, True
        if not cart.is_open:
            raise CartClosed(_closed_message(cart), code="closed")
        before = (cart.line_count, cart.subtotal)
        changed = any(getattr(cart, name) != value for name, value in fields.items())
        changed = changed or _lines_differ(cart, data)
        for name, value in fields.items():
            setattr(cart, name, value)
        reopened = cart.state == Cart.State.ABANDONED
        cart.state, cart.updated_at = Cart.State.ACTIVE, now
        # The next abandonment decides afresh (an unsubscribe stays on the suppression list).
        if cart.stop_reason in (Cart.StopReason.SUPERSEDED, Cart.StopReason.NO_CONSENT):
            cart.stop_reason = ""
        cart.save()
        if changed:
            _write_lines(cart, data, line_totals)
        if changed or reopened:
            event_updated(cart=cart, lines_before=before[0], total_before=before[1]).save()
    return cart, False


def _lines_differ(cart: Cart, data: CartData) -> bool:
    stored = list(cart.lines.values_list("sku", "name", "quantity", "unit_price", "vat_rate"))
    sent = [
        (line.sku.strip(), line.name.strip(), line.quantity, line.unit_price, line.vat_rate)
        for line in data.lines
    ]
    return stored != sent


def cart_get_for_store(*, store: Store, token: str) -> Cart:
    """One cart of this store by its token; another store's cart is a 404."""
    return get_object_or_404(Cart, store=store, token=token)


def cart_mark_ordered(
    *, cart: Cart, order: Order, via: str, actor=None, step: int | None = None
) -> None:
    """Link the (locked) cart to its order; inside the caller's transaction."""
    cart.order = order
    cart.ordered_via = via
    cart.ordered_at = order.created_at
    cart.state = Cart.State.RECOVERED if via == Cart.OrderedVia.LINK else Cart.State.ORDERED
    cart.recovered_step = step if via == Cart.OrderedVia.LINK else None
    cart.save(update_fields=["order", "ordered_via", "ordered_at", "state", "recovered_step"])
    event_ordered(cart=cart, via=via, reference=order.reference, actor=actor).save()


def cart_order_data(
    cart: Cart, *, customer_name: str = "", discount: DiscountData | None = None, extra=None
) -> OrderData:
    """The order a cart makes: its lines and customer, plus what the checkout adds. Lines with
    their VAT rates are taxed per line as the store charges VAT (prices including or excluding
    it, its regime); lines without, by the checkout's taxes."""
    extra = extra or CheckoutData()
    store = cart.store
    return OrderData(
        customer_name=(customer_name or cart.customer_name or cart.customer_email)[:200],
        customer_email=cart.customer_email,
        lines=[
            LineData(
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                sku=line.sku,
                vat_rate=line.vat_rate,
            )
            for line in cart.lines.all()
        ],
        prices_include_vat=store.price_mode == Store.PriceMode.TAX_INCLUSIVE,
        charges_vat=store.charges_vat,
        customer_phone=extra.customer_phone,
        billing_name=extra.billing_name,
        billing_street=extra.billing_street,
        billing_postcode=extra.billing_postcode,
        billing_city=extra.billing_city,
        billing_country=extra.billing_country,
        shipping_name=extra.shipping_name,
        shipping_street=extra.shipping_street,
        shipping_postcode=extra.shipping_postcode,
        shipping_city=extra.shipping_city,
        shipping_country=extra.shipping_country,
        shipping_method=extra.shipping_method,
        shipping_total=extra.shipping_total,
        discounts=[discount] if discount else [],
        taxes=[
            TaxData(name=name, kind=OrderTax.Kind.RATE, value=rate) for name, rate in extra.taxes
        ],
    )


def _ensure_may_check_out(cart: Cart) -> None:
    if not cart.is_open:
        raise CartClosed(_closed_message(cart), code="closed")
    if not cart.line_count:
        raise ValidationError({"lines": [_("The cart is empty: add a line first.")]})


def _remember_key(
    *, store: Store, key: str, cart: Cart, order: Order | None = None
) -> CheckoutRequest:
    try:
        with transaction.atomic():
            return CheckoutRequest.objects.create(store=store, key=key, cart=cart, order=order)
    except IntegrityError:
        raise IdempotencyConflict(
            _("This Idempotency-Key was already used for another cart."), code="idempotency"
        ) from None


def cart_checkout(
    *, store: Store, token: str, data: CheckoutData, idempotency_key: str = ""
) -> tuple[Order, bool]:
    """Turn the cart into a storefront order, once: the same cart, or the same
    `idempotency_key`, checked out again (even at the same moment) gives the same order.

    Returns (order, created)."""
    ensure_store_has_feature(store, Feature.ABANDONED_CARTS)
    with transaction.atomic():
        # The cart's row lock queues concurrent checkouts of one cart behind each other.
        cart = get_object_or_404(Cart.objects.select_for_update(), store=store, token=token)
        if idempotency_key:
            seen = CheckoutRequest.objects.filter(store=store, key=idempotency_key).first()
            if seen is not None:
                if seen.cart_id != cart.pk:
                    raise IdempotencyConflict(
                        _("This Idempotency-Key was already used for another cart."),
                        code="idempotency",
                    )
                return Order.objects.get(pk=seen.order_id or cart.order_id), False
        if cart.order_id:
            if idempotency_key:
                _remember_key(store=store, key=idempotency_key, cart=cart, order=cart.order)
            return Order.objects.get(pk=cart.order_id), False
        _ensure_may_check_out(cart)
        request = (
            _remember_key(store=store, key=idempotency_key, cart=cart) if idempotency_key else None
        )
        order = order_create(
            store=store,
            source=Order.Source.STOREFRONT,
            data=cart_order_data(cart, extra=data),
            paid=data.paid,
            language=cart.language,
        )
        cart_mark_ordered(cart=cart, order=order, via=Cart.OrderedVia.CHECKOUT)
        if request is not None:
            request.order = order
            request.save(update_fields=["order"])
    return order, True


def cart_order_manually(*, membership: Membership, cart_id: int) -> Order:
    """A member turns a cart into a manual order (then edits it like any order)."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS, feature=Feature.ABANDONED_CARTS)
    with transaction.atomic():
        cart = get_object_or_404(
            Cart.objects.select_for_update(), store=membership.store, pk=cart_id
        )
        _ensure_may_check_out(cart)
        order = order_create(
            store=membership.store,
            source=Order.Source.MANUAL,
            data=cart_order_data(cart),
            membership=membership,
            language=cart.language,
        )
        event_from_cart(order=order, actor=membership.user, via=Cart.OrderedVia.MANUAL).save()
        cart_mark_ordered(cart=cart, order=order, via=Cart.OrderedVia.MANUAL, actor=membership.user)
    return order


def recovered_discount(*, code: str, percent: Decimal | None) -> DiscountData | None:
    """The reminder's discount as an order discount (a code without a percentage is only
    shown to the customer: the shop applies it)."""
    if not code or not percent:
        return None
    return DiscountData(label=code, kind=OrderDiscount.Kind.PERCENT, value=percent)


SETTINGS_FIELDS = (
    "reminders_enabled",
    "abandon_after_minutes",
    "link_valid_days",
    "erase_after_days",
    "holdout_percent",
)
STEP_FIELDS = (
    "enabled",
    "delay_hours",
    "discount_code",
    "discount_percent",
    "subject_fr",
    "message_fr",
    "subject_en",
    "message_en",
)


def cart_settings_update(
    *, membership: Membership, data: dict, steps: dict[int, dict]
) -> CartSettings:
    """The abandonment delay, the sequence (on/off, three steps) and retention, at once.
    `steps` maps 1, 2, 3 to the fields of ReminderStep; delays must grow along the steps."""
    ensure_member_may(membership, Permission.MANAGE_SETTINGS, feature=Feature.ABANDONED_CARTS)
    store = membership.store
    with transaction.atomic():
        settings, _created = CartSettings.objects.select_for_update().get_or_create(store=store)
        for name in SETTINGS_FIELDS:
            if name in data:
                setattr(settings, name, data[name])
        settings.full_clean()
        rows = {step.step: step for step in reminder_steps_for_store(store=store)}
        for number in STEPS:
            for name in STEP_FIELDS:
                if name in steps.get(number, {}):
                    setattr(rows[number], name, steps[number][name])
            rows[number].enabled = rows[number].enabled or number == 1
            if rows[number].discount_percent and not rows[number].discount_code:
                raise ValidationError(
                    {f"step{number}-discount_code": _("Give the code the e-mail shows.")}
                )
            rows[number].full_clean(exclude=["store"])
        _ensure_delays_grow(rows)
        settings.save()
        for row in rows.values():
            row.save()
    return settings


def _ensure_delays_grow(rows: dict[int, ReminderStep]) -> None:
    enabled = [rows[number] for number in STEPS if rows[number].enabled]
    for before, after in zip(enabled, enabled[1:]):
        if after.delay_hours <= before.delay_hours:
            raise ValidationError(
                {
                    f"step{after.step}-delay_hours": _(
                        "Reminder %(step)d must come later than reminder %(before)d "
                        "(%(hours)d h after abandonment)."
                    )
                    % {"step": after.step, "before": before.step, "hours": before.delay_hours}
                }
            )
