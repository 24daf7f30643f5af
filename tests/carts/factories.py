"""Carts as the storefront leaves them, with consistent totals; timestamps are set directly."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from carts.models import Cart, CartLine, CartSettings

LINES = [
    ("TSH-BLC-M", "T-shirt coton bio blanc (M)", 2, "19.90"),
    ("TAS-CER-01", "Tasse", 1, "14.50"),
]


class CartFactory(factory.django.DjangoModelFactory):
    """`lines` is a list of (sku, name, quantity, unit_price); `idle` backdates the activity."""

    class Meta:
        model = Cart

    token = factory.Sequence(lambda n: f"cart-token-{n:04d}")
    customer_name = factory.Sequence(lambda n: f"Client {n}")
    customer_email = factory.Sequence(lambda n: f"panier{n}@example.com")
    marketing_consent = True
    language = "fr"

    @classmethod
    def _create(cls, model_class, *args, lines=None, idle=None, **kwargs):
        lines = LINES if lines is None else lines
        now = timezone.now()
        if idle is not None:
            kwargs.setdefault("updated_at", now - idle)
            kwargs.setdefault("created_at", now - idle - timedelta(minutes=5))
        kwargs.setdefault("currency", kwargs["store"].currency)
        totals = [Decimal(q) * Decimal(p) for _, _, q, p in lines]
        kwargs.setdefault("line_count", len(lines))
        kwargs.setdefault("subtotal", sum(totals, Decimal("0.00")))
        cart = super()._create(model_class, *args, **kwargs)
        CartLine.objects.bulk_create(
            CartLine(
                cart=cart,
                position=i,
                sku=sku,
                name=name,
                quantity=q,
                unit_price=Decimal(p),
                line_total=total,
            )
            for i, ((sku, name, q, p), total) in enumerate(zip(lines, totals))
        )
        return cart


def reminders_on(store, **fields) -> CartSettings:
    settings, _ = CartSettings.objects.update_or_create(
        store=store, defaults={"reminders_enabled": True, **fields}
    )
    return settings
