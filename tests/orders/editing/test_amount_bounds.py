"""Amounts past what the money columns hold (14 digits, 2 decimals) are refused at the field,
on both databases, before anything is written; "-0" is zero."""

from decimal import Decimal

import pytest

from numbering.models import NumberSequence
from orders.events import event_render
from orders.models import Order, OrderEvent, OrderLine
from orders.parts import LineData, OrderData, order_parts_validate
from orders.totals import MONEY_MAX, AmountTooLarge
from tests.factories import OrderFactory
from tests.orders.editing.helpers import order_post_data

pytestmark = pytest.mark.django_db
D = Decimal


def written(store) -> tuple:
    """What a refused form must leave as it was."""
    sequence = NumberSequence.objects.filter(store=store).values_list("next_number").first()
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
        sequence,
        list(Order.objects.values_list("pk", "version", "total")),
    )


def new_order(client, lines, **fields):
    fields = {"customer_name": "Camille Martin", **fields}
    return client.post("/orders/new/", order_post_data(lines=lines, **fields))


def line(quantity, price, sku="TAS-01"):
    return {"sku": sku, "name": "Tasse", "quantity": str(quantity), "unit_price": price}


def test_phone_order_of_ten_thousand_at_a_hundred_million_is_refused_at_the_line(
    owner_client, store
):
    before = written(store)
    response = new_order(owner_client, [line(1, "5.00", "A"), line(10_000, "100000000.00", "B")])
    assert response.status_code == 200
    bundle = response.context["bundle"]
    errors = bundle.lines.forms[1].errors["unit_price"]
    assert errors == [
        "Line 2 would come to €1,000,000,000,000.00: an order cannot exceed "
        "€999,999,999,999.99. Lower its quantity or its price."
    ]
    assert not bundle.lines.forms[0].errors
    assert "Line 2 would come to" in response.content.decode()
    assert written(store) == before


def test_the_refusal_is_in_french_for_a_french_user(owner_client, store):
    response = owner_client.post(
        "/orders/new/",
        order_post_data(
            lines=[line(10_000, "100000000.00")], customer_name="Camille", source="phone"
        ),
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "La ligne 1 atteindrait" in html


def test_a_total_past_the_bound_is_named_above_the_lines(owner_client, store):
    before = written(store)
    # Each line fits; their sum does not.
    lines = [line(1_000_000, "999999.99", f"L{i}") for i in range(2)]
    response = new_order(owner_client, lines)
    assert response.status_code == 200
    errors = response.context["bundle"].lines.non_form_errors()
    assert errors == [
        "The subtotal would be €1,999,999,980,000.00: an order cannot exceed €999,999,999,999.99."
    ]
    assert written(store) == before


def test_taxes_and_shipping_that_push_the_total_past_the_bound_are_refused(owner_client, store):
    before = written(store)
    data = order_post_data(
        lines=[line(1_000_000, "999999.99")],
        taxes=[{"name": "TVA", "kind": "rate", "value": "20"}],
        customer_name="Camille",
        shipping_total="999999.99",
        source="phone",
    )
    response = owner_client.post("/orders/new/", data)
    assert response.status_code == 200
    assert response.context["bundle"].lines.non_form_errors() == [
        "The total would be €1,200,000,987,999.99: an order cannot exceed €999,999,999,999.99."
    ]
    assert written(store) == before


def test_an_edit_that_makes_a_line_too_large_changes_nothing(owner_client, store):
    order = OrderFactory(store=store, lines=[("TAS-01", "Tasse", 1, D("10.00"))])
    before = written(store)
    rows = [
        {
            "line_id": order.lines.get().pk,
            "sku": "TAS-01",
            "name": "Tasse",
            "quantity": "10000",
            "unit_price": "100000000.00",
        }
    ]
    response = owner_client.post(f"/orders/{order.pk}/edit/", order_post_data(order, lines=rows))
    assert response.status_code == 200
    assert response.context["bundle"].lines.forms[0].errors["unit_price"]
    assert written(store) == before


@pytest.mark.parametrize("value", ["1e999", "NaN", "-Infinity", "1000000000000", "9" * 100_000])
def test_amounts_that_are_not_numbers_a_column_holds_are_refused(owner_client, store, value):
    before = written(store)
    response = new_order(owner_client, [line(1, value)], shipping_total=value)
    assert response.status_code == 200
    bundle = response.context["bundle"]
    assert bundle.lines.forms[0].errors["unit_price"]
    assert bundle.form.errors["shipping_total"]
    assert written(store) == before


def test_the_service_refuses_a_line_total_past_the_bound_whoever_calls_it():
    data = OrderData(
        customer_name="Camille",
        lines=[LineData(name="Tasse", quantity=10_000, unit_price=D("100000000.00"))],
    )
    with pytest.raises(AmountTooLarge) as refused:
        order_parts_validate(currency="EUR", data=data)
    assert (refused.value.part, refused.value.index) == ("line", 0)


def test_the_service_refuses_a_price_past_the_bound_before_computing(owner_client):
    data = OrderData(
        customer_name="Camille",
        lines=[LineData(name="Tasse", quantity=1, unit_price=D("1e999"))],
    )
    with pytest.raises(AmountTooLarge):
        order_parts_validate(currency="EUR", data=data)


def test_the_largest_order_that_fits_is_accepted(owner_client, store):
    response = new_order(owner_client, [line(1, "999999999.99")], shipping_total="0")
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.total == D("999999999.99") <= MONEY_MAX


def test_a_unit_price_of_minus_zero_is_zero_and_the_timeline_says_so(owner_client, store):
    order = OrderFactory(store=store, lines=[("TAS-01", "Tasse", 1, D("10.00"))])
    rows = [
        {
            "line_id": order.lines.get().pk,
            "sku": "TAS-01",
            "name": "Tasse",
            "quantity": "1",
            "unit_price": "-0",
        }
    ]
    response = owner_client.post(f"/orders/{order.pk}/edit/", order_post_data(order, lines=rows))
    assert response.status_code == 302
    line_row = order.lines.get()
    assert line_row.unit_price == 0 and not line_row.unit_price.is_signed()
    summary = event_render(OrderEvent.objects.get(order=order, type=OrderEvent.Type.EDITED)).lines
    assert summary == ["Unit price of TAS-01: €10.00 → €0.00"]
    detail = owner_client.get(f"/orders/{order.pk}/").content.decode()
    assert "-€0.00" not in detail and "−€0.00" not in detail


def test_minus_zero_shipping_and_tax_show_as_zero_in_the_timeline(owner_client, store):
    order = OrderFactory(store=store, shipping_total=D("4.90"))
    data = order_post_data(
        order,
        taxes=[{"name": "Éco-participation", "kind": "amount", "value": "-0.000"}],
        shipping_total="-0.00",
    )
    response = owner_client.post(f"/orders/{order.pk}/edit/", data)
    assert response.status_code == 302
    summary = event_render(OrderEvent.objects.get(order=order, type=OrderEvent.Type.EDITED)).lines
    assert summary == ["Shipping cost: €4.90 → €0.00", "Tax added: Éco-participation (€0.00)"]
