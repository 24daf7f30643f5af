from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from orders.models import Order, OrderEvent
from orders.services import (
    order_add_note,
    order_bulk_set_fulfillment_status,
    order_bulk_set_payment_status,
    order_refund,
    order_set_fulfillment_status,
    order_set_payment_status,
)
from orders.statuses import FulfillmentStatus as F
from orders.statuses import PaymentStatus as P
from tests.factories import MembershipFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def user(staff):
    return staff.user


@pytest.fixture
def member(staff):
    return staff


def make(store, **kwargs):
    return OrderFactory(store=store, **kwargs)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (P.AWAITING_PAYMENT, P.PAID),
        (P.AWAITING_PAYMENT, P.CANCELLED),
        (P.PAID, P.AWAITING_PAYMENT),
        (P.CANCELLED, P.AWAITING_PAYMENT),
    ],
)
def test_allowed_payment_moves_change_status_write_event_and_bump_version(
    store, user, member, current, target
):
    order = make(store, payment_status=current)
    order_set_payment_status(order=order, status=target, membership=member)
    order.refresh_from_db()
    assert order.payment_status == target
    assert order.version == 2
    event = order.events.get(type=OrderEvent.Type.PAYMENT_STATUS_CHANGED)
    assert event.actor == user
    assert event.details == {"from": current, "to": target}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (P.AWAITING_PAYMENT, P.REFUNDED),
        (P.PAID, P.PARTIALLY_REFUNDED),
        (P.REFUNDED, P.PAID),
        (P.CANCELLED, P.PAID),
        # A paid order is cancelled only with its refund ("cancel and refund").
        (P.PAID, P.CANCELLED),
        (P.PAID, P.PAID),
        (P.PAID, "bogus"),
    ],
)
def test_refused_payment_moves_change_nothing(store, user, member, current, target):
    order = make(store, payment_status=current)
    with pytest.raises(ValidationError):
        order_set_payment_status(order=order, status=target, membership=member)
    order.refresh_from_db()
    assert order.payment_status == current
    assert order.version == 1
    assert not order.events.exists()


@pytest.mark.parametrize(
    ("payment", "current", "target"),
    [
        (P.PAID, F.AWAITING_PROCESSING, F.PROCESSING),
        (P.PAID, F.PROCESSING, F.READY_FOR_PICKUP),
        (P.PAID, F.PROCESSING, F.SHIPPED),
        (P.PAID, F.SHIPPED, F.DELIVERED),
        (P.PAID, F.DELIVERED, F.RETURNED),
        (P.CANCELLED, F.AWAITING_PROCESSING, F.WILL_NOT_DELIVER),
        (P.REFUNDED, F.RETURNED, F.WILL_NOT_DELIVER),
    ],
)
def test_allowed_fulfillment_moves(store, user, member, payment, current, target):
    order = make(store, payment_status=payment, fulfillment_status=current)
    order_set_fulfillment_status(order=order, status=target, membership=member)
    order.refresh_from_db()
    assert order.fulfillment_status == target
    assert order.events.get().details["to"] == target


@pytest.mark.parametrize(
    ("payment", "current", "target"),
    [
        (P.PAID, F.AWAITING_PROCESSING, F.WILL_NOT_DELIVER),
        (P.PARTIALLY_REFUNDED, F.DELIVERED, F.WILL_NOT_DELIVER),
        (P.PAID, F.DELIVERED, F.PROCESSING),
        (P.PAID, F.SHIPPED, F.AWAITING_PROCESSING),
        (P.PAID, F.PROCESSING, F.PROCESSING),
        (P.PAID, F.PROCESSING, "lost"),
    ],
)
def test_refused_fulfillment_moves(store, user, member, payment, current, target):
    order = make(store, payment_status=payment, fulfillment_status=current)
    with pytest.raises(ValidationError) as refused:
        order_set_fulfillment_status(order=order, status=target, membership=member)
    if target == F.WILL_NOT_DELIVER and current == F.AWAITING_PROCESSING:
        assert "only for cancelled or refunded" in str(refused.value)
    order.refresh_from_db()
    assert order.fulfillment_status == current
    assert not order.events.exists()


def test_shipped_carries_carrier_and_tracking_number(store, user, member):
    order = make(store, payment_status=P.PAID)
    order_set_fulfillment_status(
        order=order,
        status=F.SHIPPED,
        membership=member,
        carrier="Colissimo",
        tracking_number="8R123",
    )
    order.refresh_from_db()
    assert (order.carrier, order.tracking_number) == ("Colissimo", "8R123")
    # Staying Shipped with a new number updates the tracking only.
    order_set_fulfillment_status(
        order=order, status=F.SHIPPED, membership=member, tracking_number="8R9"
    )
    order.refresh_from_db()
    assert (order.carrier, order.tracking_number) == ("Colissimo", "8R9")
    assert order.events.first().type == OrderEvent.Type.TRACKING_CHANGED


def test_stale_version_is_refused(store, user, member):
    order = make(store)
    order_set_payment_status(order=order, status=P.PAID, membership=member)
    with pytest.raises(ValidationError) as refused:
        order_set_payment_status(
            order=order, status=P.CANCELLED, membership=member, expected_version=1
        )
    assert refused.value.code == "stale"
    order.refresh_from_db()
    assert order.payment_status == P.PAID


def test_non_member_is_refused(store, other_store):
    order = make(store)
    with pytest.raises(PermissionDenied):
        order_set_payment_status(order=order, status=P.PAID, membership=None)
    stranger = MembershipFactory(store=other_store)
    with pytest.raises(Order.DoesNotExist):
        order_set_payment_status(order=order, status=P.PAID, membership=stranger)
    order.refresh_from_db()
    assert order.payment_status == P.AWAITING_PAYMENT


def test_partial_then_full_refund(store, user, member):
    order = make(store, payment_status=P.PAID, lines=[("S", "Sac", 1, Decimal("50.00"))])
    order_refund(order=order, amount=Decimal("20.00"), reason="Abîmé", membership=member)
    order.refresh_from_db()
    assert order.refunded_total == Decimal("20.00")
    assert order.payment_status == P.PARTIALLY_REFUNDED
    order_refund(order=order, amount=Decimal("30.00"), reason="", membership=member)
    order.refresh_from_db()
    assert order.refunded_total == Decimal("50.00")
    assert order.payment_status == P.REFUNDED
    assert order.refunds.count() == 2
    assert order.events.filter(type=OrderEvent.Type.REFUND_RECORDED).count() == 2
    assert order.version == 3


def test_refund_above_refundable_is_refused(store, user, member):
    order = make(
        store,
        payment_status=P.PARTIALLY_REFUNDED,
        refunded_total=Decimal("40.00"),
        lines=[("S", "Sac", 1, Decimal("50.00"))],
    )
    with pytest.raises(ValidationError) as refused:
        order_refund(order=order, amount=Decimal("10.01"), reason="", membership=member)
    assert "€10.00" in str(refused.value)
    order.refresh_from_db()
    assert order.refunded_total == Decimal("40.00")
    assert not order.refunds.exists()


@pytest.mark.parametrize("payment", [P.AWAITING_PAYMENT, P.CANCELLED, P.REFUNDED])
def test_unpaid_order_cannot_be_refunded(store, user, member, payment):
    order = make(store, payment_status=payment)
    with pytest.raises(ValidationError):
        order_refund(order=order, amount=Decimal("1.00"), reason="", membership=member)


def test_add_note_writes_a_note_and_an_event(store, user, member):
    order = make(store)
    order_add_note(order=order, text="  Client rappelé  ", membership=member)
    assert order.notes.get().text == "Client rappelé"
    assert order.events.get().details == {"text": "Client rappelé"}
    with pytest.raises(ValidationError):
        order_add_note(order=order, text="   ", membership=member)


def test_bulk_change_applies_allowed_moves_and_reports_skips(store, user, member):
    unpaid = make(store)
    paid = make(store, payment_status=P.PAID)
    refunded = make(store, payment_status=P.REFUNDED)
    result = order_bulk_set_payment_status(
        orders=Order.objects.all(), status=P.PAID, membership=member
    )
    assert result.changed == [unpaid.reference]
    assert [reference for reference, _ in result.skipped] == [paid.reference, refunded.reference]
    assert "already" in result.skipped[0][1]
    unpaid.refresh_from_db()
    refunded.refresh_from_db()
    assert unpaid.payment_status == P.PAID
    assert refunded.payment_status == P.REFUNDED
    assert OrderEvent.objects.filter(type=OrderEvent.Type.PAYMENT_STATUS_CHANGED).count() == 1


def test_bulk_fulfillment_with_tracking(store, user, member, other_store):
    first = make(store, payment_status=P.PAID)
    delivered = make(store, payment_status=P.PAID, fulfillment_status=F.DELIVERED)
    foreign = make(other_store, payment_status=P.PAID)
    result = order_bulk_set_fulfillment_status(
        orders=Order.objects.all(),
        status=F.SHIPPED,
        membership=member,
        carrier="DPD",
        tracking_number="XY",
    )
    assert result.changed == [first.reference]
    assert result.skipped[0][0] == delivered.reference
    foreign.refresh_from_db()
    assert foreign.fulfillment_status == F.AWAITING_PROCESSING
    first.refresh_from_db()
    assert first.tracking_number == "XY"
