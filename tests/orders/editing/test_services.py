"""Editing orders and creating manual orders, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mycommerce.plans import FeatureNotInPlan, Plan
from orders.editing.services import OrderNotEditable, order_edit
from orders.events import event_render
from orders.locks import StaleOrderVersion
from orders.models import Order, OrderEvent
from orders.parts import EDITABLE_FIELDS, DiscountData, LineData, OrderData, TaxData
from orders.policies import order_is_editable
from orders.services import order_create
from orders.statuses import PaymentStatus
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def data_of(order: Order, **changes) -> OrderData:
    fields = {name: getattr(order, name) for name in (*EDITABLE_FIELDS, "shipping_total")}
    fields["lines"] = [
        LineData(
            line_id=line.pk,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for line in order.lines.all()
    ]
    fields.update(changes)
    return OrderData(**fields)


@pytest.fixture
def order(store):
    return OrderFactory(
        store=store,
        customer_email="a@x.fr",
        lines=[("TAS-01", "Tasse", 1, D("10.00")), ("BOL-02", "Bol", 2, D("7.50"))],
    )


def lines_of(event) -> list[str]:
    return event_render(event).lines


def edit(staff, order, data, version=None):
    return order_edit(
        membership=staff,
        order_pk=order.pk,
        version=order.version if version is None else version,
        data=data,
    )


def test_editing_replaces_lines_recomputes_totals_and_writes_one_readable_event(staff, order):
    tasse, bol = order.lines.all()
    data = data_of(
        order,
        customer_email="b@x.fr",
        lines=[
            LineData(line_id=tasse.pk, sku="TAS-01", name="Tasse", quantity=3, unit_price=D("10")),
            LineData(sku="ASS-03", name="Assiette", quantity=2, unit_price=D("4.25")),
        ],
        discounts=[DiscountData(label="Fidélité", kind="percent", value=D("10"))],
        taxes=[TaxData(name="TVA", kind="rate", value=D("20"))],
        shipping_method="Colissimo",
        shipping_total=D("4.90"),
    )
    result = edit(staff, order, data)

    order.refresh_from_db()
    assert result.changed
    assert [(ln.sku, ln.quantity, ln.line_total) for ln in order.lines.all()] == [
        ("TAS-01", 3, D("30.00")),
        ("ASS-03", 2, D("8.50")),
    ]
    assert order.subtotal == D("38.50")
    assert order.discount_total == D("3.85")
    assert order.tax_total == D("6.93")
    assert order.shipping_total == D("4.90")
    assert order.total == D("46.48")
    assert order.version == 2
    assert order.discounts.get().amount == D("3.85")
    assert order.taxes.get().amount == D("6.93")

    event = order.events.get(type=OrderEvent.Type.EDITED)
    assert event.actor == staff.user
    summary = lines_of(event)
    assert "Line added: 2 × Assiette (ASS-03)" in summary
    assert "Line removed: 2 × Bol (BOL-02)" in summary
    assert "Quantity of TAS-01: 1 → 3" in summary
    assert "Customer e-mail: a@x.fr → b@x.fr" in summary
    assert "Shipping method: — → Colissimo" in summary
    assert "Discount added: Fidélité (10 %)" in summary
    assert "Tax added: TVA (20 %)" in summary
    assert (event.details["total_before"], event.details["total_after"]) == ("25.00", "46.48")
    assert event_render(event).sentence == "Order edited; total €25.00 → €46.48."


def test_name_sku_and_price_changes_are_in_the_summary(staff, order):
    tasse, bol = order.lines.all()
    data = data_of(
        order,
        lines=[
            LineData(line_id=tasse.pk, sku="TAS-9", name="Mug", quantity=1, unit_price=D("12")),
            LineData(line_id=bol.pk, sku="BOL-02", name="Bol", quantity=2, unit_price=D("7.50")),
        ],
    )
    edit(staff, order, data)
    summary = lines_of(order.events.get(type=OrderEvent.Type.EDITED))
    assert summary == [
        "SKU of TAS-01: TAS-01 → TAS-9",
        "Name of TAS-01: Tasse → Mug",
        "Unit price of TAS-01: €10.00 → €12.00",
    ]


def test_addresses_and_removing_a_discount_are_in_the_summary(staff, store):
    order = OrderFactory(store=store)
    edit(
        staff,
        order,
        data_of(order, discounts=[DiscountData(label="Promo", kind="fixed", value=D("5"))]),
    )
    order.refresh_from_db()
    assert order.total == D("15.00")
    edit(staff, order, data_of(order, shipping_city="Lyon", billing_name="Jeanne Dupont"))
    order.refresh_from_db()
    summary = lines_of(order.events.filter(type=OrderEvent.Type.EDITED).first())
    assert f"Billing name: {order.customer_name} → Jeanne Dupont" in summary
    assert "Shipping city: Bourg-en-Bresse → Lyon" in summary
    assert "Discount removed: Promo (€5.00)" in summary
    assert order.total == D("20.00") and order.discounts.count() == 0


def test_a_stale_version_changes_nothing(staff, order):
    edit(staff, order, data_of(order, customer_name="Première personne"))
    with pytest.raises(StaleOrderVersion) as refused:
        edit(staff, order, data_of(order, customer_name="Deuxième personne"), version=1)
    assert refused.value.order.customer_name == "Première personne"
    order.refresh_from_db()
    assert order.customer_name == "Première personne"
    assert order.version == 2
    assert order.events.filter(type=OrderEvent.Type.EDITED).count() == 1


def test_saving_without_change_writes_nothing(staff, order):
    result = edit(staff, order, data_of(order))
    assert not result.changed
    order.refresh_from_db()
    assert order.version == 1 and not order.events.exists()


@pytest.mark.parametrize("status", [PaymentStatus.CANCELLED, PaymentStatus.REFUNDED])
def test_cancelled_and_refunded_orders_are_read_only(staff, store, status):
    order = OrderFactory(store=store, payment_status=status)
    assert not order_is_editable(order)
    with pytest.raises(OrderNotEditable):
        edit(staff, order, data_of(order, customer_name="X"))
    order.refresh_from_db()
    assert order.customer_name != "X"


@pytest.mark.parametrize(
    "status",
    [PaymentStatus.AWAITING_PAYMENT, PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED],
)
def test_other_orders_are_editable(store, status):
    assert order_is_editable(OrderFactory(store=store, payment_status=status))


def test_editing_a_paid_order_reports_what_is_due_or_to_refund(staff, store):
    order = OrderFactory(store=store, payment_status=PaymentStatus.PAID)  # 2 × 10.00
    (line,) = order.lines.all()
    more = edit(
        staff,
        order,
        data_of(
            order,
            lines=[
                LineData(
                    line_id=line.pk,
                    name=line.name,
                    sku=line.sku,
                    quantity=3,
                    unit_price=line.unit_price,
                )
            ],
        ),
    )
    assert more.difference == D("10.00")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID  # no money moved
    (line,) = order.lines.all()
    less = edit(
        staff,
        order,
        data_of(
            order,
            lines=[
                LineData(
                    line_id=line.pk,
                    name=line.name,
                    sku=line.sku,
                    quantity=1,
                    unit_price=line.unit_price,
                )
            ],
        ),
    )
    assert less.difference == D("-20.00")


@pytest.mark.parametrize(
    "changes",
    [
        {"lines": []},
        {"lines": [LineData(name="x", quantity=0, unit_price=D("1"))]},
        {"lines": [LineData(name="x", quantity=1, unit_price=D("-1"))]},
        {"discounts": [DiscountData(label="Trop", kind="fixed", value=D("100"))]},
        {"lines": [LineData(name="x", quantity=1, unit_price=D("1"))] * 501},
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(staff, order, changes):
    with pytest.raises(ValidationError):
        edit(staff, order, data_of(order, customer_name="Changed", **changes))
    order.refresh_from_db()
    assert order.customer_name != "Changed" and order.version == 1
    assert order.lines.count() == 2 and not order.events.exists()


@pytest.mark.parametrize("plan", [Plan.FREE, Plan.STARTER])
def test_the_services_refuse_stores_without_the_feature(staff, order, plan):
    staff.store.plan = plan
    staff.store.save()
    with pytest.raises(FeatureNotInPlan):
        edit(staff, order, data_of(order, customer_name="X"))
    with pytest.raises(FeatureNotInPlan):
        order_create(store=staff.store, membership=staff, source="phone", data=data_of(order))
    assert not Order.objects.exclude(pk=order.pk).exists()


def test_an_order_of_another_store_cannot_be_edited(staff, other_store):
    theirs = OrderFactory(store=other_store)
    with pytest.raises(Order.DoesNotExist):
        edit(staff, theirs, data_of(theirs, customer_name="X"))


def test_manual_orders_get_the_next_numbers_and_a_created_event(staff, store):
    existing = OrderFactory(store=store)
    store.currency = "CHF"
    store.save()
    data = OrderData(
        customer_name="Camille Martin",
        customer_email="camille@example.fr",
        lines=[LineData(sku="TAS-01", name="Tasse", quantity=2, unit_price=D("9.90"))],
        shipping_total=D("5"),
    )
    phone = order_create(store=staff.store, membership=staff, source="phone", data=data)
    email = order_create(store=staff.store, membership=staff, source="email", data=data, paid=True)
    assert (phone.number, email.number) == (existing.number + 1, existing.number + 2)
    assert phone.reference == str(phone.number)
    assert phone.source == Order.Source.PHONE and email.source == Order.Source.EMAIL
    assert phone.currency == "CHF"
    assert phone.payment_status == PaymentStatus.AWAITING_PAYMENT
    assert phone.fulfillment_status == "awaiting_processing"
    assert email.payment_status == PaymentStatus.PAID
    assert phone.total == D("24.80") and phone.lines.get().line_total == D("19.80")
    event = phone.events.get()
    assert event.type == OrderEvent.Type.CREATED and event.actor == staff.user
    assert "Line added: 2 × Tasse (TAS-01)" in lines_of(event)
    assert "Recorded as paid" in lines_of(email.events.get(type=OrderEvent.Type.CREATED))


def test_a_refused_manual_order_takes_no_number(staff, store):
    bad = OrderData(customer_name="X", lines=[])
    with pytest.raises(ValidationError):
        order_create(store=staff.store, membership=staff, source="phone", data=bad)
    with pytest.raises(ValidationError):
        order_create(
            store=staff.store,
            membership=staff,
            source="storefront",
            data=OrderData(
                customer_name="X", lines=[LineData(name="a", quantity=1, unit_price=D(1))]
            ),
        )
    first = OrderFactory(store=store)
    assert first.number == 1


def test_a_storefront_order_needs_no_member_and_no_plan_feature(store):
    store.plan = Plan.FREE
    store.save()
    data = OrderData(
        customer_name="Léa Petit",
        lines=[LineData(sku="TAS-01", name="Tasse", quantity=1, unit_price=D("9.90"))],
    )
    order = order_create(store=store, source=Order.Source.STOREFRONT, data=data)
    assert order.source == Order.Source.STOREFRONT and order.total == D("9.90")
    event = order.events.get()
    assert event.actor is None
    assert lines_of(event) == ["Line added: 1 × Tasse (TAS-01)"]
    # A phone order is taken by a member: without one it is refused at the source field.
    with pytest.raises(ValidationError) as refused:
        order_create(store=store, source=Order.Source.PHONE, data=data)
    assert "source" in refused.value.message_dict
    assert Order.objects.count() == 1
