"""An order an accountant would export: every kind of column has something to show."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from orders.models import OrderDiscount, OrderEvent, OrderTax, Refund
from orders.services import (
    order_add_note,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus, PaymentStatus
from tests.factories import OrderFactory

PLACED = datetime(2026, 7, 14, 22, 30, 15, tzinfo=UTC)  # 00:30:15 on 15 July in Paris
PAID = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)
SHIPPED = datetime(2026, 7, 16, 13, 45, tzinfo=UTC)
REFUNDED = datetime(2026, 7, 20, 23, 10, tzinfo=UTC)  # 21 July in Paris


@pytest.fixture
def full_order(store, staff):
    order = OrderFactory(
        store=store,
        customer_name="Hélène Lefèvre-Çağlar",
        customer_phone="+33 6 12 34 56 78",
        billing_postcode="01000",
        shipping_postcode="01000",
        payment_method="Carte bancaire",
        shipping_method="Colissimo",
        shipping_total=Decimal("4.90"),
        tax_total=Decimal("7.18"),
        created_at=PLACED,
        lines=[
            ("00123", 'Tasse "émaillée", bleue', 2, Decimal("14.50")),
            ("=1+1", "Savon\nde Marseille", 1, Decimal("6.90")),
        ],
    )
    OrderDiscount.objects.create(order=order, label="BIENVENUE10", value=Decimal("0"))
    OrderTax.objects.create(
        order=order, name="TVA 20 %", kind="rate", value=Decimal("20"), amount=Decimal("5.80")
    )
    OrderTax.objects.create(
        order=order, name="TVA 5,5 %", kind="rate", value=Decimal("5.5"), amount=Decimal("0.38")
    )
    OrderTax.objects.create(
        order=order, name="Écotaxe", kind="amount", value=Decimal("1"), amount=Decimal("1.00")
    )
    order_set_payment_status(membership=staff, order=order, status=PaymentStatus.PAID)
    order_set_fulfillment_status(
        membership=staff,
        order=order,
        status=FulfillmentStatus.SHIPPED,
        carrier="Colissimo",
        tracking_number="00081234567",
    )
    order_refund(membership=staff, order=order, amount=Decimal("6.90"), reason="Savon cassé")
    order_add_note(membership=staff, order=order, text="Client fidèle")
    events = OrderEvent.objects.filter(order=order)
    events.filter(type=OrderEvent.Type.PAYMENT_STATUS_CHANGED).update(created_at=PAID)
    events.filter(type=OrderEvent.Type.FULFILLMENT_STATUS_CHANGED).update(created_at=SHIPPED)
    Refund.objects.filter(order=order).update(created_at=REFUNDED)
    order.refresh_from_db()
    return order
